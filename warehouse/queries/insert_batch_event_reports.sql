-- One batch of event_reports rows, from the frame warehouse.enrichment registers as
-- carintel_batch (its columns: warehouse.enrichment._COLUMNS['event_reports']).
INSERT INTO event_reports (
    doc_id, sentence_start, sentence_end, type, stage, confidence, evidence, event_date,
    date_precision, date_source, parties
)
SELECT
    doc_id, sentence_start, sentence_end, type, stage, confidence, evidence, event_date,
    date_precision, date_source, parties
FROM carintel_batch;
