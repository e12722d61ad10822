-- claim_documents: the documents that may state claims (events, proposed relationships,
-- sentiment movers, volume spikes, emerging organisations): those judged relevant to carmaking
-- ventures (document_relevance.relevant, threshold in config/enrich.yaml), or that an analyst
-- marked relevant (view document_relevance_all). Off-topic documents (a phone launch, a
-- food-delivery quarter) stay in documents, queryable, but feed no claim.
CREATE OR REPLACE VIEW claim_documents AS
SELECT doc_id, relevance
FROM document_relevance_all
WHERE relevant;
COMMENT ON VIEW claim_documents IS 'Documents judged relevant to carmaking ventures (analysts'' relevance decisions applied): the only ones that feed claims (events, proposed relationships, sentiment movers, volume spikes, emerging organisations).';
