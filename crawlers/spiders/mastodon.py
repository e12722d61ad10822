"""Mastodon hashtag timelines: the public statuses carrying a tag, on one instance, no login.

`GET {api_base}/api/v1/timelines/tag/{tag}?limit=40` (api_base defaults to https://INSTANCE).
The API answers newest first, and pages through a `Link` header: rel="next" carries `max_id`
(older statuses), rel="prev" carries `min_id` (newer ones).

Incremental runs walk forward with `min_id`. Per the API guidelines, `min_id=X` returns the page
of statuses *immediately* newer than X (a cursor that moves forward without gaps), unlike
`since_id=X`, which returns the newest statuses and leaves a gap when more than a page arrived.
So a run starts at `min_id=<newest id seen last run>`, follows rel="prev" (the page's newest id)
until a page comes back empty, and stops after CARINTEL_SOCIAL_MAX_PAGES pages (counted as
`page_cap_reached`; the next run continues from there, nothing is lost). A first run, with no
cursor, reads the newest page and follows rel="next" back for CARINTEL_SOCIAL_FIRST_RUN_PAGES
pages in all (default 1).

Cursor (`state/cursors/mastodon/SOURCE.json`): `{"min_id": newest status id seen}`.

Logged-out access: since Mastodon 4.5 a server may serve hashtag timelines to logged-in users
only. It then answers 401, or an empty list, which alone cannot be told from "no new posts". A
401 is counted as `logged_out_access_disabled`; after an empty first page the spider asks the
server (`GET /api/v2/instance`, `configuration.timelines_access.hashtag_feeds`) and counts the
same reason when the setting says so. A server that shows logged-out clients its own users'
posts only (`local: public`, `remote` not) is logged, not counted.

Reblogs: tag timelines hold original statuses, but if a server does put a reblog in one, the
inner (reblogged) status is the post we keep: it carries the text, the author and the counts.
The outer id still moves the cursor, since that is the timeline position. Statuses behind a
content warning (`spoiler_text`) are kept; the warning becomes the title.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers.items import ArticleItem
from crawlers.social import api_count, api_datetime, html_to_text, make_title
from crawlers.spiders.base import SourceSpider
from crawlers.stats import SKIPPED

PAGE_LIMIT = 40  # the API's maximum for timelines
LOGGED_OUT_DISABLED = "logged_out_access_disabled"  # the skip reason


class MastodonError(ValueError):
    """A timeline answer that is not a list of statuses (an error object, HTML, bad JSON)."""


@dataclass(frozen=True)
class Status:
    """One status of a timeline, as the landing item needs it."""

    id: str  # the status itself (the inner one, for a reblog)
    url: str  # its public web page
    published_at: datetime
    kind: str  # post | comment (a reply)
    title: str
    text: str
    author: str | None  # the account's acct: user (local) or user@other.server
    language: str | None
    parent_url: str | None  # the status replied to, or the page a post's link card shows
    engagement: dict[str, int]


# -- pure parsing ---------------------------------------------------------------------------


def status_id_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are numeric strings of growing length: compare by length, then text."""
    return (len(status_id), status_id)


def newest_id(ids: Iterable[str]) -> str | None:
    return max(ids, key=status_id_key, default=None)


_LINK = re.compile(r'<([^>]*)>\s*((?:;\s*[\w*-]+\s*=\s*(?:"[^"]*"|[^;,\s]+)\s*)*)')
_REL = re.compile(r'rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))', re.I)


def parse_link_header(value: str) -> dict[str, dict[str, str]]:
    """`Link: <...?max_id=1>; rel="next", <...?min_id=9>; rel="prev"` as
    {"next": {"max_id": "1"}, "prev": {"min_id": "9"}}: each relation's query parameters."""
    links: dict[str, dict[str, str]] = {}
    for match in _LINK.finditer(value or ""):
        rel = _REL.search(match.group(2))
        if not rel:
            continue
        query = parse_qs(urlsplit(match.group(1)).query)
        params = {k: v[0] for k, v in query.items() if v}
        for name in (rel.group(1) or rel.group(2) or "").lower().split():
            links[name] = params
    return links


def _parent_url(status: dict[str, Any], web_base: str) -> str | None:
    """A reply's parent on this instance's web UI (`/@acct/ID` works for remote accounts too,
    with the local id); else the page a post's link preview card points at."""
    parent_id = status.get("in_reply_to_id")
    if parent_id:
        account = status.get("account") or {}
        parent_account = status.get("in_reply_to_account_id")
        acct = account.get("acct") if parent_account == account.get("id") else None
        for mention in status.get("mentions") or []:
            if isinstance(mention, dict) and mention.get("id") == parent_account:
                acct = mention.get("acct")
        if acct:
            return f"{web_base}/@{acct}/{parent_id}"
        return f"{web_base}/api/v1/statuses/{parent_id}"
    card = status.get("card")
    if isinstance(card, dict) and isinstance(card.get("url"), str) and card["url"]:
        return str(card["url"])
    return None


