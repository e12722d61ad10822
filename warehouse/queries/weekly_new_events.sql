-- The week's events, with their parties, evidence and reporting documents, most sources first,
-- then earliest, then event_id; only events at or above the report's confidence threshold
-- (claim_thresholds 'event'; the rest are counted by weekly_claim_counts.sql), or that an
-- analyst confirmed or edited. Analysts' decisions apply (view events): no rejected event,
-- edited types, dates and parties; review_status marks the reviewed ones.
-- $background = false: new developments, first reported in the week (first_reported_at, UTC
-- day) and not dated well before it (timeline_events.background).
-- $background = true: background the week's documents recall: events dated well before their
-- first report, with a report published in the week.
-- $start, $end: the week's Monday and Sunday (inclusive), as DATE.
-- Untitled documents (posts, comments) are named by the start of their text.
WITH threshold AS (
    SELECT coalesce(max(min_confidence), 0) AS value FROM claim_thresholds WHERE claim = 'event'
),
reported_this_week AS (
    SELECT DISTINCT r.event_id
    FROM event_reports r
    JOIN documents d USING (doc_id)
    WHERE CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE)
          BETWEEN $start AND $end
),
week_events AS (
    SELECT *
    FROM events
    WHERE (confidence >= (SELECT value FROM threshold)
           OR review_status IN ('confirmed', 'edited'))
      AND coalesce(background, false) = $background
      AND CASE
          WHEN $background THEN event_id IN (SELECT event_id FROM reported_this_week)
          ELSE CAST(timezone('UTC', first_reported_at) AS DATE) BETWEEN $start AND $end
      END
),
parties AS (
    SELECT
        p.event_id,
        string_agg(coalesce(e.name, p.entity_id) || ' (' || p.role || ')', ', '
                   ORDER BY coalesce(e.name, p.entity_id), p.entity_id) AS parties
    FROM event_roles p
    LEFT JOIN entities e USING (entity_id)
    WHERE p.event_id IN (SELECT event_id FROM week_events)
    GROUP BY p.event_id
),
reports AS (
    SELECT
        r.event_id,
        r.doc_id,
        r.evidence,
        r.sentence_start,
        coalesce(d.published_at, d.first_seen_at) AS published_at,
        coalesce(nullif(trim(d.title), ''), left(d.text, 120)) AS title,
        d.canonical_url AS url,
        d.source
    FROM event_reports r
    JOIN documents d USING (doc_id)
    WHERE r.event_id IN (SELECT event_id FROM week_events)
),
documents AS (
    SELECT event_id, doc_id, any_value(title) AS title, any_value(url) AS url,
           any_value(source) AS source, any_value(published_at) AS published_at
    FROM reports
    GROUP BY event_id, doc_id
),
sources AS (
    SELECT
        event_id,
        list(title ORDER BY published_at, doc_id) AS titles,
        list(url ORDER BY published_at, doc_id) AS urls,
        list(source ORDER BY published_at, doc_id) AS source_names
    FROM documents
    GROUP BY event_id
),
evidence AS (
    SELECT event_id, first(evidence ORDER BY published_at, doc_id, sentence_start) AS evidence
    FROM reports
    GROUP BY event_id
)
SELECT
    w.event_id,
    w.type,
    w.stage,
    w.event_date,
    w.date_precision,
    w.first_reported_at,
    CAST(w.source_count AS BIGINT) AS source_count,
    coalesce(p.parties, '') AS parties,
    coalesce(v.evidence, w.evidence) AS evidence,
    coalesce(s.titles, w.source_urls) AS titles,
    coalesce(s.urls, w.source_urls) AS urls,
    coalesce(s.source_names, []) AS source_names,
    w.review_status
FROM week_events w
LEFT JOIN parties p USING (event_id)
LEFT JOIN sources s USING (event_id)
LEFT JOIN evidence v USING (event_id)
ORDER BY w.source_count DESC, w.first_reported_at, w.event_id;
