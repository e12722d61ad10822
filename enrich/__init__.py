"""Enrichment: pure functions, text in, annotations out. Imports neither `crawlers` nor `warehouse`.

- `linker` and `resolve`: watchlist entities by alias, and NER spans linked by name;
- `models`, `ner`, `sentiment`: the bundled (or configured) transformer models and their use;
- `events`, `dates`, `stories`, `embeddings`: events with their own dates, stories;
- `relevance`: is a document about carmaking ventures;
- `pipeline`: all of it over a batch of documents (`enrich_documents`);
- `training`: rebuilding and evaluating the bundled models.

Models are built once and passed in, so tests can pass tiny ones.
"""
