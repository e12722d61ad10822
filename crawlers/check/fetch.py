"""The source check's plain-HTTP fetching (urllib, not Scrapy): the crawler's User-Agent,
robots.txt, one request at a time per host with the hosts' delays, bounded sizes and redirects."""

from __future__ import annotations

import contextlib
import gzip
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from email.message import Message
from typing import Any
from urllib.parse import urljoin, urlsplit

from protego import Protego

from crawlers.spiders import gdelt

DEFAULT_TIMEOUT = 15.0


HOST_DELAY = 1.0  # seconds between two requests to one host


# Hosts that ask for more: GDELT allows one API request every 5 seconds.
HOST_DELAYS = {str(urlsplit(gdelt.DEFAULT_API_BASE).hostname): gdelt.DEFAULT_DELAY}


MAX_BYTES = 10 * 1024 * 1024


MAX_REDIRECTS = 5


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)


@dataclass(frozen=True)
class Fetched:
    """One answer (after redirects), or why there was none."""

    url: str  # as asked
    final_url: str  # after redirects
    status: int | None  # None: no HTTP answer at all
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased
    body: bytes = b""
    redirects: tuple[tuple[int, str], ...] = ()  # (status, where to) per hop
    error: str | None = None  # the network failure, in words
    offline: bool = False  # the name could not be resolved (or no route): likely no network
    robots_disallowed: bool = False

    @property
    def moved_to(self) -> str | None:
        """The final address when a hop was a permanent redirect (301, 308)."""
        return self.final_url if any(s in (301, 308) for s, _ in self.redirects) else None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by `Fetcher` itself, to record each hop and ask robots.txt."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Fetcher:
    """GET and POST with the crawler's User-Agent, robots.txt, redirects recorded hop by hop,
    and one request at a time per host, `delay` seconds apart (`host_delays` for hosts that ask
    for more; none for a loopback host). `once` keeps a login answer for every source that
    shares it (one Reddit token, one Bluesky session per check)."""

    def __init__(
        self,
        user_agent: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        delay: float = HOST_DELAY,
        host_delays: Mapping[str, float] | None = None,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.delay = delay
        self.host_delays = dict(HOST_DELAYS if host_delays is None else host_delays)
        self._logins: dict[tuple[str, ...], Fetched] = {}
        self._login_lock = threading.Lock()
        self.max_bytes = max_bytes
        self._opener = urllib.request.build_opener(_NoRedirects)
        self._hosts: dict[str, tuple[threading.Lock, list[float]]] = {}
        self._robots: dict[str, Protego | None] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        data: bytes | None = None,
        robots: bool = True,
    ) -> Fetched:
        hops: list[tuple[int, str]] = []
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if robots and not self.allowed(current):
                return Fetched(url, current, None, redirects=tuple(hops), robots_disallowed=True)
            answer = self._once(current, method, headers or {}, data)
            if answer.status not in (301, 302, 303, 307, 308):
                return replace(answer, url=url, final_url=current, redirects=tuple(hops))
            location = answer.headers.get("location")
            if not location:
                return replace(answer, url=url, final_url=current, redirects=tuple(hops))
            current = urljoin(current, location)
            hops.append((answer.status, current))
            if answer.status == 303:
                method, data = "GET", None
        return Fetched(
            url, current, None, redirects=tuple(hops),
            error=f"more than {MAX_REDIRECTS} redirects (a redirect loop?)",
        )  # fmt: skip

    def once(self, key: tuple[str, ...], fetch: Callable[[], Fetched]) -> Fetched:
        """The answer of `fetch()`, asked once per key (a login shared by several sources)."""
        with self._login_lock:
            if key not in self._logins:
                self._logins[key] = fetch()
            return self._logins[key]

    def allowed(self, url: str) -> bool:
        """What robots.txt of the URL's site says for the crawler's User-Agent (allowed when
        there is no robots.txt or it cannot be read, as Scrapy does)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._guard:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:  # one robots.txt request per site, however many threads ask
            if origin not in self._robots:
                answer = self._once(f"{origin}/robots.txt", "GET", {}, None)
                rules = None
                if answer.status == 200 and answer.body:
                    try:
                        rules = Protego.parse(answer.body.decode("utf-8", "replace"))
                    except Exception:  # a robots.txt that cannot be parsed is no rule at all
                        rules = None
                self._robots[origin] = rules
            rules = self._robots[origin]
        return rules is None or bool(rules.can_fetch(url, self.user_agent))

    def _slot(self, netloc: str) -> tuple[threading.Lock, list[float]]:
        with self._guard:
            return self._hosts.setdefault(netloc, (threading.Lock(), [0.0]))

    def _once(
        self, url: str, method: str, headers: Mapping[str, str], data: bytes | None
    ) -> Fetched:
        parts = urlsplit(url)
        host = parts.hostname or ""
        lock, last = self._slot(parts.netloc)
        if parts.scheme not in ("http", "https"):
            return Fetched(url, url, None, error=f"not an http(s) address: {url}")
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (checked)
        request.add_header("User-Agent", self.user_agent)
        request.add_header("Accept-Encoding", "gzip")
        for name, value in headers.items():
            request.add_header(name, value)
        with lock:
            delay = 0.0 if host in LOOPBACK else self.host_delays.get(host, self.delay)
            wait = last[0] + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                return self._read(url, request)
            finally:
                last[0] = time.monotonic()

    def _read(self, url: str, request: urllib.request.Request) -> Fetched:
        host = urlsplit(url).hostname or url
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return self._answer(url, response.status, response.headers, response)
        except urllib.error.HTTPError as exc:
            return self._answer(url, exc.code, exc.headers, exc)
        except urllib.error.URLError as exc:
            return _network_failure(url, host, exc.reason, self.timeout)
        except TimeoutError:
            return Fetched(url, url, None, error=f"no answer from {host} within {self.timeout:g} s")
        except (OSError, ValueError) as exc:
            return Fetched(url, url, None, error=f"{host}: {exc}")

    def _answer(self, url: str, status: int, headers: Message, stream: Any) -> Fetched:
        try:
            body = stream.read(self.max_bytes + 1) if stream is not None else b""
        except (OSError, ValueError) as exc:
            return Fetched(url, url, status, error=f"the answer broke off: {exc}")
        lowered = {k.lower(): v for k, v in headers.items()} if headers else {}
        if lowered.get("content-encoding", "").lower() == "gzip":
            # parse_listing reads gzip itself; a page that fails is reported as such
            with contextlib.suppress(OSError, EOFError):
                body = gzip.decompress(body)
        return Fetched(url, url, status, lowered, body[: self.max_bytes])


def _network_failure(url: str, host: str, reason: object, timeout: float) -> Fetched:
    if isinstance(reason, socket.gaierror):
        return Fetched(
            url, url, None, offline=True,
            error=f"cannot resolve {host}: no network, or the host name is wrong",
        )  # fmt: skip
    if isinstance(reason, ConnectionRefusedError):
        return Fetched(url, url, None, error=f"{host} refused the connection")
    if isinstance(reason, TimeoutError):
        return Fetched(url, url, None, error=f"no answer from {host} within {timeout:g} s")
    if isinstance(reason, ssl.SSLError):
        return Fetched(url, url, None, error=f"TLS with {host} failed: {reason}")
    if isinstance(reason, OSError) and reason.errno in (101, 113):  # network/host unreachable
        return Fetched(url, url, None, offline=True, error=f"no route to {host}: no network?")
    return Fetched(url, url, None, error=f"{host}: {reason}")
