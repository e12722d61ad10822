INSERT OR REPLACE INTO landing_files VALUES (
    $path, $sha256, $size, $lines, $documents_added, $duplicates, $rejected, now()
);
