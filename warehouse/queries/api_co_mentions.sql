-- api_co_mentions: entities named in the same documents as $entity (carintel.api.co_mentions).
-- share: the fraction of $entity's documents that also name the other entity.
WITH focus AS (
    SELECT DISTINCT doc_id FROM reviewed_mentions WHERE entity_id = $entity
)
SELECT
    $entity::VARCHAR AS focus_id,
    (SELECT name FROM entities WHERE entity_id = $entity) AS focus_name,
    m.entity_id,
    e.name AS entity_name,
    e.type AS entity_type,
    count(DISTINCT m.doc_id) AS documents,
    count(*) AS mentions,
    count(DISTINCT m.doc_id) / (SELECT count(*) FROM focus) AS share
FROM reviewed_mentions m
JOIN focus f USING (doc_id)
JOIN entities e ON e.entity_id = m.entity_id
WHERE m.entity_id <> $entity
GROUP BY m.entity_id, e.name, e.type
HAVING count(DISTINCT m.doc_id) >= $min_documents
ORDER BY documents DESC, mentions DESC, m.entity_id;
