-- A curated relationship. Positional: rel_id, subject_id, type, object_id, since, until, status,
-- note, source_url, origin.
INSERT OR REPLACE INTO relationships (rel_id, subject_id, type, object_id, since, until, status,
                                      note, source_url, origin)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
