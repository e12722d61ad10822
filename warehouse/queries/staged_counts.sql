-- The staged landing file's lines with a URL, and those complete enough to become documents.
SELECT count(*) FILTER (WHERE url IS NOT NULL),
       count(*) FILTER (WHERE url IS NOT NULL AND canonical_url IS NOT NULL
                          AND source IS NOT NULL AND text IS NOT NULL
                          AND content_hash IS NOT NULL AND fetched_at IS NOT NULL
                          AND crawl_run_id IS NOT NULL)
FROM staging;
