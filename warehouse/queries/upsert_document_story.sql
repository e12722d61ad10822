-- A document's story. Positional: doc_id, story_id, duplicate_of, similarity.
INSERT OR REPLACE INTO document_stories (doc_id, story_id, duplicate_of, similarity)
VALUES (?, ?, ?, ?);
