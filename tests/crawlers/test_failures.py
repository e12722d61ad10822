"""Every kind of broken answer is counted per source with its reason, and the crawl goes on."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_cli

ARTICLE = (
    "<html lang='en'><head><title>Fine</title></head><body><article><h1>Fine</h1>"
    + "<p>Seres and Huawei reported higher deliveries of AITO cars this month in China.</p>" * 6
    + "</article></body></html>"
).encode()
PATHS = ("fine", "forbidden", "broken", "missing", "loop", "huge", "slow")


class Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        path = self.path
        if path == "/robots.txt":
            self.send(200, b"User-agent: *\nAllow: /\n")
        elif path == "/feed.xml":
            items = "".join(
                f"<item><title>{p}</title><link>{base}/{p}</link></item>" for p in PATHS
            )
            self.send(200, f"<rss version='2.0'><channel>{items}</channel></rss>".encode())
        elif path == "/broken-feed.xml":
            self.send(200, b"<html><body>Service temporarily unavailable</body></html>")
        elif path == "/fine":
            self.send(200, ARTICLE, Content_Type="text/html; charset=utf-8")
        elif path == "/forbidden":
            self.send(403, b"no")
        elif path == "/broken":
            self.send(500, b"oops")
        elif path == "/loop":
            self.send(302, b"", Location=f"{base}/loop")
        elif path == "/huge":  # announces more than DOWNLOAD_MAXSIZE (10 MB)
            self.send_response(200)
            self.send_header("Content-Length", str(11 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(b"x" * 1024)
        elif path == "/slow":
            time.sleep(3)
            self.send(200, ARTICLE)
        else:
            self.send(404, b"not found")


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the crawler hangs up on /slow and /huge on purpose


@pytest.fixture
def site() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_each_failure_is_counted_with_its_reason_and_nothing_stops_the_crawl(
    site: str, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        yaml.safe_dump(
            {
                "feeds": [
                    {"name": "good", "url": f"{site}/feed.xml"},
                    {"name": "bad", "url": f"{site}/broken-feed.xml"},
                ]
            }
        )
    )
    result = run_cli(
        "crawl", "--sources", str(sources), "--no-polite", home=tmp_path,
        env={"CARINTEL_LOCAL_TIMEOUT": "1"},
    )  # fmt: skip
    [run] = list((tmp_path / "landing").iterdir())
    stats = json.loads((run / "stats-feeds.json").read_text())
    items = (run / "items-feeds.jsonl").read_text().splitlines()
    assert [json.loads(x)["title"] for x in items] == ["Fine"]
    assert stats["finish_reason"] == "finished"
    by_source = {s["name"]: s["skipped"] for s in stats["sources"]}
    assert by_source["bad"] == {"malformed_listing": 1}
    good = by_source["good"]
    assert good["http_403"] == 1 and good["http_500"] == 1 and good["http_404"] == 1
    assert good["timeout"] == 1 and good["too_large"] == 1
    assert good["redirect_loop"] == 1

    # An article page refused with 403 is also reported per source, with a clear reason.
    blocked = {s["name"]: s["blocked_pages"] for s in stats["sources"]}
    assert blocked == {"good": 1, "bad": 0}
    log = (tmp_path / "logs" / "crawl.log").read_text()
    assert "good: 1 article page(s) refused with HTTP 401/403 by 127.0.0.1:" in log
    assert "refuses this crawler (non-browser clients) its pages" in log
    assert "article pages refused with HTTP 401/403" in result.stderr
    assert "good 1; `carintel sources check --source NAME`" in result.stderr
