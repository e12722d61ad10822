-- One batch of document_relevance rows, from the frame warehouse.enrichment registers as
-- carintel_batch (its columns: warehouse.enrichment._COLUMNS['document_relevance']).
INSERT INTO document_relevance (
    doc_id, relevance, relevant, method
)
SELECT
    doc_id, relevance, relevant, method
FROM carintel_batch;
