"""The loader: landing files and the watchlist into the warehouse, idempotently.

- A landing file is loaded in one transaction together with its `landing_files` row, so a crash
  (even SIGKILL) half-way leaves no trace of that file, and the next run loads it again.
- A file loaded before with the same content (sha256) is skipped; a file that grew (a crawl that
  was still writing) is loaded again, and only its new documents are added.
- Documents are deduplicated by canonical URL and by content hash, against the warehouse and
  within the file; every URL seen is kept in `document_urls`.
- The review journal (analysts' decisions, `warehouse.journal`) is loaded the same way: in one
  transaction, each decision once (by its content hash), whatever was loaded before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from warehouse import sql
from warehouse.db import WarehouseError, transaction
from warehouse.journal import CorrectionError, read_journal, rows

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class FileLoad:
    path: str
    lines: int
    documents_added: int
    duplicates: int
    rejected: int
    unchanged: bool = False


@dataclass(frozen=True)
class LoadResult:
    files: tuple[FileLoad, ...]
    runs: int

    @property
    def documents_added(self) -> int:
        return sum(f.documents_added for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def files_loaded(self) -> int:
        return sum(1 for f in self.files if not f.unchanged)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _count_lines(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(1 for line in stream if line.strip())


def landing_files(landing_dir: Path) -> list[Path]:
    """Every `RUN/items-*.jsonl`, oldest run first (run ids sort by time)."""
    return sorted(landing_dir.glob("*/items-*.jsonl"))


def load_file(conn: duckdb.DuckDBPyConnection, path: Path, landing_dir: Path) -> FileLoad:
    relative = path.relative_to(landing_dir).as_posix()
    sha = _sha256(path)
    known = sql.rows(conn, "landing_file_sha256", {"path": relative})
    if known and known[0][0] == sha:
        return FileLoad(relative, 0, 0, 0, 0, unchanged=True)
    lines = _count_lines(path)
    try:
        with transaction(conn):
            sql.run(conn, "stage_landing_file", {"path": str(path)})
            staged, complete = (int(n) for n in sql.row(conn, "staged_counts"))
            before = _scalar(conn, "count_documents")
            sql.run(conn, "insert_staged_documents")
            added = _scalar(conn, "count_documents") - before
            sql.run(conn, "insert_staged_urls")
            rejected = lines - staged + (staged - complete)
            result = FileLoad(relative, lines, added, complete - added, rejected)
            sql.run(
                conn,
                "record_landing_file",
                {"path": relative, "sha256": sha, "size": path.stat().st_size, "lines": lines,
                 "documents_added": added, "duplicates": result.duplicates,
                 "rejected": rejected},
            )  # fmt: skip
            sql.run(conn, "drop_staging")
    except duckdb.Error as exc:
        raise WarehouseError(f"loading {path} failed: {exc}") from exc
    return result


def _scalar(conn: duckdb.DuckDBPyConnection, name: str) -> int:
    found = sql.row(conn, name)
    return int(found[0]) if found else 0


def load_run_stats(conn: duckdb.DuckDBPyConnection, run_dir: Path) -> int:
    """Record `stats-*.json` of one run in `crawl_runs` and its sources in `sources`."""
    count = 0
    for path in sorted(run_dir.glob("stats-*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise WarehouseError(
                f"{path} is not valid JSON ({exc}); delete it or rerun the crawl"
            ) from exc
        seen_at = data.get("finished_at") or data.get("started_at")
        with transaction(conn):
            sql.run(
                conn,
                "upsert_crawl_run",
                {
                    "run_id": data.get("run_id", run_dir.name),
                    "spider": data.get("spider", path.stem.removeprefix("stats-")),
                    "started_at": data.get("started_at"),
                    "finished_at": data.get("finished_at"),
                    "finish_reason": data.get("finish_reason"),
                    "pages_fetched": data.get("pages_fetched", 0),
                    "items_scraped": data.get("items_scraped", 0),
                    "errors": data.get("errors", 0),
                    "skipped": json.dumps(data.get("skipped", {}), sort_keys=True),
                    "repaired": json.dumps(data.get("repaired", {}), sort_keys=True),
                    "stats": json.dumps(data.get("stats", {}), sort_keys=True),
                },
            )
            for source in data.get("sources", []):
                if not (isinstance(source, dict) and source.get("name")):
                    continue
                if seen_at:
                    sql.run(
                        conn,
                        "upsert_source",
                        {"name": source["name"], "kind": data.get("source_kind") or "feed",
                         "url": source.get("url") or "", "seen_at": seen_at},
                    )  # fmt: skip
                sql.run(
                    conn,
                    "upsert_source_run",
                    {
                        "run_id": data.get("run_id", run_dir.name),
                        "spider": data.get("spider", path.stem.removeprefix("stats-")),
                        "source": source["name"],
                        "finished_at": data.get("finished_at"),
                        "requests": int(source.get("requests", 0)),
                        "items": int(source.get("items", 0)),
                        "errors": int(source.get("errors", 0)),
                        "not_modified": int(source.get("not_modified", 0)),
                        "seen_before": int(source.get("seen_before", 0)),
                        "skipped": json.dumps(source.get("skipped", {}), sort_keys=True),
                    },
                )
        count += 1
    return count


def load_landing(
    conn: duckdb.DuckDBPyConnection, landing_dir: Path, progress: Progress | None = None
) -> LoadResult:
    """Load every landing file not yet loaded (or changed since), then the runs' statistics."""
    files = landing_files(landing_dir)
    results = []
    for n, path in enumerate(files, start=1):
        results.append(load_file(conn, path, landing_dir))
        if progress:
            progress(n, len(files), path.relative_to(landing_dir).as_posix())
    runs = sum(
        load_run_stats(conn, d)
        for d in sorted({p.parent for p in landing_dir.glob("*/stats-*.json")})
    )
    return LoadResult(tuple(results), runs)


