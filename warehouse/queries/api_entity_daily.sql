-- api_entity_daily: rows of the entity_daily view. $entities VARCHAR[] (NULL: all);
-- $since / $until DATE (NULL: open).
SELECT
    day, entity_id, entity_name, entity_type, mentions, documents, mean_sentiment,
    positive, neutral, negative
FROM entity_daily
WHERE ($entities::VARCHAR[] IS NULL OR list_contains($entities::VARCHAR[], entity_id))
  AND ($since::DATE IS NULL OR day >= $since::DATE)
  AND ($until::DATE IS NULL OR day <= $until::DATE)
ORDER BY day, entity_id;
