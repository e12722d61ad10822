-- Whether the warehouse has the corrections table (migration 010) to overlay the journal on.
SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'corrections' AND NOT temporary;
