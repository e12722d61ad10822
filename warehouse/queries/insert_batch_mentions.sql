-- One batch of mentions rows, from the frame warehouse.enrichment registers as
-- carintel_batch (its columns: warehouse.enrichment._COLUMNS['mentions']).
INSERT INTO mentions (
    doc_id, entity_id, field, char_start, char_end, surface, method, label, score
)
SELECT
    doc_id, entity_id, field, char_start, char_end, surface, method, label, score
FROM carintel_batch;
