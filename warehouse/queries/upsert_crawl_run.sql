INSERT OR REPLACE INTO crawl_runs VALUES (
    $run_id, $spider, try_cast($started_at AS TIMESTAMPTZ), try_cast($finished_at AS TIMESTAMPTZ),
    $finish_reason, $pages_fetched, $items_scraped, $errors, $skipped, $repaired, $stats, now()
);
