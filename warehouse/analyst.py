"""The analysts' reads (`carintel.api`): one function per file `queries/api_*.sql`.

Each takes already resolved entity ids and dates and returns a DataFrame whose list columns
hold Python lists; the argument handling (names, partial dates, periods) stays in the API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import duckdb
import pandas as pd

from warehouse import sql

Ids = Sequence[str] | None
Day = date | None
Conn = duckdb.DuckDBPyConnection


def _frame(
    conn: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, object]
) -> pd.DataFrame:
    return sql.frame(conn, name, params, plain_lists=True)


def _ids(entities: Ids) -> list[str] | None:
    return None if entities is None else list(entities)


def entity_names(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str | None]]:
    """(entity_id, name, type, alias or None) for every entity and alias (`api_entity_names`)."""
    return [(str(r[0]), str(r[1]), str(r[2]), r[3]) for r in sql.rows(conn, "api_entity_names")]


def entities(conn: duckdb.DuckDBPyConnection, type: str | None) -> pd.DataFrame:
    """The tracked entities, of one type or all (`api_entities.sql`)."""
    return _frame(conn, "api_entities", {"type": type})


def timeline(
    conn: duckdb.DuckDBPyConnection,
    entities: Ids,
    types: Sequence[str] | None,
    since: str | None,
    until: str | None,
    new_only: bool,
) -> pd.DataFrame:
    """Merged timeline events with their parties' names (`api_timeline.sql`)."""
    return _frame(
        conn,
        "api_timeline",
        {
            "entities": _ids(entities),
            "types": None if types is None else list(types),
            "since": since,
            "until": until,
            "new_only": new_only,
        },
    )


def mentions(
    conn: duckdb.DuckDBPyConnection, entities: Ids, since: date | None, until: date | None
) -> pd.DataFrame:
    """Documents that name the entities (`api_mentions.sql`)."""
    return _frame(
        conn, "api_mentions", {"entities": _ids(entities), "since": since, "until": until}
    )


def entity_daily(
    conn: duckdb.DuckDBPyConnection, entities: Ids, since: date | None, until: date | None
) -> pd.DataFrame:
    """Rows of the `entity_daily` view (`api_entity_daily.sql`)."""
    return _frame(
        conn, "api_entity_daily", {"entities": _ids(entities), "since": since, "until": until}
    )


def sentiment_trend(conn: Conn, entities: Ids, unit: str, since: Day, until: Day) -> pd.DataFrame:
    """Sentiment per entity per period (`api_sentiment_trend.sql`)."""
    return _per_period(conn, "api_sentiment_trend", entities, unit, since, until)


def share_of_voice(conn: Conn, entities: Ids, unit: str, since: Day, until: Day) -> pd.DataFrame:
    """Each entity's share of the documents naming any of them, per period
    (`api_share_of_voice.sql`)."""
    return _per_period(conn, "api_share_of_voice", entities, unit, since, until)


def _per_period(
    conn: Conn, name: str, entities: Ids, unit: str, since: Day, until: Day
) -> pd.DataFrame:
    params = {"entities": _ids(entities), "unit": unit, "since": since, "until": until}
    return _frame(conn, name, params)


def co_mentions(conn: duckdb.DuckDBPyConnection, entity: str, min_documents: int) -> pd.DataFrame:
    """Entities named in the same documents as `entity` (`api_co_mentions.sql`)."""
    return _frame(conn, "api_co_mentions", {"entity": entity, "min_documents": min_documents})


def stories(
    conn: duckdb.DuckDBPyConnection, start: date | None, end: date | None, entity: str | None
) -> pd.DataFrame:
    """Stories with a document between `start` and `end` (`api_stories.sql`)."""
    return _frame(conn, "api_stories", {"start": start, "end": end, "entity": entity})


def social_buzz(
    conn: duckdb.DuckDBPyConnection, entity: str, since: date | None, until: date | None
) -> pd.DataFrame:
    """Posts and comments naming `entity` by engagement (`api_social_buzz.sql`)."""
    return _frame(conn, "api_social_buzz", {"entity": entity, "since": since, "until": until})


def emerging(conn: duckdb.DuckDBPyConnection, min_documents: int, limit: int) -> pd.DataFrame:
    """Organisations outside the watchlist (`api_emerging.sql`)."""
    return _frame(conn, "api_emerging", {"min_documents": min_documents, "limit": limit})


def relationships(
    conn: duckdb.DuckDBPyConnection,
    entity: str | None,
    include_proposed: bool,
    as_of: date | None,
) -> pd.DataFrame:
    """Relationships of `entity` (or all), those holding on `as_of` when given
    (`api_relationships.sql`)."""
    return _frame(
        conn,
        "api_relationships",
        {"entity": entity, "include_proposed": include_proposed, "as_of": as_of},
    )
