-- Analysts' decisions about claims (confirm, reject, edit), loaded from the home folder's
-- append-only journal (reviews/journal.jsonl) like landing files: a correction is data, keyed by
-- a claim key derived from the claim's content, so re-enrichment, re-merging of events and new
-- models never undo it. The views *_all list every claim with its review status; the views the
-- report, the API and SQL users read (events, timeline, claim_documents, ...) honour them.

CREATE TABLE corrections (
    correction_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    claim_key VARCHAR NOT NULL,
    decision VARCHAR NOT NULL,
    new_values JSON,
    claim JSON,
    reviewer VARCHAR NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    note VARCHAR
);
COMMENT ON TABLE corrections IS 'Every analyst decision ever made (reviews/journal.jsonl of the home folder, loaded idempotently): the latest decision about a claim wins (view claim_decisions).';
COMMENT ON COLUMN corrections.correction_id IS 'Hash of the decision''s content: importing or loading it twice adds nothing.';
COMMENT ON COLUMN corrections.kind IS 'event | mention | sentiment | relevance | relationship';
COMMENT ON COLUMN corrections.claim_key IS 'The claim, by a key derived from its content (see the README, "Reviewing claims"): ev-... (event), mn-... (mention link), se-... (entity sentiment), rv-... (document relevance), rl-... (proposed relationship).';
COMMENT ON COLUMN corrections.decision IS 'confirm | reject | edit';
COMMENT ON COLUMN corrections.new_values IS 'For an edit: the new values, e.g. {"type": "investment"} or {"label": "negative"}.';
COMMENT ON COLUMN corrections.claim IS 'The claim as the analyst saw it (its fields and evidence): a confirmed claim is kept from it when a new model no longer finds it.';
COMMENT ON COLUMN corrections.reviewer IS 'Who decided ($USER or --by).';
COMMENT ON COLUMN corrections.decided_at IS 'When the decision was made.';
COMMENT ON COLUMN corrections.note IS 'The analyst''s note, if any.';

CREATE TABLE event_report_keys (
    doc_id VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    type VARCHAR NOT NULL,
    claim_key VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, sentence_start, type)
);
COMMENT ON TABLE event_report_keys IS 'Each event report''s own key, rewritten at every merge: ev- + a hash of its type, sorted party ids and date bucket (a merged event''s id is the key of one of its reports). A decision about any key of an event''s reports applies to that event, however reports merge.';
COMMENT ON COLUMN event_report_keys.doc_id IS 'event_reports.doc_id';
COMMENT ON COLUMN event_report_keys.sentence_start IS 'event_reports.sentence_start';
COMMENT ON COLUMN event_report_keys.type IS 'event_reports.type';
COMMENT ON COLUMN event_report_keys.claim_key IS 'The report''s event key.';

-- The claim keys of document claims (README, "Reviewing claims"), one definition for the views
-- and queries that need them. A key must never change: these are part of the schema.
CREATE MACRO mention_claim_key(url, entity_id, surface) AS
    'mn-' || left(sha256(url || '|' || entity_id || '|' || lower(surface)), 16);
CREATE MACRO sentiment_claim_key(url, entity_id) AS
    'se-' || left(sha256(url || '|' || entity_id), 16);
CREATE MACRO relevance_claim_key(url) AS 'rv-' || left(sha256(url), 16);
