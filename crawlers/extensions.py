"""Crawl run bookkeeping: the run's statistics file, and a progress hook for the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawlers.stats import repaired_from_stats, skipped_from_stats


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def source_health(stats: dict[str, Any], source: str) -> dict[str, Any]:
    """One source's share of a run: requests, items, errors by reason, 304s, seen-before, and
    the article pages refused with 401/403."""
    prefix = f"carintel/source/{source}/"
    mine = {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix)}
    skipped = {
        k.removeprefix("skipped/"): int(v) for k, v in mine.items() if k.startswith("skipped/")
    }
    return {
        "requests": int(mine.get("requests", 0)),
        "items": int(mine.get("items", 0)),
        "errors": sum(skipped.values()),
        "skipped": skipped,
        "not_modified": int(mine.get("not_modified", 0)),
        "seen_before": int(mine.get("seen_before", 0)),
        "blocked_pages": int(mine.get("blocked_pages", 0)),  # article pages refused (401/403)
    }


class RunStatsExtension:
    """Writes `landing/RUN/stats-SPIDER.json` when the spider closes: the Scrapy stats plus what
    was skipped and repaired, by reason. The loader stores it in `crawl_runs`."""

    def __init__(self, crawler: Crawler, landing_dir: Path) -> None:
        self.crawler = crawler
        self.landing_dir = landing_dir

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunStatsExtension:
        ext = cls(crawler, Path(crawler.settings.get("CARINTEL_LANDING_DIR")))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def _inc(self, source: object, what: str) -> None:
        if source and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"carintel/source/{source}/{what}")

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        self._inc(request.meta.get("source"), "requests")

    def item_scraped(self, item: Any, spider: Spider) -> None:
        self._inc(getattr(item, "source", None), "items")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = dict(self.crawler.stats.get_stats())
        run_id = getattr(spider, "run_id", None) or "adhoc"
        name = f"{spider.name}{getattr(spider, 'worker_suffix', '')}"
        record = {
            "run_id": run_id,
            "spider": name,
            "source_kind": getattr(spider, "source_kind", None),
            "sources": [
                {"name": s.get("name"), "url": s.get("url") or s.get("api_base")}
                | source_health(stats, str(s.get("name")))
                for s in getattr(spider, "sources", [])
            ],
            "started_at": _jsonable(stats.get("start_time")),
            "finished_at": _jsonable(stats.get("finish_time")),
            "finish_reason": reason,
            "pages_fetched": int(stats.get("downloader/response_count", 0)),
            "items_scraped": int(stats.get("item_scraped_count", 0)),
            "errors": sum(skipped_from_stats(stats).values()),
            "skipped": skipped_from_stats(stats),
            "repaired": repaired_from_stats(stats),
            "stats": _jsonable(stats),
        }
        path = self.landing_dir / run_id / f"stats-{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(record, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(path)


ProgressCallback = Callable[[str, int], None]


class ProgressExtension:
    """Reports progress to a callback in the `CARINTEL_PROGRESS` setting (the CLI's progress bar):
    ("scheduled", 1) for each request, ("done", 1) for each response or failure,
    ("item", 1) for each item."""

    def __init__(self, callback: ProgressCallback) -> None:
        self.callback = callback

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        callback = crawler.settings.get("CARINTEL_PROGRESS")
        ext = cls(callback if callable(callback) else (lambda event, n: None))
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        return ext

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        self.callback("scheduled", 1)

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        self.callback("done", 1)

    def request_dropped(self, request: Request, spider: Spider) -> None:
        self.callback("done", 1)

    def item_scraped(self, item: Any, spider: Spider) -> None:
        self.callback("item", 1)

    def spider_error(self, failure: Any, response: Response, spider: Spider) -> None:
        self.callback("error", 1)
