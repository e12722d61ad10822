-- emerging_entities: organisations outside the watchlist, by how often and how recently named.
-- Which mentions count (not_organisations and names mostly tagged as places are left out) is
-- the view candidate_mentions.
CREATE OR REPLACE VIEW emerging_entities AS
WITH named AS (
    SELECT u.name_key, u.surface, u.doc_id,
           coalesce(d.published_at, d.first_seen_at) AS seen_at
    FROM candidate_mentions u JOIN documents d USING (doc_id)
),
newest AS (SELECT max(seen_at) AS newest_at FROM named)
SELECT
    name_key,
    mode(surface) AS name,
    count(DISTINCT doc_id) AS documents,
    count(*) AS mentions,
    min(seen_at) AS first_seen,
    max(seen_at) AS last_seen,
    count(DISTINCT doc_id) FILTER (WHERE seen_at > (SELECT newest_at FROM newest) - INTERVAL 7 DAY) AS documents_last_7_days,
    count(DISTINCT doc_id) FILTER (WHERE seen_at <= (SELECT newest_at FROM newest) - INTERVAL 7 DAY
                                     AND seen_at > (SELECT newest_at FROM newest) - INTERVAL 14 DAY) AS documents_previous_7_days
FROM named
GROUP BY name_key
ORDER BY documents_last_7_days DESC, documents DESC;
COMMENT ON VIEW emerging_entities IS 'Organisations the NER model found outside the watchlist (the mentions of view candidate_mentions): documents, mentions, first and last seen, and the last 7 days against the 7 before (relative to the newest document).';
