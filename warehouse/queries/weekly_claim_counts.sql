-- What the week's claims leave out, for the report to say so: documents judged off-topic
-- (document_relevance.relevant = false: they feed no claim), and the new events and proposed
-- relationships below the report's confidence threshold (claim_thresholds 'event'), which stay
-- in the warehouse. $start, $end: the week's Monday and Sunday (inclusive), as DATE.
WITH threshold AS (
    SELECT coalesce(max(min_confidence), 0) AS value FROM claim_thresholds WHERE claim = 'event'
),
week_documents AS (
    SELECT doc_id
    FROM documents
    WHERE CAST(timezone('UTC', coalesce(published_at, first_seen_at)) AS DATE)
          BETWEEN $start AND $end
),
week_events AS (
    SELECT event_id, confidence, coalesce(background, false) AS background
    FROM events
    WHERE review_status NOT IN ('confirmed', 'edited')
      AND CAST(timezone('UTC', first_reported_at) AS DATE) BETWEEN $start AND $end
)
SELECT
    (SELECT count(*) FROM document_relevance_all r JOIN week_documents USING (doc_id)
     WHERE NOT r.relevant) AS off_topic_documents,
    (SELECT count(*) FROM week_events
     WHERE NOT background AND confidence < (SELECT value FROM threshold))
        AS lower_confidence_events,
    (SELECT count(*) FROM reviewed_relationships r JOIN week_events e USING (event_id)
     WHERE r.origin = 'event' AND e.confidence < (SELECT value FROM threshold))
        AS lower_confidence_relationships,
    (SELECT value FROM threshold) AS min_confidence;
