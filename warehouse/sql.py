"""The one loader of the warehouse's SQL files, and the ways to run one of them.

Every statement carintel runs against the warehouse is a file: `migrations/NNN_what.sql`,
`views/NAME.sql` (`files`, applied by `warehouse.db`) and `queries/NAME.sql` (`query`, run
through the functions below). Parameters are bound (`$name` or `?`), never formatted into the
SQL text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import numpy as np
import pandas as pd

Params = Mapping[str, Any] | Sequence[Any] | None


def files(folder: str) -> list[tuple[str, str]]:
    """(file name, SQL) of every `.sql` file in `warehouse/FOLDER/` (migrations, views), by name."""
    root = resources.files("warehouse") / folder
    return sorted(
        (p.name, p.read_text(encoding="utf-8")) for p in root.iterdir() if p.name.endswith(".sql")
    )


@cache
def query(name: str) -> str:
    """The SQL of `warehouse/queries/NAME.sql`."""
    return (resources.files("warehouse") / "queries" / f"{name}.sql").read_text(encoding="utf-8")


def _bound(params: Params) -> Any:
    if params is None:
        return None
    return dict(params) if isinstance(params, Mapping) else list(params)


def run(conn: duckdb.DuckDBPyConnection, name: str, params: Params = None) -> None:
    """Execute `queries/NAME.sql` for its effect."""
    conn.execute(query(name), _bound(params))


def run_each(conn: duckdb.DuckDBPyConnection, name: str, params: Params = None) -> None:
    """Execute every statement of `queries/NAME.sql` in turn, each with the same parameters
    (DuckDB binds parameters to one statement at a time)."""
    for statement in conn.extract_statements(query(name)):
        conn.execute(statement.query, _bound(params))


def run_many(conn: duckdb.DuckDBPyConnection, name: str, rows: Sequence[Sequence[Any]]) -> None:
    """Execute `queries/NAME.sql` once per row of positional parameters."""
    if rows:
        conn.executemany(query(name), [list(row) for row in rows])


def rows(conn: duckdb.DuckDBPyConnection, name: str, params: Params = None) -> list[Any]:
    """The rows of `queries/NAME.sql`, as tuples."""
    return conn.execute(query(name), _bound(params)).fetchall()


def row(conn: duckdb.DuckDBPyConnection, name: str, params: Params = None) -> Any:
    """The first row of `queries/NAME.sql` (a tuple), or None."""
    return conn.execute(query(name), _bound(params)).fetchone()


def frame(
    conn: duckdb.DuckDBPyConnection, name: str, params: Params = None, *, plain_lists: bool = False
) -> pd.DataFrame:
    """The result of `queries/NAME.sql` as a DataFrame; with `plain_lists`, list columns come
    back as Python lists rather than numpy arrays."""
    result: pd.DataFrame = conn.execute(query(name), _bound(params)).df()
    if plain_lists:
        for column in result.columns:
            if result[column].dtype == object:
                result[column] = result[column].map(_plain_list)
    return result


def _plain_list(value: object) -> object:
    return value.tolist() if isinstance(value, np.ndarray) else value
