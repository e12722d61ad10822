"""Honouring "slow down": HTTP 429 (and 503 with Retry-After) pauses the whole site.

Scrapy's RetryMiddleware retries a 429 at once, which is what gets crawlers banned. Here a 429
(or a 503 that says Retry-After) pauses every request to that site until the Retry-After time
(seconds or an HTTP date; an exponential backoff when the header is missing), then retries the
request, up to CARINTEL_THROTTLE_RETRIES times. After that the response goes on, and the spider
counts it under its status (http_429). Waits are capped at CARINTEL_THROTTLE_MAX_WAIT seconds.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

THROTTLE_STATUSES = (429, 503)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.fromtimestamp(now if now is not None else time.time(), UTC)
    return max(0.0, (when - current).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler: Crawler, retries: int, base_wait: float, max_wait: float) -> None:
        self.crawler = crawler
        self.retries = retries
        self.base_wait = base_wait
        self.max_wait = max_wait
        self._not_before: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        s = crawler.settings
        return cls(
            crawler,
            s.getint("CARINTEL_THROTTLE_RETRIES", 3),
            s.getfloat("CARINTEL_THROTTLE_BASE_WAIT", 30.0),
            s.getfloat("CARINTEL_THROTTLE_MAX_WAIT", 900.0),
        )

    @staticmethod
    def _site(request: Request) -> str:
        return str(request.meta.get("download_slot") or urlsplit(request.url).netloc)

    async def process_request(self, request: Request) -> None:
        wait = self._not_before.get(self._site(request), 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in THROTTLE_STATUSES:
            return response
        header = (response.headers.get(b"Retry-After") or b"").decode("latin-1")
        if response.status == 503 and not header:
            return response  # an ordinary server error: RetryMiddleware's business
        tries = int(request.meta.get("carintel_throttle_tries", 0))
        self._count("carintel/throttled", request)
        if tries >= self.retries:
            return response
        wait = parse_retry_after(header)
        if wait is None:
            wait = self.base_wait * (2**tries)
        wait = min(wait, self.max_wait)
        site = self._site(request)
        self._not_before[site] = max(self._not_before.get(site, 0.0), time.monotonic() + wait)
        retry = request.replace(dont_filter=True)
        retry.meta["carintel_throttle_tries"] = tries + 1
        return retry

    def _count(self, key: str, request: Request) -> None:
        stats = self.crawler.stats
        if stats is None:
            return
        stats.inc_value(key)
        source = request.meta.get("source")
        if source:
            stats.inc_value(f"carintel/source/{source}/{key.removeprefix('carintel/')}")
