-- api_timeline: merged timeline events with their parties' names (carintel.api.timeline).
-- $entities VARCHAR[] (NULL: every event); $types VARCHAR[] (NULL: every type);
-- $since / $until 'YYYY-MM-DD' (NULL: open). An event date cut to its precision is compared
-- with the bounds cut to the same length, so "2025-03" lies within since "2025-03-15".
-- $new_only BOOLEAN: leave out background (events dated well before their first report).
WITH parties AS (
    SELECT
        p.event_id,
        list(coalesce(e.name, p.entity_id) ORDER BY coalesce(e.name, p.entity_id)) AS parties,
        list(p.entity_id ORDER BY coalesce(e.name, p.entity_id)) AS party_ids
    FROM event_roles p
    LEFT JOIN entities e USING (entity_id)
    GROUP BY p.event_id
)
SELECT
    v.event_id,
    v.event_date,
    v.date_precision,
    v.type,
    v.stage,
    coalesce(p.parties, []) AS parties,
    v.source_count,
    v.first_reported_at,
    v.evidence,
    list_filter(v.source_urls, lambda u: u IS NOT NULL) AS source_urls,
    coalesce(p.party_ids, []) AS party_ids,
    v.background,
    v.confidence,
    v.review_status
FROM events v
LEFT JOIN parties p USING (event_id)
WHERE ($entities::VARCHAR[] IS NULL
       OR len(list_intersect(coalesce(p.party_ids, []), $entities::VARCHAR[])) > 0)
  AND ($types::VARCHAR[] IS NULL OR list_contains($types::VARCHAR[], v.type))
  AND NOT ($new_only AND v.background)
  AND ($since::VARCHAR IS NULL
       OR (v.event_date IS NOT NULL AND v.event_date >= left($since::VARCHAR, length(v.event_date))))
  AND ($until::VARCHAR IS NULL
       OR (v.event_date IS NOT NULL AND v.event_date <= left($until::VARCHAR, length(v.event_date))))
ORDER BY v.event_date NULLS LAST, v.first_reported_at NULLS LAST, v.event_id;
