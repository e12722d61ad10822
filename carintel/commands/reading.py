"""Commands that read or operate: sql, status, sources check, annotate, schedule, schema,
export and lab."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carintel.commands.common import (
    HomeOption,
    ModelsOption,
    SourcesOption,
    WatchlistOption,
    app,
    console,
    guard,
    home_for,
    out,
    sources_app,
)
from carintel.config import (
    load_enrich_config,
    load_sources,
    load_watchlist,
)
from carintel.errors import EXIT_SOURCES, CarintelError


@app.command()
def sql(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="One or more read-only queries.")],
    format: Annotated[
        str, typer.Option("--format", "-f", help="table | csv | json | parquet (needs --out)")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the result to this file.")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Run a read-only SQL query on the warehouse.

    Examples:

      carintel sql "select day, entity_name, title from timeline order by day desc limit 20"

      carintel sql "select * from documents" --format csv --out documents.csv

    Only SELECT (and EXPLAIN) statements run, on a read-only connection: nothing can be changed.
    """
    from carintel.query import run_read_only

    guard(lambda: run_read_only(home_for(ctx, home).read_warehouse, query, format, output, out))


@app.command()
def status(ctx: typer.Context, home: HomeOption = None) -> None:
    """What the warehouse holds, the latest crawl runs with what they skipped, and the reports."""
    from carintel.query import print_status

    guard(lambda: print_status(home_for(ctx, home), out))


@sources_app.command("check")
def sources_check(
    sources: SourcesOption = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            help="Check only this source (repeat for several; a disabled one is checked too).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table (one line per source) | json")
    ] = "table",
    pages: Annotated[
        int, typer.Option("--pages", min=0, max=5, help="Article pages to try per source.")
    ] = 2,
    stale_days: Annotated[
        float,
        typer.Option("--stale-days", min=1, help="Newest item older than this: stale."),
    ] = 30.0,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Seconds to wait for each answer.")
    ] = 15.0,
    home: HomeOption = None,
) -> None:
    """Probe each enabled source once and say whether a crawl would bring news from it.

    Per source: reachable or not (HTTP status), the format found (RSS, Atom, sitemap, API),
    items listed, the newest item's date, whether article pages extract (title, text length,
    date), and a verdict with what to do:

      ok · moved (permanent redirect: update the address) · empty · stale (newest item older
      than --stale-days) · blocked (robots.txt, 403, or article pages refused) · auth-needed
      (credentials missing or refused; Mastodon servers that keep hashtags from logged-out
      clients) · wrong-format (not a feed, or pages without article text) · query-rejected
      (the query breaks the API's rules) · not-found · throttled · unreachable (offline, DNS,
      timeout, server error)

    Polite: robots.txt honoured, one request per listing, at most --pages article pages,
    one request at a time per host. Exit code 0 when every source checked is ok, 6 when one
    is not (for monitoring: --format json gives the same as JSON), 2 for a configuration error.

    Examples:

      carintel sources check

      carintel sources check --source krasia --source insideevs

      carintel sources check --format json > sources-check.json
    """
    from datetime import UTC, datetime

    from carintel.sources_check import entries, print_table, run_check, to_json

    def body() -> None:
        if fmt not in ("table", "json"):
            raise CarintelError(f"unknown --format {fmt!r}: use table or json")
        configured = load_sources(sources, query_rules=False)
        chosen = entries(configured, source or ())
        if not chosen:
            raise CarintelError("every source is disabled: nothing to check")
        started = datetime.now(UTC)
        with console.status(f"checking {len(chosen)} source(s)"):
            reports = run_check(chosen, pages=pages, stale_days=stale_days, timeout=timeout)
        if fmt == "json":
            out.file.write(to_json(reports, started))
        else:
            print_table(reports, out)
        if not all(r.ok for r in reports):
            raise typer.Exit(EXIT_SOURCES)

    guard(body)


