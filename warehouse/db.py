"""Opening the warehouse and applying its migrations.

Migrations are `migrations/NNN_what.sql`, append-only, each applied in one transaction and recorded
in `schema_migrations`. Views are `views/NAME.sql`, one per file, re-created after migrating.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from carintel_home import journal_file
from warehouse import sql
from warehouse.journal import CorrectionError, overlay_journal

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class WarehouseError(Exception):
    """The warehouse could not be opened, migrated or written. The message says what to do."""


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every migration, in order."""
    out = []
    for name, text in sql.files("migrations"):
        match = _MIGRATION_NAME.match(name)
        if not match:
            raise WarehouseError(f"migration file {name!r} is not named NNN_what.sql")
        out.append((int(match.group(1)), name, text))
    versions = [v for v, _, _ in out]
    if len(set(versions)) != len(versions):
        raise WarehouseError("two migration files share a number; renumber the newer one")
    return out


def _configure(conn: duckdb.DuckDBPyConnection) -> None:
    sql.run(conn, "session_utc")


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """The writer's connection (one process at a time), migrated to the current schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        raise WarehouseError(
            f"cannot open {path} for writing: {exc}. Another carintel process (or a DuckDB client "
            "holding it open for writing) is using it; wait for it to finish and try again."
        ) from exc
    _configure(conn)
    migrate(conn)
    return conn


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A reader's connection. Fails clearly when there is no warehouse yet. The home's review
    journal is overlaid (`warehouse.journal.overlay_journal`), so a reader sees every decision
    made, even one the writer has not loaded yet."""
    if not path.exists():
        raise WarehouseError(
            f"no warehouse at {path}. Run 'carintel run' (or 'carintel run --sample') first, "
            "or point --home at the folder that holds carintel.duckdb."
        )
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(
            f"cannot open {path} read-only: {exc}. If a carintel run is writing right now, "
            "try again when it has finished."
        ) from exc
    _configure(conn)
    try:
        overlay_journal(conn, journal_file(path))
    except (CorrectionError, duckdb.Error) as exc:
        conn.close()
        raise WarehouseError(f"cannot apply the review journal to {path}: {exc}") from exc
    return conn


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK on any error: a crash half-way leaves nothing behind."""
    conn.begin()
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


_COMMENTS = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


def _code(text: str) -> str:
    """SQL without its comments and string literals."""
    return _COMMENTS.sub(" ", text)


def views_in_order() -> list[tuple[str, str]]:
    """Every `views/NAME.sql`, each after the views it reads (a view reads another when that
    one's name appears in its SQL as a word), else by name."""
    views = dict(sql.files("views"))
    names = {name.removesuffix(".sql"): name for name in views}
    code = {name: _code(text) for name, text in views.items()}
    reads = {
        name: {
            other
            for stem, other in names.items()
            if other != name and re.search(rf"\b{re.escape(stem)}\b", code[name])
        }
        for name in views
    }
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name in visiting:
            raise WarehouseError(f"view {name} reads itself through other views")
        visiting.add(name)
        for other in sorted(reads[name]):
            visit(other)
        visiting.discard(name)
        ordered.append(name)

    for name in sorted(views):
        visit(name)
    return [(name, views[name]) for name in ordered]


def applied_versions(conn: duckdb.DuckDBPyConnection) -> set[int]:
    sql.run(conn, "create_schema_migrations")
    return {row[0] for row in sql.rows(conn, "applied_migrations")}


def migrate(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations (each in its own transaction), then re-create the views.

    Returns the names of the migrations applied now.
    """
    done = applied_versions(conn)
    applied = []
    for version, name, migration in migrations():
        if version in done:
            continue
        try:
            with transaction(conn):
                conn.execute(migration)
                sql.run(conn, "record_migration", [version, name])
        except duckdb.Error as exc:
            raise WarehouseError(f"migration {name} failed: {exc}") from exc
        applied.append(name)
    with transaction(conn):
        for name, view in views_in_order():
            try:
                conn.execute(view)
            except duckdb.Error as exc:
                raise WarehouseError(f"view {name} failed: {exc}") from exc
    return applied
