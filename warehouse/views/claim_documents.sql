-- claim_documents: the documents that may state claims (events, proposed relationships,
-- sentiment movers, volume spikes, emerging organisations): those judged relevant to carmaking
-- ventures (document_relevance.relevant, threshold in config/enrich.yaml), or that an analyst
-- marked relevant (view document_relevance_all, read only for the documents with a decision).
-- Off-topic documents (a phone launch, a food-delivery quarter) stay in documents, queryable,
-- but feed no claim.
CREATE OR REPLACE VIEW claim_documents AS
WITH decided AS (
    SELECT DISTINCT claim ->> 'doc_id' AS doc_id
    FROM claim_decisions
    WHERE kind = 'relevance'
)
SELECT doc_id, relevance
FROM document_relevance
WHERE relevant AND doc_id NOT IN (SELECT doc_id FROM decided WHERE doc_id IS NOT NULL)
UNION ALL
SELECT doc_id, relevance
FROM document_relevance_all
WHERE doc_id IN (SELECT doc_id FROM decided) AND relevant;
COMMENT ON VIEW claim_documents IS 'Documents judged relevant to carmaking ventures (analysts'' relevance decisions applied): the only ones that feed claims (events, proposed relationships, sentiment movers, volume spikes, emerging organisations).';
