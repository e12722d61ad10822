-- api_stories: stories overlapping [$start, $end] (UTC days; NULL: all), optionally only those
-- with a document naming $entity (NULL: any), with their members' titles, URLs and sources.
WITH picked AS (
    SELECT *
    FROM stories
    WHERE ($start::DATE IS NULL
           OR (CAST(timezone('UTC', last_published_at) AS DATE) >= $start::DATE
               AND CAST(timezone('UTC', first_published_at) AS DATE) <= $end::DATE))
      AND ($entity::VARCHAR IS NULL OR story_id IN (
            SELECT s.story_id
            FROM document_stories s
            JOIN reviewed_mentions m USING (doc_id)
            WHERE m.entity_id = $entity::VARCHAR))
),
members AS (
    SELECT
        s.story_id,
        list(d.title ORDER BY coalesce(d.published_at, d.first_seen_at), d.doc_id) AS titles,
        list(d.canonical_url ORDER BY coalesce(d.published_at, d.first_seen_at), d.doc_id) AS urls,
        list(DISTINCT d.source ORDER BY d.source) AS source_names
    FROM document_stories s
    JOIN documents d USING (doc_id)
    WHERE s.story_id IN (SELECT story_id FROM picked)
    GROUP BY s.story_id
)
SELECT
    p.story_id, p.title, p.first_published_at, p.last_published_at, p.documents, p.sources,
    p.near_copies, m.titles, m.urls, m.source_names, p.doc_ids
FROM picked p
JOIN members m USING (story_id)
ORDER BY p.documents DESC, p.sources DESC, p.first_published_at, p.story_id;
