"""`carintel sources check`: which sources to probe, and the report as a table or JSON.

The probing itself is crawlers.check (the crawler's own parsing, requests and credentials).
This module picks the entries of the sources file, renders what came back, and gives `carintel
run` its hint when a source has brought nothing new for several runs.
"""

from __future__ import annotations

import difflib
import json
import os
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
from rich.console import Console
from rich.markup import escape

from carintel.config import Sources
from carintel.errors import ConfigError
from carintel.paths import Home
from crawlers.check import VERDICTS, CheckOptions, Fetcher, SourceCheck, check_sources
from crawlers.settings import USER_AGENT

JSON_VERSION = 1
QUIET_RUNS = 3  # the source_health view's `quiet`: no new document in this many runs or more
_COLOURS = {"ok": "green", "moved": "yellow", "stale": "yellow", "empty": "yellow"}


def entries(sources: Sources, names: Sequence[str] = ()) -> list[tuple[str, dict[str, Any]]]:
    """(section, source) for every enabled source, or for the ones named (enabled or not)."""
    every = [(section, e) for section, listed in sources.sections().items() for e in listed]
    if not names:
        return [(section, e.model_dump()) for section, e in every if e.enabled]
    by_name = {e.name: (section, e) for section, e in every}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, list(by_name), n=3)
            hints.append(f"{name!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
        raise ConfigError(
            f"no source named {', '.join(hints)} in the sources file; its sources are: "
            f"{', '.join(sorted(by_name))}"
        )
    return [(by_name[n][0], by_name[n][1].model_dump()) for n in dict.fromkeys(names)]


def run_check(
    chosen: Sequence[tuple[str, dict[str, Any]]],
    *,
    pages: int,
    stale_days: float,
    timeout: float,
) -> list[SourceCheck]:
    fetcher = Fetcher(USER_AGENT, timeout=timeout)
    options = CheckOptions(
        pages=pages, stale_days=stale_days, env=dict(os.environ), now=datetime.now(UTC)
    )
    return check_sources(chosen, fetcher, options)


def summary(reports: Sequence[SourceCheck]) -> dict[str, int]:
    counts = Counter(r.verdict for r in reports)
    return {verdict: counts.get(verdict, 0) for verdict in VERDICTS}


def to_json(reports: Sequence[SourceCheck], checked_at: datetime) -> str:
    """The `--format json` document: stable keys, one object per source in file order."""
    document = {
        "version": JSON_VERSION,
        "checked_at": checked_at.astimezone(UTC).isoformat(),
        "ok": all(r.ok for r in reports),
        "summary": summary(reports),
        "sources": [r.to_dict() for r in reports],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cells(r: SourceCheck) -> list[str]:
    tried = len(r.pages)
    extracted = sum(p.extracted for p in r.pages)
    return [
        r.name,
        r.verdict,
        str(r.http_status) if r.http_status is not None else "-",
        r.format or "-",
        str(r.items) if r.items is not None else "-",
        r.newest[:10] if r.newest else "-",
        f"{extracted}/{tried}" if tried else "-",
    ]


HEADER = ["source", "verdict", "http", "format", "items", "newest", "pages"]


def print_table(reports: Sequence[SourceCheck], out: Console) -> None:
    """One line per source: the facts in columns, then what was found and what to do."""
    rows = [_cells(r) for r in reports]
    widths = [max(len(c) for c in column) for column in zip(HEADER, *rows, strict=True)]

    def padded(cells: list[str]) -> list[str]:
        return [
            c.rjust(w) if i in (2, 4) else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]

    out.print(
        "[bold]" + escape("  ".join(padded(HEADER))) + "  what was found → what to do[/bold]",
        highlight=False,
    )
    for report, cells in zip(reports, rows, strict=True):
        parts = [escape(c) for c in padded(cells)]
        colour = _COLOURS.get(report.verdict, "red")
        parts[1] = f"[{colour}]{parts[1]}[/{colour}]"
        said = report.detail if report.ok else f"{report.detail} → {report.advice}"
        out.print("  ".join(parts) + "  " + escape(said), highlight=False)
    counts = {k: v for k, v in summary(reports).items() if v}
    total = ", ".join(f"{v} {k}" for k, v in counts.items())
    out.print(f"{len(reports)} source(s) checked: {total}", highlight=False)
    offline = [r for r in reports if r.verdict == "unreachable" and "cannot resolve" in r.detail]
    if offline and not any(r.reachable for r in reports):
        out.print(
            "[yellow]no source could be reached: this machine seems to be offline.[/yellow] "
            "Run the check where the internet is reachable.",
            highlight=False,
        )


# -- the hint in `carintel run` --------------------------------------------------------------


def quiet_sources(home: Home, names: set[str]) -> list[tuple[str, int]]:
    """Enabled sources with no new document in the last QUIET_RUNS runs or more (the
    `source_health` view's `quiet` flag), with that number of runs."""
    from warehouse import catalog, connect_read_only

    conn = connect_read_only(home.read_warehouse)
    try:
        rows = catalog.quiet_sources(conn)
    except duckdb.Error:
        return []  # a warehouse without the view: no hint rather than a failed run
    finally:
        conn.close()
    return [(source, runs) for source, runs in rows if source in names]


def quiet_hint(quiet: Sequence[tuple[str, int]]) -> str | None:
    """One line: which sources brought nothing new for QUIET_RUNS runs or more, and the command
    that says why."""
    if not quiet:
        return None
    names = [name for name, _ in quiet]
    shown = ", ".join(f"{name} ({runs} runs)" for name, runs in quiet[:5])
    more = f" and {len(quiet) - 5} more" if len(quiet) > 5 else ""
    command = "carintel sources check" + "".join(f" --source {n}" for n in names[:5])
    return (
        f"hint: no new documents from {shown}{more} in {QUIET_RUNS} runs or more; "
        f"`{command}` says whether they still work"
    )
