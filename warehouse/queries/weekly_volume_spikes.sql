-- Volume spikes: entities with at least $min_documents documents this week and at least $ratio
-- times their mean weekly documents over the $weeks weeks before (weeks without documents count
-- as 0). Each comes with the story holding most of its documents this week (ties: the earlier
-- story, then story_id), linked through that story's first document.
-- $start, $end: this week; $history_start: the Monday $weeks weeks before $start (DATEs).
-- Untitled documents (posts, comments) are named by the start of their text. Only relevant
-- documents count (view claim_documents), this week and in the baseline.
WITH named AS (
    SELECT DISTINCT t.entity_id, t.doc_id, t.day
    FROM timeline t
    JOIN entities e USING (entity_id)
    JOIN claim_documents USING (doc_id)
    WHERE t.day BETWEEN $history_start AND $end AND e.in_watchlist
),
per_entity AS (
    SELECT
        entity_id,
        count(*) FILTER (WHERE day >= $start) AS documents,
        count(*) FILTER (WHERE day < $start) / CAST($weeks AS DOUBLE) AS baseline
    FROM named
    GROUP BY entity_id
),
spikes AS (
    SELECT *
    FROM per_entity
    WHERE documents >= $min_documents AND documents >= $ratio * baseline
),
story_documents AS (
    SELECT n.entity_id, s.story_id, count(*) AS documents
    FROM named n
    JOIN document_stories s USING (doc_id)
    WHERE n.day >= $start AND n.entity_id IN (SELECT entity_id FROM spikes)
    GROUP BY n.entity_id, s.story_id
),
story_heads AS (
    SELECT
        s.story_id,
        min(coalesce(d.published_at, d.first_seen_at)) AS first_published_at,
        first(coalesce(nullif(trim(d.title), ''), left(d.text, 120))
              ORDER BY coalesce(d.published_at, d.first_seen_at), d.doc_id) AS title,
        first(d.canonical_url ORDER BY coalesce(d.published_at, d.first_seen_at), d.doc_id) AS url,
        count(*) AS documents,
        count(DISTINCT d.source) AS sources
    FROM document_stories s
    JOIN documents d USING (doc_id)
    WHERE s.story_id IN (SELECT story_id FROM story_documents)
    GROUP BY s.story_id
),
top_story AS (
    SELECT sd.entity_id, sd.story_id, sd.documents AS entity_documents, h.title, h.url,
           h.documents AS story_documents, h.sources AS story_sources
    FROM story_documents sd
    JOIN story_heads h USING (story_id)
    QUALIFY row_number() OVER (
        PARTITION BY sd.entity_id
        ORDER BY sd.documents DESC, h.first_published_at, sd.story_id
    ) = 1
)
SELECT
    s.entity_id,
    e.name AS entity,
    CAST(s.documents AS BIGINT) AS documents,
    s.baseline,
    CASE WHEN s.baseline > 0 THEN s.documents / s.baseline END AS ratio,
    t.story_id,
    t.title AS story_title,
    t.url AS story_url,
    CAST(coalesce(t.entity_documents, 0) AS BIGINT) AS story_entity_documents,
    CAST(coalesce(t.story_documents, 0) AS BIGINT) AS story_documents,
    CAST(coalesce(t.story_sources, 0) AS BIGINT) AS story_sources
FROM spikes s
JOIN entities e USING (entity_id)
LEFT JOIN top_story t USING (entity_id)
ORDER BY s.documents - s.baseline DESC, s.documents DESC, entity, s.entity_id;
