"""The sample site over real HTTP on 127.0.0.1: `SampleServer` (and `serve`) answers every path
that `render_site` makes, conditional GETs on feeds and sitemaps included, and records each
request; `sample_sources` gives the sources file that points the crawler at it."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Self, overload
from urllib.parse import unquote, urlsplit

from carintel.sample_site.articles import SampleArticle, article_path, load_articles
from carintel.sample_site.pages import Page, http_date
from carintel.sample_site.site import not_found_page, render_site


class LoggedRequest(NamedTuple):
    method: str
    path: str  # as requested, with the query string
    status: int


class RequestLog:
    """A thread-safe, append-only list of the requests the server answered, in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[LoggedRequest] = []

    def append(self, item: LoggedRequest) -> None:
        with self._lock:
            self._items.append(item)

    def snapshot(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._items)

    def paths(self) -> list[str]:
        return [item.path for item in self.snapshot()]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __iter__(self) -> Iterator[LoggedRequest]:
        return iter(self.snapshot())

    @overload
    def __getitem__(self, index: int) -> LoggedRequest: ...
    @overload
    def __getitem__(self, index: slice) -> list[LoggedRequest]: ...
    def __getitem__(self, index: int | slice) -> LoggedRequest | list[LoggedRequest]:
        with self._lock:
            return self._items[index]

    def __repr__(self) -> str:
        return f"RequestLog({self.snapshot()!r})"


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def _parse_http_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def is_not_modified(page: Page, headers: Message) -> bool:
    """True when a conditional GET should get 304 (If-None-Match wins over If-Modified-Since)."""
    if page.status != 200:
        return False
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        return page.etag is not None and _etag_matches(if_none_match, page.etag)
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since is None or page.last_modified is None:
        return False
    since = _parse_http_date(if_modified_since)
    return since is not None and page.last_modified.replace(microsecond=0) <= since


class _SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, latency: float = 0.0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.pages: dict[str, Page] = {}
        self.request_log = RequestLog()
        self.latency = latency

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """Clients that hang up are normal for a crawler target: no traceback for them."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "carintel-sample/0.1"
    timeout = 15  # an idle keep-alive connection is closed after this many seconds
    server: _SiteHTTPServer

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log replaces the per-request stderr line."""

    def _respond(self, send_body: bool) -> None:
        if self.server.latency:
            time.sleep(self.server.latency)
        path = unquote(urlsplit(self.path).path)
        page = self.server.pages.get(path) or not_found_page()
        status = 304 if is_not_modified(page, self.headers) else page.status
        self.server.request_log.append(LoggedRequest(self.command, self.path, status))
        self.send_response(status)
        if page.etag is not None:
            self.send_header("ETag", page.etag)
        if page.last_modified is not None:
            self.send_header("Last-Modified", http_date(page.last_modified))
        if status == 304:
            self.end_headers()
            return
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(page.content_length))
        self.end_headers()
        if send_body:
            self.wfile.write(page.body)
        if page.declared_length is not None:
            self.close_connection = True  # the rest never comes: hang up


class SampleServer:
    """The sample site on 127.0.0.1, served from a daemon thread; use as a context manager.

    Pages are rendered once, at start, with the real base URL (`base_url`, e.g.
    "http://127.0.0.1:54321"). `request_log` records (method, path_with_query, status) per request.
    """

    def __init__(
        self,
        articles: Iterable[SampleArticle] | None = None,
        port: int = 0,
        *,
        articles_dir: Path | None = None,
        latency: float = 0.0,
    ) -> None:
        """`latency`: seconds each response waits, to imitate a slower site in tests."""
        chosen = list(articles) if articles is not None else load_articles(articles_dir)
        self._httpd = _SiteHTTPServer(port, latency)
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.articles: tuple[SampleArticle, ...] = tuple(chosen)
        self.pages = render_site(self.articles, self.base_url)
        self._httpd.pages = self.pages
        self._closed = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"sample-site-{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def request_log(self) -> RequestLog:
        return self._httpd.request_log

    def url(self, path: str) -> str:
        """The absolute URL of a path such as "/blog/feed/"."""
        return self.base_url + path

    def article_url(self, article: SampleArticle) -> str:
        return self.base_url + article_path(article)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def serve(
    articles: Iterable[SampleArticle] | None = None,
    port: int = 0,
    *,
    articles_dir: Path | None = None,
) -> SampleServer:
    """Start the sample site; `with serve() as server:` stops it on leaving the block."""
    return SampleServer(articles, port, articles_dir=articles_dir)


def sample_sources(base_url: str) -> dict[str, list[dict[str, str]]]:
    """A sources config (the schema of carintel.config.Sources) for the sample site at base_url."""
    base = base_url.rstrip("/")
    return {
        "feeds": [
            {"name": "ev-ledger", "url": f"{base}/blog/feed/", "language": "en"},
            {"name": "volt-daily", "url": f"{base}/news/atom.xml", "language": "en"},
        ],
        "sitemaps": [
            {"name": "china-auto-wire", "url": f"{base}/cms/sitemap-news.xml", "language": "en"},
        ],
    }
