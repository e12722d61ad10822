-- reviewed_entity_sentiment: entity sentiment as analysts reviewed it (columns of the table
-- entity_sentiment): rejected scores left out, edited labels applied. Only the documents with
-- a decision about sentiment (corrections.claim carries the doc_id) go through the keyed view
-- entity_sentiment_all; every other row passes as it is.
CREATE OR REPLACE VIEW reviewed_entity_sentiment AS
WITH decided AS (
    SELECT DISTINCT claim ->> 'doc_id' AS doc_id
    FROM claim_decisions
    WHERE kind = 'sentiment'
)
SELECT doc_id, entity_id, label, score, model, polarity, sentences
FROM entity_sentiment
WHERE doc_id NOT IN (SELECT doc_id FROM decided WHERE doc_id IS NOT NULL)
UNION ALL
SELECT doc_id, entity_id, label, score, model, polarity, sentences
FROM entity_sentiment_all
WHERE doc_id IN (SELECT doc_id FROM decided) AND review_status <> 'rejected';
COMMENT ON VIEW reviewed_entity_sentiment IS 'Entity sentiment without rejected scores and with analysts'' labels (same columns as entity_sentiment); read by entity_daily, the API and the report.';
