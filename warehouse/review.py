"""Reads for analysts' review: the claims of each kind with their review status
(`queries/review_KIND.sql`, over the views `*_all`), and one claim by its key."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd

from warehouse import sql
from warehouse.db import WarehouseError

QUERIES = {
    "event": "review_events",
    "mention": "review_mentions",
    "sentiment": "review_sentiment",
    "relevance": "review_relevance",
    "relationship": "review_relationships",
}


def claims(
    conn: duckdb.DuckDBPyConnection,
    kind: str,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """The claims of `kind` (see QUERIES) whose week lies between `start` and `end` (None: all)
    with `status` (None: any), the highest impact first; `key` names each claim."""
    params = {"start": start, "end": end, "status": status}
    try:
        return sql.frame(conn, QUERIES[kind], params, plain_lists=True)
    except duckdb.CatalogException as exc:
        raise WarehouseError(
            f"this warehouse predates reviews ({exc}). Run 'carintel load' (or any write step) "
            "to bring it up to date."
        ) from exc


def claim(conn: duckdb.DuckDBPyConnection, kind: str, key: str) -> dict[str, Any] | None:
    """One claim of `kind` by its key, as a dict of its columns, or None."""
    frame = claims(conn, kind)
    found = frame[frame["key"] == key]
    if found.empty:
        return None
    return {str(k): v for k, v in found.iloc[0].to_dict().items()}


def keys(conn: duckdb.DuckDBPyConnection, kind: str) -> list[str]:
    """Every key of `kind` in the warehouse."""
    return [str(k) for k in claims(conn, kind)["key"].tolist()]
