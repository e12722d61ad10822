-- social_posts: posts and comments (documents.kind post | comment) with their engagement counts
-- read out of documents.engagement, and one engagement total (missing counts count as 0).
-- The one place that knows how engagement is summed: the weekly report and the API read it here.
CREATE OR REPLACE VIEW social_posts AS
WITH posts AS (
    SELECT
        d.doc_id,
        d.kind,
        d.source,
        d.author,
        d.title,
        d.text,
        d.canonical_url AS url,
        d.parent_url,
        coalesce(d.published_at, d.first_seen_at) AS published_at,
        CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE) AS day,
        try_cast(json_extract_string(d.engagement, '$.score') AS BIGINT) AS score,
        try_cast(json_extract_string(d.engagement, '$.comments') AS BIGINT) AS comments,
        try_cast(json_extract_string(d.engagement, '$.reposts') AS BIGINT) AS reposts,
        try_cast(json_extract_string(d.engagement, '$.likes') AS BIGINT) AS likes
    FROM documents d
    WHERE d.kind IN ('post', 'comment')
)
SELECT
    *,
    coalesce(score, 0) + coalesce(comments, 0) + coalesce(reposts, 0) + coalesce(likes, 0)
        AS engagement
FROM posts;
COMMENT ON VIEW social_posts IS 'Posts and comments with their engagement counts (score, comments, reposts, likes; NULL when the platform gave none) and engagement, their sum with missing counts as 0. day: UTC publication day, else first-seen day.';
