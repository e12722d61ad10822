-- One kind of claim's threshold. Positional: claim, min_confidence, chosen_on.
INSERT INTO claim_thresholds (claim, min_confidence, chosen_on) VALUES (?, ?, ?);
