-- One enrichment run. Positional: run_id, started_at, documents, versions (JSON).
INSERT OR REPLACE INTO enrichment_runs VALUES (?, ?, now(), ?, ?);
