"""What every article spider shares: its sources, page parsing and failure counting."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from carintel_home import new_run_id
from crawlers.archive import WARC_META_KEY
from crawlers.extract import parse_article, parse_datetime
from crawlers.items import ArticleItem
from crawlers.listings import Entry, Listing, ListingError, parse_listing
from crawlers.state import CursorStore, SeenStore
from crawlers.stats import REPAIRED, SKIPPED, skip_reason
from crawlers.urls import canonicalize_url

_WS = re.compile(r"\s+")


def content_hash(text: str) -> str:
    return hashlib.sha256(_WS.sub(" ", text).strip().casefold().encode("utf-8")).hexdigest()


def _sources_arg(value: Any) -> list[dict[str, Any]]:
    """Sources as given to the spider: a list of {name, ...} dicts or its JSON
    (`scrapy crawl feeds -a sources='[...]'`). Each spider checks the fields it needs."""
    if value is None:
        return []
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list) or not all(isinstance(s, dict) and s.get("name") for s in value):
        raise ValueError("sources must be a list of objects with at least a 'name'")
    return [dict(s) for s in value]


class SourceSpider(scrapy.Spider):
    """What every carintel spider shares: its sources, the run id, counting what it skipped
    (per source, by reason), per-source cursors and the store of URLs already fetched.

    Subclasses implement `start()`. Stats keys: `carintel/skipped/REASON`,
    `carintel/repaired/REASON`, and the same under `carintel/source/NAME/...`."""

    source_kind: ClassVar[str] = "feed"
    run_id: str
    sources: list[dict[str, Any]]
    cursors: CursorStore
    seen: SeenStore | None
    worker_suffix: str = ""  # "-HOST-PID" when several workers share a run (--redis)

    def __init__(self, *args: Any, sources: Any = None, run_id: str | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.sources = _sources_arg(sources)
        if run_id:
            self.run_id = run_id

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not getattr(spider, "run_id", None):
            spider.run_id = crawler.settings.get("CARINTEL_RUN_ID") or new_run_id()
        worker = crawler.settings.get("CARINTEL_WORKER")
        spider.worker_suffix = f"-{worker}" if worker else ""
        state_dir = Path(crawler.settings.get("CARINTEL_STATE_DIR"))
        spider.cursors = CursorStore(state_dir, spider.name)
        spider.seen = (
            SeenStore(state_dir / "seen.sqlite")
            if crawler.settings.getbool("CARINTEL_SKIP_SEEN", True)
            else None
        )
        crawler.signals.connect(spider._save_state, signal=signals.spider_closed)
        crawler.signals.connect(spider._request_dropped, signal=signals.request_dropped)
        return spider

    def _request_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """A redirect back into its own chain is dropped by the duplicate filter without an
        errback: count it, or the loop would vanish from the statistics."""
        if request.url in request.meta.get("redirect_urls", ()):
            self.skip("redirect_loop", request.meta.get("source"), request.url)

    def _save_state(self, spider: scrapy.Spider, reason: str) -> None:
        if reason == "finished":
            self.cursors.save()
        if self.seen is not None:
            self.seen.close()

    def source_named(self, name: str) -> dict[str, Any]:
        return next(s for s in self.sources if s["name"] == name)

    def already_fetched(self, url: str, source: str) -> bool:
        """True (and counted as seen_before) when an earlier run fetched this URL."""
        if self.seen is not None and url in self.seen:
            self.count("carintel/seen_before", source)
            return True
        return False

    def mark_fetched(self, url: str, source: str) -> None:
        if self.seen is not None:
            self.seen.add(url, source, self.run_id)

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

    def api_error_detail(self, body: bytes) -> str:
        """What an error response's body says (API spiders parse their API's error format)."""
        return ""

    # The credentials a login (token or session) request uses, named in its error messages.
    credential_hint: ClassVar[str] = ""

    def on_login_error(self, failure: Failure) -> None:
        """A token or session request failed: every source waiting for it is counted under the
        failure's reason (http_401, ...), with the API's message and, on a 401, what to check."""
        request = getattr(failure, "request", None)
        response = getattr(failure.value, "response", None)
        names = request.meta.get("sources", []) if request is not None else []
        hint = self.api_error_detail(response.body) if response is not None else ""
        hint = hint or str(failure.value)
        if response is not None and response.status == 401 and self.credential_hint:
            hint += f" (check {self.credential_hint})"
        url = request.url if request is not None else "?"
        for name in names:
            self.skip(skip_reason(failure), name, url, f"login failed: {hint}"[:300])

    def on_error(self, failure: Failure) -> None:
        """Counted under its reason (http_404, timeout, ...), logged with the server's message."""
        request = getattr(failure, "request", None)
        meta = request.meta if request is not None else {}
        url = request.url if request is not None else "?"
        response = getattr(failure.value, "response", None)
        detail = self.api_error_detail(response.body) if response is not None else ""
        self.skip(
            skip_reason(failure), meta.get("source"), url, (detail or str(failure.value))[:200]
        )

    def post_item(
        self,
        response: Response,
        source: str,
        *,
        url: str,
        kind: str,
        title: str,
        text: str,
        published_at: datetime,
        author: str | None,
        external_id: str,
        parent_url: str | None,
        engagement: dict[str, int] | None,
        language: str | None = None,
    ) -> ArticleItem:
        """The landing item of a social post or comment (its URL is its canonical URL)."""
        warc = response.meta.get(WARC_META_KEY) or {}
        self.count("carintel/posts" if kind == "post" else "carintel/comments", source)
        return ArticleItem(
            url=url,
            canonical_url=url,
            source=source,
            source_kind=self.source_kind,
            kind=kind,
            title=title,
            text=text,
            published_at=published_at.isoformat(),
            published_at_source="api",
            author=author,
            language=language,
            fetched_at=datetime.now(UTC).isoformat(),
            http_status=response.status,
            content_hash=content_hash(text),
            crawl_run_id=self.run_id,
            warc_file=warc.get("file"),
            warc_record_id=warc.get("record_id"),
            warc_payload_digest=warc.get("payload_digest"),
            external_id=external_id,
            parent_url=parent_url,
            engagement=engagement,
        )


