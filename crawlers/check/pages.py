"""Checking a feed or sitemap and the article pages it leads to, with the crawler's own
listing parser and parse_article."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from crawlers.check.fetch import CHARSET, Fetcher
from crawlers.check.results import (
    FORMATS,
    CheckOptions,
    PageCheck,
    Probe,
    SourceCheck,
    answer_failure,
)
from crawlers.extract import parse_article
from crawlers.listings import Entry, Listing, ListingError, parse_listing
from crawlers.urls import canonicalize_url


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
    failure = answer_failure(f)
    if failure is not None:
        return PageCheck(entry.url, f.status, False, problem=failure[1])
    match = CHARSET.search(f.headers.get("content-type", ""))
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


def finish_listing(
    probe: Probe, entries: Sequence[Entry], base: str, fetcher: Fetcher, o: CheckOptions,
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
    return fresh_verdict(probe, now, o)


def fresh_verdict(probe: Probe, now: datetime, o: CheckOptions) -> SourceCheck:
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
    probe = Probe(source["name"], kind, url)
    f = probe.fetched = fetcher.fetch(url)
    failure = answer_failure(f)
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
    probe.format = FORMATS.get(listing.kind, listing.kind)
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
            child_failure = answer_failure(child)
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
    return finish_listing(
        probe, entries, f.final_url, fetcher, o, now,
        "the listing is empty: check the address in a browser, or disable the source",
    )  # fmt: skip
