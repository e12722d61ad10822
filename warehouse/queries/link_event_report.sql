-- The merged event a report belongs to. Positional: event_id, doc_id, evidence, type.
UPDATE event_reports SET event_id = ? WHERE doc_id = ? AND evidence = ? AND type = ?;
