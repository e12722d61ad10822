"""The weekly report's data: one ISO week of the warehouse, loaded once per render.

`load_weekly` reads a week into a `WeeklyReport` (frozen: frames and totals), through the
functions of `warehouse.weekly`, each of which runs one `warehouse/queries/weekly_*.sql` file;
the HTML (the notebook) and the Markdown digest are both made from that one object.
`save_week` / `open_week` hand it to the notebook's kernel as a file, so a render runs the
week's queries once. The rules' numbers (what a spike or a mover is) are the constants below.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from carintel_home import CHECKOUT_DATA, warehouse_file
from reports import ReportError
from warehouse import weekly as reads
from warehouse.db import WarehouseError, connect_read_only
from warehouse.snapshot import readable_path

__all__ = [
    "TOP_ENTITIES",
    "ClaimCounts",
    "WeeklyChanges",
    "WeeklyReport",
    "default_warehouse",
    "latest_week",
    "load_changes",
    "load_weekly",
    "open_week",
    "parse_week",
    "read_weekly",
    "save_week",
    "week_label",
]

TOP_ENTITIES = 15
"""How many entities the chart and the Markdown digest show."""
SPIKE_MIN_DOCUMENTS = 3
SPIKE_RATIO = 2.0
SPIKE_BASELINE_WEEKS = 4
"""A volume spike: an entity with at least SPIKE_MIN_DOCUMENTS documents this week and at least
SPIKE_RATIO times its mean weekly documents over the SPIKE_BASELINE_WEEKS weeks before (weeks
without documents count as 0, so a first appearance with 3 documents is a spike)."""
SENTIMENT_MIN_DOCUMENTS = 2
SENTIMENT_MOVERS = 5
"""Sentiment movers: the SENTIMENT_MOVERS entities whose mean polarity changed most (absolute
change) against the week before, among those with at least SENTIMENT_MIN_DOCUMENTS documents
carrying a sentiment score in both weeks."""
EMERGING_MIN_DOCUMENTS = 2
EMERGING_LIMIT = 10
"""Emerging organisations: outside the watchlist, named in at least EMERGING_MIN_DOCUMENTS
documents this week and in more than the week before; at most EMERGING_LIMIT."""
TOP_STORIES = 10
NEW_WINDOW_DAYS = 7
"""An event dated more than this many days before its first report is background (the rule
lives in enrich.events.is_background and is stored as timeline_events.background; this copy
only words the report's note, and a test keeps the two equal)."""
TREND_WEEKS = 8
TREND_ENTITIES = 6
SOCIAL_POSTS = 10
MARKDOWN_DOCUMENTS = 100
"""How many of the week's documents the Markdown digest lists (the HTML report lists all)."""

_WEEK = re.compile(r"(\d{4})-[Ww](\d{2})")
_WEEK_HINT = "use YYYY-Www, e.g. 2025-W19"


# --- weeks -------------------------------------------------------------------------------------


def parse_week(text: str) -> tuple[date, date]:
    """The Monday and Sunday of the ISO week `text` ("2025-W19")."""
    match = _WEEK.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"invalid week {text!r}: {_WEEK_HINT}")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
        sunday = monday + timedelta(days=6)
    except (ValueError, OverflowError):
        raise ValueError(
            f"invalid week {text!r}: {year} has no ISO week {week}; {_WEEK_HINT}"
        ) from None
    return monday, sunday


def week_label(day: date) -> str:
    """The ISO week that contains `day`, as "2025-W19" (the ISO year can differ from day.year)."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def latest_week(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The ISO week of the newest document's publication day, or None without documents."""
    day = reads.latest_day(conn)
    return None if day is None else week_label(day)


# --- loading -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class WeeklyReport:
    """One ISO week of the warehouse, ready to display.

    `documents`: day, published_at, title, url, source, entities (names joined by ", "), doc_id;
    oldest first. `top_entities`: entity, type, mentions, documents (this week),
    previous_documents (the week before), change; most documents first. `timeline`: day, entity,
    title, url, source; one row per (document, entity) pair, oldest first.
    """

    week: str
    start: date
    end: date
    documents: pd.DataFrame
    top_entities: pd.DataFrame
    timeline: pd.DataFrame
    total_documents: int
    total_sources: int
    total_entities: int
    changes: WeeklyChanges = field(default_factory=lambda: WeeklyChanges())


