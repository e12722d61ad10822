"""GDELT DOC 2.0: the article list for each watchlist query, followed to the article pages.

One API request per query source (`mode=artlist&format=json&sort=datedesc`), between the source's
cursor and now. GDELT answers at most `maxrecords` (250) articles, newest first; when a window is
full, the next request asks for the older part of it (`enddatetime` = the oldest `seendate`
received), up to `MAX_WINDOWS` windows per source and run.

- **Pacing.** GDELT allows one request every 5 seconds. API requests go to their own download
  slot (`gdelt-api`, concurrency 1, `CARINTEL_API_MIN_DELAY` seconds apart, default 6, no
  jitter, AutoThrottle told not to adjust it); the article sites GDELT links to keep the
  project's ordinary per-site politeness.
- **Throttling.** GDELT says "too fast" in two ways. Either HTTP 429, which crawlers.throttle
  handles as for any site (the API slot pauses, Retry-After honoured, the request retried; still
  429 after CARINTEL_THROTTLE_RETRIES tries: skipped as `http_429`). Or HTTP 200 with a
  plain-text plea ("Please limit requests to one every 5 seconds ..."): the first such answer
  for a source is counted (`carintel/throttled`) and the request is retried once, after ten
  times the API delay (60 s by default); a second one is skipped as `throttled`. Either way the
  source's cursor is not advanced, so the next run asks again from the same point.
- **Refused queries.** GDELT refuses a query with HTTP 200 and one line of text ("The
  specified phrase is too short.", "Parentheses may only be used around OR'd statements.", ...):
  skipped as `query_rejected` with that text. The sources file is checked against the known
  rules when it loads (crawlers.query_rules), so this should only meet rules not yet known.
- **Errors.** Any other body that is not the expected JSON (an HTML page, a truncated document)
  is skipped as `api_error`; an article record without a usable URL or `seendate` is skipped as
  `bad_record`; other HTTP errors are counted as `http_NNN`.
- **Cursor** (`state/cursors/gdelt/SOURCE.json`): `{"startdatetime": "YYYYMMDDHHMMSS"}`, the
  newest `seendate` received; the next run starts there (inclusive: the seen-URL store and the
  run's duplicate filter drop the articles received twice). First run: now minus
  `first_lookback_hours`. Only a walk that completed moves the cursor.
- **Dates.** `seendate` is when GDELT saw the article, not when it was published: it becomes the
  item's `first_seen_at`, never its `published_at`, which only the page itself can give.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote, urlencode, urlsplit

import scrapy
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawlers.items import ArticleItem
from crawlers.listings import Entry
from crawlers.spiders.base import ArticleSpider
from crawlers.stats import REPAIRED
from crawlers.urls import canonicalize_url

DEFAULT_API_BASE = "https://api.gdeltproject.org/api/v2/doc/doc"
API_SLOT = "gdelt-api"
DEFAULT_DELAY = 6.0  # seconds between API requests; GDELT asks for at least 5
THROTTLE_PAUSE_FACTOR = 10  # the pause before retrying a throttled request, in API delays
MAX_WINDOWS = 8  # requests per source and run (each up to `max_records` articles)
MAX_LOOKBACK = timedelta(days=89)  # the DOC API searches the last three months only
GDELT_META_KEY = "gdelt"

_TIME_FORMAT = "%Y%m%d%H%M%S"
_SEENDATE = re.compile(r"^(\d{8})T?(\d{6})Z?$")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_THROTTLED = re.compile(
    r"limit requests to one every|rate.?limit|too many requests|slow down", re.IGNORECASE
)
_REFUSED = re.compile(
    r"too short|too common|parenthes[ie]s may only|OR'?s may only|invalid query|illegal char"
    r"|query (?:is|was) too long|cannot be nested|your search contained",
    re.IGNORECASE,
)


class GdeltError(Exception):
    """The API did not answer with an article list. `reason` is the skip reason."""

    reason: ClassVar[str] = "api_error"


class GdeltThrottled(GdeltError):
    reason = "throttled"


class GdeltQueryRejected(GdeltError):
    """GDELT refused the query itself (its text says why); asking again will not help."""

    reason = "query_rejected"


@dataclass(frozen=True)
class GdeltArticle:
    url: str
    title: str | None
    seen_at: datetime  # GDELT's seendate, UTC
    domain: str | None
    language: str | None  # GDELT's language name ("English"), not a code
    source_country: str | None


@dataclass(frozen=True)
class ArticleList:
    articles: tuple[GdeltArticle, ...]
    rejected: tuple[str, ...]  # why each unusable record was dropped
    repaired: bool = False  # the JSON had invalid backslash escapes, doubled to parse it


def format_gdelt_time(moment: datetime) -> str:
    """`startdatetime`/`enddatetime` form: YYYYMMDDHHMMSS in UTC."""
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def parse_gdelt_time(value: str) -> datetime | None:
    """A `seendate` ("20250512T093000Z") or a cursor ("20250512093000"), as an aware UTC time."""
    match = _SEENDATE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1) + match.group(2), _TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def artlist_url(
    api_base: str | None, query: str, start: datetime, end: datetime, max_records: int
) -> str:
    params = {
        "query": query,
        "mode": "artlist",
        "format": "json",
        "maxrecords": str(max_records),
        "sort": "datedesc",
        "startdatetime": format_gdelt_time(start),
        "enddatetime": format_gdelt_time(end),
    }
    return f"{(api_base or DEFAULT_API_BASE).rstrip('?')}?{urlencode(params, quote_via=quote)}"


def _text_field(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _fix_escape(match: re.Match[str]) -> str:
    """A JSON escape kept as it is, `\\'` read as `'`, any other backslash taken literally."""
    char = match.group(1)
    if char in '"\\/bfnrtu':
        return match.group()
    return "'" if char == "'" else "\\" + match.group()


def parse_article_list(body: bytes) -> ArticleList:
    """The JSON of a `mode=artlist&format=json` answer. Raises GdeltThrottled for the rate-limit
    text GDELT sends with HTTP 200, GdeltQueryRejected for its texts that refuse the query, and
    GdeltError for any other body that is not an article list.
    `{}` (what GDELT sends when nothing matches) is an empty list."""
    text = body.decode("utf-8", "replace").lstrip("\ufeff").strip()
    if not text:
        raise GdeltError("empty body")
    repaired = False
    try:
        data = json.loads(text, strict=False)  # GDELT titles may carry raw control characters
    except ValueError:
        first_line = text.splitlines()[0][:200]
        if _THROTTLED.search(text[:2000]):
            raise GdeltThrottled(first_line) from None
        if not text.startswith(("{", "[", "<")) and _REFUSED.search(text[:2000]):
            raise GdeltQueryRejected(first_line) from None
        try:  # titles copied with a stray backslash ("\'") make invalid JSON escapes
            data = json.loads(_ESCAPE.sub(_fix_escape, text), strict=False)
            repaired = True
        except ValueError:
            raise GdeltError(f"not JSON: {first_line!r}") from None
    if not isinstance(data, dict):
        raise GdeltError(f"expected a JSON object, got {type(data).__name__}")
    records = data.get("articles", [])
    if not isinstance(records, list):
        raise GdeltError("'articles' is not a list")
    articles: list[GdeltArticle] = []
    rejected: list[str] = []
    for n, record in enumerate(records):
        if not isinstance(record, dict):
            rejected.append(f"articles[{n}] is not an object")
            continue
        url = _text_field(record, "url")
        if url is None or urlsplit(url).scheme.lower() not in ("http", "https"):
            rejected.append(f"articles[{n}] has no http(s) url: {str(record.get('url'))[:100]!r}")
            continue
        seen_at = parse_gdelt_time(str(record.get("seendate") or ""))
        if seen_at is None:
            rejected.append(f"articles[{n}] has no valid seendate: {record.get('seendate')!r}")
            continue
        articles.append(
            GdeltArticle(
                url=url,
                title=_text_field(record, "title"),
                seen_at=seen_at,
                domain=_text_field(record, "domain"),
                language=_text_field(record, "language"),
                source_country=_text_field(record, "sourcecountry"),
            )
        )
    return ArticleList(tuple(articles), tuple(rejected), repaired)


def api_delay(settings: BaseSettings) -> float:
    """Seconds between GDELT API requests: CARINTEL_API_MIN_DELAY, default 6.
    Only a local test server should get less (LOCAL_SITE_SETTINGS sets 0)."""
    value = settings.get("CARINTEL_API_MIN_DELAY")
    return DEFAULT_DELAY if value is None else max(0.0, float(value))


class GdeltSpider(ArticleSpider):
    """`scrapy crawl gdelt -a sources='[{"name": "g", "query": "Xiaomi SU7"}]'`

    Source fields (carintel.config.GdeltSource): name, query, max_records (250),
    first_lookback_hours (72), api_base (None: the public endpoint)."""

    name = "gdelt"
    source_kind = "gdelt"

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
        slots[API_SLOT] = {"concurrency": 1, "delay": api_delay(settings), "jitter": 0}
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.sources:
            self.logger.warning("%s: no sources given; nothing to crawl", self.name)
        now = datetime.now(UTC).replace(microsecond=0)
        for source in self.sources:
            if not source.get("query"):
                self.skip("bad_source", source["name"], "-", "a gdelt source needs a 'query'")
                continue
            cursor = parse_gdelt_time(str(self.cursors.get(source["name"]).get("startdatetime")))
            lookback = timedelta(hours=int(source.get("first_lookback_hours") or 72))
            # A cursor older than the API's reach would be refused on every run: clamp it.
            start = max(cursor or now - lookback, now - MAX_LOOKBACK)
            yield self.api_request(source, start, now, window=0, newest=None)

    def api_request(
        self,
        source: dict[str, Any],
        start: datetime,
        end: datetime,
        *,
        window: int,
        newest: str | None,
        retried: bool = False,
    ) -> scrapy.Request:
        max_records = int(source.get("max_records") or 250)
        return scrapy.Request(
            artlist_url(source.get("api_base"), source["query"], start, end, max_records),
            callback=self.parse_api,
            errback=self.on_error,
            dont_filter=True,
            meta={
                "source": source["name"],
                GDELT_META_KEY: {
                    "source": source,
                    "start": format_gdelt_time(start),
                    "end": format_gdelt_time(end),
                    "window": window,
                    "newest": newest,
                    "retried": retried,
                },
                "download_slot": API_SLOT,
                "autothrottle_dont_adjust_delay": True,
                # An API meant for programs; robots.txt rules are for the article sites.
                "dont_obey_robotstxt": True,
            },
        )

    async def parse_api(self, response: Response) -> AsyncIterator[scrapy.Request]:
        state: dict[str, Any] = response.meta[GDELT_META_KEY]
        source: dict[str, Any] = state["source"]
        name = source["name"]
        try:
            listing = parse_article_list(response.body)
        except GdeltThrottled as exc:
            if state["retried"]:
                self.skip(exc.reason, name, response.url, str(exc))
                return
            self.count("carintel/throttled", name)
            pause = THROTTLE_PAUSE_FACTOR * api_delay(self.settings)
            self.logger.warning("GDELT throttled %s; retrying once in %.0f s", name, pause)
            await asyncio.sleep(pause)
            yield self._again(state, retried=True)
            return
        except GdeltError as exc:
            self.skip(exc.reason, name, response.url, str(exc))
            return
        for why in listing.rejected:
            self.skip("bad_record", name, response.url, why)
        if listing.repaired:
            self.count(f"{REPAIRED}invalid_json_escape", name)
        self.count("carintel/listings_parsed", name)
        for request in self._follow(listing, name):
            yield request
        next_request = self._next_window(state, listing)
        if next_request is not None:
            yield next_request

    def _again(self, state: dict[str, Any], *, retried: bool) -> scrapy.Request:
        start, end = parse_gdelt_time(state["start"]), parse_gdelt_time(state["end"])
        assert start is not None and end is not None
        return self.api_request(
            state["source"], start, end, window=state["window"], newest=state["newest"],
            retried=retried,
        )  # fmt: skip

    def _follow(self, listing: ArticleList, source: str) -> Iterable[scrapy.Request]:
        for article in listing.articles:
            url = canonicalize_url(article.url)
            if self.already_fetched(url, source):
                continue
            # published_at stays None: a seendate is not a publish date.
            entry = Entry(url=article.url, title=article.title, published_at=None)
            request = self.page_request(entry, source, url)
            request.meta["listed_first_seen"] = article.seen_at.isoformat()
            yield request

    def _next_window(self, state: dict[str, Any], listing: ArticleList) -> scrapy.Request | None:
        """The request for the older part of a full window, or None when the walk is done
        (then the cursor moves to the newest seendate received)."""
        source = state["source"]
        name = source["name"]
        seen = [a.seen_at for a in listing.articles]
        previous = parse_gdelt_time(state["newest"] or "")
        newest = max([*seen, *([previous] if previous else [])], default=None)
        newest_text = format_gdelt_time(newest) if newest else None
        start, end = parse_gdelt_time(state["start"]), parse_gdelt_time(state["end"])
        assert start is not None and end is not None
        received = len(listing.articles) + len(listing.rejected)
        full = received >= int(source.get("max_records") or 250)
        if full and seen:
            oldest = min(seen)
            # Each window must end earlier than the last, or the walk would ask the same again.
            if start < oldest < end and state["window"] + 1 < MAX_WINDOWS:
                return self.api_request(
                    source, start, oldest, window=state["window"] + 1, newest=newest_text
                )
            self.skip(
                "truncated", name, f"gdelt:{source['query']}",
                f"more than {MAX_WINDOWS} windows of results since {state['start']}; "
                "narrow the query or crawl more often",
            )  # fmt: skip
        if newest_text:
            self.cursors.update(name, startdatetime=newest_text)
        return None

    def parse_page(self, response: Response) -> Iterable[ArticleItem]:
        first_seen = response.meta.get("listed_first_seen")
        for item in super().parse_page(response):
            yield dataclasses.replace(item, first_seen_at=first_seen)
