-- The curated relationships (subject_id, type, object_id), which proposals never repeat: the
-- watchlist's, and the proposals analysts accepted (view reviewed_relationships).
SELECT subject_id, type, object_id
FROM reviewed_relationships
WHERE origin IN ('watchlist', 'analyst');
