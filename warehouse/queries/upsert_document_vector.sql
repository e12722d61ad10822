-- A document's embedding and MinHash signature. Positional: doc_id, embedding, minhash.
INSERT OR REPLACE INTO document_vectors (doc_id, embedding, minhash) VALUES (?, ?, ?);
