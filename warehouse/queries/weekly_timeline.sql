-- One row per (document, linked entity) of the week, in publication order.
-- $start, $end: the week's Monday and Sunday (inclusive), as DATE.
SELECT
    day,
    entity_name AS entity,
    title,
    url,
    source
FROM timeline
WHERE day BETWEEN $start AND $end AND entity_id IS NOT NULL
ORDER BY published_at, doc_id, entity_name, entity_id;
