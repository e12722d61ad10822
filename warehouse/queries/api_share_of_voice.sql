-- api_share_of_voice: each entity's documents per period, over the documents that mention any
-- of the entities in that period (carintel.api.share_of_voice). $entities VARCHAR[]; $unit: a
-- date_trunc part; $since / $until DATE on the UTC publication day (NULL: open).
-- Every (period, entity) pair appears, with 0 when the entity was not named.
WITH named AS (
    SELECT DISTINCT
        m.doc_id,
        m.entity_id,
        CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE) AS day
    FROM reviewed_mentions m
    JOIN documents d USING (doc_id)
    WHERE list_contains($entities::VARCHAR[], m.entity_id)
),
hits AS (
    SELECT doc_id, entity_id, CAST(date_trunc($unit::VARCHAR, day) AS DATE) AS period
    FROM named
    WHERE ($since::DATE IS NULL OR day >= $since::DATE)
      AND ($until::DATE IS NULL OR day <= $until::DATE)
),
totals AS (
    SELECT period, count(DISTINCT doc_id) AS total_documents FROM hits GROUP BY period
),
counts AS (
    SELECT period, entity_id, count(*) AS documents FROM hits GROUP BY period, entity_id
),
chosen AS (
    SELECT entity_id, name FROM entities WHERE list_contains($entities::VARCHAR[], entity_id)
)
SELECT
    t.period,
    c.entity_id,
    c.name AS entity_name,
    coalesce(n.documents, 0) AS documents,
    t.total_documents,
    coalesce(n.documents, 0) / t.total_documents AS share
FROM totals t
CROSS JOIN chosen c
LEFT JOIN counts n ON n.period = t.period AND n.entity_id = c.entity_id
ORDER BY t.period, c.entity_id;