# -- the review journal ----------------------------------------------------------------------


def load_journal(conn: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Load the review journal into `corrections` in one transaction; returns the decisions
    added (loading twice adds nothing; a journal that does not exist adds nothing)."""
    try:
        read = read_journal(path)
    except CorrectionError as exc:
        raise WarehouseError(str(exc)) from exc
    if not read.corrections:
        return 0
    try:
        with transaction(conn):
            before = _scalar(conn, "count_corrections")
            sql.run_many(conn, "insert_correction", rows(read.corrections))
            return _scalar(conn, "count_corrections") - before
    except duckdb.Error as exc:
        raise WarehouseError(f"loading the review journal {path} failed: {exc}") from exc


# -- the watchlist ---------------------------------------------------------------------------


def _rel_id(rel: Mapping[str, Any]) -> str:
    key = "|".join(str(rel.get(k) or "") for k in ("subject", "type", "object", "since"))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def sync_watchlist(
    conn: duckdb.DuckDBPyConnection,
    entities: Iterable[Mapping[str, Any]],
    aliases: Iterable[Mapping[str, Any]],
    relationships: Iterable[Mapping[str, Any]],
    not_organisations: Iterable[Mapping[str, Any]] = (),
) -> None:
    """Make `entities`, `aliases`, the watchlist's `relationships` and `not_organisations`
    match the watchlist.

    Entities removed from the watchlist stay (mentions may point at them) with in_watchlist false.
    Rows: entities {id, name, type, country, description}; aliases {entity_id, alias,
    case_sensitive, lang}; relationships {subject, type, object, since, until, status, note,
    source_url}; not_organisations {name_key, name}.
    """
    ignored = [(n["name_key"], n["name"]) for n in not_organisations]
    entity_rows = [
        (e["id"], e["name"], e["type"], e.get("country"), e.get("description"), True)
        for e in entities
    ]
    alias_rows = [(a["entity_id"], a["alias"], a["case_sensitive"], a["lang"]) for a in aliases]
    rel_rows = [
        (_rel_id(r), r["subject"], r["type"], r["object"], r.get("since"), r.get("until"),
         r.get("status", "active"), r.get("note"), r.get("source_url"), "watchlist")
        for r in relationships
    ]  # fmt: skip
    with transaction(conn):
        sql.run(conn, "clear_watchlist")
        sql.run_many(conn, "upsert_entity", entity_rows)
        sql.run_many(conn, "insert_alias", alias_rows)
        sql.run_many(conn, "insert_not_organisation", ignored)
        sql.run_many(conn, "upsert_watchlist_relationship", rel_rows)
