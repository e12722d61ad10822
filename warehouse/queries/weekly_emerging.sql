-- Organisations outside the watchlist (view candidate_mentions, grouped by name_key) named in at
-- least $min_documents documents this week and in more documents than the week before; with
-- when they were first seen, up to three of the week's documents, and the watchlist entities
-- they are named with most (how analysts spot the next venture: a newcomer that keeps company
-- with tracked carmakers). Most documents first, then most watchlist companions. At most
-- $limit rows.
-- $start, $end: this week; $prev_start: the Monday before (DATEs).
-- Untitled documents (posts, comments) are named by the start of their text. Only relevant
-- documents count (view claim_documents).
WITH named AS (
    SELECT
        u.name_key,
        u.surface,
        u.doc_id,
        coalesce(nullif(trim(d.title), ''), left(d.text, 120)) AS title,
        d.canonical_url AS url,
        coalesce(d.published_at, d.first_seen_at) AS published_at,
        CAST(timezone('UTC', coalesce(d.published_at, d.first_seen_at)) AS DATE) AS day
    FROM candidate_mentions u
    JOIN claim_documents USING (doc_id)
    JOIN documents d USING (doc_id)
),
per_name AS (
    SELECT
        name_key,
        count(DISTINCT doc_id) FILTER (WHERE day BETWEEN $start AND $end) AS documents,
        count(DISTINCT doc_id) FILTER (WHERE day >= $prev_start AND day < $start)
            AS previous_documents,
        min(day) AS first_seen
    FROM named
    WHERE day <= $end
    GROUP BY name_key
),
picked AS (
    SELECT *
    FROM per_name
    WHERE documents >= $min_documents AND documents > previous_documents
),
week_documents AS (
    SELECT DISTINCT name_key, doc_id, title, url, published_at
    FROM named
    WHERE day BETWEEN $start AND $end AND name_key IN (SELECT name_key FROM picked)
),
companions AS (
    SELECT w.name_key, e.name, count(DISTINCT w.doc_id) AS documents
    FROM week_documents w
    JOIN reviewed_mentions m USING (doc_id)
    JOIN entities e USING (entity_id)
    WHERE e.type IN ('company', 'venture', 'brand')
    GROUP BY w.name_key, e.name
),
names AS (
    SELECT name_key, first(surface ORDER BY n DESC, surface) AS name
    FROM (
        SELECT name_key, surface, count(*) AS n
        FROM named
        WHERE day BETWEEN $start AND $end AND name_key IN (SELECT name_key FROM picked)
        GROUP BY name_key, surface
    )
    GROUP BY name_key
)
SELECT
    p.name_key,
    n.name,
    CAST(p.documents AS BIGINT) AS documents,
    CAST(p.previous_documents AS BIGINT) AS previous_documents,
    p.first_seen,
    p.first_seen >= $start AS new,
    (SELECT list(w.title ORDER BY w.published_at, w.doc_id)[1:3]
     FROM week_documents w WHERE w.name_key = p.name_key) AS titles,
    (SELECT list(w.url ORDER BY w.published_at, w.doc_id)[1:3]
     FROM week_documents w WHERE w.name_key = p.name_key) AS urls,
    coalesce((SELECT list(c.name ORDER BY c.documents DESC, c.name)[1:3]
              FROM companions c WHERE c.name_key = p.name_key), []) AS named_with,
    (SELECT count(*) FROM companions c WHERE c.name_key = p.name_key) AS companions
FROM picked p
JOIN names n USING (name_key)
ORDER BY p.documents DESC, companions DESC, p.documents - p.previous_documents DESC, p.name_key
LIMIT $limit;
