-- entity_daily: mentions and mean sentiment per entity per publication day (UTC).
CREATE OR REPLACE VIEW entity_daily AS
WITH days AS (
    SELECT doc_id, CAST(timezone('UTC', coalesce(published_at, first_seen_at)) AS DATE) AS day
    FROM documents
),
counts AS (
    SELECT d.day, m.entity_id, count(*) AS mentions, count(DISTINCT m.doc_id) AS documents
    FROM reviewed_mentions m JOIN days d USING (doc_id)
    GROUP BY ALL
),
tone AS (
    SELECT d.day, s.entity_id, avg(s.polarity) AS mean_sentiment,
           count(*) FILTER (WHERE s.label = 'positive') AS positive,
           count(*) FILTER (WHERE s.label = 'neutral') AS neutral,
           count(*) FILTER (WHERE s.label = 'negative') AS negative
    FROM reviewed_entity_sentiment s JOIN days d USING (doc_id)
    GROUP BY ALL
)
SELECT c.day, c.entity_id, e.name AS entity_name, e.type AS entity_type, c.mentions, c.documents,
       t.mean_sentiment, coalesce(t.positive, 0) AS positive, coalesce(t.neutral, 0) AS neutral,
       coalesce(t.negative, 0) AS negative
FROM counts c
JOIN entities e USING (entity_id)
LEFT JOIN tone t USING (day, entity_id);
COMMENT ON VIEW entity_daily IS 'Per entity per publication day: mentions, documents, mean sentiment (polarity -1..1) and documents by sentiment label.';
