-- A name NER tags ORG that is no organisation (watchlist not_organisations). Positional: both
-- columns of not_organisations.
INSERT INTO not_organisations VALUES (?, ?);
