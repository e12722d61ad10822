-- reviewed_mentions: the mentions analysts have not rejected (columns of the table mentions).
CREATE OR REPLACE VIEW reviewed_mentions AS
SELECT * EXCLUDE (claim_key, review_status, reviewer, review_note, reviewed_at)
FROM mentions_all
WHERE review_status <> 'rejected';
COMMENT ON VIEW reviewed_mentions IS 'Watchlist mentions without the links analysts rejected (same columns as mentions).';
