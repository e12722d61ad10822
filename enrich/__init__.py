"""Enrichment: pure functions, text in, annotations out. Imports neither `crawlers` nor `warehouse`.

- `linker` and `resolve`: watchlist entities by alias, and NER spans linked by name;
- `models`, `ner`, `sentiment`: the bundled (or configured) transformer models and their use;
- `events`, `dates`, `stories`, `embeddings`: events with their own dates, stories;
- `relevance`: is a document about carmaking ventures;
- `pipeline`: all of it over a batch of documents (`enrich_documents`);
- `training`: rebuilding and evaluating the bundled models.

Models are built once and passed in, so tests can pass tiny ones.
"""

import os

# torch's OpenMP threads spin while they wait for work by default. On a machine whose cores
# other jobs share, a spinning thread holds a core another thread needs, and every operator
# waits for the slowest: measured here with two threads on two busy cores, an MPNet batch took
# 4-7x longer (bf16) and 1.5x longer (fp32) than with passive waiting, which costs nothing
# measurable on idle cores. Set before torch loads (a caller's own setting wins).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
