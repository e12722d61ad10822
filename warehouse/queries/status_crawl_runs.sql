-- carintel status: the latest crawl runs (newest first, at most 6 spider runs).
SELECT run_id, spider, finished_at, pages_fetched, items_scraped, skipped, repaired
FROM crawl_runs
ORDER BY run_id DESC, spider
LIMIT 6;
