-- How many documents the warehouse holds.
SELECT count(*) FROM documents;
