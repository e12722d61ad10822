-- reviewed_relationships: the relationships as analysts reviewed them (columns of the table
-- relationships): the curated watchlist; proposals no analyst decided on yet; and proposals an
-- analyst confirmed, as accepted relationships with origin 'analyst' and the analyst as their
-- source (kept from the decision even when no event proposes them any more). Rejected
-- proposals are left out; a confirmed one that the watchlist now holds is not repeated.
CREATE OR REPLACE VIEW reviewed_relationships AS
WITH accepted AS (
    SELECT
        substr(c.claim_key, 4) AS rel_id,
        c.claim ->> 'subject_id' AS subject_id,
        c.claim ->> 'type' AS type,
        c.claim ->> 'object_id' AS object_id,
        c.claim ->> 'since' AS since,
        CAST(NULL AS VARCHAR) AS until,
        'active' AS status,
        coalesce(c.note, 'accepted by ' || c.reviewer) AS note,
        'analyst:' || c.reviewer AS source_url,
        'analyst' AS origin,
        'accepted' AS review_status,
        c.claim ->> 'evidence' AS evidence,
        c.claim ->> 'event_id' AS event_id,
        TRY_CAST(c.claim ->> 'confidence' AS DOUBLE) AS confidence
    FROM claim_decisions c
    WHERE c.kind = 'relationship' AND c.status IN ('confirmed', 'edited')
      AND c.claim ->> 'subject_id' IS NOT NULL AND c.claim ->> 'object_id' IS NOT NULL
)
SELECT rel_id, subject_id, type, object_id, since, until, status, note, source_url, origin,
       review_status, evidence, event_id, confidence
FROM relationships_all
WHERE origin <> 'event' OR decision_status = 'unreviewed'
UNION ALL
SELECT a.*
FROM accepted a
WHERE NOT EXISTS (
    SELECT 1 FROM relationships w
    WHERE w.origin = 'watchlist' AND w.subject_id = a.subject_id AND w.type = a.type
      AND w.object_id = a.object_id
);
COMMENT ON VIEW reviewed_relationships IS 'Relationships as analysts reviewed them: the watchlist, undecided proposals, and confirmed proposals as accepted relationships (origin analyst, source_url analyst:NAME); rejected proposals left out.';
