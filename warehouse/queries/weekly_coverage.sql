-- Per source, the crawl runs (source_runs) that finished in the week (UTC days): runs, requests,
-- items delivered, new documents, failed requests; by source.
-- $start, $end: the week's Monday and Sunday (inclusive), as DATE.
SELECT
    source,
    count(*) AS runs,
    CAST(sum(requests) AS BIGINT) AS requests,
    CAST(sum(items) AS BIGINT) AS items,
    CAST(sum(coalesce(new_documents, 0)) AS BIGINT) AS new_documents,
    CAST(sum(errors) AS BIGINT) AS errors,
    max(finished_at) AS last_run
FROM source_runs
WHERE CAST(timezone('UTC', finished_at) AS DATE) BETWEEN $start AND $end
GROUP BY source
ORDER BY source;
