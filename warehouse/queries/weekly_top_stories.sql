-- Stories with documents published in the week, by the week's documents, then sources, then
-- earliest, then story_id; with every member's title, URL and source (all weeks). At most $limit.
-- $start, $end: the week's Monday and Sunday (inclusive), as DATE.
-- Untitled documents (posts, comments) are named by the start of their text.
WITH members AS (
    SELECT
        s.story_id,
        d.doc_id,
        coalesce(nullif(trim(d.title), ''), left(d.text, 120)) AS title,
        d.canonical_url AS url,
        d.source,
        coalesce(d.published_at, d.first_seen_at) AS published_at,
        CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE) AS day
    FROM document_stories s
    JOIN documents d USING (doc_id)
),
per_story AS (
    SELECT
        story_id,
        count(*) FILTER (WHERE day BETWEEN $start AND $end) AS week_documents,
        count(*) AS documents,
        count(DISTINCT source) AS sources,
        min(published_at) AS first_published_at,
        first(title ORDER BY published_at, doc_id) AS title,
        first(url ORDER BY published_at, doc_id) AS url,
        list(title ORDER BY published_at, doc_id) AS titles,
        list(url ORDER BY published_at, doc_id) AS urls,
        list(source ORDER BY published_at, doc_id) AS source_names
    FROM members
    GROUP BY story_id
)
SELECT
    story_id, title, url, first_published_at,
    CAST(week_documents AS BIGINT) AS week_documents,
    CAST(documents AS BIGINT) AS documents,
    CAST(sources AS BIGINT) AS sources,
    titles, urls, source_names
FROM per_story
WHERE week_documents > 0
ORDER BY week_documents DESC, sources DESC, first_published_at, story_id
LIMIT $limit;
