-- Sources that were quiet at the end of the week: no new document in their last 3 or more runs
-- that finished by then (the rule of the source_health view, as of the week's Sunday).
-- $end: the week's Sunday, as DATE.
WITH runs AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY source ORDER BY finished_at DESC, run_id DESC) AS age
    FROM source_runs
    WHERE CAST(timezone('UTC', finished_at) AS DATE) <= $end
),
per_source AS (
    SELECT
        source,
        count(*) AS runs,
        max(finished_at) AS last_run,
        coalesce(min(age) FILTER (WHERE new_documents > 0) - 1, count(*)) AS runs_without_new,
        max(finished_at) FILTER (WHERE new_documents > 0) AS last_new_at
    FROM runs
    GROUP BY source
)
SELECT source, CAST(runs AS BIGINT) AS runs, CAST(runs_without_new AS BIGINT) AS runs_without_new,
       last_run, last_new_at
FROM per_source
WHERE runs_without_new >= 3
ORDER BY runs_without_new DESC, source;
