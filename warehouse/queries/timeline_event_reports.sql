-- Every event report with its document's dates, for merging into timeline events
-- (carintel.timeline.merge_timeline); in document order.
SELECT r.doc_id, r.sentence_start, r.sentence_end, r.type, r.stage, r.confidence,
       r.evidence, r.event_date, r.date_precision, r.date_source, r.parties,
       d.published_at, d.first_seen_at
FROM event_reports r
JOIN documents d USING (doc_id)
ORDER BY r.doc_id, r.sentence_start;
