-- One batch of document_sentiment rows, from the frame warehouse.enrichment registers as
-- carintel_batch (its columns: warehouse.enrichment._COLUMNS['document_sentiment']).
INSERT INTO document_sentiment (
    doc_id, label, score, model, polarity
)
SELECT
    doc_id, label, score, model, polarity
FROM carintel_batch;
