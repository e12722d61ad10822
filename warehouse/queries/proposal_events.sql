-- The merged events that relationship proposals are read from, by event_id.
SELECT event_id, type, event_date, stage, parties, evidence, confidence
FROM events
ORDER BY event_id;
