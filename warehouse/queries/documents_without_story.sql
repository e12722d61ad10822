-- Articles not yet in a story: doc_id, publication (else first-seen) time, title, text; oldest
-- first, then doc_id.
SELECT d.doc_id, coalesce(d.published_at, d.first_seen_at), d.title, d.text
FROM documents d
LEFT JOIN document_stories s USING (doc_id)
WHERE s.doc_id IS NULL AND d.kind = 'article'
ORDER BY coalesce(d.published_at, d.first_seen_at), d.doc_id;
