-- event_roles: the parties of each event of the view events (edited parties included), one row
-- per (event, entity), for joins.
CREATE OR REPLACE VIEW event_roles AS
SELECT DISTINCT e.event_id, p.entity_id, coalesce(p.role, 'subject') AS role
FROM events e,
     unnest(from_json(e.parties, '[{"entity_id": "VARCHAR", "role": "VARCHAR"}]')) AS u(p)
WHERE p.entity_id IS NOT NULL;
COMMENT ON VIEW event_roles IS 'Parties of the events in the view events (analysts'' edits applied): event_id, entity_id, role.';
