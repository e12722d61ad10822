-- (entity_id, type) of every entity.
SELECT entity_id, type FROM entities;
