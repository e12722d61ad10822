-- Every table and view of the main schema with its comment: name, kind ('table' or 'view'),
-- comment; tables first, then by name (carintel schema). Temporary ones (a reader's overlay of
-- the review journal, warehouse.journal) are not the warehouse's.
SELECT table_name, 'table', comment
FROM duckdb_tables()
WHERE schema_name = 'main' AND NOT temporary
UNION ALL
SELECT view_name, 'view', comment
FROM duckdb_views()
WHERE schema_name = 'main' AND NOT internal AND NOT temporary
ORDER BY 2, 1;
