-- reviewed_mentions: the mentions analysts have not rejected (columns of the table mentions).
-- Only the mentions of documents with a decision about a mention (corrections.claim carries
-- the doc_id) are keyed and checked: every other mention passes as it is, so the views that
-- read this one (timeline, entity_daily) cost no more for a warehouse of millions of mentions.
CREATE OR REPLACE VIEW reviewed_mentions AS
WITH decided AS (
    SELECT DISTINCT claim ->> 'doc_id' AS doc_id
    FROM claim_decisions
    WHERE kind = 'mention' AND status = 'rejected'
)
SELECT m.*
FROM mentions m
WHERE m.doc_id NOT IN (SELECT doc_id FROM decided WHERE doc_id IS NOT NULL)
UNION ALL
SELECT * EXCLUDE (claim_key, review_status, reviewer, review_note, reviewed_at)
FROM mentions_all
WHERE doc_id IN (SELECT doc_id FROM decided) AND review_status <> 'rejected';
COMMENT ON VIEW reviewed_mentions IS 'Watchlist mentions without the links analysts rejected (same columns as mentions).';
