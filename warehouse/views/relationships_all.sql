-- relationships_all: every relationship with its claim key and review status: curated ones
-- (origin watchlist, claim_key NULL) and proposed ones (origin event; key rl- + the proposal's
-- rel_id, a hash of subject, type and object).
CREATE OR REPLACE VIEW relationships_all AS
SELECT r.*,
       CASE WHEN r.origin = 'event' THEN 'rl-' || r.rel_id END AS claim_key,
       CASE WHEN r.origin = 'event' THEN coalesce(c.status, 'unreviewed') ELSE 'accepted' END
           AS decision_status,
       c.reviewer,
       c.note AS review_note,
       c.decided_at AS reviewed_at
FROM relationships r
LEFT JOIN claim_decisions c
       ON r.origin = 'event' AND c.kind = 'relationship' AND c.claim_key = 'rl-' || r.rel_id;
COMMENT ON VIEW relationships_all IS 'Every relationship with claim_key (rl-..., proposals only) and decision_status (unreviewed | confirmed | rejected for proposals; accepted for the curated ones).';
