-- A migration applied now. Positional: version, file name.
INSERT INTO schema_migrations VALUES (?, ?, now());