def parse_status(raw: dict[str, Any], web_base: str) -> Status | None:
    """One status of the timeline (JSON object) as a record; None when it has no id, no date
    or no text (a media-only status)."""
    inner = raw.get("reblog") if isinstance(raw.get("reblog"), dict) else raw
    assert isinstance(inner, dict)
    status_id, published = inner.get("id"), api_datetime(inner.get("created_at"))
    if not isinstance(status_id, str) or not status_id or published is None:
        return None
    text = html_to_text(str(inner.get("content") or ""))
    if not text:
        return None
    spoiler = str(inner.get("spoiler_text") or "").strip()
    account = inner.get("account") if isinstance(inner.get("account"), dict) else {}
    assert isinstance(account, dict)
    url = inner.get("url") or inner.get("uri") or f"{web_base}/@{account.get('acct')}/{status_id}"
    return Status(
        id=status_id,
        url=str(url),
        published_at=published,
        kind="comment" if inner.get("in_reply_to_id") else "post",
        title=make_title(spoiler or text),
        text=text,
        author=account.get("acct") or None,
        language=inner.get("language") or None,
        parent_url=_parent_url(inner, web_base),
        engagement={
            "comments": api_count(inner.get("replies_count")),
            "reposts": api_count(inner.get("reblogs_count")),
            "likes": api_count(inner.get("favourites_count")),
        },
    )


def parse_timeline(body: bytes, web_base: str) -> tuple[list[Status], list[str], int]:
    """A timeline page: its statuses, every timeline id on it (including the statuses dropped)
    and how many were dropped. Raises MastodonError when it is not a list of statuses."""
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise MastodonError(f"not JSON: {exc}") from None
    if isinstance(payload, dict) and "error" in payload:
        raise MastodonError(f"the API says: {payload['error']}")
    if not isinstance(payload, list):
        raise MastodonError(f"expected a list of statuses, got {type(payload).__name__}")
    statuses: list[Status] = []
    ids: list[str] = []
    dropped = 0
    for raw in payload:
        if not isinstance(raw, dict):
            dropped += 1
            continue
        if isinstance(raw.get("id"), str):
            ids.append(raw["id"])
        status = parse_status(raw, web_base)
        if status is None:
            dropped += 1
        else:
            statuses.append(status)
    return statuses, ids, dropped


def web_base(source: dict[str, Any]) -> str:
    return "https://" + str(source["instance"]).strip().strip("/").removeprefix("https://")


def api_base(source: dict[str, Any]) -> str:
    return str(source.get("api_base") or web_base(source)).rstrip("/")


def timeline_url(source: dict[str, Any], **params: str | int) -> str:
    """`{api_base}/api/v1/timelines/tag/TAG?limit=40&...` for a source's hashtag."""
    tag = str(source["tag"]).strip().lstrip("#")
    query = urlencode({"limit": PAGE_LIMIT, **params})
    return f"{api_base(source)}/api/v1/timelines/tag/{quote(tag, safe='')}?{query}"


def instance_url(source: dict[str, Any]) -> str:
    return f"{api_base(source)}/api/v2/instance"


def hashtag_feed_access(body: bytes) -> tuple[str, str] | None:
    """Who may read hashtag timelines, from a `/api/v2/instance` answer: (local, remote), each
    `public`, `authenticated` or `disabled`; None when the server does not say (before 4.5)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    config = payload.get("configuration") if isinstance(payload, dict) else None
    access = config.get("timelines_access") if isinstance(config, dict) else None
    feeds = access.get("hashtag_feeds") if isinstance(access, dict) else None
    if not isinstance(feeds, dict):
        return None
    return str(feeds.get("local") or "public"), str(feeds.get("remote") or "public")


def logged_out_message(source: dict[str, Any]) -> str:
    """What to tell the user when a server keeps its hashtag timelines from logged-out clients."""
    instance = str(source.get("instance") or "the server")
    tag = str(source.get("tag") or "").lstrip("#")
    return (
        f"{instance} serves hashtag timelines to logged-in users only (a Mastodon 4.5 setting), "
        f"so #{tag} reads as empty without an account: move this source to another instance"
    )


def error_message(body: bytes) -> str:
    """The API's `{"error": "..."}` message, if the body is one."""
    try:
        payload = json.loads(body)
    except ValueError:
        return ""
    return str(payload.get("error", ""))[:200] if isinstance(payload, dict) else ""


# -- the spider -----------------------------------------------------------------------------


