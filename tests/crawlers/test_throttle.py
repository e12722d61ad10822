"""429 and Retry-After: the site is paused, the request retried, the rest counted."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from crawlers.throttle import parse_retry_after
from tests.conftest import run_cli

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


class Site(BaseHTTPRequestHandler):
    log: ClassVar[list[tuple[float, str, int]]] = []
    hits: ClassVar[dict[str, int]] = {}

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        status, body, headers = 200, b"", {"Content-Type": "text/html; charset=utf-8"}
        if self.path == "/robots.txt":
            body = b"User-agent: *\nAllow: /\n"
        elif self.path == "/feed.xml":
            items = "".join(
                f"<item><title>{n}</title><link>{base}/{n}</link></item>"
                for n in ("slow", "never", "fine")
            )
            body = f"<rss version='2.0'><channel>{items}</channel></rss>".encode()
            headers["Content-Type"] = "application/rss+xml"
        elif self.path == "/slow" and self.hits[self.path] == 1:
            status, headers["Retry-After"] = 429, "1"
        elif self.path == "/never":
            status, headers["Retry-After"] = 429, "0"
        elif self.path in ("/slow", "/fine"):
            body = PAGE.format(t=self.path.strip("/")).encode()
        else:
            status = 404
        self.log.append((time.monotonic(), self.path, status))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site() -> Iterator[str]:
    Site.log, Site.hits = [], {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_429_pauses_retries_and_counts(site: str, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"feeds": [{"name": "t", "url": f"{site}/feed.xml"}]}))
    run_cli("crawl", "--sources", str(sources), "--no-polite", home=tmp_path)
    [run] = list((tmp_path / "landing").iterdir())
    titles = sorted(
        json.loads(x)["title"] for x in (run / "items-feeds.jsonl").read_text().splitlines()
    )
    assert titles == ["fine", "slow"]
    stats = json.loads((run / "stats-feeds.json").read_text())
    assert stats["skipped"] == {"http_429": 1}
    assert stats["stats"]["carintel/throttled"] == 1 + 4  # /slow once, /never 1 + 3 retries
    slow = [t for t, path, status in Site.log if path == "/slow"]
    assert len(slow) == 2 and slow[1] - slow[0] >= 0.9  # waited for Retry-After: 1
