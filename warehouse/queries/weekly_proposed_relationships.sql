-- Relationships proposed by events first reported in the week (origin 'event') at or above the
-- report's confidence threshold (claim_thresholds 'event'), and those an analyst accepted from
-- such an event (origin 'analyst'), with their evidence and the documents that reported the
-- event; rejected proposals are left out (view reviewed_relationships); by subject, type,
-- object, rel_id.
-- $start, $end: the week's Monday and Sunday (inclusive), as DATE.
-- Untitled documents (posts, comments) are named by the start of their text.
WITH threshold AS (
    SELECT coalesce(max(min_confidence), 0) AS value FROM claim_thresholds WHERE claim = 'event'
),
week_events AS (
    SELECT event_id
    FROM events
    WHERE CAST(timezone('UTC', first_reported_at) AS DATE) BETWEEN $start AND $end
      AND confidence >= (SELECT value FROM threshold)
),
documents AS (
    SELECT DISTINCT r.event_id, d.doc_id,
           coalesce(nullif(trim(d.title), ''), left(d.text, 120)) AS title,
           d.canonical_url AS url,
           coalesce(d.published_at, d.first_seen_at) AS published_at
    FROM event_reports r
    JOIN documents d USING (doc_id)
    WHERE r.event_id IN (SELECT event_id FROM week_events)
),
sources AS (
    SELECT event_id,
           list(title ORDER BY published_at, doc_id) AS titles,
           list(url ORDER BY published_at, doc_id) AS urls
    FROM documents
    GROUP BY event_id
)
SELECT
    r.rel_id,
    coalesce(s.name, r.subject_id) AS subject,
    r.type,
    coalesce(o.name, r.object_id) AS object,
    r.since,
    r.status,
    coalesce(r.review_status, 'proposed') AS review_status,
    r.evidence,
    r.event_id,
    r.source_url,
    coalesce(d.titles, []) AS titles,
    coalesce(d.urls, []) AS urls
FROM reviewed_relationships r
LEFT JOIN entities s ON s.entity_id = r.subject_id
LEFT JOIN entities o ON o.entity_id = r.object_id
LEFT JOIN sources d USING (event_id)
WHERE r.origin IN ('event', 'analyst') AND r.event_id IN (SELECT event_id FROM week_events)
ORDER BY subject, r.type, object, r.rel_id;
