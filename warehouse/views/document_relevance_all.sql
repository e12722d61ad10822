-- document_relevance_all: each document's relevance judgement with its claim key (rv- + a hash
-- of the canonical URL) and review status. relevant is the judgement in force: an edit sets it,
-- a rejection turns round the judgement the analyst saw; model_relevant is the model's own.
CREATE OR REPLACE VIEW document_relevance_all AS
WITH keyed AS (
    SELECT r.*,
           relevance_claim_key(coalesce(d.canonical_url, d.url, r.doc_id)) AS claim_key
    FROM document_relevance r
    LEFT JOIN documents d ON d.doc_id = r.doc_id
)
SELECT
    k.doc_id,
    k.relevance,
    CASE
        WHEN c.status = 'edited' THEN coalesce(TRY_CAST(c.new_values ->> 'relevant' AS BOOLEAN),
                                               k.relevant)
        WHEN c.status = 'rejected' THEN NOT coalesce(TRY_CAST(c.claim ->> 'relevant' AS BOOLEAN),
                                                     k.relevant)
        ELSE k.relevant
    END AS relevant,
    k.method,
    k.relevant AS model_relevant,
    k.claim_key,
    coalesce(c.status, 'unreviewed') AS review_status,
    c.reviewer,
    c.note AS review_note,
    c.decided_at AS reviewed_at
FROM keyed k
LEFT JOIN claim_decisions c ON c.kind = 'relevance' AND c.claim_key = k.claim_key;
COMMENT ON VIEW document_relevance_all IS 'Relevance judgements with claim_key (rv-...), review_status and the judgement in force (relevant; model_relevant: the model''s).';
