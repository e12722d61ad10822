-- mentions_all: every watchlist mention with its claim key and review status. The claim is the
-- link "this name, in this document, means this entity": key mn- + a hash of the document's
-- canonical URL, the entity id and the name as written (lower case), so it outlives
-- re-enrichment and new models; a decision applies to every mention of that name there.
CREATE OR REPLACE VIEW mentions_all AS
WITH keyed AS (
    SELECT m.*,
           mention_claim_key(coalesce(d.canonical_url, d.url, m.doc_id), m.entity_id, m.surface)
               AS claim_key
    FROM mentions m
    LEFT JOIN documents d ON d.doc_id = m.doc_id
)
SELECT k.*, coalesce(c.status, 'unreviewed') AS review_status, c.reviewer,
       c.note AS review_note, c.decided_at AS reviewed_at
FROM keyed k
LEFT JOIN claim_decisions c ON c.kind = 'mention' AND c.claim_key = k.claim_key;
COMMENT ON VIEW mentions_all IS 'Every watchlist mention with claim_key (mn-...) and review_status; the view reviewed_mentions (read by timeline, entity_daily and the API) leaves out rejected links.';
