-- How many of the week's claims analysts reviewed, for the report's footer: events first
-- reported in the week, the mention links, entity sentiment and relevance of the week's
-- documents, and the relationships the week's events propose (or proposed, for accepted ones).
-- Document claims are counted without their keys (a mention claim is a document, an entity and
-- a name; the decisions name their document), so the footer stays cheap on a large warehouse.
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
document_claims AS (
    SELECT count(DISTINCT (doc_id, entity_id, lower(surface))) AS claims
    FROM mentions WHERE doc_id IN (SELECT doc_id FROM week_documents)
    UNION ALL
    SELECT count(*) FROM entity_sentiment WHERE doc_id IN (SELECT doc_id FROM week_documents)
    UNION ALL
    SELECT count(*) FROM document_relevance WHERE doc_id IN (SELECT doc_id FROM week_documents)
),
claims AS (
    SELECT DISTINCT 'event' AS kind, event_id AS claim_key, review_status FROM week_events
    UNION
    SELECT DISTINCT 'relationship', r.claim_key, r.decision_status
    FROM relationships_all r JOIN week_events e USING (event_id)
    WHERE r.origin = 'event'
    UNION
    SELECT DISTINCT 'relationship', 'rl-' || r.rel_id, 'confirmed'
    FROM reviewed_relationships r JOIN week_events e USING (event_id)
    WHERE r.origin = 'analyst'
    UNION
    SELECT kind, claim_key, status
    FROM claim_decisions
    WHERE kind IN ('mention', 'sentiment', 'relevance')
      AND claim ->> 'doc_id' IN (SELECT doc_id FROM week_documents)
)
SELECT
    count(*) FILTER (WHERE review_status <> 'unreviewed') AS reviewed,
    count(*) FILTER (WHERE review_status = 'confirmed') AS confirmed,
    count(*) FILTER (WHERE review_status = 'rejected') AS rejected,
    count(*) FILTER (WHERE review_status = 'edited') AS edited,
    count(*) FILTER (WHERE kind IN ('event', 'relationship'))
        + (SELECT sum(claims) FROM document_claims) AS claims
FROM claims;
