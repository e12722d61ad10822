-- api_mentions: document-level mentions, one row per (document, entity) of the timeline view.
-- $entities VARCHAR[] (NULL: every linked entity); $since / $until DATE (NULL: open).
SELECT
    day, published_at, date_is_first_seen, doc_id, title, url, source, kind,
    entity_id, entity_name, entity_type, mention_count, in_title
FROM timeline
WHERE entity_id IS NOT NULL
  AND ($entities::VARCHAR[] IS NULL OR list_contains($entities::VARCHAR[], entity_id))
  AND ($since::DATE IS NULL OR day >= $since::DATE)
  AND ($until::DATE IS NULL OR day <= $until::DATE)
ORDER BY day, published_at, doc_id, entity_id;
