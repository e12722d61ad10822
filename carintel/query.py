"""Read-only access for people: `carintel sql` and `carintel status`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.table import Table

from carintel.errors import CarintelError
from carintel.paths import Home
from enrich.precision import cpu_support
from warehouse import adhoc, catalog, connect_read_only

FORMATS = ("table", "csv", "json", "parquet")


class QueryError(CarintelError):
    """A query that is not allowed or does not run."""


def run_read_only(
    warehouse_path: Path, query: str, fmt: str, output: Path | None, out: Console
) -> None:
    if fmt not in FORMATS:
        raise QueryError(f"unknown --format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "parquet" and output is None:
        raise QueryError("--format parquet writes a file: add --out FILE.parquet")
    conn = connect_read_only(warehouse_path)
    try:
        frame = adhoc.read_only_frame(conn, query)
    except adhoc.AdhocQueryError as exc:
        raise QueryError(str(exc)) from None
    finally:
        conn.close()
    if frame is None:
        return
    _emit(frame, fmt, output, out)


def _emit(frame: Any, fmt: str, output: Path | None, out: Console) -> None:
    if fmt == "parquet":
        assert output is not None
        with duckdb.connect() as scratch:  # in memory: DuckDB writes Parquet without pyarrow
            scratch.from_df(frame).write_parquet(str(output))
        return
    if fmt == "csv":
        text = frame.to_csv(index=False)
    elif fmt == "json":
        text = frame.to_json(orient="records", lines=True, date_format="iso", force_ascii=False)
    else:
        text = None
    if output is not None:
        output.write_text(text if text is not None else frame.to_string(index=False), "utf-8")
        return
    if text is not None:
        out.file.write(text)
        return
    table = Table(show_lines=False)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*("" if v is None else str(v) for v in row))
    out.print(table)
    out.print(f"{len(frame)} row(s)", style="dim")


def print_status(home: Home, out: Console) -> None:
    conn = connect_read_only(home.read_warehouse)
    try:
        counts = catalog.status_counts(conn)
        runs = catalog.latest_crawl_runs(conn)
        health = catalog.source_health(conn)
    finally:
        conn.close()
    out.print(
        f"[bold]{home.read_warehouse}[/bold] (published snapshot)\n"
        f"documents {counts[0]} from {counts[1]} source(s); {counts[3]} mentions of "
        f"{counts[2]} entities; newest publication day {counts[4]}",
        highlight=False,
    )
    table = Table(title="latest crawl runs")
    for column in ("run", "spider", "finished", "pages", "articles", "skipped", "repaired"):
        table.add_column(column)
    for run_id, spider, finished, pages, items, skipped, repaired in runs:
        table.add_row(
            run_id, spider, str(finished)[:19], str(pages), str(items),
            _reasons(skipped), _reasons(repaired),
        )  # fmt: skip
    out.print(table)
    _print_health(health, out)
    reports = sorted(home.reports.glob("weekly-*.html")) if home.reports.exists() else []
    out.print(f"reports: {len(reports)}" + (f", newest {reports[-1]}" if reports else ""))
    out.print(f"enrichment: {cpu_support().describe()}", highlight=False)


def _print_health(rows: list[tuple[Any, ...]], out: Console) -> None:
    table = Table(title="sources (last run)")
    for column in ("source", "runs", "items", "new", "errors", "runs without new", "flag"):
        table.add_column(column)
    flagged = 0
    for source, runs, items, new, errors, rate, quiet_runs, quiet, jumped in rows:
        flags = []
        if quiet:
            flags.append(f"[yellow]quiet: nothing new in {quiet_runs} runs[/yellow]")
        if jumped:
            flags.append(f"[red]errors up: {rate:.0%} of requests failed[/red]")
        flagged += bool(flags)
        table.add_row(
            source, str(runs), str(items), str(new), str(errors), str(quiet_runs),
            "; ".join(flags) or "ok",
        )  # fmt: skip
    out.print(table)
    if flagged:
        out.print(f"[yellow]{flagged} source(s) need a look[/yellow]: see the flags above.")


def _reasons(value: Any) -> str:
    data = json.loads(value) if isinstance(value, str) else (value or {})
    return ", ".join(f"{k} {v}" for k, v in sorted(data.items())) or "-"
