-- How many of the week's claims analysts reviewed, for the report's footer: events first
-- reported in the week, the mention links, entity sentiment and relevance of the week's
-- documents, and the relationships the week's events propose (or proposed, for accepted ones).
-- $start, $end: the week's Monday and Sunday (inclusive), as DATE.
WITH week_documents AS (
    SELECT doc_id
    FROM documents
    WHERE CAST(timezone('UTC', coalesce(published_at, first_seen_at)) AS DATE)
          BETWEEN $start AND $end
),
week_events AS (
    SELECT event_id, review_status
    FROM events_all
    WHERE CAST(timezone('UTC', first_reported_at) AS DATE) BETWEEN $start AND $end
),
claims AS (
    SELECT DISTINCT 'event' AS kind, event_id AS claim_key, review_status FROM week_events
    UNION
    SELECT DISTINCT 'mention', claim_key, review_status
    FROM mentions_all JOIN week_documents USING (doc_id)
    UNION
    SELECT DISTINCT 'sentiment', claim_key, review_status
    FROM entity_sentiment_all JOIN week_documents USING (doc_id)
    UNION
    SELECT DISTINCT 'relevance', claim_key, review_status
    FROM document_relevance_all JOIN week_documents USING (doc_id)
    UNION
    SELECT DISTINCT 'relationship', r.claim_key, r.decision_status
    FROM relationships_all r JOIN week_events e USING (event_id)
    WHERE r.origin = 'event'
    UNION
    SELECT DISTINCT 'relationship', 'rl-' || r.rel_id, 'confirmed'
    FROM reviewed_relationships r JOIN week_events e USING (event_id)
    WHERE r.origin = 'analyst'
)
SELECT
    count(*) FILTER (WHERE review_status <> 'unreviewed') AS reviewed,
    count(*) FILTER (WHERE review_status = 'confirmed') AS confirmed,
    count(*) FILTER (WHERE review_status = 'rejected') AS rejected,
    count(*) FILTER (WHERE review_status = 'edited') AS edited,
    count(*) AS claims
FROM claims;
