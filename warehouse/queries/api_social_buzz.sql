-- api_social_buzz: posts and comments naming $entity, with their engagement counts (view
-- social_posts; carintel.api.social_buzz). $since / $until DATE (NULL: open). Most engagement
-- first.
SELECT published_at, day, kind, source, author, title, text, url, parent_url,
       score, comments, reposts, likes, doc_id, engagement
FROM social_posts
WHERE doc_id IN (SELECT doc_id FROM reviewed_mentions WHERE entity_id = $entity)
  AND ($since::DATE IS NULL OR day >= $since::DATE)
  AND ($until::DATE IS NULL OR day <= $until::DATE)
ORDER BY engagement DESC, published_at DESC, doc_id;
