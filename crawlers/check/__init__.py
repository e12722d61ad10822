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

In modules: `fetch` (plain HTTP), `results` (verdicts and reports), `pages` (feeds, sitemaps
and article pages), `apis` (the API sources); `check_source` and `check_sources` here.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from crawlers.check.apis import (
    Checker,
    check_bluesky,
    check_gdelt,
    check_hackernews,
    check_mastodon,
    check_reddit,
)
from crawlers.check.fetch import Fetched, Fetcher
from crawlers.check.pages import check_listing, check_page
from crawlers.check.results import VERDICTS, CheckOptions, PageCheck, SourceCheck
from crawlers.query_rules import source_problems

__all__ = [
    "CHECKERS",
    "VERDICTS",
    "CheckOptions",
    "Fetched",
    "Fetcher",
    "PageCheck",
    "SourceCheck",
    "check_bluesky",
    "check_gdelt",
    "check_hackernews",
    "check_listing",
    "check_mastodon",
    "check_page",
    "check_reddit",
    "check_source",
    "check_sources",
]


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