BLOCKED_STATUSES = (401, 403)


class ArticleSpider(SourceSpider):
    """Listings (feeds, sitemaps) in `start()`, their entries followed to article pages.

    An article page refused with 401/403 while its listing answered is counted under its status
    (`http_403`) and also as `carintel/blocked_pages` for its source, and the spider closes with
    one warning per such source: sites that refuse non-browser clients their pages (InsideEVs
    is reported to) then read as a clear reason, not as scattered failures."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.blocked_hosts: dict[str, dict[str, int]] = {}  # source -> host -> pages refused

    def on_error(self, failure: Failure) -> None:
        super().on_error(failure)
        request = getattr(failure, "request", None)
        response = getattr(failure.value, "response", None)
        if request is None or response is None or request.meta.get("listing"):
            return
        source = request.meta.get("source")
        if response.status in BLOCKED_STATUSES and source:
            self.count("carintel/blocked_pages", source)
            by_host = self.blocked_hosts.setdefault(source, {})
            host = urlsplit(request.url).netloc
            by_host[host] = by_host.get(host, 0) + 1

    def _save_state(self, spider: scrapy.Spider, reason: str) -> None:
        super()._save_state(spider, reason)
        for source, by_host in sorted(self.blocked_hosts.items()):
            refused = sum(by_host.values())
            self.logger.warning(
                "%s: %d article page(s) refused with HTTP 401/403 by %s: the site refuses this "
                "crawler (non-browser clients) its pages; their text cannot be collected",
                source, refused, ", ".join(sorted(by_host)),
            )  # fmt: skip

    # -- listings ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.sources:
            self.logger.warning("%s: no sources given; nothing to crawl", self.name)
        for source in self.sources:
            yield self.listing_request(source["url"], source["name"])

    def listing_request(self, url: str, source: str) -> scrapy.Request:
        """A conditional GET: the listing's ETag and Last-Modified from the last run."""
        validators = self.cursors.get(source).get("validators", {}).get(url, {})
        headers = {}
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
        return scrapy.Request(
            url,
            headers=headers,
            callback=self.parse_listing,
            errback=self.on_error,
            meta={"source": source, "listing": True, "handle_httpstatus_list": [304]},
            dont_filter=True,
        )

    def _remember_validators(self, response: Response, source: str) -> None:
        etag = (response.headers.get(b"ETag") or b"").decode("latin-1")
        modified = (response.headers.get(b"Last-Modified") or b"").decode("latin-1")
        validators = dict(self.cursors.get(source).get("validators", {}))
        validators[response.request.url if response.request else response.url] = {
            "etag": etag or None,
            "last_modified": modified or None,
        }
        self.cursors.update(source, validators=validators)

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        source = response.meta["source"]
        if response.status == 304:
            self.count("carintel/not_modified", source)
            return
        self._remember_validators(response, source)
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
            url = canonicalize_url(entry.url, base=response.url)
            if not self.already_fetched(url, source):
                yield self.page_request(entry, source, url)

    def page_request(self, entry: Entry, source: str, url: str) -> scrapy.Request:
        return scrapy.Request(
            url,
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
        for url in {*response.meta.get("redirect_urls", []), response.url}:
            self.mark_fetched(canonicalize_url(url), source)  # as listed, and where it led
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
