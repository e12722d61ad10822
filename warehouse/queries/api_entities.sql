-- api_entities: the tracked entities, optionally of one type ($type NULL: all).
SELECT entity_id, name, type, country, description, in_watchlist
FROM entities
WHERE $type IS NULL OR type = $type
ORDER BY type, name, entity_id;
