-- The staged landing file, once loaded.
DROP TABLE IF EXISTS staging;
