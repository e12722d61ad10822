"""Hacker News stories matching a query, and their comments, from the Algolia HN Search API.

- **Stories**: `search_by_date?query=Q&tags=story&numericFilters=created_at_i>X&hitsPerPage=100`,
  newest first, following `page` while `page + 1 < nbPages`, at most `MAX_STORY_PAGES` pages
  (Algolia serves no more than 1000 hits per query anyway). Each story is an item of kind
  `post`: its URL is the HN discussion (`https://news.ycombinator.com/item?id=ID`), `parent_url`
  the article it links to, `engagement` `{"score", "comments"}`. Its text is `story_text`
  reduced to plain text; a link post has no text of its own, so its text is its title (the
  words HN readers saw), which keeps every post searchable and non-empty.
- **Comments** (when the source has `comments: true`): `tags=comment,story_ID` for each story
  with comments, up to `MAX_COMMENT_PAGES` pages. Items of kind `comment`, with an empty title
  (a comment has none; the story's title would attribute the story's names to the comment),
  `parent_url` the HN URL of the item it answers.
- **Cursor** (`state/cursors/hackernews/SOURCE.json`): `{"created_at_i": N}`, the newest story
  received; the next run asks for stories created after `N - OVERLAP_SECONDS` (the search index
  lags HN by a little) and drops what it already has through the seen-URL store (counted as
  `seen_before`). First run: now minus `first_lookback_hours`. The cursor moves only when the
  walk over the pages completed. Comments are collected when their story is found, and again
  for stories inside the overlap; later comments on older stories are not.
- **Errors**: a body that is not a search result is skipped as `api_error`, a hit without an id
  or a date as `bad_record`, a comment without text as `empty_text`, more results than the
  page limit as `truncated`; HTTP errors as `http_NNN`.
- Post and comment text is written by anyone: it is parsed to plain text (crawlers.social), never
  evaluated or rendered. `language` is None: HN does not say.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import scrapy
from scrapy.http import Response

from crawlers.extract import parse_datetime
from crawlers.items import ArticleItem
from crawlers.social import html_to_text
from crawlers.spiders.base import SourceSpider
from crawlers.urls import canonicalize_url

DEFAULT_API_BASE = "https://hn.algolia.com/api/v1"
ITEM_URL = "https://news.ycombinator.com/item?id={}"
HITS_PER_PAGE = 100
MAX_STORY_PAGES = 10
MAX_COMMENT_PAGES = 5
OVERLAP_SECONDS = 300
HN_META_KEY = "hackernews"


class HackerNewsError(Exception):
    """The API did not answer with a search result."""

    reason = "api_error"


@dataclass(frozen=True)
class SearchPage:
    hits: tuple[dict[str, Any], ...]
    page: int
    nb_pages: int
    nb_hits: int


@dataclass(frozen=True)
class HnRecord:
    """A story or a comment, as the landing item needs it."""

    kind: str  # post | comment
    external_id: str
    url: str  # the HN item page
    title: str
    text: str
    author: str | None
    created_at: datetime
    parent_url: str | None
    engagement: dict[str, int] | None


class BadHit(ValueError):
    """A hit that cannot become a record; `reason` is the skip reason."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def item_url(object_id: object) -> str:
    return ITEM_URL.format(quote(str(object_id), safe=""))


def search_url(api_base: str | None, params: dict[str, str | int]) -> str:
    base = (api_base or DEFAULT_API_BASE).rstrip("/")
    query = urlencode({k: str(v) for k, v in params.items()}, quote_via=quote)
    return f"{base}/search_by_date?{query}"


def stories_url(api_base: str | None, query: str, since: int, page: int) -> str:
    return search_url(
        api_base,
        {
            "query": query,
            "tags": "story",
            "numericFilters": f"created_at_i>{since}",
            "hitsPerPage": HITS_PER_PAGE,
            "page": page,
        },
    )


