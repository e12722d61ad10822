"""Synthetic but realistic documents for timing enrichment at scale.

Each document is built from the bundled sample corpus: the title and the sentences of one
sample article, then sentences of a second one, with the companies the watchlist names swapped
for other watchlist companies by a per-document mapping and the dates moved by whole days, so
the texts read like venture news (the linker, NER, sentiment, relevance and events all have
work to do) but no two documents, and few sentences in one batch, are the same.

`enrich_projection` loads them into a fresh warehouse and times `carintel enrich`'s own
function (`carintel.enrichment.enrich_warehouse`: batches, the writes, the timeline) on them.
"""

from __future__ import annotations

import random
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from carintel.config import alias_rows, entity_rows, load_enrich_config, load_watchlist
from carintel.config import relationship_rows as relationships
from carintel.enrichment import build_enricher, enrich_warehouse
from carintel.sample_site import load_articles
from enrich.sentences import sentences
from warehouse import connect
from warehouse.loader import sync_watchlist


def _company_names(watchlist: Any) -> list[str]:
    return sorted({e.name for e in watchlist.entities if e.type == "company"})


def synthetic_documents(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """`n` documents as rows of the warehouse's `documents` table."""
    watchlist = load_watchlist()
    names = _company_names(watchlist)
    pattern = re.compile("|".join(re.escape(name) for name in sorted(names, key=len, reverse=True)))
    articles = load_articles()
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        first, second = rng.sample(articles, 2)
        swap = dict(zip(names, rng.sample(names, len(names)), strict=True))

        def rename(text: str, swap: dict[str, str] = swap) -> str:
            return pattern.sub(lambda m: swap[m.group()], text)

        body = sentences(first.plain_text) + sentences(second.plain_text)[: rng.randint(2, 8)]
        published = first.published + timedelta(days=rng.randint(-600, 0))
        rows.append(
            {
                "doc_id": f"{i:016x}",
                "url": f"https://news.example/{i}",
                "title": rename(first.title),
                "text": rename(" ".join(body)),
                "published_at": published,
                "source": f"source{i % 40}",
            }
        )
    return rows


def load(path: Path, rows: list[dict[str, Any]]) -> None:
    watchlist = load_watchlist()
    conn = connect(path)
    sync_watchlist(conn, entity_rows(watchlist), alias_rows(watchlist), relationships(watchlist))
    conn.executemany(
        """
        INSERT INTO documents (doc_id, canonical_url, url, title, text, published_at, source,
            kind, content_hash, word_count, first_seen_at, crawl_run_id)
        VALUES ($doc_id, $url, $url, $title, $text, $published_at, $source, 'article',
            md5($text), len(string_split($text, ' ')), $published_at, 'synthetic')
        """,
        rows,
    )
    conn.close()


def enrich_projection(documents: int, threads: int | None = None) -> dict[str, float]:
    """Seconds to enrich `documents` synthetic documents with the shipped configuration
    (models loaded beforehand, not counted), documents per second and per hour."""
    config = load_enrich_config()
    if threads:
        config = config.model_copy(update={"threads": threads})
    enricher = build_enricher(load_watchlist(), config)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "enrich.duckdb"
        load(path, synthetic_documents(documents))
        conn = connect(path)
        try:
            started = time.perf_counter()
            result = enrich_warehouse(conn, enricher)
            seconds = time.perf_counter() - started
        finally:
            conn.close()
    rate = result.documents / seconds
    return {"documents": result.documents, "seconds": seconds, "per_second": rate,
            "per_hour": rate * 3600}  # fmt: skip
