"""429 and Retry-After: the site is paused, the request retried, the rest counted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
import yaml

from crawlers.throttle import parse_rate_limit_reset, parse_retry_after, rate_limit_wait
from tests.conftest import ApiCall, LocalApi, Reply, run_cli

PAGE = (
    "<html lang='en'><head><title>{t}</title></head><body><article><h1>{t}</h1>"
    + "<p>Xiaomi and Huawei compete for buyers of smart electric cars in China this year.</p>" * 6
    + "</article></body></html>"
)


def test_retry_after_in_seconds_and_as_http_date() -> None:
    assert parse_retry_after("120") == 120.0
    now = datetime(2025, 5, 12, 12, 0, tzinfo=UTC)
    later = format_datetime(datetime(2025, 5, 12, 12, 0, 30, tzinfo=UTC), usegmt=True)
    assert parse_retry_after(later, now=now.timestamp()) == 30.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@pytest.fixture
def site() -> Iterator[LocalApi]:
    def route(call: ApiCall) -> Reply:
        html = {"Content-Type": "text/html; charset=utf-8"}
        if call.path == "/robots.txt":
            return 200, html, b"User-agent: *\nAllow: /\n"
        if call.path == "/feed.xml":
            items = "".join(
                f"<item><title>{n}</title><link>{server.url}/{n}</link></item>"
                for n in ("slow", "never", "fine")
            )
            rss = f"<rss version='2.0'><channel>{items}</channel></rss>".encode()
            return 200, {"Content-Type": "application/rss+xml"}, rss
        if call.path == "/slow" and len(server.calls_to("/slow")) == 1:
            return 429, html | {"Retry-After": "1"}, b""
        if call.path == "/never":
            return 429, html | {"Retry-After": "0"}, b""
        if call.path in ("/slow", "/fine"):
            return 200, html, PAGE.format(t=call.path.strip("/")).encode()
        return 404, html, b""

    with LocalApi(route) as server:
        yield server


def test_429_pauses_retries_and_counts(site: LocalApi, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"feeds": [{"name": "t", "url": f"{site.url}/feed.xml"}]}))
    run_cli("crawl", "--sources", str(sources), "--no-polite", home=tmp_path)
    [run] = list((tmp_path / "landing").iterdir())
    titles = sorted(
        json.loads(x)["title"] for x in (run / "items-feeds.jsonl").read_text().splitlines()
    )
    assert titles == ["fine", "slow"]
    stats = json.loads((run / "stats-feeds.json").read_text())
    assert stats["skipped"] == {"http_429": 1}
    assert stats["stats"]["carintel/throttled"] == 1 + 4  # /slow once, /never 1 + 3 retries
    slow = [call.received for call in site.calls_to("/slow")]
    assert len(slow) == 2 and slow[1] - slow[0] >= 0.9  # waited for Retry-After: 1


def test_rate_limit_headers_space_or_pause_the_next_requests() -> None:
    now = datetime(2025, 5, 12, 12, 0, tzinfo=UTC).timestamp()
    reddit = {b"X-Ratelimit-Remaining": b"0.0", b"X-Ratelimit-Reset": b"372"}
    assert rate_limit_wait(reddit, now) == 372.0  # nothing left: wait for the reset
    few = {b"X-Ratelimit-Remaining": b"4", b"X-Ratelimit-Reset": b"100"}
    assert rate_limit_wait(few, now) == 25.0  # few left: spread them over the wait
    plenty = {b"X-Ratelimit-Remaining": b"598.0", b"X-Ratelimit-Reset": b"100"}
    assert rate_limit_wait(plenty, now) is None
    bluesky = {b"RateLimit-Remaining": b"0", b"RateLimit-Reset": str(int(now) + 30).encode()}
    assert rate_limit_wait(bluesky, now) == 30.0  # a Unix time
    assert parse_rate_limit_reset("2025-05-12T12:01:00.000Z", now) == 60.0  # Mastodon's form
    assert rate_limit_wait({b"X-Ratelimit-Remaining": b"0"}, now) is None  # no reset: no wait


def test_an_exhausted_rate_limit_pauses_the_site_until_its_reset(tmp_path: Path) -> None:
    def route(call: ApiCall) -> Reply:
        html = {"Content-Type": "text/html; charset=utf-8"}
        if call.path == "/robots.txt":
            return 200, html, b"User-agent: *\nAllow: /\n"
        if call.path == "/feed.xml":
            rss = f"<rss version='2.0'><channel><item><title>a</title><link>{server.url}/a</link>"
            headers = {"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "1"}
            return 200, headers, (rss + "</item></channel></rss>").encode()
        if call.path == "/a":
            return 200, html, PAGE.format(t="a").encode()
        return 404, html, b""

    with LocalApi(route) as server:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            yaml.safe_dump({"feeds": [{"name": "t", "url": f"{server.url}/feed.xml"}]})
        )
        run_cli("crawl", "--sources", str(sources), "--no-polite", home=tmp_path)
    [feed], [page] = server.calls_to("/feed.xml"), server.calls_to("/a")
    assert page.received - feed.received >= 0.9  # waited for X-Ratelimit-Reset: 1
    [run] = list((tmp_path / "landing").iterdir())
    stats = json.loads((run / "stats-feeds.json").read_text())
    assert stats["stats"]["carintel/rate_limit_waits"] == 1
    assert stats["stats"]["carintel/source/t/rate_limit_waits"] == 1
