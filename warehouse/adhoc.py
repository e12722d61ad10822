"""People's own queries (`carintel sql`): parsed first, refused unless every statement reads."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from warehouse.db import WarehouseError

_ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


class AdhocQueryError(WarehouseError):
    """A query that is not allowed, or does not run. The message says what to do."""


def check_read_only(conn: duckdb.DuckDBPyConnection, text: str) -> list[Any]:
    """Parse `text`; refuse anything but reading statements before it reaches the database."""
    try:
        statements = conn.extract_statements(text)
    except duckdb.Error as exc:
        raise AdhocQueryError(f"the query does not parse: {exc}") from None
    if not statements:
        raise AdhocQueryError("the query is empty")
    for statement in statements:
        if statement.type not in _ALLOWED:
            kind = str(statement.type).rsplit(".", 1)[-1]
            raise AdhocQueryError(
                f"carintel sql is read-only: {kind} statements are refused and nothing was "
                "changed. Use SELECT (or a DuckDB client on a copy of the warehouse)."
            )
    return statements


def read_only_frame(conn: duckdb.DuckDBPyConnection, text: str) -> pd.DataFrame | None:
    """Run the reading statements of `text` on `conn`; the last one's result, if it has one."""
    statements = check_read_only(conn, text)
    try:
        for statement in statements[:-1]:
            conn.execute(statement.query).fetchall()
        relation = conn.sql(statements[-1].query)
        return relation.df() if relation is not None else None
    except duckdb.Error as exc:
        raise AdhocQueryError(f"the query failed: {exc}") from None
