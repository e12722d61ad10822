"""The pipeline runner: crawl → load → enrich → report, tying the stage packages together.

Each stage is a function with plain inputs that returns a frozen summary; the CLI adds progress
bars and messages. Only this module (through `warehouse`) opens the warehouse for writing, and
always under the home directory's writer lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import duckdb

import warehouse
from carintel.config import (
    EnrichConfig,
    Sources,
    Watchlist,
    alias_rows,
    entity_rows,
    not_organisation_rows,
    relationship_rows,
)
from carintel.errors import CrawlError
from carintel.lock import writer_lock
from carintel.paths import Home
from carintel_home import journal_file
from warehouse.loader import LoadResult, load_journal, load_landing, sync_watchlist
from warehouse.snapshot import publish

if TYPE_CHECKING:  # torch and transformers take seconds to import: only `enrich` pays for them
    from carintel.enrichment import EnrichResult

Progress = Callable[[int, int], None]


@contextmanager
def writer(home: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse's writing connection, under the writer lock. On success the new state is
    published as the read snapshot before the connection closes. Analysts' decisions (the
    review journal) are loaded before the step and again before publishing, so a decision made
    while the step ran is in the snapshot it publishes."""
    home.ensure()
    journal = journal_file(home.warehouse)
    with writer_lock(home.lock):
        conn = warehouse.connect(home.warehouse)
        try:
            load_journal(conn, journal)
            yield conn
            load_journal(conn, journal)
            publish(conn, home.warehouse)
        finally:
            conn.close()


def _sync(conn: duckdb.DuckDBPyConnection, watchlist: Watchlist) -> None:
    sync_watchlist(
        conn,
        entity_rows(watchlist),
        alias_rows(watchlist),
        relationship_rows(watchlist),
        not_organisation_rows(watchlist),
    )


def crawl(
    home: Home,
    sources: Sources,
    *,
    local_site: bool = False,
    progress: Callable[[str, int], None] | None = None,
    run_id: str | None = None,
    redis_url: str | None = None,
) -> Any:
    """Crawl every enabled source into `home/landing/RUN/`. Returns crawlers' CrawlResult."""
    from crawlers.process import run_crawl  # Scrapy is heavy; import it only to crawl

    home.ensure()
    by_spider = sources.by_spider()
    if not by_spider:
        raise CrawlError("every source is disabled: enable at least one in the sources file")
    result = run_crawl(
        by_spider,
        home.landing,
        run_id=run_id,
        local_site=local_site,
        log_file=home.logs / "crawl.log",
        progress=progress,
        redis_url=redis_url,
    )
    if not result.spiders:
        raise CrawlError(
            f"the crawl wrote no statistics to {result.run_dir}; see {home.logs / 'crawl.log'}"
        )
    return result


def load(
    home: Home,
    watchlist: Watchlist,
    progress: Callable[[int, int, str], None] | None = None,
) -> LoadResult:
    """Sync the watchlist, then load every new or changed landing file."""
    with writer(home) as conn:
        _sync(conn, watchlist)
        return load_landing(conn, home.landing, progress)


def enrich(
    home: Home,
    watchlist: Watchlist,
    config: EnrichConfig,
    progress: Progress | None = None,
    rebuild: bool = False,
) -> EnrichResult:
    """Enrich every document not yet enriched with this watchlist and these models (with
    `rebuild`, every document, e.g. after a model upgrade)."""
    from carintel.enrichment import build_enricher, enrich_warehouse

    enricher = build_enricher(watchlist, config)  # load the models before taking the lock
    with writer(home) as conn:
        _sync(conn, watchlist)  # mentions must point at entities the warehouse knows
        return enrich_warehouse(conn, enricher, progress, rebuild=rebuild)


def report(home: Home, week: str | None) -> Any:
    """Render the weekly report (HTML + Markdown) into `home/reports/`."""
    from reports.weekly import render_weekly

    home.ensure()
    return render_weekly(home.read_warehouse, week, home.reports)
