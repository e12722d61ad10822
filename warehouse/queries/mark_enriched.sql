-- A document done by an enrichment stage. Positional: doc_id, stage, version.
INSERT OR REPLACE INTO enrichments VALUES (?, ?, ?, now());
