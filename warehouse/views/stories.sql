-- stories: one row per story, with its documents and sources.
CREATE OR REPLACE VIEW stories AS
SELECT
    s.story_id,
    count(*) AS documents,
    count(DISTINCT d.source) AS sources,
    count(*) FILTER (WHERE s.duplicate_of IS NOT NULL) AS near_copies,
    min(coalesce(d.published_at, d.first_seen_at)) AS first_published_at,
    max(coalesce(d.published_at, d.first_seen_at)) AS last_published_at,
    arg_min(d.title, coalesce(d.published_at, d.first_seen_at)) AS title,
    list(d.doc_id ORDER BY coalesce(d.published_at, d.first_seen_at)) AS doc_ids
FROM document_stories s
JOIN documents d USING (doc_id)
GROUP BY s.story_id;
COMMENT ON VIEW stories IS 'Stories: documents about one development within a time window (syndicated copies included), with their first title and source count.';
