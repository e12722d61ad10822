-- Proposed relationships to review: every proposal of the view relationships_all (origin
-- event) and every proposal an analyst accepted that no event proposes any more (origin
-- analyst in reviewed_relationships),
-- with the evidence of the event behind it; the most confident first. $start, $end DATE: the
-- event's first report day (NULL: all); $status (NULL: all).
WITH claims AS (
    SELECT claim_key, decision_status AS status, rel_id, subject_id, type, object_id, since,
           evidence, event_id, confidence, reviewer, review_note, reviewed_at
    FROM relationships_all
    WHERE origin = 'event'
    UNION ALL
    SELECT 'rl-' || r.rel_id, 'confirmed', r.rel_id, r.subject_id, r.type, r.object_id,
           r.since, r.evidence, r.event_id, r.confidence, c.reviewer, c.note, c.decided_at
    FROM reviewed_relationships r
    JOIN claim_decisions c ON c.kind = 'relationship' AND c.claim_key = 'rl-' || r.rel_id
    WHERE r.origin = 'analyst'
      AND r.rel_id NOT IN (SELECT rel_id FROM relationships WHERE origin = 'event')
)
SELECT
    c.claim_key AS key,
    c.status,
    c.rel_id,
    c.subject_id,
    coalesce(s.name, c.subject_id) AS subject,
    c.type,
    c.object_id,
    coalesce(o.name, c.object_id) AS object,
    c.since,
    c.evidence,
    c.event_id,
    c.confidence,
    c.reviewer,
    c.review_note,
    c.reviewed_at,
    coalesce(c.confidence, 0) AS impact
FROM claims c
LEFT JOIN entities s ON s.entity_id = c.subject_id
LEFT JOIN entities o ON o.entity_id = c.object_id
LEFT JOIN events_all e ON e.event_id = c.event_id
WHERE ($start::DATE IS NULL
       OR CAST(timezone('UTC', e.first_reported_at) AS DATE) BETWEEN $start::DATE AND $end::DATE)
  AND ($status::VARCHAR IS NULL OR c.status = $status::VARCHAR)
ORDER BY impact DESC, key;
