-- timeline: one row per (document, linked entity), by publication day (UTC).
-- Documents that link no entity appear once with entity columns NULL.
CREATE OR REPLACE VIEW timeline AS
WITH per_entity AS (
    SELECT doc_id, entity_id, count(*) AS mention_count,
           bool_or(field = 'title') AS in_title
    FROM reviewed_mentions
    GROUP BY doc_id, entity_id
)
SELECT
    CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE) AS day,
    coalesce(d.published_at, d.first_seen_at) AS published_at,
    d.published_at IS NULL AS date_is_first_seen,
    d.doc_id,
    d.title,
    d.canonical_url AS url,
    d.source,
    d.kind,
    e.entity_id,
    e.name AS entity_name,
    e.type AS entity_type,
    p.mention_count,
    p.in_title
FROM documents d
LEFT JOIN per_entity p USING (doc_id)
LEFT JOIN entities e ON e.entity_id = p.entity_id;
COMMENT ON VIEW timeline IS 'Documents with their linked entities by date: one row per (document, entity); day is the UTC publication day (first-seen day when the source gives no date).';
