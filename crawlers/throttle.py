"""Honouring "slow down": HTTP 429 (and 503 with Retry-After) pauses the whole site, and so do
APIs' rate-limit headers before it comes to that.

Scrapy's RetryMiddleware retries a 429 at once, which is what gets crawlers banned. Here a 429
(or a 503 that says Retry-After) pauses every request to that site until the Retry-After time
(seconds or an HTTP date; an exponential backoff when the header is missing), then retries the
request, up to CARINTEL_THROTTLE_RETRIES times. After that the response goes on, and the spider
counts it under its status (http_429). Waits are capped at CARINTEL_THROTTLE_MAX_WAIT seconds.

Rate-limit headers (`X-Ratelimit-Remaining`/`-Reset` from Reddit and Mastodon,
`RateLimit-Remaining`/`-Reset` from Bluesky) are read on every answer: with nothing left the site
waits until the reset; with few requests left (LOW_REMAINING or fewer) the next requests are
spaced over the time to the reset. Each such pause is counted as `carintel/rate_limit_waits`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

THROTTLE_STATUSES = (429, 503)
LOW_REMAINING = 10  # with this few requests left before the reset, spread them over the wait
_RATE_HEADERS = (
    (b"X-Ratelimit-Remaining", b"X-Ratelimit-Reset"),
    (b"RateLimit-Remaining", b"RateLimit-Reset"),
)
_EPOCH_SECONDS = 1e9  # a reset larger than this is a Unix time, not seconds to wait
log = logging.getLogger(__name__)


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


def parse_rate_limit_reset(value: str | None, now: float | None = None) -> float | None:
    """Seconds until a rate-limit window resets: seconds to wait (Reddit), a Unix time
    (Bluesky), an ISO 8601 time (Mastodon) or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    current = now if now is not None else time.time()
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, number - current if number > _EPOCH_SECONDS else number)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return parse_retry_after(text, current)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - current)


def rate_limit_wait(headers: dict[bytes, bytes], now: float | None = None) -> float | None:
    """How long to hold the site's next request, from its rate-limit headers (None: no need)."""
    for remaining_name, reset_name in _RATE_HEADERS:
        remaining_text, reset_text = headers.get(remaining_name), headers.get(reset_name)
        if not remaining_text or not reset_text:
            continue
        try:
            remaining = float(remaining_text.decode("latin-1").strip())
        except ValueError:
            continue
        reset = parse_rate_limit_reset(reset_text.decode("latin-1"), now)
        if reset is None:
            continue
        if remaining < 1:
            return reset
        if remaining <= LOW_REMAINING:
            return reset / remaining
        return None
    return None


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
        # Scrapy's own slot key: the downloader sets meta["download_slot"] to the host name
        # only after this middleware has seen a new request, so the fallback must match it.
        return str(request.meta.get("download_slot") or urlsplit(request.url).hostname or "")

    async def process_request(self, request: Request) -> None:
        wait = self._not_before.get(self._site(request), 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        self._honour_rate_limit(request, response)
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

    def _honour_rate_limit(self, request: Request, response: Response) -> None:
        headers = {
            name: value
            for pair in _RATE_HEADERS
            for name in pair
            if (value := response.headers.get(name))
        }
        wait = rate_limit_wait(headers) if headers else None
        if not wait or wait <= 0:
            return
        wait = min(wait, self.max_wait)
        site = self._site(request)
        until = time.monotonic() + wait
        if until <= self._not_before.get(site, 0.0):
            return
        self._not_before[site] = until
        self._count("carintel/rate_limit_waits", request)
        log.info("%s: rate limit nearly used up; next request in %.1f s", site, wait)

    def _count(self, key: str, request: Request) -> None:
        stats = self.crawler.stats
        if stats is None:
            return
        stats.inc_value(key)
        source = request.meta.get("source")
        if source:
            stats.inc_value(f"carintel/source/{source}/{key.removeprefix('carintel/')}")
