-- Before the merged events are rewritten: every report's key is written again.
DELETE FROM event_report_keys;
