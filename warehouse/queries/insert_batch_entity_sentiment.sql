-- One batch of entity_sentiment rows, from the frame warehouse.enrichment registers as
-- carintel_batch (its columns: warehouse.enrichment._COLUMNS['entity_sentiment']).
INSERT INTO entity_sentiment (
    doc_id, entity_id, label, score, model, polarity, sentences
)
SELECT
    doc_id, entity_id, label, score, model, polarity, sentences
FROM carintel_batch;
