-- The week's posts and comments (documents.kind post | comment) by engagement: the sum of the
-- score, comments, reposts and likes counts in documents.engagement (missing counts are 0); ties
-- by publication time, then doc_id. At most $limit.
-- $start, $end: the week's Monday and Sunday (inclusive), as DATE.
WITH posts AS (
    SELECT
        d.doc_id,
        d.kind,
        d.source,
        d.author,
        d.title,
        d.text,
        d.canonical_url AS url,
        coalesce(d.published_at, d.first_seen_at) AS published_at,
        try_cast(json_extract_string(d.engagement, '$.score') AS BIGINT) AS score,
        try_cast(json_extract_string(d.engagement, '$.comments') AS BIGINT) AS comments,
        try_cast(json_extract_string(d.engagement, '$.reposts') AS BIGINT) AS reposts,
        try_cast(json_extract_string(d.engagement, '$.likes') AS BIGINT) AS likes
    FROM documents d
    WHERE d.kind IN ('post', 'comment')
      AND CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE)
          BETWEEN $start AND $end
),
named AS (
    SELECT m.doc_id, string_agg(DISTINCT e.name, ', ' ORDER BY e.name) AS entities
    FROM mentions m
    JOIN entities e USING (entity_id)
    WHERE m.doc_id IN (SELECT doc_id FROM posts)
    GROUP BY m.doc_id
)
SELECT
    p.*,
    coalesce(p.score, 0) + coalesce(p.comments, 0) + coalesce(p.reposts, 0)
        + coalesce(p.likes, 0) AS engagement,
    coalesce(n.entities, '') AS entities
FROM posts p
LEFT JOIN named n USING (doc_id)
ORDER BY engagement DESC, p.published_at, p.doc_id
LIMIT $limit;
