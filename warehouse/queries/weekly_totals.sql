-- The week's totals: documents, the sources they came from and the distinct entities they link.
-- $start, $end: the week's Monday and Sunday (inclusive), as DATE.
SELECT
    count(DISTINCT doc_id) AS documents,
    count(DISTINCT source) AS sources,
    count(DISTINCT entity_id) AS entities
FROM timeline
WHERE day BETWEEN $start AND $end;
