-- One relationship proposed by an event, awaiting review. Positional: rel_id, subject_id, type,
-- object_id, since, evidence, event_id, confidence.
INSERT INTO relationships (rel_id, subject_id, type, object_id, since, until, status, note,
                           source_url, origin, review_status, evidence, event_id, confidence)
VALUES (?, ?, ?, ?, ?, NULL, 'active', NULL, NULL, 'event', 'proposed', ?, ?, ?);
