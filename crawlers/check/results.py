"""What a source check reports: the verdicts, each page and source checked, the options, and
the verdict a failed answer earns."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from crawlers.check.fetch import Fetched

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


FORMATS = {
    "rss": "RSS",
    "atom": "Atom",
    "rdf": "RSS 1.0",
    "urlset": "sitemap",
    "sitemapindex": "sitemap index",
}


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
class Probe:
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


def answer_failure(f: Fetched, *, api: bool = False, said: str = "") -> tuple[str, str, str] | None:
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
