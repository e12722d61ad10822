-- Every column of the main schema: table_name, column_name, data_type, comment; in table order.
-- Temporary tables (a reader's overlay of the review journal) are not the warehouse's.
SELECT table_name, column_name, data_type, comment
FROM duckdb_columns()
WHERE schema_name = 'main' AND database_name <> 'temp'
ORDER BY table_name, column_index;
