-- One party of a merged event. Positional: event_id, entity_id, role.
INSERT OR REPLACE INTO event_parties (event_id, entity_id, role) VALUES (?, ?, ?);
