-- A watchlist alias. Positional: entity_id, alias, case_sensitive, lang.
INSERT INTO aliases (entity_id, alias, case_sensitive, lang) VALUES (?, ?, ?, ?);
