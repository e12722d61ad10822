-- Documents already in a story, published (else first seen) at or after the positional
-- parameter: doc_id, time, story_id, duplicate_of, embedding, minhash.
SELECT s.doc_id, coalesce(d.published_at, d.first_seen_at), s.story_id, s.duplicate_of,
       v.embedding, v.minhash
FROM document_stories s
JOIN documents d USING (doc_id)
LEFT JOIN document_vectors v USING (doc_id)
WHERE coalesce(d.published_at, d.first_seen_at) >= ?;
