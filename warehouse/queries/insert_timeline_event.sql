-- One merged event. Positional: event_id, type, stage, event_date, date_precision, date_source,
-- confidence, first_reported_at, source_count, parties (JSON), background.
INSERT INTO timeline_events (event_id, type, stage, event_date, date_precision, date_source,
                             confidence, first_reported_at, source_count, parties, background)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
