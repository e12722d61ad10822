-- entity_sentiment_all: every document's sentiment toward a watchlist entity, with its claim key
-- (se- + a hash of the document's canonical URL and the entity id) and review status; an edit
-- sets the label (polarity 1, 0 or -1, score 1); model_label is the model's own.
CREATE OR REPLACE VIEW entity_sentiment_all AS
WITH keyed AS (
    SELECT s.*,
           sentiment_claim_key(coalesce(d.canonical_url, d.url, s.doc_id), s.entity_id) AS claim_key
    FROM entity_sentiment s
    LEFT JOIN documents d ON d.doc_id = s.doc_id
)
SELECT
    k.doc_id,
    k.entity_id,
    coalesce(c.new_values ->> 'label', k.label) AS label,
    CASE WHEN c.new_values ->> 'label' IS NOT NULL THEN 1.0 ELSE k.score END AS score,
    k.model,
    CASE c.new_values ->> 'label'
        WHEN 'positive' THEN 1.0 WHEN 'negative' THEN -1.0 WHEN 'neutral' THEN 0.0
        ELSE k.polarity END AS polarity,
    k.sentences,
    k.label AS model_label,
    k.claim_key,
    coalesce(c.status, 'unreviewed') AS review_status,
    c.reviewer,
    c.note AS review_note,
    c.decided_at AS reviewed_at
FROM keyed k
LEFT JOIN claim_decisions c ON c.kind = 'sentiment' AND c.claim_key = k.claim_key;
COMMENT ON VIEW entity_sentiment_all IS 'Entity sentiment with claim_key (se-...), review_status and analysts'' labels applied (model_label: the model''s); reviewed_entity_sentiment leaves out rejected ones.';
