-- Every column of the main schema: table_name, column_name, data_type, comment; in table order.
SELECT table_name, column_name, data_type, comment
FROM duckdb_columns()
WHERE schema_name = 'main'
ORDER BY table_name, column_index;
