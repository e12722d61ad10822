-- One batch of unlinked_mentions rows, from the frame warehouse.enrichment registers as
-- carintel_batch (its columns: warehouse.enrichment._COLUMNS['unlinked_mentions']).
INSERT INTO unlinked_mentions (
    doc_id, field, char_start, char_end, surface, name_key, label, score
)
SELECT
    doc_id, field, char_start, char_end, surface, name_key, label, score
FROM carintel_batch;
