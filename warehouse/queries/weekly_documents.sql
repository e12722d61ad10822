-- The week's documents, oldest first, with the names of the entities each one links.
-- $start, $end: the week's Monday and Sunday (inclusive), as DATE.
SELECT
    day,
    published_at,
    title,
    url,
    source,
    coalesce(string_agg(entity_name, ', ' ORDER BY entity_name), '') AS entities,
    doc_id
FROM timeline
WHERE day BETWEEN $start AND $end
GROUP BY day, published_at, doc_id, title, url, source
ORDER BY published_at, doc_id;
