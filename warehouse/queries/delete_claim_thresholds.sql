-- The claim thresholds are rewritten as a whole from the event model.
DELETE FROM claim_thresholds;
