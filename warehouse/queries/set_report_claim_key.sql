-- A report's own event key (the claim key analysts' decisions name), after
-- clear_report_claim_keys.sql. Positional: claim_key, doc_id, sentence_start, type.
INSERT OR REPLACE INTO event_report_keys (claim_key, doc_id, sentence_start, type)
VALUES (?, ?, ?, ?);
