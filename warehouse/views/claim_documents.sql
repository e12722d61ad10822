-- claim_documents: the documents that may state claims (events, proposed relationships,
-- sentiment movers, volume spikes, emerging organisations): those enrichment judged relevant to
-- carmaking ventures (document_relevance.relevant, threshold in config/enrich.yaml). Off-topic
-- documents (a phone launch, a food-delivery quarter) stay in documents, queryable, but feed
-- no claim.
CREATE OR REPLACE VIEW claim_documents AS
SELECT doc_id, relevance
FROM document_relevance
WHERE relevant;
COMMENT ON VIEW claim_documents IS 'Documents judged relevant to carmaking ventures: the only ones that feed claims (events, proposed relationships, sentiment movers, volume spikes, emerging organisations).';
