-- Failed or skipped requests of the week's crawl runs by reason (source_runs.skipped, a JSON
-- object {"reason": count}), with the sources concerned; most first, then by reason.
-- $start, $end: the week's Monday and Sunday (inclusive), as DATE.
WITH skipped AS (
    SELECT r.source, k.key AS reason, try_cast(k.value AS BIGINT) AS count
    FROM source_runs r, json_each(r.skipped) k
    WHERE CAST(timezone('UTC', r.finished_at) AS DATE) BETWEEN $start AND $end
      AND json_type(r.skipped) = 'OBJECT'
)
SELECT
    reason,
    CAST(sum(count) AS BIGINT) AS count,
    string_agg(DISTINCT source, ', ' ORDER BY source) AS sources
FROM skipped
WHERE count > 0
GROUP BY reason
ORDER BY count DESC, reason;
