-- Before a batch's enrichment is written again: everything earlier enrichment wrote for the
-- documents $ids (VARCHAR[]). One statement per table (warehouse.sql.run_each binds $ids to
-- each); the tables are those of warehouse.enrichment's EnrichmentRows.
DELETE FROM mentions WHERE list_contains($ids, doc_id);
DELETE FROM unlinked_mentions WHERE list_contains($ids, doc_id);
DELETE FROM entity_sentiment WHERE list_contains($ids, doc_id);
DELETE FROM organisation_sentiment WHERE list_contains($ids, doc_id);
DELETE FROM document_sentiment WHERE list_contains($ids, doc_id);
DELETE FROM document_relevance WHERE list_contains($ids, doc_id);
DELETE FROM event_reports WHERE list_contains($ids, doc_id);
