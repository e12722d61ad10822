-- Mention links to review: one row per claim (a name, in a document, linked to an entity) with
-- its key (as the view mentions_all gives it) and status, and the text around its first mention
-- as evidence; the most mentioned first. $start, $end DATE: the document's UTC publication day
-- (NULL: all; only those documents' mentions are keyed); $status (NULL: all).
WITH week_documents AS (
    SELECT doc_id, coalesce(canonical_url, url, doc_id) AS url
    FROM documents
    WHERE $start::DATE IS NULL
       OR CAST(timezone('UTC', coalesce(published_at, first_seen_at)) AS DATE)
          BETWEEN $start::DATE AND $end::DATE
),
keyed AS (
    SELECT m.*, mention_claim_key(w.url, m.entity_id, m.surface) AS claim_key
    FROM mentions m
    JOIN week_documents w USING (doc_id)
),
claims AS (
    SELECT
        k.claim_key,
        coalesce(any_value(c.status), 'unreviewed') AS status,
        k.doc_id,
        k.entity_id,
        any_value(k.surface) AS surface,
        count(*) AS mentions,
        min(k.char_start) FILTER (WHERE k.field = 'text') AS text_start,
        any_value(c.reviewer) AS reviewer,
        any_value(c.note) AS review_note,
        any_value(c.decided_at) AS reviewed_at
    FROM keyed k
    LEFT JOIN claim_decisions c ON c.kind = 'mention' AND c.claim_key = k.claim_key
    GROUP BY k.claim_key, k.doc_id, k.entity_id
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
WHERE $status::VARCHAR IS NULL OR c.status = $status::VARCHAR
ORDER BY impact DESC, key;
