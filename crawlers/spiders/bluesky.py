"""Bluesky: posts matching a search query, read with an app-password session.

`POST {api_base}/com.atproto.server.createSession` with {"identifier": BLUESKY_HANDLE,
"password": BLUESKY_APP_PASSWORD} (from the environment) gives an `accessJwt`; then
`GET {api_base}/app.bsky.feed.searchPosts?q=...&limit=100&sort=latest` with
`Authorization: Bearer accessJwt`, paged by the answer's `cursor`. api_base defaults to
https://bsky.social/xrpc.

Without credentials the spider logs one line naming the variables to set, counts
`missing_credentials` for each source, and finishes without a request. The password and the
session tokens are never logged, stored in items or stats, nor archived (the session request
carries NO_ARCHIVE_META_KEY; the archive holds responses only, never request headers).

Incremental runs pass `since=<newest sortAt seen>`. searchPosts filters and sorts on `sortAt`,
the earlier of a post's `createdAt` and `indexedAt` (so a post dated in the future cannot stay
on top); `since` is inclusive, so the posts seen at exactly that instant are remembered and
skipped. A run follows `cursor` until the answer has no cursor or no posts, at most
CARINTEL_SOCIAL_MAX_PAGES pages (counted as `page_cap_reached`); a first run reads
CARINTEL_SOCIAL_FIRST_RUN_PAGES pages (default 1). Cursor
(`state/cursors/bluesky/SOURCE.json`): `{"since": ISO time, "uris_at_since": [...]}`.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

import scrapy
from scrapy.http import Response

from crawlers.archive import NO_ARCHIVE_META_KEY
from crawlers.items import ArticleItem
from crawlers.social import TOKEN_API_SETTINGS, api_count, api_datetime, make_title
from crawlers.spiders.base import SourceSpider
from crawlers.stats import SKIPPED

API = "https://bsky.social/xrpc"
WEB = "https://bsky.app"
ENV_HANDLE, ENV_PASSWORD = "BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD"
PAGE_LIMIT = 100


class BlueskyError(ValueError):
    """An answer that is not what the method documents (an XRPC error, HTML, bad JSON)."""


@dataclass(frozen=True)
class Post:
    uri: str  # at://did:plc:.../app.bsky.feed.post/RKEY
    url: str  # https://bsky.app/profile/HANDLE/post/RKEY
    published_at: datetime  # record.createdAt
    sort_at: datetime  # what searchPosts sorts and filters on
    kind: str  # post | comment (a reply)
    title: str
    text: str
    author: str | None  # the handle
    language: str | None
    parent_url: str | None  # the post replied to, or the page an external embed links to
    engagement: dict[str, int]


# -- pure parsing ---------------------------------------------------------------------------


def _load(body: bytes) -> Any:
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise BlueskyError(f"not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise BlueskyError(f"expected an object, got {type(payload).__name__}")
    if "error" in payload:
        raise BlueskyError(f"{payload.get('error')}: {payload.get('message', '')}".strip(": "))
    return payload


def parse_session(body: bytes) -> str:
    """The access token of a createSession answer."""
    token = _load(body).get("accessJwt")
    if not isinstance(token, str) or not token:
        raise BlueskyError("the session answer has no accessJwt")
    return token


def post_url(uri: str, handle: str | None = None) -> str | None:
    """at://DID/app.bsky.feed.post/RKEY -> https://bsky.app/profile/HANDLE-or-DID/post/RKEY."""
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return None
    who = handle if handle and handle != "handle.invalid" else parts[0]
    return f"{WEB}/profile/{who}/post/{parts[2]}"


