"""Reading documents to enrich and writing enrichment results back, one batch per transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb

from warehouse.db import transaction
from warehouse.loader import query


def pending_documents(conn: duckdb.DuckDBPyConnection, stage: str, version: str) -> list[str]:
    """Ids of documents that `stage` has not processed at `version` (new, or older version)."""
    rows = conn.execute(query("pending_documents"), {"stage": stage, "version": version}).fetchall()
    return [r[0] for r in rows]


def document_texts(conn: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
    """{doc_id, title, text, published_at} for the given ids, in the given order."""
    if not doc_ids:
        return []
    rows = conn.execute(
        "SELECT doc_id, coalesce(title, ''), text, published_at FROM documents"
        " WHERE list_contains($ids, doc_id)",
        {"ids": list(doc_ids)},
    ).fetchall()
    by_id = {
        r[0]: {"doc_id": r[0], "title": r[1], "text": r[2], "published_at": r[3]} for r in rows
    }
    return [by_id[i] for i in doc_ids if i in by_id]


def replace_mentions(
    conn: duckdb.DuckDBPyConnection,
    stage: str,
    version: str,
    method: str,
    doc_ids: Sequence[str],
    mentions: Iterable[Mapping[str, Any]],
) -> int:
    """Replace `method`'s mentions of these documents and mark them enriched, atomically.

    Mentions: {doc_id, entity_id, field, start, end, text}. Returns the number written.
    """
    rows = [
        (m["doc_id"], m["entity_id"], m["field"], m["start"], m["end"], m["text"], method)
        for m in mentions
    ]
    with transaction(conn):
        conn.execute(
            "DELETE FROM mentions WHERE method = $method AND list_contains($ids, doc_id)",
            {"method": method, "ids": list(doc_ids)},
        )
        if rows:
            conn.executemany(
                "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows
            )
        conn.executemany(
            "INSERT OR REPLACE INTO enrichments VALUES (?, ?, ?, now())",
            [(d, stage, version) for d in doc_ids],
        )
    return len(rows)
