-- Weekly documents of the week's top $top watchlist entities (by documents this week, then
-- mentions, name, id) over the $weeks ISO weeks that end with this one; weeks without documents
-- are 0. $start, $end: this week; $history_start: the Monday $weeks - 1 weeks before (DATEs).
WITH named AS (
    SELECT DISTINCT t.entity_id, t.doc_id, t.day, t.mention_count
    FROM timeline t
    JOIN entities e USING (entity_id)
    WHERE t.day BETWEEN $history_start AND $end AND e.in_watchlist
),
top_entities AS (
    SELECT entity_id, row_number() OVER (
        ORDER BY count(DISTINCT doc_id) DESC, sum(mention_count) DESC, any_value(e.name), entity_id
    ) AS rank
    FROM named JOIN entities e USING (entity_id)
    WHERE day >= $start
    GROUP BY entity_id
    QUALIFY rank <= $top
),
weeks AS (
    SELECT CAST(generate_series AS DATE) AS week_start
    FROM generate_series(
        CAST($history_start AS TIMESTAMP), CAST($start AS TIMESTAMP), INTERVAL 7 DAY
    )
),
counts AS (
    SELECT entity_id, CAST(date_trunc('week', day) AS DATE) AS week_start,
           count(DISTINCT doc_id) AS documents
    FROM named
    WHERE entity_id IN (SELECT entity_id FROM top_entities)
    GROUP BY ALL
)
SELECT
    t.entity_id,
    e.name AS entity,
    t.rank,
    w.week_start,
    CAST(coalesce(c.documents, 0) AS BIGINT) AS documents
FROM top_entities t
CROSS JOIN weeks w
JOIN entities e USING (entity_id)
LEFT JOIN counts c ON c.entity_id = t.entity_id AND c.week_start = w.week_start
ORDER BY t.rank, w.week_start;
