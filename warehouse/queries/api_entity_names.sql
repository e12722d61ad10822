-- api_entity_names: every entity with its aliases, for carintel.api.resolve_entity.
SELECT e.entity_id, e.name, e.type, a.alias
FROM entities e
LEFT JOIN aliases a USING (entity_id)
ORDER BY e.entity_id, a.alias;
