-- api_emerging: rows of the emerging_entities view named in at least $min_documents documents,
-- at most $limit of them.
SELECT
    name_key, name, documents, mentions, first_seen, last_seen, documents_last_7_days,
    documents_previous_7_days
FROM emerging_entities
WHERE documents >= $min_documents
ORDER BY documents_last_7_days DESC, documents DESC, name_key
LIMIT $limit;
