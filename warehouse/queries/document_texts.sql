-- What enrichment reads of the documents $ids (VARCHAR[]): doc_id, title ('' when missing),
-- text, published_at, first_seen_at.
SELECT doc_id, coalesce(title, ''), text, published_at, first_seen_at
FROM documents
WHERE list_contains($ids, doc_id);
