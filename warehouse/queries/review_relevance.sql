-- Relevance judgements to review: one row per document of the view document_relevance_all,
-- the headline and lead as evidence; the closest calls first. $start, $end DATE: the
-- document's UTC publication day (NULL: all); $status (NULL: all).
SELECT
    r.claim_key AS key,
    r.review_status AS status,
    r.doc_id,
    d.canonical_url AS url,
    d.title,
    r.relevant,
    r.model_relevant,
    r.relevance,
    left(d.text, 240) AS evidence,
    CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE) AS day,
    r.reviewer,
    r.review_note,
    r.reviewed_at,
    1 - abs(r.relevance - 0.5) * 2 AS impact
FROM document_relevance_all r
JOIN documents d ON d.doc_id = r.doc_id
WHERE ($start::DATE IS NULL
       OR CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE)
          BETWEEN $start::DATE AND $end::DATE)
  AND ($status::VARCHAR IS NULL OR r.review_status = $status::VARCHAR)
ORDER BY impact DESC, key;
