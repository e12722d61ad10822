-- source_health: one row per source, from its crawl runs, newest first; flags for `carintel status`.
CREATE OR REPLACE VIEW source_health AS
WITH runs AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY source ORDER BY finished_at DESC, run_id DESC) AS age,
        CASE WHEN requests > 0 THEN errors / requests ELSE 0 END AS error_rate
    FROM source_runs
),
per_source AS (
    SELECT
        source,
        count(*) AS runs,
        max(finished_at) AS last_run,
        any_value(items) FILTER (WHERE age = 1) AS last_items,
        any_value(new_documents) FILTER (WHERE age = 1) AS last_new_documents,
        any_value(errors) FILTER (WHERE age = 1) AS last_errors,
        any_value(error_rate) FILTER (WHERE age = 1) AS last_error_rate,
        avg(error_rate) FILTER (WHERE age BETWEEN 2 AND 6) AS previous_error_rate,
        coalesce(min(age) FILTER (WHERE new_documents > 0) - 1, count(*)) AS runs_without_new
    FROM runs
    GROUP BY source
)
SELECT
    *,
    runs_without_new >= 3 AS quiet,
    last_errors >= 3 AND last_error_rate >= 0.5
        AND last_error_rate > 2 * coalesce(previous_error_rate, 0) + 0.1 AS errors_jumped
FROM per_source;
COMMENT ON VIEW source_health IS 'Per source: runs, what the last run delivered, error rates; quiet = no new document in the last 3 or more runs; errors_jumped = at least half of the last run''s requests failed, more than twice the rate before.';
