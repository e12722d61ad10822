-- Entities linked by the week's documents, with the previous week's document count to compare.
-- $start, $end: this week (inclusive); $prev_start, $prev_end: the week before (inclusive).
WITH this_week AS (
    SELECT entity_id,
           any_value(entity_name) AS entity,
           any_value(entity_type) AS type,
           sum(mention_count) AS mentions,
           count(DISTINCT doc_id) AS documents
    FROM timeline
    WHERE day BETWEEN $start AND $end AND entity_id IS NOT NULL
    GROUP BY entity_id
),
previous_week AS (
    SELECT entity_id, count(DISTINCT doc_id) AS documents
    FROM timeline
    WHERE day BETWEEN $prev_start AND $prev_end AND entity_id IS NOT NULL
    GROUP BY entity_id
)
SELECT
    t.entity,
    t.type,
    CAST(t.mentions AS BIGINT) AS mentions,
    CAST(t.documents AS BIGINT) AS documents,
    CAST(coalesce(p.documents, 0) AS BIGINT) AS previous_documents,
    CAST(t.documents - coalesce(p.documents, 0) AS BIGINT) AS change
FROM this_week t
LEFT JOIN previous_week p USING (entity_id)
ORDER BY documents DESC, mentions DESC, t.entity, t.entity_id;