class MastodonSpider(SourceSpider):
    """`scrapy crawl mastodon -a sources='[{"name": "m", "instance": "mastodon.social",
    "tag": "XiaomiSU7"}]'`"""

    name = "mastodon"
    source_kind = "mastodon"
    custom_settings = {  # noqa: RUF012 (Scrapy reads it from the class; never mutated)
        # A documented public API, not web pages: robots.txt is for crawlers of pages; API
        # clients keep to the API's own limits (X-RateLimit-* headers, 429 with Retry-After).
        "ROBOTSTXT_OBEY": False,
    }

    @staticmethod
    def web_base(source: dict[str, Any]) -> str:
        return web_base(source)

    def api_base(self, source: dict[str, Any]) -> str:
        return api_base(source)

    def timeline_request(
        self, source: dict[str, Any], direction: str, page: int, **params: str
    ) -> scrapy.Request:
        return scrapy.Request(
            timeline_url(source, **params),
            headers={"Accept": "application/json"},
            callback=self.parse_timeline,
            errback=self.on_error,
            meta={"source": source["name"], "direction": direction, "page": page},
            dont_filter=True,
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.sources:
            self.logger.warning("mastodon: no sources given; nothing to crawl")
        for source in self.sources:
            cursor = self.cursors.get(source["name"]).get("min_id")
            if cursor:
                yield self.timeline_request(source, "newer", 1, min_id=str(cursor))
            else:
                yield self.timeline_request(source, "first", 1)

    def parse_timeline(self, response: Response) -> Iterable[ArticleItem | scrapy.Request]:
        name, direction, page = (response.meta[k] for k in ("source", "direction", "page"))
        source = self.source_named(name)
        try:
            statuses, ids, dropped = parse_timeline(response.body, self.web_base(source))
        except MastodonError as exc:
            self.skip("api_error", name, response.url, str(exc))
            return
        for _ in range(dropped):
            self.count(f"{SKIPPED}no_text", name)
        self.count("carintel/api_pages", name)
        for status in statuses:
            yield self.item(response, name, status)
        newest = newest_id([*ids, self.cursors.get(name).get("min_id") or ""])
        if newest:
            self.cursors.update(name, min_id=newest)
        if not ids:
            if page == 1:
                yield self.instance_request(source)
            return
        links = parse_link_header((response.headers.get(b"Link") or b"").decode("latin-1"))
        settings = self.crawler.settings
        if direction == "newer":
            if page >= settings.getint("CARINTEL_SOCIAL_MAX_PAGES", 10):
                self.count("carintel/page_cap_reached", name)
                self.logger.info("%s: page cap reached; the next run continues from here", name)
                return
            min_id = links.get("prev", {}).get("min_id") or newest_id(ids)
            assert min_id is not None
            yield self.timeline_request(source, "newer", page + 1, min_id=min_id)
        elif page < settings.getint("CARINTEL_SOCIAL_FIRST_RUN_PAGES", 1):
            max_id = links.get("next", {}).get("max_id")
            if max_id:
                yield self.timeline_request(source, "first", page + 1, max_id=max_id)

    def instance_request(self, source: dict[str, Any]) -> scrapy.Request:
        """Does the server show hashtag timelines to logged-out clients? (asked after an empty
        first page, which could mean either "nothing new" or "not for you")."""
        return scrapy.Request(
            instance_url(source),
            headers={"Accept": "application/json"},
            callback=self.parse_instance,
            meta={"source": source["name"], "handle_httpstatus_all": True},
            dont_filter=True,
        )

    def parse_instance(self, response: Response) -> None:
        name = response.meta["source"]
        access = hashtag_feed_access(response.body) if response.status == 200 else None
        if access is None:
            return
        source = self.source_named(name)
        local, remote = access
        if local != "public" and remote != "public":
            self.skip(LOGGED_OUT_DISABLED, name, response.url, logged_out_message(source))
        elif remote != "public":
            self.logger.info(
                "%s: %s shows logged-out clients only its own users' posts under #%s",
                name, source.get("instance"), str(source.get("tag")).lstrip("#"),
            )  # fmt: skip

    def on_error(self, failure: Failure) -> None:
        """A 401 from a public timeline means the server keeps it from logged-out clients."""
        request = getattr(failure, "request", None)
        if isinstance(failure.value, HttpError) and request is not None:
            response = failure.value.response
            name = request.meta.get("source")
            if response.status == 401 and name:
                said = error_message(response.body)
                detail = logged_out_message(self.source_named(name))
                self.skip(
                    LOGGED_OUT_DISABLED, name, request.url,
                    f"{detail} (the server says: {said})" if said else detail,
                )  # fmt: skip
                return
        super().on_error(failure)

    def item(self, response: Response, source: str, status: Status) -> ArticleItem:
        return self.post_item(
            response, source, url=status.url, kind=status.kind, title=status.title,
            text=status.text, published_at=status.published_at, author=status.author,
            language=status.language, external_id=status.id, parent_url=status.parent_url,
            engagement=status.engagement,
        )  # fmt: skip

    def api_error_detail(self, body: bytes) -> str:
        return error_message(body)
