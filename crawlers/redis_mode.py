"""Scale-out on Redis: several crawl workers (processes or hosts) share one crawl run.

scrapy-redis provides the shared request queue and the shared duplicate filter. It predates
Scrapy's `async def start()`, but its scheduler and dupefilter only see requests, so they work
with it unchanged; what it lacks for a run shared by N workers is added here, in the smallest
form that does the job:

- Seeding: every worker runs its spider's `start()`, but only the first worker of a run (a Redis
  SET NX) enqueues the start requests (Scrapy marks them `is_start_request`); the others drop
  theirs and work from the shared queue. Otherwise each feed would be fetched once per worker.
- Staying alive: a worker whose queue is momentarily empty keeps waiting (DontCloseSpider) until
  the shared queue has been empty for CARINTEL_REDIS_IDLE_SECONDS, since another worker may
  still be parsing a listing that will enqueue more pages.
- Keys are per run (`carintel:RUN:SPIDER:requests|dupefilter|seeded`) and expire after a day.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler

KEY_TTL_SECONDS = 24 * 3600


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def redis_settings(redis_url: str, run_id: str) -> dict[str, Any]:
    """Settings that put a crawl on Redis (see crawlers.process.crawl_settings)."""
    prefix = f"carintel:{run_id}:%(spider)s"
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "crawlers.redis_mode.SharedRunScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the other workers still need the queue
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "CARINTEL_WORKER": worker_name(),
        "CARINTEL_REDIS_SEED_KEY": f"{prefix}:seeded",
        "EXTENSIONS": {"crawlers.redis_mode.WaitForSharedQueue": 520},
    }


class SharedRunScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler; only the run's first worker enqueues start requests."""

    seed_key_template: str = ""
    is_seeder: bool = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedRunScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.seed_key_template = crawler.settings.get("CARINTEL_REDIS_SEED_KEY", "")
        return scheduler  # type: ignore[no-any-return]

    def open(self, spider: Spider) -> None:
        super().open(spider)
        key = self.seed_key_template % {"spider": spider.name}
        self.is_seeder = bool(self.server.set(key, worker_name(), nx=True, ex=KEY_TTL_SECONDS))
        for suffix in ("requests", "dupefilter"):
            self.server.expire(key.rsplit(":", 1)[0] + f":{suffix}", KEY_TTL_SECONDS)
        spider.logger.info(
            "redis: %s this run's start requests", "seeding" if self.is_seeder else "not seeding"
        )

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.get("is_start_request") and not self.is_seeder:
            return False
        return bool(super().enqueue_request(request))


class WaitForSharedQueue:
    """Keeps an idle worker alive until the shared queue has stayed empty for a while."""

    def __init__(self, crawler: Crawler, idle_seconds: float) -> None:
        self.crawler = crawler
        self.idle_seconds = idle_seconds
        self._empty_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WaitForSharedQueue:
        ext = cls(crawler, crawler.settings.getfloat("CARINTEL_REDIS_IDLE_SECONDS", 10.0))
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        return ext

    def spider_idle(self, spider: Spider) -> None:
        engine = self.crawler.engine
        scheduler = engine.scheduler if engine is not None else None
        if scheduler is not None and len(scheduler):  # type: ignore[arg-type]
            self._empty_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self._empty_since is None:
            self._empty_since = now
        if now - self._empty_since < self.idle_seconds:
            raise DontCloseSpider


def shared_run_id(redis_url: str, proposed: str, window_seconds: int = 1800) -> str:
    """The run id that workers started within `window_seconds` of each other agree on."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.set("carintel:current_run", proposed, nx=True, ex=window_seconds)
        value = client.get("carintel:current_run")
    finally:
        client.close()
    return value.decode() if isinstance(value, bytes) else proposed