@app.command()
def annotate(
    input: Annotated[Path, typer.Argument(help="JSON Lines: {id, text, title?, published_at?}")],
    output: Annotated[Path, typer.Option("--out", "-o", help="Where to write the annotations.")],
    watchlist: WatchlistOption = None,
    models: ModelsOption = None,
) -> None:
    """Annotate documents from a JSON Lines file, with no database.

    Output lines: {id, relevant, relevance, language, entities[{id, name, type, mentions}],
    sentiment, entity_sentiment, events}, as documented in the README. Lines that are not valid
    JSON or lack `id`/`text` are skipped and counted.
    """
    from carintel.annotate_file import annotate_file

    def body() -> None:
        result = annotate_file(input, output, load_watchlist(watchlist), load_enrich_config(models))
        console.print(
            f"annotated {result.written} document(s) into {output}; skipped {result.skipped} "
            "bad line(s)" + (f": {result.reasons}" if result.skipped else ""),
            highlight=False,
        )

    guard(body)


@app.command()
def schedule(
    ctx: typer.Context,
    print_format: Annotated[
        str, typer.Option("--print", help="cron (a crontab line) or systemd (service + timer)")
    ] = "cron",
    day: Annotated[int, typer.Option("--day", min=0, max=6, help="0 = Monday ... 6 = Sunday")] = 0,
    at: Annotated[str, typer.Option("--at", help="Local time, HH:MM")] = "06:00",
    home: HomeOption = None,
) -> None:
    """Print a ready-to-install entry that runs `carintel run` weekly (nothing is installed).

    The run holds a lock (an overlapping run exits 75), logs to HOME/logs/carintel.log, and exits
    non-zero when a step failed, so cron mail or systemd's status shows it.
    """
    from carintel.ops import schedule_entry

    def body() -> None:
        try:
            hour, minute = (int(x) for x in at.split(":"))
            if not (0 <= hour < 24 and 0 <= minute < 60):
                raise ValueError
        except ValueError:
            raise CarintelError(f"--at {at!r} is not a time like 06:00") from None
        out.file.write(schedule_entry(print_format, home_for(ctx, home), day, hour, minute))

    guard(body)


@app.command()
def schema(ctx: typer.Context, home: HomeOption = None) -> None:
    """List the warehouse's tables and views with their columns and comments."""
    from carintel.ops import print_schema

    guard(lambda: print_schema(home_for(ctx, home), out))


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Argument(help="parquet")],
    directory: Annotated[Path, typer.Argument(help="Folder to write NAME.parquet files into")],
    home: HomeOption = None,
) -> None:
    """Export every table and view as Parquet (for Spark, Trino, BI tools or DuckDB anywhere)."""
    from carintel.ops import export_parquet

    def body() -> None:
        if fmt != "parquet":
            raise CarintelError(f"unknown export format {fmt!r}: only parquet is supported")
        written = export_parquet(home_for(ctx, home), directory)
        console.print(f"wrote {len(written)} Parquet files to {directory}", highlight=False)

    guard(body)


@app.command()
def lab(
    ctx: typer.Context,
    print_command: Annotated[
        bool, typer.Option("--print-command", help="Print the command instead of running it.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Open JupyterLab on the analyst notebooks, reading this home's warehouse.

    As root (in a container, say) it passes --allow-root, without which JupyterLab refuses
    to start, and says so."""
    import os
    import subprocess

    from carintel.ops import lab_command, running_as_root

    def body() -> None:
        h = home_for(ctx, home)
        command = lab_command(h)
        if print_command:
            out.print(f"CARINTEL_HOME={h.root} " + " ".join(command), highlight=False)
            return
        if running_as_root():
            console.print(
                "running as root (a container?): JupyterLab is started with --allow-root, "
                "as it refuses root otherwise",
                highlight=False,
            )
        env = {**os.environ, "CARINTEL_HOME": str(h.root)}
        code = subprocess.call(command, env=env)
        if code not in (0, 130):
            console.print(
                f"JupyterLab ended with exit code {code}; its messages above say why "
                f"('carintel lab --print-command' shows the command to run by hand)",
                highlight=False,
            )
        raise typer.Exit(code)

    guard(body)
