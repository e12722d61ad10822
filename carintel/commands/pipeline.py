"""The job's commands: init, crawl, load, enrich, report weekly and run (all of them in order)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from carintel.commands.common import (
    HomeOption,
    ModelsOption,
    SampleOption,
    SourcesOption,
    WatchlistOption,
    WeekOption,
    app,
    console,
    guard,
    home_for,
    out,
    progress_bar,
    report_app,
    say,
)
from carintel.config import (
    Sources,
    Watchlist,
    load_enrich_config,
    load_sources,
    load_watchlist,
)
from carintel.errors import CrawlError
from carintel.paths import Home, default_config_dir


def run_crawl(
    home: Home,
    sources: Sources,
    local_site: bool,
    redis_url: str | None = None,
    run_id: str | None = None,
) -> Any:
    from carintel.pipeline import crawl

    with progress_bar() as progress:
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
    say(
        f"crawled run {result.run_id}: {result.items} new documents; {seen} seen before, "
        f"{unchanged} listings unchanged; skipped: {skipped}"
    )
    failures = {k: v for k, v in result.skipped.items() if k != "missing_credentials"}
    if result.blocked_pages:
        refused = ", ".join(f"{name} {n}" for name, n in result.blocked_pages.items())
        say(
            f"article pages refused with HTTP 401/403 (the site blocks non-browser clients): "
            f"{refused}; `carintel sources check --source NAME` tells whether any page can be read"
        )
    if result.skipped.get("missing_credentials"):
        say(
            f"{result.skipped['missing_credentials']} source(s) skipped: their credentials are "
            f"not in the environment; {home.logs / 'crawl.log'} names the variables to set"
        )
    if result.items == 0 and failures and not result.fetched_nothing_new_but_worked:
        raise CrawlError(
            "no article could be fetched from any source; see the skipped reasons above and "
            f"{home.logs / 'crawl.log'}"
        )
    return result


def run_load(home: Home, watchlist: Watchlist) -> Any:
    from carintel.pipeline import load

    with progress_bar() as progress:
        task = progress.add_task("loading landing files", total=None)

        def on_file(n: int, total: int, name: str) -> None:
            progress.update(task, total=total, completed=n, description=f"loading {name}")

        result = load(home, watchlist, on_file)
    say(
        f"loaded {result.files_loaded} new landing file(s): {result.documents_added} documents "
        f"added, {result.duplicates} duplicates, {result.rejected} rejected lines"
    )
    return result


def hint_quiet_sources(home: Home, sources: Sources) -> None:
    """One line when enabled sources brought no new document for several runs in a row."""
    from carintel.sources_check import quiet_hint, quiet_sources
    from warehouse import WarehouseError

    try:
        hint = quiet_hint(quiet_sources(home, {s.name for s in sources.enabled()}))
    except WarehouseError:
        return
    if hint:
        say(hint)


def run_enrich(home: Home, watchlist: Watchlist, models: Path | None, rebuild: bool = False) -> Any:
    from carintel.pipeline import enrich

    config = load_enrich_config(models)
    with progress_bar() as progress:
        task = progress.add_task("enriching documents", total=None)
        result = enrich(
            home,
            watchlist,
            config,
            lambda n, total: progress.update(task, total=total, completed=n),
            rebuild=rebuild,
        )
    t = result.timeline
    say(
        f"enriched {result.documents} document(s): {result.mentions} watchlist mentions, "
        f"{result.unlinked} other organisations, {result.people_and_places} people and places; "
        f"{t.reports} event reports merged into "
        f"{t.events} events, {t.proposed_relationships} proposed relationships, "
        f"{t.stories_assigned} documents assigned to stories; {result.precision}"
    )
    return result


def run_report(home: Home, week: str | None) -> Any:
    from carintel.pipeline import report

    with console.status("rendering the weekly report"):
        rendered = report(home, week)
    say(f"weekly report {rendered.week}: {rendered.html} and {rendered.markdown}")
    out.print(str(rendered.html), highlight=False)
    out.print(str(rendered.markdown), highlight=False)
    return rendered


# -- commands --------------------------------------------------------------------------------


@app.command()
def init(ctx: typer.Context, home: HomeOption = None) -> None:
    """Create the data folder and an empty, migrated warehouse; check the configuration."""

    def body() -> None:
        from carintel.pipeline import writer

        h = home_for(ctx, home)
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

    guard(body)


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
        h = home_for(ctx, home)
        if sample:
            with sample_site() as sample_sources:
                run_crawl(h, sample_sources, local_site=True)
        else:
            run_crawl(h, load_sources(sources), not polite, redis_url=redis, run_id=run_id)

    guard(body)


SAMPLE_PORT = 18765


@contextmanager
def sample_site() -> Iterator[Sources]:
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
    guard(lambda: run_load(home_for(ctx, home), load_watchlist(watchlist)))


@app.command("enrich")
def enrich_command(
    ctx: typer.Context,
    watchlist: WatchlistOption = None,
    models: ModelsOption = None,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Enrich every document again, not only new ones (e.g. after a model "
            "upgrade). Analysts' decisions (carintel review) stay in force.",
        ),
    ] = False,
    home: HomeOption = None,
) -> None:
    """Enrich the documents not yet enriched with the current watchlist and models.

    Finds watchlist entities (aliases and NER), other organisations, people and
    places, sentiment, relevance, events and stories. A new watchlist or model
    version enriches again. Each batch is one transaction: a rerun completes an
    interrupted run and adds no duplicates."""
    guard(lambda: run_enrich(home_for(ctx, home), load_watchlist(watchlist), models, rebuild))


@report_app.command("weekly")
def report_weekly(ctx: typer.Context, week: WeekOption = None, home: HomeOption = None) -> None:
    """Render the weekly report: HOME/reports/weekly-YYYY-Www.html (self-contained) and .md.

    Executes notebooks/weekly_report.ipynb headless against the warehouse (read-only).
    """
    guard(lambda: run_report(home_for(ctx, home), week))


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
        h = home_for(ctx, home)
        wl = load_watchlist(watchlist)
        configured = None
        if sample:
            with sample_site() as sample_sources:
                run_crawl(h, sample_sources, local_site=True)
        else:
            configured = load_sources(sources)
            run_crawl(h, configured, local_site=False)
        run_load(h, wl)
        if configured is not None:
            hint_quiet_sources(h, configured)
        run_enrich(h, wl, models)
        run_report(h, week)

    guard(body)
