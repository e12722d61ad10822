-- reviewed_entity_sentiment: entity sentiment as analysts reviewed it (columns of the table
-- entity_sentiment): rejected scores left out, edited labels applied.
CREATE OR REPLACE VIEW reviewed_entity_sentiment AS
SELECT doc_id, entity_id, label, score, model, polarity, sentences
FROM entity_sentiment_all
WHERE review_status <> 'rejected';
COMMENT ON VIEW reviewed_entity_sentiment IS 'Entity sentiment without rejected scores and with analysts'' labels (same columns as entity_sentiment); read by entity_daily, the API and the report.';
