"""The Python API for analysts: the warehouse as pandas DataFrames.

Every function opens the published read snapshot (`carintel-read.duckdb`, see
`warehouse.snapshot`) read-only, runs one query from `warehouse/queries/api_*.sql` and closes the
connection again, so a notebook never holds the warehouse open and never blocks the weekly run.

Which warehouse: the `home=` argument of each function (a carintel home folder or a
`.duckdb` file), else this module's `warehouse` setting, else `$CARINTEL_HOME`, else the
checkout's `data/` (as `reports.weekly.default_warehouse`)::

    >>> from carintel import api
    >>> api.warehouse = "/var/lib/carintel"          # once per notebook
    >>> api.timeline("hima", since="2025-01").head()

Entities are named by id (`"hima"`) or by name or alias (`"HIMA"`, `"鸿蒙智行"`); an unknown name
raises `UnknownEntityError` listing close names. Dates are `datetime.date` values or ISO strings
cut to any precision: a `since` of `"2025-03"` starts on 2025-03-01, an `until` of `"2025-03"`
ends on 2025-03-31.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from carintel.errors import CarintelError
from carintel.review_api import Review
from carintel_home import CHECKOUT_DATA, warehouse_file
from reports.data import latest_week, parse_week
from warehouse import analyst as reads
from warehouse.db import connect_read_only
from warehouse.snapshot import readable_path

__all__ = [
    "FREQUENCIES",
    "UnknownEntityError",
    "alliances",
    "co_mentions",
    "emerging",
    "entities",
    "entity_daily",
    "mentions",
    "relationships",
    "resolve_entity",
    "review",
    "sentiment_trend",
    "share_of_voice",
    "social_buzz",
    "stories",
    "timeline",
    "warehouse",
    "warehouse_path",
]

warehouse: str | Path | None = None
"""The warehouse read when a function is called without `home=`: a carintel home folder or a
`.duckdb` file. None: `$CARINTEL_HOME`, else the checkout's `data/`."""

FREQUENCIES: Mapping[str, str] = {
    "D": "day",
    "W": "week",
    "M": "month",
    "MS": "month",
    "Q": "quarter",
    "QS": "quarter",
    "Y": "year",
    "YS": "year",
    "A": "year",
}
"""Period codes (pandas-style) accepted as `freq`, and the DuckDB `date_trunc` part each means.
Weeks start on Monday (ISO weeks); a period is labelled with its first day."""

HomeArg = str | Path | None
DateLike = date | str | None
EntityRefs = str | Sequence[str] | None

_CLOSE_NAMES = 6


class UnknownEntityError(CarintelError, LookupError):
    """No entity has this id, name or alias. `candidates` holds close names as "Name (id)"."""

    def __init__(self, name: str, candidates: Sequence[str]) -> None:
        self.name = name
        self.candidates = list(candidates)
        hint = (
            f" Close names: {', '.join(self.candidates)}."
            if self.candidates
            else " No entity has a similar name."
        )
        super().__init__(
            f"unknown entity {name!r}.{hint} carintel.api.entities() lists every entity; "
            "add a new one to config/watchlist.yaml and run 'carintel load'."
        )


# --- the warehouse -----------------------------------------------------------------------------


def warehouse_path(home: HomeArg = None) -> Path:
    """The file a reader opens: the published snapshot of `home` (or of the module's `warehouse`
    setting, or of the default home), or the writer's file before the first publish.

    >>> api.warehouse_path("/var/lib/carintel")
    PosixPath('/var/lib/carintel/carintel-read.duckdb')
    """
    target = home if home is not None else warehouse
    return readable_path(warehouse_file(target, CHECKOUT_DATA))


@contextmanager
def _reading(home: HomeArg) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = connect_read_only(warehouse_path(home))
    try:
        yield conn
    finally:
        conn.close()


# --- arguments ---------------------------------------------------------------------------------


def _period_unit(freq: str) -> str:
    unit = FREQUENCIES.get(freq.upper())
    if unit is None and freq.lower() in set(FREQUENCIES.values()):
        unit = freq.lower()
    if unit is None:
        raise ValueError(
            f"unknown freq {freq!r}: use D, W, M, Q or Y (day, week, month, quarter, year)"
        )
    return unit


