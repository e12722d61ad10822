INSERT OR REPLACE INTO source_runs VALUES (
    $run_id, $spider, $source, try_cast($finished_at AS TIMESTAMPTZ), $requests, $items, $errors,
    $not_modified, $seen_before, $skipped,
    (SELECT count(*) FROM documents WHERE crawl_run_id = $run_id AND source = $source)
);
