-- Before the merged events are written again: no timeline event, party or report link is left.
DELETE FROM event_parties;
DELETE FROM timeline_events;
UPDATE event_reports SET event_id = NULL;
