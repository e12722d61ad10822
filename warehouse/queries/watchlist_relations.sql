-- The curated relationships (subject_id, type, object_id), which proposals never repeat.
SELECT subject_id, type, object_id FROM relationships WHERE origin = 'watchlist';
