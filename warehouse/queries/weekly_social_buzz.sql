-- The week's posts and comments (view social_posts) by engagement (the sum of the score,
-- comments, reposts and likes counts); ties by publication time, then doc_id. At most $limit.
-- $start, $end: the week's Monday and Sunday (inclusive), as DATE.
WITH posts AS (
    SELECT doc_id, kind, source, author, title, text, url, published_at,
           score, comments, reposts, likes, engagement
    FROM social_posts
    WHERE day BETWEEN $start AND $end
),
named AS (
    SELECT m.doc_id, string_agg(DISTINCT e.name, ', ' ORDER BY e.name) AS entities
    FROM reviewed_mentions m
    JOIN entities e USING (entity_id)
    WHERE m.doc_id IN (SELECT doc_id FROM posts)
    GROUP BY m.doc_id
)
SELECT
    p.*,
    coalesce(n.entities, '') AS entities
FROM posts p
LEFT JOIN named n USING (doc_id)
ORDER BY p.engagement DESC, p.published_at, p.doc_id
LIMIT $limit;
