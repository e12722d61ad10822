-- claim_decisions: the decision in force about each claim: the latest of the analysts'
-- decisions (table corrections; on a reader's connection the review journal is overlaid).
CREATE OR REPLACE VIEW claim_decisions AS
SELECT
    kind,
    claim_key,
    decision,
    CASE decision WHEN 'confirm' THEN 'confirmed' WHEN 'reject' THEN 'rejected' ELSE 'edited' END
        AS status,
    new_values,
    claim,
    reviewer,
    decided_at,
    note,
    correction_id
FROM (
    SELECT *, row_number() OVER (PARTITION BY kind, claim_key
                                 ORDER BY decided_at DESC, correction_id DESC) AS n
    FROM corrections
)
WHERE n = 1;
COMMENT ON VIEW claim_decisions IS 'The decision in force about each reviewed claim (the latest in corrections): status confirmed | rejected | edited, new_values of an edit, the claim as the analyst saw it.';
