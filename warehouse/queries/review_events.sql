-- Event claims to review (carintel review events, carintel.api.review): every event of the view
-- events_all with its review status, its parties by name, evidence and sources, the highest
-- impact (confidence x reporting documents) first. $start, $end DATE: the first report's UTC
-- day (NULL: every week); $status: unreviewed | confirmed | rejected | edited (NULL: all).
SELECT
    e.event_id AS key,
    e.event_id,
    e.review_status AS status,
    e.type,
    e.model_type,
    e.stage,
    e.event_date,
    e.date_precision,
    (SELECT list(coalesce(n.name, u.p.entity_id) || ' (' || coalesce(u.p.role, 'subject') || ')'
                 ORDER BY coalesce(n.name, u.p.entity_id))
     FROM unnest(from_json(e.parties, '[{"entity_id": "VARCHAR", "role": "VARCHAR"}]')) AS u(p)
     LEFT JOIN entities n ON n.entity_id = u.p.entity_id) AS parties,
    CAST(e.parties AS VARCHAR) AS party_roles,
    e.confidence,
    e.source_count,
    e.first_reported_at,
    e.background,
    e.evidence,
    e.source_urls,
    e.found,
    e.reviewer,
    e.review_note,
    e.reviewed_at,
    e.date_source,
    e.confidence * greatest(e.source_count, 1) AS impact
FROM events_all e
WHERE ($start::DATE IS NULL
       OR CAST(timezone('UTC', e.first_reported_at) AS DATE) BETWEEN $start::DATE AND $end::DATE)
  AND ($status::VARCHAR IS NULL OR e.review_status = $status::VARCHAR)
ORDER BY impact DESC, e.event_id;
