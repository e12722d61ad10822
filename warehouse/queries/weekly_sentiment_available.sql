-- How many entity sentiment scores exist for documents of this week and the week before
-- (0: no sentiment model configured, or it has not run on these documents).
-- $prev_start: the Monday before; $end: this week's Sunday (DATEs).
SELECT count(*) AS scored
FROM reviewed_entity_sentiment s
JOIN documents d USING (doc_id)
WHERE s.polarity IS NOT NULL
  AND CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE)
      BETWEEN $prev_start AND $end;
