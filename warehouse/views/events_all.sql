-- events_all: every event claim with its review status: the merged timeline events (a decision
-- about the key of any of an event's reports applies to it, so a decision survives re-merging),
-- with an edit's values applied, and the events analysts confirmed or edited that the models no
-- longer find (kept from the claim as the analyst saw it: found = false). off_topic: every
-- report comes from a document an analyst judged off-topic (view document_relevance_all).
CREATE OR REPLACE VIEW events_all AS
WITH keys AS (
    SELECT DISTINCT r.event_id, k.claim_key
    FROM event_reports r
    JOIN event_report_keys k USING (doc_id, sentence_start, type)
    WHERE r.event_id IS NOT NULL
    UNION
    SELECT event_id, event_id FROM timeline_events
),
decided AS (
    SELECT * EXCLUDE (n)
    FROM (
        SELECT k.event_id, c.*,
               row_number() OVER (PARTITION BY k.event_id
                                  ORDER BY c.decided_at DESC, c.correction_id DESC) AS n
        FROM keys k
        JOIN claim_decisions c ON c.kind = 'event' AND c.claim_key = k.claim_key
    )
    WHERE n = 1
),
off_topic AS (
    SELECT doc_id
    FROM document_relevance_all
    WHERE doc_id IN (SELECT claim ->> 'doc_id' FROM claim_decisions WHERE kind = 'relevance')
      AND review_status <> 'unreviewed' AND NOT relevant
),
reports AS (
    SELECT r.event_id,
           list(DISTINCT d.canonical_url ORDER BY d.canonical_url) AS source_urls,
           min(r.evidence) AS evidence,
           bool_and(r.doc_id IN (SELECT doc_id FROM off_topic)) AS off_topic
    FROM event_reports r
    LEFT JOIN documents d ON d.doc_id = r.doc_id
    WHERE r.event_id IS NOT NULL
    GROUP BY r.event_id
),
found AS (
    SELECT
        t.event_id,
        coalesce(x.new_values ->> 'type', t.type) AS type,
        t.stage,
        coalesce(x.new_values ->> 'event_date', t.event_date) AS event_date,
        coalesce(x.new_values ->> 'date_precision', t.date_precision) AS date_precision,
        CASE WHEN x.new_values ->> 'event_date' IS NOT NULL THEN 'analyst' ELSE t.date_source END
            AS date_source,
        t.confidence,
        t.first_reported_at,
        t.source_count,
        coalesce(x.new_values -> 'parties', t.parties) AS parties,
        coalesce(t.background, false) AS background,
        coalesce(r.source_urls, []) AS source_urls,
        r.evidence,
        coalesce(x.status, 'unreviewed') AS review_status,
        t.type AS model_type,
        x.reviewer,
        x.note AS review_note,
        x.decided_at AS reviewed_at,
        true AS found,
        coalesce(r.off_topic, false) AS off_topic
    FROM timeline_events t
    LEFT JOIN decided x USING (event_id)
    LEFT JOIN reports r USING (event_id)
),
kept AS (
    SELECT
        c.claim_key AS event_id,
        coalesce(c.new_values ->> 'type', c.claim ->> 'type') AS type,
        coalesce(c.claim ->> 'stage', 'announced') AS stage,
        coalesce(c.new_values ->> 'event_date', c.claim ->> 'event_date') AS event_date,
        coalesce(c.new_values ->> 'date_precision', c.claim ->> 'date_precision')
            AS date_precision,
        CASE WHEN c.new_values ->> 'event_date' IS NOT NULL THEN 'analyst'
             ELSE coalesce(c.claim ->> 'date_source', 'unknown') END AS date_source,
        coalesce(TRY_CAST(c.claim ->> 'confidence' AS DOUBLE), 1.0) AS confidence,
        TRY_CAST(c.claim ->> 'first_reported_at' AS TIMESTAMPTZ) AS first_reported_at,
        coalesce(TRY_CAST(c.claim ->> 'source_count' AS INTEGER), 0) AS source_count,
        coalesce(c.new_values -> 'parties', c.claim -> 'parties', '[]'::JSON) AS parties,
        coalesce(TRY_CAST(c.claim ->> 'background' AS BOOLEAN), false) AS background,
        coalesce(TRY_CAST(c.claim -> 'source_urls' AS VARCHAR[]), []) AS source_urls,
        c.claim ->> 'evidence' AS evidence,
        c.status AS review_status,
        c.claim ->> 'type' AS model_type,
        c.reviewer,
        c.note AS review_note,
        c.decided_at AS reviewed_at,
        false AS found,
        false AS off_topic
    FROM claim_decisions c
    WHERE c.kind = 'event' AND c.status IN ('confirmed', 'edited')
      AND c.claim_key NOT IN (SELECT claim_key FROM keys)
      AND c.claim ->> 'type' IS NOT NULL
)
SELECT * FROM found
UNION ALL
SELECT * FROM kept;
COMMENT ON VIEW events_all IS 'Every event claim with review_status (unreviewed | confirmed | rejected | edited): the merged events with edits applied (model_type: the type the model gave), and confirmed or edited events no model finds any more (found = false); off_topic: reported only by documents an analyst judged off-topic. The events view leaves out the rejected and off-topic ones.';
