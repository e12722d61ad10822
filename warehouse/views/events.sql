-- events: timeline events with their reporting documents, as analysts reviewed them: rejected
-- events, and those reported only by documents an analyst judged off-topic, are left out (view
-- events_all keeps them), edits are applied, and confirmed events stay even when a new model no
-- longer finds them.
CREATE OR REPLACE VIEW events AS
SELECT
    event_id, type, stage, event_date, date_precision, date_source, confidence,
    first_reported_at, source_count, parties, background, source_urls, evidence, review_status
FROM events_all
WHERE review_status <> 'rejected' AND NOT off_topic;
COMMENT ON VIEW events IS 'Timeline events (merged across reports) with the URLs of the documents that reported them and one evidence sentence; background marks events dated well before their first report. Analysts'' decisions apply: no rejected event, edited values, confirmed events kept (review_status).';