def parse_post(raw: dict[str, Any]) -> Post | None:
    """A postView of searchPosts; None without uri, date or text."""
    record = raw.get("record") if isinstance(raw.get("record"), dict) else {}
    author = raw.get("author") if isinstance(raw.get("author"), dict) else {}
    assert isinstance(record, dict) and isinstance(author, dict)
    uri, handle = str(raw.get("uri") or ""), author.get("handle")
    url = post_url(uri, handle)
    created = api_datetime(record.get("createdAt"))
    text = "\n".join(line.strip() for line in str(record.get("text") or "").strip().splitlines())
    if url is None or created is None or not text:
        return None
    indexed = api_datetime(raw.get("indexedAt"))
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else None
    parent_url = None
    if reply:
        parent = reply.get("parent") or {}
        parent_url = post_url(str(parent.get("uri") or "")) if isinstance(parent, dict) else None
    else:
        embed = record.get("embed") if isinstance(record.get("embed"), dict) else {}
        external = embed.get("external") if isinstance(embed, dict) else None
        if isinstance(external, dict) and isinstance(external.get("uri"), str):
            parent_url = external["uri"] or None
    langs = record.get("langs")
    return Post(
        uri=uri,
        url=url,
        published_at=created,
        sort_at=min(created, indexed) if indexed else created,
        kind="comment" if reply else "post",
        title=make_title(text),
        text=text,
        author=handle or author.get("did") or None,
        language=langs[0] if isinstance(langs, list) and langs and langs[0] else None,
        parent_url=parent_url,
        engagement={
            "comments": api_count(raw.get("replyCount")),
            "reposts": api_count(raw.get("repostCount")),
            "likes": api_count(raw.get("likeCount")),
            "quotes": api_count(raw.get("quoteCount")),
        },
    )


def parse_search(body: bytes) -> tuple[list[Post], str | None, int]:
    """A searchPosts answer: its posts, the cursor of the next page and how many posts were
    dropped (no uri, date or text)."""
    payload = _load(body)
    raw_posts = payload.get("posts")
    if not isinstance(raw_posts, list):
        raise BlueskyError("the answer has no posts list")
    posts = [p for p in (parse_post(r) for r in raw_posts if isinstance(r, dict)) if p]
    cursor = payload.get("cursor")
    return posts, (str(cursor) if cursor else None), len(raw_posts) - len(posts)


def error_message(body: bytes) -> str:
    try:
        _load(body)
    except BlueskyError as exc:
        return str(exc)[:200]
    return ""


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# -- requests and credentials ---------------------------------------------------------------


def api_base(source: dict[str, Any]) -> str:
    return str(source.get("api_base") or API).rstrip("/")


def session_url(source: dict[str, Any]) -> str:
    return f"{api_base(source)}/com.atproto.server.createSession"


def session_body(handle: str, password: str) -> bytes:
    return json.dumps({"identifier": handle, "password": password}).encode("utf-8")


def search_url(source: dict[str, Any], since: str | None = None, cursor: str | None = None) -> str:
    """`searchPosts` for the source's query, newest first (`sort=latest`)."""
    params: dict[str, Any] = {"q": source["query"], "limit": PAGE_LIMIT, "sort": "latest"}
    if since:
        params["since"] = since
    if cursor:
        params["cursor"] = cursor
    return f"{api_base(source)}/app.bsky.feed.searchPosts?{urlencode(params, quote_via=quote)}"


