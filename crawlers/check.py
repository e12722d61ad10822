"""Probing each source once, politely, to say whether a crawl of it would bring anything home.

What `carintel sources check` runs. For each source: is it reachable (the HTTP status), what
format it serves (RSS, Atom, sitemap, an API's JSON), how many items it lists and how new the
newest is, whether its article pages extract (title, text length, date), and a verdict with what
to do. The parsing is the crawler's own (crawlers.listings, crawlers.extract, the API spiders'
URL builders, parsers and credential handling), so the check and the crawl cannot disagree.

Politeness: the crawler's User-Agent; robots.txt honoured for feeds, sitemaps and article pages
(APIs are read under their own terms, as the spiders do); one request per listing (a sitemap
index adds one for its first sitemap; Reddit and Bluesky one login per check), at most a few
article pages; requests to one host one at a time, a second apart (GDELT's API six; none for
127.0.0.1). Plain HTTP (urllib), not Scrapy, so a check runs anywhere, any number of times in
one process.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from protego import Protego

from crawlers.extract import parse_article
from crawlers.listings import Entry, Listing, ListingError, parse_listing
from crawlers.query_rules import source_problems
from crawlers.spiders import bluesky, gdelt, hackernews, mastodon, reddit
from crawlers.urls import canonicalize_url

# Verdicts, in the order a table lists them; `ok` is the only one that needs nothing done.
VERDICTS = (
    "ok",
    "moved",  # answered after a permanent redirect: update the address
    "empty",  # answered in the right format, with nothing in it
    "stale",  # the newest item is older than the stale limit
    "blocked",  # robots.txt, 403/451, or article pages refused
    "auth-needed",  # credentials missing or refused; Mastodon logged-out access disabled
    "wrong-format",  # not a feed or sitemap, not the API's JSON, or pages without article text
    "query-rejected",  # the query breaks the API's rules, or the API refused it
    "not-found",  # 404/410: the address is wrong or gone
    "throttled",  # 429 or GDELT's "one request every 5 seconds"
    "unreachable",  # no answer: offline, DNS, refused connection, timeout, server error
)
DEFAULT_PAGES = 2
DEFAULT_STALE_DAYS = 30.0
DEFAULT_TIMEOUT = 15.0
HOST_DELAY = 1.0  # seconds between two requests to one host
# Hosts that ask for more: GDELT allows one API request every 5 seconds.
HOST_DELAYS = {str(urlsplit(gdelt.DEFAULT_API_BASE).hostname): gdelt.DEFAULT_DELAY}
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)
_FORMATS = {
    "rss": "RSS",
    "atom": "Atom",
    "rdf": "RSS 1.0",
    "urlset": "sitemap",
    "sitemapindex": "sitemap index",
}


# -- fetching -------------------------------------------------------------------------------


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


# -- reports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageCheck:
    """One article page: did it extract?"""

    url: str
    status: int | None
    extracted: bool
    title: str | None = None
    text_chars: int = 0
    published_at: str | None = None  # ISO 8601, when the page (or its listing) gave one
    problem: str | None = None  # why it did not extract


@dataclass(frozen=True)
class SourceCheck:
    """What the check found for one source. `to_dict()` is the JSON of `--format json`."""

    name: str
    kind: str  # feed | sitemap | gdelt | hackernews | mastodon | reddit | bluesky
    address: str  # the URL, or what the API is asked
    verdict: str  # one of VERDICTS
    detail: str  # what was found, in words
    advice: str  # what to do ("" when ok)
    reachable: bool = False
    http_status: int | None = None
    format: str | None = None
    items: int | None = None
    newest: str | None = None  # ISO 8601 date-time of the newest item
    newest_age_days: float | None = None
    pages: tuple[PageCheck, ...] = ()
    moved_to: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["pages"] = [asdict(p) for p in self.pages]
        return data


@dataclass
class _Probe:
    """A check under way: what was found so far."""

    name: str
    kind: str
    address: str
    fetched: Fetched | None = None
    format: str | None = None
    items: int | None = None
    newest: datetime | None = None
    pages: list[PageCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def report(self, verdict: str, detail: str, advice: str = "", *, now: datetime) -> SourceCheck:
        f = self.fetched
        notes = "; ".join(n for n in self.notes if n)
        return SourceCheck(
            name=self.name,
            kind=self.kind,
            address=self.address,
            verdict=verdict,
            detail=f"{detail}; {notes}" if notes and detail else detail or notes,
            advice=advice,
            reachable=f is not None and f.status is not None,
            http_status=f.status if f is not None else None,
            format=self.format,
            items=self.items,
            newest=self.newest.isoformat() if self.newest else None,
            newest_age_days=(
                round((now - self.newest).total_seconds() / 86400, 1) if self.newest else None
            ),
            pages=tuple(self.pages),
            moved_to=f.moved_to if f is not None else None,
        )


@dataclass(frozen=True)
class CheckOptions:
    pages: int = DEFAULT_PAGES  # article pages to try per source
    stale_days: float = DEFAULT_STALE_DAYS
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    now: datetime | None = None


def _failure(f: Fetched, *, api: bool = False, said: str = "") -> tuple[str, str, str] | None:
    """(verdict, detail, advice) for an answer that is no success; None for a 2xx."""
    host = urlsplit(f.final_url).netloc
    said = f": {said}" if said else ""
    if f.robots_disallowed:
        path = urlsplit(f.final_url).path or "/"
        return (
            "blocked",
            f"robots.txt of {host} disallows {path} for this crawler",
            "carintel honours robots.txt: disable this source, or ask the site for access",
        )
    if f.status is None:
        advice = (
            "run the check where the internet is reachable; if it is, fix the host name"
            if f.offline
            else "try again later; if it persists, the address or the site is gone"
        )
        return "unreachable", str(f.error or "no answer"), advice
    if f.ok:
        return None
    if f.status == 401:
        return (
            "auth-needed",
            f"HTTP 401: the server asks for a login{said}",
            "carintel reads what is public without a login: disable this source",
        )
    if f.status in (403, 451):
        return (
            "blocked",
            f"HTTP {f.status}: {host} refuses this client{said}",
            "the site refuses non-browser clients: disable this source, or ask the site for access",
        )
    if f.status in (404, 410):
        return (
            "not-found",
            f"HTTP {f.status}: nothing at this address{said}",
            "find the current address (the site's pages usually link their feed) and update "
            "the entry",
        )
    if f.status == 429:
        after = f.headers.get("retry-after")
        wait = f" (Retry-After: {after})" if after else ""
        return (
            "throttled",
            f"HTTP 429: the server asks to slow down{wait}{said}",
            "run the check again later; the crawl waits as long as the server asks",
        )
    if f.status >= 500:
        return (
            "unreachable",
            f"HTTP {f.status}: server error{said}",
            "try again later; if it persists, the source may be gone",
        )
    if api and f.status in (400, 422):
        return (
            "query-rejected",
            f"HTTP {f.status}: the API refused the request{said}",
            "fix the query",
        )
    return "not-found", f"HTTP {f.status}{said}", "check the address in a browser"


# -- listings (feeds and sitemaps) ----------------------------------------------------------


def _feed_links(body: bytes, base: str) -> list[str]:
    """The feeds an HTML page names (`<link rel="alternate" type="application/rss+xml">`)."""
    try:
        doc = lxml.html.fromstring(body)
    except (ValueError, etree.ParserError):
        return []
    links = doc.xpath(
        '//link[contains(@rel, "alternate")][contains(@type, "rss") or contains(@type, "atom")]'
        "/@href"
    )
    return [urljoin(base, str(href).strip()) for href in links if str(href).strip()][:3]


def _newest(entries: Sequence[Entry]) -> datetime | None:
    return max((e.published_at for e in entries if e.published_at), default=None)


def _pick_pages(entries: Sequence[Entry], base: str, n: int) -> list[Entry]:
    """The newest `n` entries (listing order when they carry no date), one per URL."""
    ordered = sorted(
        entries,
        key=lambda e: e.published_at or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )
    chosen: list[Entry] = []
    seen: set[str] = set()
    for entry in ordered:
        url = canonicalize_url(entry.url, base=base)
        if url not in seen:
            seen.add(url)
            chosen.append(Entry(url, entry.title, entry.published_at, entry.language))
        if len(chosen) >= n:
            break
    return chosen


def check_page(fetcher: Fetcher, entry: Entry) -> PageCheck:
    """Fetch one article page (robots.txt honoured) and extract it as the crawl would."""
    f = fetcher.fetch(entry.url)
    failure = _failure(f)
    if failure is not None:
        return PageCheck(entry.url, f.status, False, problem=failure[1])
    match = _CHARSET.search(f.headers.get("content-type", ""))
    article = parse_article(f.body, f.final_url, encoding=match.group(1) if match else None)
    if article is None:
        return PageCheck(entry.url, f.status, False, problem="no article text found")
    published = article.published_at or entry.published_at
    return PageCheck(
        entry.url,
        f.status,
        True,
        title=article.title,
        text_chars=len(article.text),
        published_at=published.isoformat() if published else None,
    )


def _pages_verdict(pages: Sequence[PageCheck]) -> tuple[str, str, str] | None:
    """A verdict when no tried article page extracted; None when one did (or none was tried)."""
    if not pages or any(p.extracted for p in pages):
        return None
    refused = [p for p in pages if p.status in (401, 403)]
    robots = [p for p in pages if p.problem and p.problem.startswith("robots.txt")]
    host = urlsplit(pages[0].url).netloc
    if len(refused) == len(pages):
        return (
            "blocked",
            f"the listing works, but article pages answer HTTP {refused[0].status} "
            f"({len(refused)} of {len(pages)} tried): {host} refuses non-browser clients",
            "the crawl would collect no text from this source: disable it (its titles alone "
            "are not collected)",
        )
    if len(robots) == len(pages):
        return (
            "blocked",
            f"robots.txt of {host} disallows the article pages",
            "carintel honours robots.txt: disable this source",
        )
    if all(p.status is not None and 200 <= p.status < 300 for p in pages):
        return (
            "wrong-format",
            f"article pages answer, but hold no article text ({len(pages)} tried): "
            "script-rendered or paywalled?",
            "the crawl would drop every page: disable this source or find a feed with full text",
        )
    problems = "; ".join(sorted({p.problem or "" for p in pages}))
    return (
        "unreachable",
        f"no article page could be read: {problems}",
        "try again later; if it persists, the feed links to pages that are gone",
    )


def _finish_listing(
    probe: _Probe, entries: Sequence[Entry], base: str, fetcher: Fetcher, o: CheckOptions,
    now: datetime, empty_advice: str,
) -> SourceCheck:  # fmt: skip
    """The common end of every source that lists article pages: items, age, pages, verdict."""
    probe.items = len(entries)
    probe.newest = _newest(entries)
    if not entries:
        return probe.report("empty", "the answer lists no items", empty_advice, now=now)
    for entry in _pick_pages(entries, base, o.pages):
        probe.pages.append(check_page(fetcher, entry))
    pages = _pages_verdict(probe.pages)
    if pages is not None:
        return probe.report(*pages, now=now)
    return _fresh_verdict(probe, now, o)


def _fresh_verdict(probe: _Probe, now: datetime, o: CheckOptions) -> SourceCheck:
    """stale, moved or ok, for a source that answered with items."""
    extracted = [p for p in probe.pages if p.extracted]
    found = f"{probe.items} item(s)"
    if probe.pages:
        found += f"; {len(extracted)} of {len(probe.pages)} article page(s) extract"
    if probe.newest is None:
        probe.notes.append("the items carry no dates")
    elif now - probe.newest > timedelta(days=o.stale_days):
        age = (now - probe.newest).days
        return probe.report(
            "stale",
            f"{found}; the newest is {age} days old ({probe.newest:%Y-%m-%d})",
            f"nothing new for more than {o.stale_days:g} days: the source may have moved or "
            "stopped; find its current address, or disable it",
            now=now,
        )
    moved = probe.fetched.moved_to if probe.fetched else None
    if moved and probe.fetched is not None:
        status = next(s for s, _ in probe.fetched.redirects if s in (301, 308))
        return probe.report(
            "moved",
            f"moved permanently (HTTP {status}) to {moved}, which answers: {found}",
            f"update the entry's address to {moved}",
            now=now,
        )
    return probe.report("ok", found, now=now)


def check_listing(
    source: dict[str, Any], kind: str, fetcher: Fetcher, o: CheckOptions, now: datetime
) -> SourceCheck:
    """A feed (RSS, Atom) or a sitemap (a news sitemap, or an index: its first sitemap too)."""
    url = str(source["url"])
    probe = _Probe(source["name"], kind, url)
    f = probe.fetched = fetcher.fetch(url)
    failure = _failure(f)
    if failure is not None:
        return probe.report(*failure, now=now)
    try:
        listing: Listing = parse_listing(f.body)
    except ListingError as exc:
        feeds = _feed_links(f.body, f.final_url)
        named = f"; the page names its feed: {', '.join(feeds)}" if feeds else ""
        advice = (
            f"set the entry's url to {feeds[0]}"
            if feeds
            else "find the feed or sitemap address (often /feed/ or /rss) and update the entry"
        )
        content_type = f.headers.get("content-type", "no Content-Type").split(";")[0]
        return probe.report("wrong-format", f"{content_type}, {exc}{named}", advice, now=now)
    probe.format = _FORMATS.get(listing.kind, listing.kind)
    if listing.recovered:
        probe.notes.append("malformed XML, read in recovery mode")
    entries: Sequence[Entry] = listing.entries
    if listing.kind == "sitemapindex":
        if kind == "feed":
            return probe.report(
                "wrong-format",
                f"a sitemap index of {len(listing.sitemaps)} sitemaps, not a feed",
                "move this entry under sitemaps:",
                now=now,
            )
        if listing.sitemaps:
            child = fetcher.fetch(urljoin(f.final_url, listing.sitemaps[0]))
            probe.notes.append(f"index of {len(listing.sitemaps)} sitemaps; the first read")
            child_failure = _failure(child)
            if child_failure is not None:
                verdict, detail, advice = child_failure
                return probe.report(verdict, f"its first sitemap: {detail}", advice, now=now)
            try:
                entries = parse_listing(child.body).entries
            except ListingError as exc:
                return probe.report(
                    "wrong-format", f"its first sitemap is not a sitemap: {exc}",
                    "check the sitemap index in a browser", now=now,
                )  # fmt: skip
    return _finish_listing(
        probe, entries, f.final_url, fetcher, o, now,
        "the listing is empty: check the address in a browser, or disable the source",
    )  # fmt: skip


# -- APIs -----------------------------------------------------------------------------------


def check_gdelt(
    source: dict[str, Any], fetcher: Fetcher, o: CheckOptions, now: datetime
) -> SourceCheck:
    hours = int(source.get("first_lookback_hours") or 72)
    start = now - timedelta(hours=hours)
    url = gdelt.artlist_url(
        source.get("api_base"), source["query"], start, now, int(source.get("max_records") or 250)
    )
    probe = _Probe(source["name"], "gdelt", f"GDELT: {source['query']}")
    f = probe.fetched = fetcher.fetch(url, robots=False)
    failure = _failure(f, api=True)
    if failure is not None:
        return probe.report(*failure, now=now)
    probe.format = "API (GDELT JSON)"
    try:
        found = gdelt.parse_article_list(f.body)
    except gdelt.GdeltThrottled as exc:
        return probe.report(
            "throttled", f"GDELT asks to slow down: {exc}",
            "GDELT allows one request every 5 seconds: run the check again in a minute",
            now=now,
        )  # fmt: skip
    except gdelt.GdeltQueryRejected as exc:
        probe.format = "API (GDELT text)"
        return probe.report(
            "query-rejected", f"GDELT refused the query: {exc}",
            "fix the query (terms of 3 characters or more, OR only inside one (A OR B) group)",
            now=now,
        )  # fmt: skip
    except gdelt.GdeltError as exc:
        return probe.report(
            "wrong-format", f"GDELT answered no article list: {exc}",
            "try again later; if it persists, check api_base", now=now,
        )  # fmt: skip
    entries = [Entry(a.url, a.title, a.seen_at) for a in found.articles]
    probe.notes.append(f"dates are GDELT's first-seen times over the last {hours} h")
    return _finish_listing(
        probe, entries, url, fetcher, o, now,
        f"no article matched in the last {hours} hours: broaden the query",
    )  # fmt: skip


def check_hackernews(
    source: dict[str, Any], fetcher: Fetcher, o: CheckOptions, now: datetime
) -> SourceCheck:
    probe = _Probe(source["name"], "hackernews", f"HN search: {source['query']}")
    url = hackernews.stories_url(source.get("api_base"), source["query"], 0, 0)
    f = probe.fetched = fetcher.fetch(url, robots=False)
    failure = _failure(f, api=True)
    if failure is not None:
        return probe.report(*failure, now=now)
    probe.format = "API (Algolia JSON)"
    try:
        page = hackernews.parse_search_page(f.body)
    except hackernews.HackerNewsError as exc:
        return probe.report(
            "wrong-format", f"not a search result: {exc}", "check api_base", now=now
        )
    dates: list[datetime] = []
    for hit in page.hits:
        try:
            dates.append(hackernews.story_record(hit).created_at)
        except hackernews.BadHit:
            continue
    probe.items = page.nb_hits
    probe.newest = max(dates, default=None)
    if not page.nb_hits:
        return probe.report("empty", "no story has ever matched", "broaden the query", now=now)
    return _fresh_verdict(probe, now, o)


def check_mastodon(
    source: dict[str, Any], fetcher: Fetcher, o: CheckOptions, now: datetime
) -> SourceCheck:
    tag = str(source["tag"]).lstrip("#")
    probe = _Probe(source["name"], "mastodon", f"{source['instance']} #{tag}")
    f = probe.fetched = fetcher.fetch(
        mastodon.timeline_url(source), headers={"Accept": "application/json"}, robots=False
    )
    if f.status == 401:
        said = mastodon.error_message(f.body)
        return probe.report(
            "auth-needed",
            f"HTTP 401{': ' + said if said else ''}: logged-out access to hashtag timelines "
            "is disabled",
            mastodon.logged_out_message(source),
            now=now,
        )
    failure = _failure(f, api=True, said=mastodon.error_message(f.body))
    if failure is not None:
        return probe.report(*failure, now=now)
    probe.format = "API (Mastodon JSON)"
    try:
        statuses, ids, _ = mastodon.parse_timeline(f.body, mastodon.web_base(source))
    except mastodon.MastodonError as exc:
        return probe.report(
            "wrong-format", f"not a timeline: {exc}", "check the instance name", now=now
        )
    probe.items = len(ids)
    probe.newest = max((s.published_at for s in statuses), default=None)
    if ids:
        return _fresh_verdict(probe, now, o)
    # An empty timeline: nothing posted, or the server hides it from logged-out clients.
    answer = fetcher.fetch(
        mastodon.instance_url(source), headers={"Accept": "application/json"}, robots=False
    )
    access = mastodon.hashtag_feed_access(answer.body) if answer.ok else None
    if access is not None and "public" not in access:
        return probe.report(
            "auth-needed",
            f"an empty timeline, and the server says hashtag feeds are {access[0]} (local) / "
            f"{access[1]} (remote): logged-out access is disabled",
            mastodon.logged_out_message(source),
            now=now,
        )
    if access is not None and access[1] != "public":
        probe.notes.append("logged-out clients see only the server's own users' posts")
    return probe.report(
        "empty",
        f"no public post carries #{tag} on {source['instance']}",
        "pick a busier tag or a bigger instance",
        now=now,
    )


def check_reddit(
    source: dict[str, Any], fetcher: Fetcher, o: CheckOptions, now: datetime
) -> SourceCheck:
    query = f" (search: {source['query']})" if source.get("query") else ""
    sub = str(source["subreddit"]).strip().removeprefix("r/")
    probe = _Probe(source["name"], "reddit", f"r/{sub}{query}")
    missing = reddit.missing_configuration(o.env)
    found = reddit.credentials(o.env)
    agent = reddit.user_agent(o.env)
    if missing or found is None or agent is None:
        return probe.report(
            "auth-needed", "no credentials in the environment", str(missing), now=now
        )
    problem = reddit.agent_problem(agent)
    if problem:
        probe.notes.append(f"{problem}; Reddit throttles such clients")
    token_answer = fetcher.once(
        ("reddit", reddit.token_url(source), *found),
        lambda: fetcher.fetch(
            reddit.token_url(source),
            method="POST",
            data=b"grant_type=client_credentials",
            headers={
                "Authorization": reddit.basic_auth(*found),
                "User-Agent": agent,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            robots=False,
        ),
    )
    token = _login(
        probe,
        token_answer,
        refused_with=(401, 403),
        refusal="Reddit refused the app's credentials",
        said=reddit.error_message,
        parse=reddit.parse_token,
        parse_error=reddit.RedditError,
        advice=(
            f"check {reddit.ENV_ID} and {reddit.ENV_SECRET}; a new app works only once Reddit "
            f"has approved it (Responsible Builder Policy: {reddit.POLICY_URL})"
        ),
        now=now,
    )
    if isinstance(token, SourceCheck):
        return token
    f = probe.fetched = fetcher.fetch(
        reddit.listing_url(source),
        headers={"Authorization": f"bearer {token}", "User-Agent": agent},
        robots=False,
    )
    failure = _failure(f, api=True, said=reddit.error_message(f.body))
    if failure is not None:
        verdict, detail, advice = failure
        if verdict == "blocked":
            advice = "the subreddit is private, quarantined or banned: pick another one"
        return probe.report(verdict, detail, advice, now=now)
    probe.format = "API (Reddit JSON)"
    try:
        posts, _, _ = reddit.parse_listing(f.body)
    except reddit.RedditError as exc:
        return probe.report("wrong-format", f"not a listing: {exc}", "check api_base", now=now)
    probe.items = len(posts)
    probe.newest = max((p.published_at for p in posts), default=None)
    if not posts:
        return probe.report(
            "empty", f"no post in r/{sub}{' matches' if query else ''}",
            "broaden the query, or check the subreddit name", now=now,
        )  # fmt: skip
    return _fresh_verdict(probe, now, o)


def _login(
    probe: _Probe,
    answer: Fetched,
    *,
    refused_with: tuple[int, ...],
    refusal: str,
    said: Callable[[bytes], str],
    parse: Callable[[bytes], str],
    parse_error: type[Exception],
    advice: str,
    now: datetime,
    holds: str = "token",
) -> str | SourceCheck:
    """The token of an API login answer, or the report that says why there is none: the
    service refused the credentials (`refused_with` statuses), the request failed, or the
    answer holds no token."""
    probe.fetched = answer
    if answer.status in refused_with:
        message = said(answer.body)
        return probe.report(
            "auth-needed",
            f"{refusal} (HTTP {answer.status}{': ' + message if message else ''})",
            advice,
            now=now,
        )
    failure = _failure(answer, api=True, said=said(answer.body))
    if failure is not None:
        return probe.report(*failure, now=now)
    try:
        return parse(answer.body)
    except parse_error as exc:
        return probe.report("auth-needed", f"no {holds}: {exc}", advice, now=now)


def check_bluesky(
    source: dict[str, Any], fetcher: Fetcher, o: CheckOptions, now: datetime
) -> SourceCheck:
    probe = _Probe(source["name"], "bluesky", f"search: {source['query']}")
    found = bluesky.credentials(o.env)
    if found is None:
        return probe.report(
            "auth-needed", "no credentials in the environment", bluesky.MISSING_CREDENTIALS,
            now=now,
        )  # fmt: skip
    session = fetcher.once(
        ("bluesky", bluesky.session_url(source), *found),
        lambda: fetcher.fetch(
            bluesky.session_url(source),
            method="POST",
            data=bluesky.session_body(*found),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            robots=False,
        ),
    )
    token = _login(
        probe,
        session,
        refused_with=(400, 401),
        refusal="Bluesky refused the login",
        said=bluesky.error_message,
        parse=bluesky.parse_session,
        parse_error=bluesky.BlueskyError,
        advice=f"check {bluesky.ENV_HANDLE} and {bluesky.ENV_PASSWORD} (an app password)",
        now=now,
        holds="session",
    )
    if isinstance(token, SourceCheck):
        return token
    f = probe.fetched = fetcher.fetch(
        bluesky.search_url(source),
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        robots=False,
    )
    failure = _failure(f, api=True, said=bluesky.error_message(f.body))
    if failure is not None:
        return probe.report(*failure, now=now)
    probe.format = "API (Bluesky JSON)"
    try:
        posts, _, _ = bluesky.parse_search(f.body)
    except bluesky.BlueskyError as exc:
        return probe.report(
            "wrong-format", f"not a search result: {exc}", "check api_base", now=now
        )
    probe.items = len(posts)
    probe.newest = max((p.published_at for p in posts), default=None)
    if not posts:
        return probe.report(
            "empty",
            "no post matches (Bluesky requires every word of the query)",
            "use fewer words, or a phrase in quotes",
            now=now,
        )
    return _fresh_verdict(probe, now, o)


Checker = Callable[[dict[str, Any], Fetcher, CheckOptions, datetime], SourceCheck]
CHECKERS: dict[str, Checker] = {
    "feeds": lambda s, f, o, n: check_listing(s, "feed", f, o, n),
    "sitemaps": lambda s, f, o, n: check_listing(s, "sitemap", f, o, n),
    "gdelt": check_gdelt,
    "hackernews": check_hackernews,
    "mastodon": check_mastodon,
    "reddit": check_reddit,
    "bluesky": check_bluesky,
}


def check_source(
    section: str, source: dict[str, Any], fetcher: Fetcher, options: CheckOptions | None = None
) -> SourceCheck:
    """Probe one entry of the sources file (`section` is its list: feeds, gdelt, ...). A query
    that breaks the API's known rules is `query-rejected` whatever the answer (which the detail
    still reports)."""
    o = options or CheckOptions()
    now = o.now or datetime.now(UTC)
    report = CHECKERS[section](source, fetcher, o, now)
    problems = source_problems(section, source)
    if not problems:
        return report
    rule = "; ".join(problems)
    answered = (
        report.detail
        if report.verdict == "query-rejected"
        else f"asked as written: {report.verdict}, {report.detail}"
    )
    return replace(
        report,
        verdict="query-rejected",
        detail=f"{rule} ({answered})",
        advice="change the entry as the detail says; the crawl refuses to load it as it is",
    )


def check_sources(
    entries: Sequence[tuple[str, dict[str, Any]]],
    fetcher: Fetcher,
    options: CheckOptions | None = None,
    *,
    workers: int = 8,
) -> list[SourceCheck]:
    """Every (section, source) probed, hosts in parallel, each host one request at a time;
    the reports in the order given."""
    o = options or CheckOptions()
    if o.now is None:
        o = CheckOptions(o.pages, o.stale_days, o.env, datetime.now(UTC))
    if not entries:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(entries)))) as pool:
        futures = [pool.submit(check_source, section, s, fetcher, o) for section, s in entries]
        return [future.result() for future in futures]
