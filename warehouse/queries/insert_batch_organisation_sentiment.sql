-- One batch of organisation_sentiment rows, from the frame warehouse.enrichment registers as
-- carintel_batch (its columns: warehouse.enrichment._COLUMNS['organisation_sentiment']).
INSERT INTO organisation_sentiment (
    doc_id, name_key, name, label, score, model, polarity, sentences
)
SELECT
    doc_id, name_key, name, label, score, model, polarity, sentences
FROM carintel_batch;