def _parse_date(value: date | str, *, end: bool) -> date:
    """A date, or the first (`end` False) or last day of a partial ISO date's period."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected a date or an ISO date string, got {value!r}")
    text = value.strip()
    try:
        if len(text) == 4 and text.isdigit():
            year = int(text)
            return date(year, 12, 31) if end else date(year, 1, 1)
        if len(text) == 7 and text[4] == "-":
            first = date(int(text[:4]), int(text[5:7]), 1)
            if not end:
                return first
            return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(
            f"invalid date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2025-03 or 2025-03-14"
        ) from None


def _bounds(since: DateLike, until: DateLike) -> tuple[date | None, date | None]:
    start = None if since is None else _parse_date(since, end=False)
    stop = None if until is None else _parse_date(until, end=True)
    return start, stop


def _names(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str | None]]:
    return reads.entity_names(conn)


def _resolve(conn: duckdb.DuckDBPyConnection, name_or_id: str) -> str:
    if not isinstance(name_or_id, str) or not name_or_id.strip():
        raise UnknownEntityError(str(name_or_id), [])
    wanted = name_or_id.strip()
    key = wanted.casefold()
    rows = _names(conn)
    ids = {entity_id for entity_id, *_ in rows}
    if wanted in ids:
        return wanted
    labels = {entity_id: f"{name} ({entity_id})" for entity_id, name, _, _ in rows}
    # id in any case, then display name, then alias as written, then alias in any case
    stages = [
        {i for i, _, _, _ in rows if i.casefold() == key},
        {i for i, name, _, _ in rows if name.casefold() == key},
        {i for i, _, _, alias in rows if alias == wanted},
        {i for i, _, _, alias in rows if alias is not None and alias.casefold() == key},
    ]
    for stage in stages:
        found = sorted(stage)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UnknownEntityError(wanted, [labels[i] for i in found])
    raise UnknownEntityError(wanted, _close_names(key, rows, labels))


def _close_names(
    key: str, rows: list[tuple[str, str, str, str | None]], labels: Mapping[str, str]
) -> list[str]:
    spellings: dict[str, set[str]] = {}
    for entity_id, name, _, alias in rows:
        for text in (entity_id, name, alias):
            if text:
                spellings.setdefault(text.casefold(), set()).add(entity_id)
    close = difflib.get_close_matches(key, list(spellings), n=_CLOSE_NAMES * 2, cutoff=0.6)
    close += [s for s in spellings if key in s or (len(s) >= 3 and s in key)]
    out: list[str] = []
    for spelling in close:
        for entity_id in sorted(spellings[spelling]):
            if labels[entity_id] not in out:
                out.append(labels[entity_id])
    return out[:_CLOSE_NAMES]


def _resolve_many(conn: duckdb.DuckDBPyConnection, refs: EntityRefs) -> list[str] | None:
    if refs is None:
        return None
    items = [refs] if isinstance(refs, str) else list(refs)
    resolved: list[str] = []
    for item in items:
        entity_id = _resolve(conn, item)
        if entity_id not in resolved:
            resolved.append(entity_id)
    return resolved


# --- entities ----------------------------------------------------------------------------------


def resolve_entity(name_or_id: str, home: HomeArg = None) -> str:
    """The entity id of an id, a display name or an alias (names and aliases ignore case).

    Raises `UnknownEntityError` (a `LookupError`) listing close names when nothing matches.

    >>> api.resolve_entity("HIMA")
    'hima'
    >>> api.resolve_entity("Jiyu")
    UnknownEntityError: unknown entity 'Jiyu'. Close names: Jiyue (jiyue), Jiyue 01 (jiyue_01) ...
    """
    with _reading(home) as conn:
        return _resolve(conn, name_or_id)


def entities(type: str | None = None, home: HomeArg = None) -> pd.DataFrame:
    """The tracked entities: entity_id, name, type, country, description, in_watchlist.

    `type`: company, venture, brand, product or person (None: all).

    >>> api.entities("venture")[["entity_id", "name"]]
    """
    with _reading(home) as conn:
        return reads.entities(conn, type)


# --- timelines ---------------------------------------------------------------------------------


def timeline(
    entity: EntityRefs = None,
    since: DateLike = None,
    until: DateLike = None,
    types: str | Sequence[str] | None = None,
    home: HomeArg = None,
    new_only: bool = False,
) -> pd.DataFrame:
    """Merged timeline events (the `events` view with party names), oldest event date first.

    Columns: event_id, event_date (ISO cut to its precision), date_precision, type, stage,
    parties (entity names), source_count, first_reported_at, evidence, source_urls, party_ids,
    background, confidence.

    `entity`: an id, name or alias, or a list of them (events with any of them as a party).
    `since` / `until` filter on the event's own date; a partial date compares by its prefix, so
    an event dated "2025-03" is kept for `since="2025-03-15"`; events without a date are left out
    when a bound is given. `types`: event types such as "partnership" or ["launch", "recall"].
    `new_only`: only new developments, leaving out background that articles recall (events
    dated more than two weeks before their first report, such as a 2021 joint venture named in
    a 2025 story): the rule of the weekly report's "New events".

    >>> api.timeline("hima", since="2024", types=["partnership", "launch"])
    """
    start, stop = _bounds(since, until)
    kinds = None if types is None else ([types] if isinstance(types, str) else list(types))
    with _reading(home) as conn:
        return reads.timeline(
            conn,
            _resolve_many(conn, entity),
            kinds,
            None if start is None else start.isoformat(),
            None if stop is None else stop.isoformat(),
            new_only,
        )


def mentions(
    entity: EntityRefs = None,
    since: DateLike = None,
    until: DateLike = None,
    home: HomeArg = None,
) -> pd.DataFrame:
    """Documents that name an entity: one row per (document, entity) of the `timeline` view.

    Columns: day (UTC publication day, else first-seen day), published_at, date_is_first_seen,
    doc_id, title, url, source, kind, entity_id, entity_name, entity_type, mention_count,
    in_title. Documents that name no entity are left out.

    >>> api.mentions(["xiaomi", "xiaomi_su7"], since="2025-05-01", until="2025-05-31")
    """
    start, stop = _bounds(since, until)
    with _reading(home) as conn:
        return reads.mentions(conn, _resolve_many(conn, entity), start, stop)


def entity_daily(
    entity: EntityRefs = None,
    since: DateLike = None,
    until: DateLike = None,
    home: HomeArg = None,
) -> pd.DataFrame:
    """Rows of the `entity_daily` view: mentions, documents and sentiment per entity per day.

    Columns: day, entity_id, entity_name, entity_type, mentions, documents, mean_sentiment,
    positive, neutral, negative.

    >>> api.entity_daily("seres", since="2025-11").plot(x="day", y="documents")
    """
    start, stop = _bounds(since, until)
    with _reading(home) as conn:
        return reads.entity_daily(conn, _resolve_many(conn, entity), start, stop)


# --- trends ------------------------------------------------------------------------------------


def sentiment_trend(
    entity: str | Sequence[str],
    freq: str = "W",
    since: DateLike = None,
    until: DateLike = None,
    home: HomeArg = None,
) -> pd.DataFrame:
    """Sentiment toward an entity (or several) per period, from `entity_sentiment`.

    Columns: period (first day), entity_id, entity_name, documents (with a sentiment score),
    mean_polarity (P(positive) - P(negative), -1 to 1), positive, neutral, negative. Periods
    without scored documents are absent. `freq`: D, W (ISO weeks), M, Q or Y; `since` /
    `until` bound the publication days counted.

    >>> api.sentiment_trend("xiaomi", freq="M", since="2025")
    """
    return _trend(reads.sentiment_trend, entity, freq, since, until, home)


def share_of_voice(
    entities: str | Sequence[str],
    freq: str = "W",
    since: DateLike = None,
    until: DateLike = None,
    home: HomeArg = None,
) -> pd.DataFrame:
    """Each entity's share of the documents that mention any of `entities`, per period.

    Columns: period (first day), entity_id, entity_name, documents (naming the entity),
    total_documents (naming any of them), share (documents / total_documents). Every entity has
    a row in every period with news; a document naming two of them counts for both, so shares
    can add up to more than 1. `since` / `until` bound the publication days counted.

    >>> api.share_of_voice(["xiaomi_auto", "hima", "jiyue"], freq="M")
    """
    return _trend(reads.share_of_voice, entities, freq, since, until, home)


def _trend(
    read: Callable[..., pd.DataFrame],
    refs: EntityRefs,
    freq: str,
    since: DateLike,
    until: DateLike,
    home: HomeArg,
) -> pd.DataFrame:
    unit = _period_unit(freq)
    start, stop = _bounds(since, until)
    with _reading(home) as conn:
        return read(conn, _resolve_many(conn, refs), unit, start, stop)


def co_mentions(entity: str, min_documents: int = 1, home: HomeArg = None) -> pd.DataFrame:
    """Entities named in the same documents as `entity`, most shared documents first.

    Columns: focus_id and focus_name (the entity asked about), entity_id, entity_name,
    entity_type, documents (shared), mentions (of the other entity in those documents), share
    (of the focus entity's documents).

    >>> api.co_mentions("jiyue", min_documents=2).head(10)
    """
    with _reading(home) as conn:
        return reads.co_mentions(conn, _resolve(conn, entity), int(min_documents))


# --- stories and social posts ------------------------------------------------------------------


def stories(
    week: str | None = None, entity: str | None = None, home: HomeArg = None
) -> pd.DataFrame:
    """Stories (the `stories` view) with a document in ISO week `week`, largest first.

    `week`: "2025-W19"; None: the week of the newest document; "all": every week. `entity`: only
    stories with a document that names it. Columns: story_id, title (of the first document),
    first_published_at, last_published_at, documents, sources, near_copies, titles, urls,
    source_names, doc_ids (lists, oldest document first).

    >>> api.stories("2025-W48").head()
    >>> api.stories("all", entity="jiyue")
    """
    with _reading(home) as conn:
        start: date | None = None
        end: date | None = None
        if week is None:
            week = latest_week(conn)
            if week is None:  # no documents at all
                start, end = date.max, date.max
        if week is not None and week.strip().lower() != "all":
            start, end = parse_week(week)
        return reads.stories(conn, start, end, None if entity is None else _resolve(conn, entity))


def social_buzz(
    entity: str, since: DateLike = None, until: DateLike = None, home: HomeArg = None
) -> pd.DataFrame:
    """Posts and comments (documents of kind post or comment) that name `entity`, most
    engagement first.

    Columns: published_at, day, kind, source, author, title, text, url, parent_url, score,
    comments, reposts, likes (engagement counts at fetch time; missing ones are NA), doc_id,
    engagement (the sum of the four counts, for ranking).

    >>> api.social_buzz("xiaomi_su7", since="2025-05").head(20)
    """
    start, stop = _bounds(since, until)
    with _reading(home) as conn:
        return reads.social_buzz(conn, _resolve(conn, entity), start, stop)


def emerging(min_documents: int = 1, limit: int = 50, home: HomeArg = None) -> pd.DataFrame:
    """Organisations in the news that the watchlist does not know (the `emerging_entities` view).

    Columns: name_key, name, documents, mentions, first_seen, last_seen, documents_last_7_days,
    documents_previous_7_days; most named in the last 7 days first. Names listed under
    `not_organisations` in the watchlist are left out.

    >>> api.emerging(min_documents=2, limit=20)
    """
    with _reading(home) as conn:
        return reads.emerging(conn, int(min_documents), int(limit))


# --- relationships -----------------------------------------------------------------------------


def relationships(
    entity: str | None = None, include_proposed: bool = True, home: HomeArg = None
) -> pd.DataFrame:
    """Every dated relationship (whatever its dates and status), with both entities' names.

    Columns: rel_id, subject_id, subject_name, subject_type, type, object_id, object_name,
    object_type, since, until (as curated, cut to their precision), starts_on, ends_on (the
    dates they mean: "2021" starts on 2021-01-01, an until of "2024-12" ends on 2024-12-31),
    status, review_status, note, source_url, evidence, event_id. "subject is <type> of object".

    >>> api.relationships("jiyue")[["subject_name", "type", "since", "until", "status"]]
    """
    with _reading(home) as conn:
        return reads.relationships(
            conn, None if entity is None else _resolve(conn, entity), bool(include_proposed), None
        )


def alliances(
    as_of: DateLike = None,
    entity: str | None = None,
    include_proposed: bool = False,
    home: HomeArg = None,
) -> pd.DataFrame:
    """The relationships that held on `as_of` (default: today), with the same columns as
    `relationships`.

    A relationship holds when it started on or before `as_of` (an unknown start counts as
    started) and ends on or after it (no `until`: it still holds); partial dates stand for their
    whole period, so a `since` of "2021" holds from 2021-01-01 and an `until` of "2024-12"
    through 2024-12-31. A cancelled relationship never holds. An ended relationship without an
    `until` (its end is not known) holds from its start on: check `status`. Relationships
    proposed by extracted events are left out unless `include_proposed`.

    >>> api.alliances("2024-06-01", entity="hima")
    >>> api.alliances(date(2025, 1, 15), entity="jiyue")
    """
    day = date.today() if as_of is None else _parse_date(as_of, end=False)
    with _reading(home) as conn:
        return reads.relationships(
            conn, None if entity is None else _resolve(conn, entity), bool(include_proposed), day
        )


# --- review ------------------------------------------------------------------------------------

review = Review(warehouse_path)
"""Analysts' review of claims: `api.review.events(week=...)` lists claims with their status,
`api.review.reject("event", key, note=...)`, `confirm`, `edit`, `export`, `import_decisions`
(see `carintel.review_api.Review`)."""
