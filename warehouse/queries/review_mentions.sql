-- Mention links to review: one row per claim (a name, in a document, linked to an entity) of
-- the view mentions_all, with the text around its first mention as evidence; the most
-- mentioned first. $start, $end DATE: the document's UTC publication day (NULL: all);
-- $status (NULL: all).
WITH claims AS (
    SELECT
        m.claim_key,
        any_value(m.review_status) AS status,
        m.doc_id,
        m.entity_id,
        any_value(m.surface) AS surface,
        count(*) AS mentions,
        arg_min(m.field, (m.field <> 'title', m.char_start)) AS field,
        min(m.char_start) FILTER (WHERE m.field = 'text') AS text_start,
        any_value(m.reviewer) AS reviewer,
        any_value(m.review_note) AS review_note,
        any_value(m.reviewed_at) AS reviewed_at
    FROM mentions_all m
    GROUP BY m.claim_key, m.doc_id, m.entity_id
)
SELECT
    c.claim_key AS key,
    c.status,
    c.doc_id,
    d.canonical_url AS url,
    d.title,
    c.entity_id,
    e.name AS entity_name,
    c.surface,
    c.mentions,
    CASE WHEN c.text_start IS NULL THEN d.title
         ELSE substring(d.text, greatest(1, c.text_start - 119), 240) END AS evidence,
    CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE) AS day,
    c.reviewer,
    c.review_note,
    c.reviewed_at,
    CAST(c.mentions AS DOUBLE) AS impact
FROM claims c
JOIN documents d ON d.doc_id = c.doc_id
LEFT JOIN entities e ON e.entity_id = c.entity_id
WHERE ($start::DATE IS NULL
       OR CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE)
          BETWEEN $start::DATE AND $end::DATE)
  AND ($status::VARCHAR IS NULL OR c.status = $status::VARCHAR)
ORDER BY impact DESC, key;