def _no_rows() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass(frozen=True, eq=False)
class WeeklyChanges:
    """What changed in the week, and the sections that follow it; each frame comes from the
    `warehouse/queries/weekly_*.sql` file of the same name (read by `warehouse.weekly`), whose
    header documents its rule and order.

    `new_events`: new developments first reported this week; `background_events`: events dated
    well before their first report that this week's documents recall (both at or above the
    report's confidence threshold). `proposed_relationships`: relationships that the week's
    confident events propose (origin 'event'). `claim_counts`: what the claims leave out
    (off-topic documents, lower-confidence events and relationships; see ClaimCounts).
    `entities`: one row per watchlist entity of the week
    with share of voice and mean sentiment against the week before. `sentiment_movers`: rows of
    `entities` (see SENTIMENT_MOVERS). `volume_spikes`: see SPIKE_*. `emerging`: see EMERGING_*.
    `top_stories`, `entity_trend` (weekly documents of the top entities), `social_buzz` (posts
    and comments by engagement), `coverage` (per source, crawl runs finished this week),
    `failures` (their failed requests by reason) and `quiet_sources` (as of the week's end).
    `sentiment_available`: whether any entity sentiment exists for the two weeks.
    """

    new_events: pd.DataFrame = field(default_factory=_no_rows)
    background_events: pd.DataFrame = field(default_factory=_no_rows)
    proposed_relationships: pd.DataFrame = field(default_factory=_no_rows)
    entities: pd.DataFrame = field(default_factory=_no_rows)
    sentiment_movers: pd.DataFrame = field(default_factory=_no_rows)
    volume_spikes: pd.DataFrame = field(default_factory=_no_rows)
    emerging: pd.DataFrame = field(default_factory=_no_rows)
    top_stories: pd.DataFrame = field(default_factory=_no_rows)
    entity_trend: pd.DataFrame = field(default_factory=_no_rows)
    social_buzz: pd.DataFrame = field(default_factory=_no_rows)
    coverage: pd.DataFrame = field(default_factory=_no_rows)
    failures: pd.DataFrame = field(default_factory=_no_rows)
    quiet_sources: pd.DataFrame = field(default_factory=_no_rows)
    sentiment_available: bool = False
    claim_counts: ClaimCounts = field(default_factory=lambda: ClaimCounts())
    review_counts: ReviewCounts = field(default_factory=lambda: ReviewCounts())


@dataclass(frozen=True)
class ClaimCounts:
    """What the week's claims leave out (warehouse/queries/weekly_claim_counts.sql): documents
    judged off-topic, which feed no claim, and new events and proposed relationships below the
    report's confidence threshold `min_confidence`, which stay in the warehouse."""

    off_topic_documents: int = 0
    lower_confidence_events: int = 0
    lower_confidence_relationships: int = 0
    min_confidence: float = 0.0


@dataclass(frozen=True)
class ReviewCounts:
    """The week's claims analysts reviewed (`carintel review`; weekly_review_counts.sql): events
    first reported in the week, the week's documents' mention links, entity sentiment and
    relevance, and the relationships the week's events propose."""

    reviewed: int = 0
    confirmed: int = 0
    rejected: int = 0
    edited: int = 0
    claims: int = 0


def _sentiment_movers(entities: pd.DataFrame) -> pd.DataFrame:
    if entities.empty:
        return entities.copy()
    both = entities[
        (entities["sentiment_documents"] >= SENTIMENT_MIN_DOCUMENTS)
        & (entities["previous_sentiment_documents"] >= SENTIMENT_MIN_DOCUMENTS)
        & entities["sentiment_change"].notna()
    ].copy()
    both["_move"] = both["sentiment_change"].abs().round(9)
    both = both.sort_values(
        ["_move", "entity", "entity_id"], ascending=[False, True, True], kind="mergesort"
    )
    return both.drop(columns="_move").head(SENTIMENT_MOVERS).reset_index(drop=True)


