-- One analyst decision (warehouse.corrections); a decision already loaded is skipped.
-- Positional: correction_id, kind, claim_key, decision, new_values, claim, reviewer,
-- decided_at, note. On a reader's connection `corrections` is the temporary overlay.
INSERT INTO corrections (correction_id, kind, claim_key, decision, new_values, claim, reviewer,
                         decided_at, note)
VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMPTZ), ?)
ON CONFLICT DO NOTHING;
