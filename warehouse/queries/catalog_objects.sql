-- Every table and view of the main schema with its comment: name, kind ('table' or 'view'),
-- comment; tables first, then by name (carintel schema).
SELECT table_name, 'table', comment FROM duckdb_tables() WHERE schema_name = 'main'
UNION ALL
SELECT view_name, 'view', comment FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal
ORDER BY 2, 1;