def load_changes(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> WeeklyChanges:
    """What changed in the week from Monday `start` to Sunday `end`, and the sections after it."""
    entities = reads.entities(conn, start, end)
    counts = reads.claim_counts(conn, start, end)
    return WeeklyChanges(
        new_events=reads.events(conn, start, end, background=False),
        background_events=reads.events(conn, start, end, background=True),
        proposed_relationships=reads.proposed_relationships(conn, start, end),
        entities=entities,
        sentiment_movers=_sentiment_movers(entities),
        volume_spikes=reads.volume_spikes(
            conn,
            start,
            end,
            weeks=SPIKE_BASELINE_WEEKS,
            min_documents=SPIKE_MIN_DOCUMENTS,
            ratio=SPIKE_RATIO,
        ),
        emerging=reads.emerging(
            conn, start, end, min_documents=EMERGING_MIN_DOCUMENTS, limit=EMERGING_LIMIT
        ),
        top_stories=reads.top_stories(conn, start, end, limit=TOP_STORIES),
        entity_trend=reads.entity_trend(conn, start, end, weeks=TREND_WEEKS, top=TREND_ENTITIES),
        social_buzz=reads.social_buzz(conn, start, end, limit=SOCIAL_POSTS),
        coverage=reads.coverage(conn, start, end),
        failures=reads.failures(conn, start, end),
        quiet_sources=reads.quiet_sources(conn, end),
        sentiment_available=reads.sentiment_scores(conn, start, end) > 0,
        claim_counts=ClaimCounts(*counts) if counts is not None else ClaimCounts(),
        review_counts=ReviewCounts(*reads.review_counts(conn, start, end)),
    )


def load_weekly(conn: duckdb.DuckDBPyConnection, week: str) -> WeeklyReport:
    """The report for ISO week `week` ("2025-W19"); a week without documents gives empty tables."""
    start, end = parse_week(week)
    documents, sources, entities = reads.totals(conn, start, end)
    return WeeklyReport(
        week=week_label(start),
        start=start,
        end=end,
        documents=reads.documents(conn, start, end),
        top_entities=reads.top_entities(conn, start, end),
        timeline=reads.timeline(conn, start, end),
        total_documents=documents,
        total_sources=sources,
        total_entities=entities,
        changes=load_changes(conn, start, end),
    )


def default_warehouse() -> Path:
    """$CARINTEL_HOME/carintel.duckdb, else the source checkout's data/carintel.duckdb (what
    `carintel lab` and a notebook opened from notebooks/ should read); `carintel_home` decides."""
    return warehouse_file(None, CHECKOUT_DATA)


def open_snapshot(warehouse: Path) -> duckdb.DuckDBPyConnection:
    try:
        return connect_read_only(readable_path(warehouse))
    except WarehouseError as exc:
        raise ReportError(str(exc)) from exc


def latest_or_raise(conn: duckdb.DuckDBPyConnection, warehouse: Path) -> str:
    week = latest_week(conn)
    if week is None:
        raise ReportError(
            f"the warehouse at {warehouse} has no documents yet, so there is no latest week to "
            "report on. Run 'carintel run' (or 'carintel run --sample') to crawl and load some "
            "news first, or name a week such as 2025-W19."
        )
    return week


def read_weekly(warehouse: str | Path | None = None, week: str | None = None) -> WeeklyReport:
    """Open the warehouse's read snapshot, load `week` (default: the latest week) and close it
    again. `warehouse` defaults to `default_warehouse()`."""
    path = Path(warehouse) if warehouse is not None else default_warehouse()
    if week is not None:
        check_week(week)
    conn = open_snapshot(path)
    try:
        return load_weekly(conn, week if week is not None else latest_or_raise(conn, path))
    finally:
        conn.close()


def check_week(week: str) -> str:
    try:
        return week_label(parse_week(week)[0])
    except ValueError as exc:
        raise ReportError(str(exc)) from exc


# --- handing the week to the notebook's kernel -------------------------------------------------


def save_week(report: WeeklyReport, path: Path) -> Path:
    """Write `report` to `path` for `open_week` in the notebook's kernel (same environment)."""
    with path.open("wb") as stream:
        pickle.dump(report, stream, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def open_week(
    warehouse: str | Path | None = None, week: str | None = None, data: str | Path | None = None
) -> WeeklyReport:
    """The week the notebook shows: the file `data` that `render_weekly` saved for it (the week
    is not queried again), else `read_weekly(warehouse, week)` for an analyst's session."""
    if data is None:
        return read_weekly(warehouse, week)
    with Path(data).open("rb") as stream:
        # Written by save_week in this render's own temporary folder, never taken from a user.
        report = pickle.load(stream)  # noqa: S301
    if not isinstance(report, WeeklyReport):
        raise ReportError(f"{data} holds no weekly report; render the report again")
    return report
