-- The content hash a landing file had when it was loaded (no row: never loaded). $path: its
-- path relative to the landing folder.
SELECT sha256 FROM landing_files WHERE path = $path;