def comments_url(api_base: str | None, story_id: str, page: int) -> str:
    return search_url(
        api_base,
        {"tags": f"comment,story_{story_id}", "hitsPerPage": HITS_PER_PAGE, "page": page},
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_search_page(body: bytes) -> SearchPage:
    """An Algolia search answer: {"hits": [...], "page", "nbPages", "nbHits", ...}."""
    try:
        data = json.loads(body.decode("utf-8", "replace").lstrip("\ufeff"))
    except ValueError:
        first = body[:200].decode("utf-8", "replace").strip().splitlines()
        raise HackerNewsError(f"not JSON: {(first or [''])[0]!r}") from None
    if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
        raise HackerNewsError("no 'hits' list in the answer")
    return SearchPage(
        hits=tuple(h if isinstance(h, dict) else {} for h in data["hits"]),
        page=_int(data.get("page")) or 0,
        nb_pages=_int(data.get("nbPages")) or 0,
        nb_hits=_int(data.get("nbHits")) or 0,
    )


def _created_at(hit: dict[str, Any]) -> datetime:
    seconds = _int(hit.get("created_at_i"))
    if seconds is not None:
        return datetime.fromtimestamp(seconds, UTC)
    parsed = parse_datetime(
        hit.get("created_at") if isinstance(hit.get("created_at"), str) else None
    )
    if parsed is None:
        raise BadHit("bad_record", f"hit {hit.get('objectID')!r} has no creation time")
    return parsed.astimezone(UTC)


def _object_id(hit: dict[str, Any]) -> str:
    object_id = hit.get("objectID")
    if not isinstance(object_id, (str, int)) or not str(object_id).strip().isdigit():
        raise BadHit("bad_record", f"hit without a numeric objectID: {object_id!r}")
    return str(object_id).strip()


def _str(hit: dict[str, Any], key: str) -> str | None:
    value = hit.get(key)
    return value.strip() or None if isinstance(value, str) else None


def story_record(hit: dict[str, Any]) -> HnRecord:
    """A `tags=story` hit as a post. Raises BadHit."""
    object_id = _object_id(hit)
    title = " ".join((_str(hit, "title") or "").split())  # plain text already, not HTML
    text = html_to_text(_str(hit, "story_text") or "") or title
    if not text:
        raise BadHit("empty_text", f"story {object_id} has neither text nor title")
    linked = _str(hit, "url")
    scheme = urlsplit(linked).scheme.lower() if linked else ""
    engagement = {
        key: value
        for key, value in (
            ("score", _int(hit.get("points"))),
            ("comments", _int(hit.get("num_comments"))),
        )
        if value is not None
    }
    return HnRecord(
        kind="post",
        external_id=object_id,
        url=item_url(object_id),
        title=title,
        text=text,
        author=_str(hit, "author"),
        created_at=_created_at(hit),
        parent_url=canonicalize_url(linked) if linked and scheme in ("http", "https") else None,
        engagement=engagement,
    )


def comment_record(hit: dict[str, Any]) -> HnRecord:
    """A `tags=comment` hit as a comment. Raises BadHit."""
    object_id = _object_id(hit)
    text = html_to_text(_str(hit, "comment_text") or "")
    if not text:
        raise BadHit("empty_text", f"comment {object_id} has no text (deleted?)")
    parent = hit.get("parent_id") if hit.get("parent_id") is not None else hit.get("story_id")
    points = _int(hit.get("points"))
    return HnRecord(
        kind="comment",
        external_id=object_id,
        url=item_url(object_id),
        title="",
        text=text,
        author=_str(hit, "author"),
        created_at=_created_at(hit),
        parent_url=item_url(parent) if _int(parent) is not None or str(parent).isdigit() else None,
        engagement={"score": points} if points is not None else None,
    )


class HackerNewsSpider(SourceSpider):
    """`scrapy crawl hackernews -a sources='[{"name": "hn", "query": "Xiaomi SU7"}]'`

    Source fields (carintel.config.HackerNewsSource): name, query, comments (True),
    first_lookback_hours (168), api_base (None: the public endpoint)."""

    name = "hackernews"
    source_kind = "hackernews"
    # Scrapy's own class attribute (typed as a plain dict there), read once per crawl.
    custom_settings = {  # noqa: RUF012
        # A search API built for programs (Algolia's documented HN API); robots.txt rules are
        # for crawlers of the site. The spider fetches nothing else.
        "ROBOTSTXT_OBEY": False,
    }

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.sources:
            self.logger.warning("%s: no sources given; nothing to crawl", self.name)
        now = int(datetime.now(UTC).timestamp())
        for source in self.sources:
            if not source.get("query"):
                self.skip("bad_source", source["name"], "-", "a hackernews source needs a 'query'")
                continue
            cursor = _int(self.cursors.get(source["name"]).get("created_at_i"))
            if cursor is not None:
                since = cursor - OVERLAP_SECONDS
            else:
                since = now - 3600 * int(source.get("first_lookback_hours") or 24 * 7)
            yield self.stories_request(source, since, page=0, newest=cursor)

    def stories_request(
        self, source: dict[str, Any], since: int, *, page: int, newest: int | None
    ) -> scrapy.Request:
        return scrapy.Request(
            stories_url(source.get("api_base"), source["query"], since, page),
            callback=self.parse_stories,
            errback=self.on_error,
            dont_filter=True,
            meta={
                "source": source["name"],
                HN_META_KEY: {"source": source, "since": since, "page": page, "newest": newest},
            },
        )

    def comments_request(
        self, source: dict[str, Any], story_id: str, *, page: int
    ) -> scrapy.Request:
        return scrapy.Request(
            comments_url(source.get("api_base"), story_id, page),
            callback=self.parse_comments,
            errback=self.on_error,
            meta={
                "source": source["name"],
                HN_META_KEY: {"source": source, "story_id": story_id, "page": page},
            },
        )

    def _search_page(self, response: Response) -> SearchPage | None:
        try:
            return parse_search_page(response.body)
        except HackerNewsError as exc:
            self.skip(exc.reason, response.meta["source"], response.url, str(exc))
            return None

    def parse_stories(self, response: Response) -> Iterable[ArticleItem | scrapy.Request]:
        state: dict[str, Any] = response.meta[HN_META_KEY]
        source: dict[str, Any] = state["source"]
        name = source["name"]
        result = self._search_page(response)
        if result is None:
            return
        self.count("carintel/listings_parsed", name)
        newest: int | None = state["newest"]
        for hit in result.hits:
            try:
                record = story_record(hit)
            except BadHit as exc:
                self.skip(exc.reason, name, response.url, str(exc))
                continue
            created = int(record.created_at.timestamp())
            newest = created if newest is None else max(newest, created)
            if not self.already_fetched(record.url, name):
                yield self._item(record, name, response)
            comments = (record.engagement or {}).get("comments", 0)
            if source.get("comments", True) and comments:
                yield self.comments_request(source, record.external_id, page=0)
        page = state["page"]
        if page + 1 < result.nb_pages:
            if page + 1 < MAX_STORY_PAGES:
                yield self.stories_request(source, state["since"], page=page + 1, newest=newest)
                return
            self.skip(
                "truncated", name, response.url,
                f"{result.nb_hits} stories; only {MAX_STORY_PAGES} pages read: narrow the query",
            )  # fmt: skip
        if newest is not None:
            self.cursors.update(name, created_at_i=newest)

    def parse_comments(self, response: Response) -> Iterable[ArticleItem | scrapy.Request]:
        state: dict[str, Any] = response.meta[HN_META_KEY]
        name = state["source"]["name"]
        result = self._search_page(response)
        if result is None:
            return
        for hit in result.hits:
            try:
                record = comment_record(hit)
            except BadHit as exc:
                self.skip(exc.reason, name, response.url, str(exc))
                continue
            if not self.already_fetched(record.url, name):
                yield self._item(record, name, response)
        page = state["page"]
        if page + 1 < result.nb_pages:
            if page + 1 < MAX_COMMENT_PAGES:
                yield self.comments_request(state["source"], state["story_id"], page=page + 1)
            else:
                self.skip(
                    "truncated", name, response.url,
                    f"story {state['story_id']}: {result.nb_hits} comments, "
                    f"only {MAX_COMMENT_PAGES} pages read",
                )  # fmt: skip

    def _item(self, record: HnRecord, source: str, response: Response) -> ArticleItem:
        self.mark_fetched(record.url, source)
        return self.post_item(
            response, source, url=record.url, kind=record.kind, title=record.title,
            text=record.text, published_at=record.created_at, author=record.author,
            external_id=record.external_id, parent_url=record.parent_url,
            engagement=record.engagement,
        )  # fmt: skip
