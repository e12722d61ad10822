-- Documents not yet enriched by a stage at the given version, oldest first; with $rebuild,
-- every document (carintel enrich --rebuild).
SELECT d.doc_id
FROM documents d
LEFT JOIN enrichments e ON e.doc_id = d.doc_id AND e.stage = $stage
WHERE $rebuild OR e.version IS DISTINCT FROM $version
ORDER BY d.first_seen_at, d.doc_id;
