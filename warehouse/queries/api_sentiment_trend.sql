-- api_sentiment_trend: mean polarity toward each entity per period (carintel.api.sentiment_trend).
-- $entities VARCHAR[]; $unit: a date_trunc part (day, week, month, quarter, year);
-- $since / $until DATE on the UTC publication day (NULL: open).
WITH scored AS (
    SELECT
        s.entity_id,
        s.doc_id,
        s.polarity,
        s.label,
        CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE) AS day
    FROM reviewed_entity_sentiment s
    JOIN documents d USING (doc_id)
    WHERE list_contains($entities::VARCHAR[], s.entity_id)
),
periods AS (
    SELECT *, CAST(date_trunc($unit::VARCHAR, day) AS DATE) AS period
    FROM scored
    WHERE ($since::DATE IS NULL OR day >= $since::DATE)
      AND ($until::DATE IS NULL OR day <= $until::DATE)
)
SELECT
    s.period,
    s.entity_id,
    e.name AS entity_name,
    count(DISTINCT s.doc_id) AS documents,
    avg(s.polarity) AS mean_polarity,
    count(*) FILTER (WHERE s.label = 'positive') AS positive,
    count(*) FILTER (WHERE s.label = 'neutral') AS neutral,
    count(*) FILTER (WHERE s.label = 'negative') AS negative
FROM periods s
JOIN entities e USING (entity_id)
GROUP BY ALL
ORDER BY s.period, s.entity_id;
