-- Entity sentiment to review: one row per (document, entity) of the view entity_sentiment_all,
-- with the text around the entity's first mention as evidence; the strongest first.
-- $start, $end DATE: the document's UTC publication day (NULL: all); $status (NULL: all).
WITH first_mention AS (
    SELECT doc_id, entity_id, min(char_start) AS text_start
    FROM mentions
    WHERE field = 'text'
    GROUP BY doc_id, entity_id
)
SELECT
    s.claim_key AS key,
    s.review_status AS status,
    s.doc_id,
    d.canonical_url AS url,
    d.title,
    s.entity_id,
    e.name AS entity_name,
    s.label,
    s.model_label,
    s.score,
    s.polarity,
    coalesce(substring(d.text, greatest(1, f.text_start - 119), 240), d.title) AS evidence,
    CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE) AS day,
    s.reviewer,
    s.review_note,
    s.reviewed_at,
    abs(coalesce(s.polarity, 0)) AS impact
FROM entity_sentiment_all s
JOIN documents d ON d.doc_id = s.doc_id
LEFT JOIN entities e ON e.entity_id = s.entity_id
LEFT JOIN first_mention f ON f.doc_id = s.doc_id AND f.entity_id = s.entity_id
WHERE ($start::DATE IS NULL
       OR CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE)
          BETWEEN $start::DATE AND $end::DATE)
  AND ($status::VARCHAR IS NULL OR s.review_status = $status::VARCHAR)
ORDER BY impact DESC, key;