def credentials(env: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """(handle, app password) from the environment, or None when either is missing."""
    handle, password = env.get(ENV_HANDLE, "").strip(), env.get(ENV_PASSWORD, "").strip()
    return (handle, password) if handle and password else None


MISSING_CREDENTIALS = (
    f"set {ENV_HANDLE} (your handle) and {ENV_PASSWORD} (an app password from Settings > "
    "Privacy and security > App passwords)"
)


# -- the spider -----------------------------------------------------------------------------


class BlueskySpider(SourceSpider):
    """`BLUESKY_HANDLE=... BLUESKY_APP_PASSWORD=... scrapy crawl bluesky
    -a sources='[{"name": "bsky-su7", "query": "Xiaomi SU7"}]'`"""

    name = "bluesky"
    credential_hint = f"{ENV_HANDLE} and {ENV_PASSWORD}"
    source_kind = "bluesky"
    # An authenticated, documented API (XRPC), not web pages: see TOKEN_API_SETTINGS.
    custom_settings = TOKEN_API_SETTINGS

    @staticmethod
    def _api_base(source: dict[str, Any]) -> str:
        return api_base(source)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.sources:
            self.logger.warning("bluesky: no sources given; nothing to crawl")
            return
        found = credentials()
        if found is None:
            self.logger.warning(
                "bluesky: no credentials, skipping %s: %s",
                ", ".join(s["name"] for s in self.sources), MISSING_CREDENTIALS,
            )  # fmt: skip
            for source in self.sources:
                self.count(f"{SKIPPED}missing_credentials", source["name"])
            return
        handle, password = found
        by_url: dict[str, list[str]] = {}
        for source in self.sources:
            by_url.setdefault(session_url(source), []).append(source["name"])
        for url, names in by_url.items():
            yield scrapy.Request(
                url,
                method="POST",
                body=session_body(handle, password),
                headers={"Content-Type": "application/json", "Accept": "application/json"},
                callback=self.parse_session,
                errback=self.on_login_error,
                meta={"sources": names, NO_ARCHIVE_META_KEY: True},
                dont_filter=True,
            )

    def parse_session(self, response: Response) -> Iterable[scrapy.Request]:
        names: list[str] = response.meta["sources"]
        try:
            token = parse_session(response.body)
        except BlueskyError as exc:
            for name in names:
                self.skip("api_error", name, response.url, f"no session: {exc}")
            return
        for name in names:
            state = self.cursors.get(name)
            boundary = list(state.get("uris_at_since") or [])
            yield self.search_request(
                self.source_named(name), f"Bearer {token}", 1, state.get("since"), boundary, None
            )

    def search_request(
        self,
        source: dict[str, Any],
        auth: str,
        page: int,
        since: str | None,
        seen: list[str],
        cursor: str | None,
    ) -> scrapy.Request:
        """A page of results. `since` and `seen` (the posts at exactly `since`, already read)
        are the cursor as this run found it, kept for every page of the run."""
        return scrapy.Request(
            search_url(source, since, cursor),
            headers={"Authorization": auth, "Accept": "application/json"},
            callback=self.parse_search,
            errback=self.on_error,
            meta={"source": source["name"], "page": page, "since": since, "seen": seen},
            dont_filter=True,
        )

    def parse_search(self, response: Response) -> Iterable[ArticleItem | scrapy.Request]:
        name, page, since, seen = (response.meta[k] for k in ("source", "page", "since", "seen"))
        try:
            posts, next_cursor, dropped = parse_search(response.body)
        except BlueskyError as exc:
            self.skip("api_error", name, response.url, str(exc))
            return
        for _ in range(dropped):
            self.count(f"{SKIPPED}no_text", name)
        self.count("carintel/api_pages", name)
        fresh = [p for p in posts if p.uri not in set(seen)]
        for post in fresh:
            yield self.item(response, name, post)
        self._advance_cursor(name, fresh)
        if not next_cursor or not posts:
            return
        settings = self.crawler.settings
        cap = (
            settings.getint("CARINTEL_SOCIAL_MAX_PAGES", 10)
            if since
            else settings.getint("CARINTEL_SOCIAL_FIRST_RUN_PAGES", 1)
        )
        if page >= cap:
            if since:
                self.count("carintel/page_cap_reached", name)
                self.logger.info("%s: page cap reached; older new posts are not read", name)
            return
        auth = response.request.headers.get(b"Authorization") if response.request else None
        yield self.search_request(
            self.source_named(name), (auth or b"").decode("latin-1"), page + 1, since, seen,
            next_cursor,
        )  # fmt: skip

    def _advance_cursor(self, name: str, posts: list[Post]) -> None:
        """The newest sortAt read so far, with the posts at exactly that instant."""
        newest = max((p.sort_at for p in posts), default=None)
        if newest is None:
            return
        state = self.cursors.get(name)
        known = api_datetime(state.get("since"))
        if known is not None and newest < known:
            return
        at_newest = {p.uri for p in posts if p.sort_at == newest}
        if known == newest:
            at_newest |= set(state.get("uris_at_since") or [])
        self.cursors.update(name, since=_iso(newest), uris_at_since=sorted(at_newest))

    def item(self, response: Response, source: str, post: Post) -> ArticleItem:
        return self.post_item(
            response, source, url=post.url, kind=post.kind, title=post.title, text=post.text,
            published_at=post.published_at, author=post.author, language=post.language,
            external_id=post.uri, parent_url=post.parent_url, engagement=post.engagement,
        )  # fmt: skip

    def api_error_detail(self, body: bytes) -> str:
        return error_message(body)
