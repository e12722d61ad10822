"""What every article spider shares: its sources, page parsing and failure counting."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawlers.archive import WARC_META_KEY
from crawlers.extract import parse_article, parse_datetime
from crawlers.items import ArticleItem
from crawlers.listings import Entry, Listing, ListingError, parse_listing
from crawlers.stats import REPAIRED, SKIPPED, skip_reason
from crawlers.urls import canonicalize_url

_WS = re.compile(r"\s+")


def new_run_id() -> str:
    """Sortable and unique across hosts: 20250512T093000Z-3fa9."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def content_hash(text: str) -> str:
    return hashlib.sha256(_WS.sub(" ", text).strip().casefold().encode("utf-8")).hexdigest()


def _sources_arg(value: Any) -> list[dict[str, Any]]:
    """Sources as given to the spider: a list of {name, url, ...} or its JSON (`-a sources=...`)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list) or not all(
        isinstance(s, dict) and s.get("name") and s.get("url") for s in value
    ):
        raise ValueError("sources must be a list of {'name': ..., 'url': ...} objects")
    return [dict(s) for s in value]


class ArticleSpider(scrapy.Spider):
    """Base class: listing URLs in `start()`, entries followed to article pages."""

    source_kind: ClassVar[str] = "feed"
    run_id: str
    sources: list[dict[str, Any]]

    def __init__(self, *args: Any, sources: Any = None, run_id: str | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.sources = _sources_arg(sources)
        if run_id:
            self.run_id = run_id

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArticleSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not getattr(spider, "run_id", None):
            spider.run_id = crawler.settings.get("CARINTEL_RUN_ID") or new_run_id()
        return spider

    # -- counting ---------------------------------------------------------------------------

    def count(self, key: str, source: str | None = None) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)
        if source:
            self.crawler.stats.inc_value(
                f"carintel/source/{source}/{key.removeprefix('carintel/')}"
            )

    def skip(self, reason: str, source: str | None, url: str, detail: str = "") -> None:
        self.count(f"{SKIPPED}{reason}", source)
        self.logger.warning("skipped %s (%s)%s", url, reason, f": {detail}" if detail else "")

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        meta = request.meta if request is not None else {}
        url = request.url if request is not None else "?"
        self.skip(skip_reason(failure), meta.get("source"), url, str(failure.value)[:200])

    # -- listings ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.sources:
            self.logger.warning("%s: no sources given; nothing to crawl", self.name)
        for source in self.sources:
            yield self.listing_request(source["url"], source["name"])

    def listing_request(self, url: str, source: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            errback=self.on_error,
            meta={"source": source, "listing": True},
            dont_filter=True,
        )

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        source = response.meta["source"]
        try:
            listing = parse_listing(response.body)
        except ListingError as exc:
            self.skip("malformed_listing", source, response.url, str(exc))
            return
        if listing.recovered:
            self.count(f"{REPAIRED}malformed_listing_recovered", source)
        self.count("carintel/listings_parsed", source)
        yield from self.follow_listing(response, listing)

    def follow_listing(self, response: Response, listing: Listing) -> Iterable[scrapy.Request]:
        source = response.meta["source"]
        for entry in listing.entries:
            yield self.page_request(entry, source, response.url)

    def page_request(self, entry: Entry, source: str, listing_url: str) -> scrapy.Request:
        return scrapy.Request(
            canonicalize_url(entry.url, base=listing_url),
            callback=self.parse_page,
            errback=self.on_error,
            meta={
                "source": source,
                "listed_title": entry.title,
                "listed_published": entry.published_at.isoformat() if entry.published_at else None,
            },
        )

    # -- pages ------------------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterable[ArticleItem]:
        source = response.meta["source"]
        if not isinstance(response, TextResponse):
            self.skip("not_html", source, response.url)
            return
        declared = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        match = re.search(r"charset=([\w.:-]+)", declared, re.I)
        article = parse_article(
            response.body, response.url, encoding=match.group(1) if match else None
        )
        if article is None:
            self.skip("no_article_text", source, response.url)
            return
        if article.declared_encoding_was_wrong:
            self.count(f"{REPAIRED}declared_encoding_wrong", source)
        published, origin = article.published_at, article.published_at_source
        listed = parse_datetime(response.meta.get("listed_published"))
        if listed is not None and origin in (None, "page_text", "htmldate"):
            published, origin = listed, self.source_kind
        warc = response.meta.get(WARC_META_KEY) or {}
        self.count("carintel/articles", source)
        yield ArticleItem(
            url=response.url,
            canonical_url=article.canonical_url,
            source=source,
            source_kind=self.source_kind,
            kind="article",
            title=article.title,
            text=article.text,
            published_at=published.isoformat() if published else None,
            published_at_source=origin,
            author=article.author,
            language=article.language,
            fetched_at=datetime.now(UTC).isoformat(),
            http_status=response.status,
            content_hash=content_hash(article.text),
            crawl_run_id=self.run_id,
            warc_file=warc.get("file"),
            warc_record_id=warc.get("record_id"),
            warc_payload_digest=warc.get("payload_digest"),
        )
