"""Running the spiders in this process: what `carintel crawl` calls.

Scrapy's reactor starts once per process, so call `run_crawl` at most once per process
(the CLI does); tests run crawls through the CLI in a subprocess.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from carintel_home import STATE, new_run_id
from crawlers.settings import landing_feeds


@dataclass(frozen=True)
class SpiderRun:
    spider: str
    pages_fetched: int
    items_scraped: int
    skipped: dict[str, int]
    repaired: dict[str, int]
    finish_reason: str
    not_modified: int = 0  # listings answered 304
    seen_before: int = 0  # entries not fetched again: an earlier run had them
    # source -> article pages the site refused with 401/403 (its listing answered)
    blocked_pages: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CrawlResult:
    run_id: str
    run_dir: Path
    spiders: tuple[SpiderRun, ...] = field(default_factory=tuple)

    @property
    def items(self) -> int:
        return sum(s.items_scraped for s in self.spiders)

    @property
    def fetched_nothing_new_but_worked(self) -> bool:
        """No item, but the sources answered (304s, or only entries seen before)."""
        return any(s.not_modified or s.seen_before for s in self.spiders)

    @property
    def blocked_pages(self) -> dict[str, int]:
        """Per source, the article pages refused with 401/403 in this run."""
        total: dict[str, int] = {}
        for s in self.spiders:
            for source, n in s.blocked_pages.items():
                total[source] = total.get(source, 0) + n
        return dict(sorted(total.items()))

    @property
    def skipped(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for s in self.spiders:
            for reason, n in s.skipped.items():
                total[reason] = total.get(reason, 0) + n
        return dict(sorted(total.items()))


def crawl_settings(
    landing_dir: Path,
    run_id: str,
    *,
    local_site: bool = False,
    log_file: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
    overrides: dict[str, Any] | None = None,
    redis_url: str | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    landing = str(landing_dir.resolve())
    settings.set("CARINTEL_LANDING_DIR", landing, priority="cmdline")
    settings.set("CARINTEL_RUN_ID", run_id, priority="cmdline")
    settings.set("CARINTEL_STATE_DIR", str(landing_dir.resolve().parent / STATE), "cmdline")
    settings.set("FEEDS", landing_feeds(landing), priority="cmdline")
    if local_site:
        from crawlers.settings import LOCAL_SITE_SETTINGS

        settings.setdict(LOCAL_SITE_SETTINGS, priority="cmdline")
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
        settings.set("LOG_FILE_APPEND", True, priority="cmdline")
        settings.set("LOG_INSTALL_ROOT_HANDLER", True, priority="cmdline")
    if progress is not None:
        settings.set("CARINTEL_PROGRESS", progress, priority="cmdline")
    if redis_url:
        from crawlers.redis_mode import redis_settings

        shared = redis_settings(redis_url, run_id)
        extensions = {**settings.getdict("EXTENSIONS"), **shared.pop("EXTENSIONS")}
        settings.setdict(shared, priority="cmdline")
        settings.set("EXTENSIONS", extensions, priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def read_run(run_dir: Path) -> tuple[SpiderRun, ...]:
    runs = []
    for path in sorted(run_dir.glob("stats-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        runs.append(
            SpiderRun(
                spider=data["spider"],
                pages_fetched=data["pages_fetched"],
                items_scraped=data["items_scraped"],
                skipped=data["skipped"],
                repaired=data.get("repaired", {}),
                finish_reason=data["finish_reason"],
                not_modified=int(data["stats"].get("carintel/not_modified", 0)),
                seen_before=int(data["stats"].get("carintel/seen_before", 0)),
                blocked_pages={
                    str(s["name"]): int(s["blocked_pages"])
                    for s in data.get("sources", [])
                    if s.get("blocked_pages")
                },
            )
        )
    return tuple(runs)


def run_crawl(
    sources_by_spider: dict[str, list[dict[str, Any]]],
    landing_dir: Path,
    *,
    run_id: str | None = None,
    local_site: bool = False,
    log_file: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
    overrides: dict[str, Any] | None = None,
    redis_url: str | None = None,
) -> CrawlResult:
    """Crawl into `landing_dir/RUN/`: each spider (by name) with its sources (dicts)."""
    if redis_url and not run_id:
        from crawlers.redis_mode import shared_run_id

        run_id = shared_run_id(redis_url, new_run_id())
    run_id = run_id or new_run_id()
    settings = crawl_settings(
        landing_dir, run_id, local_site=local_site, log_file=log_file, progress=progress,
        overrides=overrides, redis_url=redis_url,
    )  # fmt: skip
    process = CrawlerProcess(settings)
    known = set(process.spider_loader.list())
    unknown = sorted(set(sources_by_spider) - known)
    if unknown:
        raise ValueError(
            f"no spider named {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    for spider, sources in sorted(sources_by_spider.items()):
        if sources:
            process.crawl(spider, sources=sources, run_id=run_id)
    process.start()
    run_dir = landing_dir / run_id
    return CrawlResult(run_id=run_id, run_dir=run_dir, spiders=read_run(run_dir))
