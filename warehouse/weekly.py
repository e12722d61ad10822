"""The weekly report's reads: one function per file `queries/weekly_*.sql`, each taking the
week's Monday `start` and Sunday `end` (and the rule's numbers) and returning a DataFrame or
plain values. The report (`reports.data.load_week`) decides the rules; the SQL counts.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from warehouse import sql


def _week(start: date, end: date) -> dict[str, date]:
    return {"start": start, "end": end}


def latest_day(conn: duckdb.DuckDBPyConnection) -> date | None:
    """The newest publication day (`weekly_latest_day.sql`), or None without documents."""
    found = sql.row(conn, "weekly_latest_day")
    return None if found is None else found[0]


def totals(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> tuple[int, int, int]:
    """Documents, sources and distinct entities of the week (`weekly_totals.sql`)."""
    found = sql.row(conn, "weekly_totals", _week(start, end))
    documents, sources, entities = found if found is not None else (0, 0, 0)
    return int(documents), int(sources), int(entities)


def documents(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """The week's documents, oldest first (`weekly_documents.sql`)."""
    return sql.frame(conn, "weekly_documents", _week(start, end))


def top_entities(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Entities of the week with mentions, documents and the week before's documents
    (`weekly_top_entities.sql`)."""
    return sql.frame(
        conn,
        "weekly_top_entities",
        {
            **_week(start, end),
            "prev_start": start - timedelta(days=7),
            "prev_end": start - timedelta(days=1),
        },
    )


def timeline(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """One row per (document, entity) of the week (`weekly_timeline.sql`)."""
    return sql.frame(conn, "weekly_timeline", _week(start, end))


def entities(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Every watchlist entity of the week against the week before (`weekly_entities.sql`)."""
    return sql.frame(
        conn,
        "weekly_entities",
        {
            **_week(start, end),
            "prev_start": start - timedelta(days=7),
            "prev_end": start - timedelta(days=1),
        },
    )


def sentiment_scores(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> int:
    """Entity sentiment scores of this week and the week before
    (`weekly_sentiment_available.sql`)."""
    found = sql.row(
        conn, "weekly_sentiment_available", {"prev_start": start - timedelta(days=7), "end": end}
    )
    return 0 if found is None else int(found[0])


def claim_counts(
    conn: duckdb.DuckDBPyConnection, start: date, end: date
) -> tuple[int, int, int, float] | None:
    """Off-topic documents, lower-confidence events and relationships, and the threshold
    (`weekly_claim_counts.sql`)."""
    found = sql.row(conn, "weekly_claim_counts", _week(start, end))
    if found is None:
        return None
    return int(found[0]), int(found[1]), int(found[2]), float(found[3])


def review_counts(
    conn: duckdb.DuckDBPyConnection, start: date, end: date
) -> tuple[int, int, int, int, int]:
    """The week's claims analysts reviewed, confirmed, rejected and edited, and all the week's
    claims (`weekly_review_counts.sql`)."""
    found = sql.rows(conn, "weekly_review_counts", _week(start, end))
    reviewed, confirmed, rejected, edited, claims = found[0] if found else (0, 0, 0, 0, 0)
    return int(reviewed), int(confirmed), int(rejected), int(edited), int(claims)


def events(
    conn: duckdb.DuckDBPyConnection, start: date, end: date, *, background: bool
) -> pd.DataFrame:
    """The week's new (or, with `background`, recalled) events (`weekly_new_events.sql`)."""
    return sql.frame(conn, "weekly_new_events", {**_week(start, end), "background": background})


def proposed_relationships(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Relationships the week's events propose (`weekly_proposed_relationships.sql`)."""
    return sql.frame(conn, "weekly_proposed_relationships", _week(start, end))


def volume_spikes(
    conn: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    *,
    weeks: int,
    min_documents: int,
    ratio: float,
) -> pd.DataFrame:
    """Entities whose documents jumped against their last `weeks` weeks
    (`weekly_volume_spikes.sql`)."""
    return sql.frame(
        conn,
        "weekly_volume_spikes",
        {
            **_week(start, end),
            "history_start": start - timedelta(days=7 * weeks),
            "weeks": weeks,
            "min_documents": min_documents,
            "ratio": ratio,
        },
    )


def emerging(
    conn: duckdb.DuckDBPyConnection, start: date, end: date, *, min_documents: int, limit: int
) -> pd.DataFrame:
    """Organisations outside the watchlist named more than the week before
    (`weekly_emerging.sql`)."""
    return sql.frame(
        conn,
        "weekly_emerging",
        {
            **_week(start, end),
            "prev_start": start - timedelta(days=7),
            "min_documents": min_documents,
            "limit": limit,
        },
    )


def top_stories(
    conn: duckdb.DuckDBPyConnection, start: date, end: date, *, limit: int
) -> pd.DataFrame:
    """The week's largest stories (`weekly_top_stories.sql`)."""
    return sql.frame(conn, "weekly_top_stories", {**_week(start, end), "limit": limit})


def entity_trend(
    conn: duckdb.DuckDBPyConnection, start: date, end: date, *, weeks: int, top: int
) -> pd.DataFrame:
    """Weekly documents of the week's `top` entities over `weeks` weeks
    (`weekly_entity_trend.sql`)."""
    return sql.frame(
        conn,
        "weekly_entity_trend",
        {**_week(start, end), "history_start": start - timedelta(days=7 * (weeks - 1)), "top": top},
    )


def social_buzz(
    conn: duckdb.DuckDBPyConnection, start: date, end: date, *, limit: int
) -> pd.DataFrame:
    """The week's posts and comments by engagement (`weekly_social_buzz.sql`)."""
    return sql.frame(conn, "weekly_social_buzz", {**_week(start, end), "limit": limit})


def coverage(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Crawl runs per source finished in the week (`weekly_coverage.sql`)."""
    return sql.frame(conn, "weekly_coverage", _week(start, end))


def failures(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """The week's failed requests by reason (`weekly_failures.sql`)."""
    return sql.frame(conn, "weekly_failures", _week(start, end))


def quiet_sources(conn: duckdb.DuckDBPyConnection, end: date) -> pd.DataFrame:
    """Sources quiet as of the week's Sunday (`weekly_quiet_sources.sql`)."""
    return sql.frame(conn, "weekly_quiet_sources", {"end": end})
