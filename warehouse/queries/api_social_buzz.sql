-- api_social_buzz: posts and comments naming $entity, with their engagement counts
-- (carintel.api.social_buzz). $since / $until DATE (NULL: open). Most engagement first.
WITH posts AS (
    SELECT
        coalesce(d.published_at, d.first_seen_at) AS published_at,
        CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE) AS day,
        d.kind,
        d.source,
        d.author,
        d.title,
        d.text,
        d.canonical_url AS url,
        d.parent_url,
        try_cast(json_extract_string(d.engagement, '$.score') AS BIGINT) AS score,
        try_cast(json_extract_string(d.engagement, '$.comments') AS BIGINT) AS comments,
        try_cast(json_extract_string(d.engagement, '$.reposts') AS BIGINT) AS reposts,
        try_cast(json_extract_string(d.engagement, '$.likes') AS BIGINT) AS likes,
        d.doc_id
    FROM documents d
    WHERE d.kind IN ('post', 'comment')
      AND d.doc_id IN (SELECT doc_id FROM mentions WHERE entity_id = $entity)
)
SELECT
    *,
    coalesce(score, 0) + coalesce(comments, 0) + coalesce(reposts, 0) + coalesce(likes, 0)
        AS engagement
FROM posts
WHERE ($since::DATE IS NULL OR day >= $since::DATE)
  AND ($until::DATE IS NULL OR day <= $until::DATE)
ORDER BY engagement DESC, published_at DESC, doc_id;
