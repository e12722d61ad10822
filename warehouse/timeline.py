"""The timeline's reads and writes: merged events, their parties, proposed relationships,
claim thresholds and story assignments. Rows in and out are plain tuples in the column order
that each `queries/*.sql` file documents; every write step is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import duckdb

from warehouse import sql
from warehouse.db import transaction

Row = Sequence[Any]


def event_reports(conn: duckdb.DuckDBPyConnection) -> list[Row]:
    """Every event report with its document's dates (`timeline_event_reports.sql`)."""
    return sql.rows(conn, "timeline_event_reports")


def replace_timeline_events(
    conn: duckdb.DuckDBPyConnection,
    events: Iterable[tuple[Row, Sequence[Row], Sequence[Row]]],
    report_keys: Sequence[Row] = (),
) -> None:
    """Rewrite the merged events in one transaction: each item is (event row for
    `insert_timeline_event.sql`, party rows for `insert_event_party.sql`, report links for
    `link_event_report.sql`); `report_keys` are (claim_key, doc_id, sentence_start, type) rows
    for `set_report_claim_key.sql`."""
    with transaction(conn):
        sql.run(conn, "clear_report_claim_keys")
        sql.run_many(conn, "set_report_claim_key", report_keys)
        sql.run(conn, "clear_timeline_events")
        for event, parties, links in events:
            sql.run(conn, "insert_timeline_event", event)
            sql.run_many(conn, "insert_event_party", parties)
            for link in links:
                sql.run(conn, "link_event_report", link)


def watchlist_relations(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(subject_id, type, object_id) of the curated relationships (`watchlist_relations.sql`)."""
    return [(str(s), str(t), str(o)) for s, t, o in sql.rows(conn, "watchlist_relations")]


def entity_types(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """entity_id -> type (`entity_types.sql`)."""
    return {str(entity_id): str(kind) for entity_id, kind in sql.rows(conn, "entity_types")}


def proposal_events(conn: duckdb.DuckDBPyConnection) -> list[Row]:
    """(event_id, type, event_date, stage, parties JSON, evidence, confidence) of every merged
    event (`proposal_events.sql`)."""
    return sql.rows(conn, "proposal_events")


def replace_proposed_relationships(conn: duckdb.DuckDBPyConnection, rows: Sequence[Row]) -> None:
    """Rewrite the relationships proposed by events (`insert_proposed_relationship.sql` rows)."""
    with transaction(conn):
        sql.run(conn, "delete_proposed_relationships")
        sql.run_many(conn, "insert_proposed_relationship", rows)


def replace_claim_thresholds(conn: duckdb.DuckDBPyConnection, rows: Sequence[Row]) -> None:
    """Rewrite `claim_thresholds` with (claim, min_confidence, chosen_on) rows."""
    with transaction(conn):
        sql.run(conn, "delete_claim_thresholds")
        sql.run_many(conn, "insert_claim_threshold", rows)


def documents_without_story(conn: duckdb.DuckDBPyConnection) -> list[Row]:
    """(doc_id, time, title, text) of articles without a story (`documents_without_story.sql`)."""
    return sql.rows(conn, "documents_without_story")


def story_members(conn: duckdb.DuckDBPyConnection, since: datetime) -> list[Row]:
    """(doc_id, time, story_id, duplicate_of, embedding, minhash) of story members published at
    or after `since` (`story_members.sql`)."""
    return sql.rows(conn, "story_members", [since])


def write_stories(
    conn: duckdb.DuckDBPyConnection, stories: Sequence[Row], vectors: Sequence[Row]
) -> None:
    """Story assignments (doc_id, story_id, duplicate_of, similarity) and document vectors
    (doc_id, embedding, minhash), in one transaction."""
    with transaction(conn):
        sql.run_many(conn, "upsert_document_story", stories)
        sql.run_many(conn, "upsert_document_vector", vectors)
