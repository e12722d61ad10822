"""What the warehouse holds, for people: the schema listing, the export's object names and the
counts of `carintel status`. Each function runs one `queries/*.sql` file and returns rows."""

from __future__ import annotations

from typing import Any

import duckdb

from warehouse import sql


def objects(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str | None]]:
    """(name, 'table' or 'view', comment) of every table and view (`catalog_objects.sql`)."""
    return [(str(n), str(k), c) for n, k, c in sql.rows(conn, "catalog_objects")]


def columns(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str | None]]:
    """(table, column, type, comment) of every column (`catalog_columns.sql`)."""
    return [(str(t), str(c), str(k), m) for t, c, k, m in sql.rows(conn, "catalog_columns")]


def names(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The name of every table and view (`catalog_names.sql`)."""
    return [str(r[0]) for r in sql.rows(conn, "catalog_names")]


def status_counts(conn: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """(documents, sources, linked entities, mentions, newest day) (`status_counts.sql`)."""
    return tuple(sql.rows(conn, "status_counts")[0])


def latest_crawl_runs(conn: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """The latest crawl runs (`status_crawl_runs.sql`)."""
    return sql.rows(conn, "status_crawl_runs")


def source_health(conn: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Each source's health flags (`status_source_health.sql`)."""
    return sql.rows(conn, "status_source_health")


def quiet_sources(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(source, runs without new documents) of the sources flagged quiet
    (`quiet_sources.sql`)."""
    return [(str(source), int(runs)) for source, runs in sql.rows(conn, "quiet_sources")]
