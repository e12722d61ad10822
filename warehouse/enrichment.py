"""Reading documents to enrich and writing enrichment results back, one batch per transaction.

Rows come in as plain dicts whose keys are the columns documented in `migrations/`; a batch
replaces everything earlier enrichment wrote for its documents, so re-enriching (a new watchlist
or model version) never leaves stale rows behind, and a crash half-way loses only the open batch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from warehouse import sql
from warehouse.db import transaction

# Column order of each table, for the bulk inserts below (queries/insert_batch_TABLE.sql name
# the same columns; queries/clear_enrichment.sql deletes from the same tables).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "mentions": ("doc_id", "entity_id", "field", "char_start", "char_end", "surface", "method",
                 "label", "score"),
    "unlinked_mentions": ("doc_id", "field", "char_start", "char_end", "surface", "name_key",
                          "label", "score"),
    "entity_sentiment": ("doc_id", "entity_id", "label", "score", "model", "polarity",
                         "sentences"),
    "organisation_sentiment": ("doc_id", "name_key", "name", "label", "score", "model",
                               "polarity", "sentences"),
    "document_sentiment": ("doc_id", "label", "score", "model", "polarity"),
    "document_relevance": ("doc_id", "relevance", "relevant", "method"),
    "event_reports": ("doc_id", "sentence_start", "sentence_end", "type", "stage", "confidence",
                      "evidence", "event_date", "date_precision", "date_source", "parties"),
}  # fmt: skip


@dataclass(frozen=True)
class EnrichmentRows:
    """What one batch of documents produced; each list holds rows of the table of that name."""

    mentions: list[dict[str, Any]] = field(default_factory=list)
    unlinked_mentions: list[dict[str, Any]] = field(default_factory=list)
    entity_sentiment: list[dict[str, Any]] = field(default_factory=list)
    organisation_sentiment: list[dict[str, Any]] = field(default_factory=list)
    document_sentiment: list[dict[str, Any]] = field(default_factory=list)
    document_relevance: list[dict[str, Any]] = field(default_factory=list)
    event_reports: list[dict[str, Any]] = field(default_factory=list)


def pending_documents(
    conn: duckdb.DuckDBPyConnection, stage: str, version: str, rebuild: bool = False
) -> list[str]:
    """Ids of documents that `stage` has not processed at `version` (new, or older version);
    with `rebuild`, every document."""
    rows = sql.rows(
        conn, "pending_documents", {"stage": stage, "version": version, "rebuild": rebuild}
    )
    return [r[0] for r in rows]


def document_texts(conn: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
    """{doc_id, title, text, published_at, first_seen_at} for the given ids, in that order."""
    if not doc_ids:
        return []
    rows = sql.rows(conn, "document_texts", {"ids": list(doc_ids)})
    by_id = {
        r[0]: {
            "doc_id": r[0],
            "title": r[1],
            "text": r[2],
            "published_at": r[3],
            "first_seen_at": r[4],
        }
        for r in rows
    }
    return [by_id[i] for i in doc_ids if i in by_id]


def _insert(conn: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    if not rows:
        return
    columns = _COLUMNS[table]
    frame = pd.DataFrame([[row.get(c) for c in columns] for row in rows], columns=list(columns))
    conn.register("carintel_batch", frame)
    try:
        sql.run(conn, f"insert_batch_{table}")  # queries/insert_batch_TABLE.sql
    finally:
        conn.unregister("carintel_batch")


def write_enrichment(
    conn: duckdb.DuckDBPyConnection,
    stage: str,
    version: str,
    doc_ids: Sequence[str],
    rows: EnrichmentRows,
) -> None:
    """Replace the enrichment of these documents with `rows` and mark them done, atomically."""
    ids = list(doc_ids)
    with transaction(conn):
        sql.run_each(conn, "clear_enrichment", {"ids": ids})
        for table in _COLUMNS:
            _insert(conn, table, getattr(rows, table))
        sql.run_many(conn, "mark_enriched", [(d, stage, version) for d in ids])


def record_enrichment_run(
    conn: duckdb.DuckDBPyConnection,
    run_id: str,
    started_at: Any,
    documents: int,
    versions: Mapping[str, str],
) -> None:
    sql.run(
        conn,
        "record_enrichment_run",
        [run_id, started_at, documents, json.dumps(dict(versions), sort_keys=True)],
    )
