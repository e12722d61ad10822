-- api_relationships: dated relationships with both entities' names (carintel.api.relationships
-- and carintel.api.alliances).
-- Partial dates mean their whole period: a since of "2021" starts on 2021-01-01, "2021-12" on
-- 2021-12-01; an until of "2024" ends on 2024-12-31, "2024-12" on 2024-12-31.
-- $as_of DATE: only relationships that held that day (never a cancelled one; an ended one whose
-- end date is unknown held at some time before today, so it counts for past dates only); NULL: all.
-- $entity: only those with the entity on either side (NULL: all).
-- $include_proposed: also relationships proposed by extracted events (review_status proposed).
-- Analysts' decisions apply (view reviewed_relationships): rejected proposals are left out,
-- accepted ones are accepted relationships with origin 'analyst'.
WITH bounded AS (
    SELECT
        r.*,
        CASE length(r.since)
            WHEN 4 THEN try_cast(r.since || '-01-01' AS DATE)
            WHEN 7 THEN try_cast(r.since || '-01' AS DATE)
            ELSE try_cast(r.since AS DATE)
        END AS starts_on,
        CASE length(r.until)
            WHEN 4 THEN try_cast(r.until || '-12-31' AS DATE)
            WHEN 7 THEN last_day(try_cast(r.until || '-01' AS DATE))
            ELSE try_cast(r.until AS DATE)
        END AS ends_on
    FROM reviewed_relationships r
)
SELECT
    b.rel_id,
    b.subject_id,
    s.name AS subject_name,
    s.type AS subject_type,
    b.type,
    b.object_id,
    o.name AS object_name,
    o.type AS object_type,
    b.since,
    b.until,
    b.starts_on,
    b.ends_on,
    b.status,
    coalesce(b.review_status, 'accepted') AS review_status,
    b.note,
    b.source_url,
    b.evidence,
    b.event_id,
    b.origin
FROM bounded b
LEFT JOIN entities s ON s.entity_id = b.subject_id
LEFT JOIN entities o ON o.entity_id = b.object_id
WHERE ($entity::VARCHAR IS NULL OR $entity::VARCHAR IN (b.subject_id, b.object_id))
  AND (coalesce(b.review_status, 'accepted') = 'accepted'
       OR ($include_proposed AND b.review_status = 'proposed'))
  AND ($as_of::DATE IS NULL
       OR (b.status <> 'cancelled'
           AND (b.starts_on IS NULL OR b.starts_on <= $as_of::DATE)
           AND (b.ends_on IS NULL OR b.ends_on >= $as_of::DATE)
           AND NOT (b.status = 'ended' AND b.ends_on IS NULL AND $as_of::DATE >= current_date)))
ORDER BY b.object_id, b.type, b.starts_on NULLS FIRST, b.subject_id;
