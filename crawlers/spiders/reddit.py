"""Reddit: new posts of a subreddit (or a search within it) and their comments, via OAuth.

App-only OAuth (client credentials): one `POST https://www.reddit.com/api/v1/access_token`
with HTTP basic auth (REDDIT_CLIENT_ID : REDDIT_CLIENT_SECRET, from the environment) gives a
bearer token, then `GET https://oauth.reddit.com/r/SUB/new?limit=100` (or
`/r/SUB/search?q=...&restrict_sr=1&sort=new`) and, per new post, `/comments/ID?depth=2`.
With `api_base` set, both the API and the token endpoint (`{api_base}/api/v1/access_token`) are
read from there (a mirror, or a local fixture server in tests).

Every request carries the User-Agent Reddit's API rules require,
`<platform>:<app ID>:<version> (by /u/<user>)` (Reddit throttles other forms): REDDIT_USER_AGENT
when set, else built from the app's id (REDDIT_CLIENT_ID) and REDDIT_USERNAME, the account that
registered the app, e.g. `linux:Xk29abc:v0.1.0 (by /u/analyst)`. Rate limits: Reddit answers with
`X-Ratelimit-Remaining` and `X-Ratelimit-Reset`, which crawlers.throttle reads and honours.

Since Reddit's Responsible Builder Policy (November 2025), a new app must be approved by Reddit
before its credentials work. Without credentials (or without a way to build the User-Agent) the
spider logs one line naming the variables to set and where the app is approved, counts
`missing_credentials` for each source, and finishes without a request. Credentials and the
token are never logged, stored in items or stats, nor archived: the token request and answer
are kept out of the WARC (NO_ARCHIVE_META_KEY), and the archive holds responses only, so the
`Authorization` header of API requests never reaches it.

Incremental runs: Reddit's `before=FULLNAME` anchor returns nothing at all once that post is
deleted or removed, so a run instead reads /new from the top, page by page (`after`), and stops
at the first post no newer than the cursor (at most CARINTEL_SOCIAL_MAX_PAGES pages, counted as
`page_cap_reached`; a first run reads CARINTEL_SOCIAL_FIRST_RUN_PAGES pages, default 1). Comments
are fetched for the posts new in this run. Cursor (`state/cursors/reddit/SOURCE.json`):
`{"newest_fullname": "t3_...", "newest_created_utc": 1747040000.0}`.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import sys
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from typing import Any
from urllib.parse import quote, urlencode

import scrapy
from scrapy.http import Response

from crawlers.archive import NO_ARCHIVE_META_KEY
from crawlers.items import ArticleItem
from crawlers.social import TOKEN_API_SETTINGS, html_to_text
from crawlers.spiders.base import SourceSpider
from crawlers.stats import SKIPPED

WEB = "https://www.reddit.com"
API = "https://oauth.reddit.com"
TOKEN_URL = f"{WEB}/api/v1/access_token"
ENV_ID, ENV_SECRET, ENV_AGENT = "REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT"
ENV_USERNAME = "REDDIT_USERNAME"
APPS_URL = "https://www.reddit.com/prefs/apps"
POLICY_URL = "https://support.reddithelp.com/hc/articles/42728983564564"
AGENT_FORMAT = "<platform>:<app ID>:<version> (by /u/<user>)"
_AGENT = re.compile(r"^[^:\s]+:[^:\s]+:[^:\s]+ \(by /?u/[\w-]+\)$")
PAGE_LIMIT = 100
COMMENT_DEPTH = 2
_GONE = frozenset({"[deleted]", "[removed]"})


class RedditError(ValueError):
    """An answer that is not what the endpoint documents (an error object, HTML, bad JSON)."""


@dataclass(frozen=True)
class Thing:
    """A post (t3) or a comment (t1), as the landing item needs it."""

    fullname: str  # t3_abc / t1_def
    id: str
    url: str  # https://www.reddit.com/r/SUB/comments/...
    published_at: datetime
    created_utc: float
    kind: str  # post | comment
    title: str
    text: str
    author: str | None
    parent_url: str | None  # a comment's parent; the page a link post points to
    engagement: dict[str, int]
    num_comments: int = 0


# -- pure parsing ---------------------------------------------------------------------------


def _load(body: bytes) -> Any:
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise RedditError(f"not JSON: {exc}") from None
    if isinstance(payload, dict) and "error" in payload and "data" not in payload:
        message = payload.get("message") or payload.get("error")
        raise RedditError(f"the API says: {message}")
    return payload


def parse_token(body: bytes) -> str:
    """The bearer token from the access_token answer."""
    payload = _load(body)
    token = payload.get("access_token") if isinstance(payload, dict) else None
    if not isinstance(token, str) or not token:
        raise RedditError("the token answer has no access_token")
    if str(payload.get("token_type", "bearer")).lower() != "bearer":
        raise RedditError(f"unexpected token_type {payload.get('token_type')!r}")
    return token


def _html_text(escaped_or_raw: Any, fallback: Any) -> str:
    """Text of `selftext_html`/`body_html`. Without `raw_json=1` Reddit sends that HTML
    entity-escaped (`&lt;div class="md"&gt;`): unescape once first in that case."""
    markup = str(escaped_or_raw or "")
    if markup.lstrip().startswith("&lt;"):
        markup = html.unescape(markup)
    text = html_to_text(markup) if markup.strip() else ""
    return text or html_to_text(html.escape(str(fallback or ""), quote=False))


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _listing_children(payload: Any) -> list[dict[str, Any]]:
    if not (isinstance(payload, dict) and payload.get("kind") == "Listing"):
        raise RedditError("expected a Listing")
    children = (payload.get("data") or {}).get("children")
    if not isinstance(children, list):
        raise RedditError("the Listing has no children list")
    return [c for c in children if isinstance(c, dict)]


def _created(data: dict[str, Any]) -> tuple[float, datetime] | None:
    created = data.get("created_utc")
    if not isinstance(created, (int, float)) or isinstance(created, bool):
        return None
    return float(created), datetime.fromtimestamp(created, UTC)


def parse_post(data: dict[str, Any]) -> Thing | None:
    """A t3's data as a post; None without id, permalink or date."""
    created = _created(data)
    post_id, permalink = data.get("id"), data.get("permalink")
    if not post_id or not isinstance(permalink, str) or created is None:
        return None
    url = WEB + permalink
    title = " ".join(str(data.get("title") or "").split())
    text = _html_text(data.get("selftext_html"), data.get("selftext")) or title
    link = data.get("url")
    is_self = data.get("is_self", isinstance(link, str) and permalink in link)
    author = data.get("author")
    return Thing(
        fullname=str(data.get("name") or f"t3_{post_id}"),
        id=str(post_id),
        url=url,
        published_at=created[1],
        created_utc=created[0],
        kind="post",
        title=title,
        text=text,
        author=None if author in _GONE else author,
        parent_url=str(link) if link and not is_self else None,
        engagement={"score": _int(data.get("score")), "comments": _int(data.get("num_comments"))},
        num_comments=_int(data.get("num_comments")),
    )


def parse_listing(body: bytes) -> tuple[list[Thing], str | None, int]:
    """A listing of posts: the posts, the `after` fullname of the next (older) page, and how
    many children were dropped (not a post, or missing its id or date)."""
    payload = _load(body)
    posts: list[Thing] = []
    dropped = 0
    for child in _listing_children(payload):
        post = parse_post(child.get("data") or {}) if child.get("kind") == "t3" else None
        if post is None:
            dropped += 1
        else:
            posts.append(post)
    after = (payload.get("data") or {}).get("after")
    return posts, (after if isinstance(after, str) and after else None), dropped


def _walk_comments(
    children: list[dict[str, Any]], post: Thing, urls: dict[str, str]
) -> Iterator[Thing | None]:
    for child in children:
        if child.get("kind") != "t1":  # "more": the rest of a long thread, not fetched
            continue
        data = child.get("data") or {}
        created = _created(data)
        comment_id, body = data.get("id"), str(data.get("body") or "")
        if not comment_id or created is None:
            yield None
            continue
        url = WEB + str(data.get("permalink") or f"{post.url.removeprefix(WEB)}{comment_id}/")
        urls[f"t1_{comment_id}"] = url
        replies = data.get("replies")
        if not body.strip() or body.strip() in _GONE:
            yield None
        else:
            text = _html_text(data.get("body_html"), body)
            parent = str(data.get("parent_id") or post.fullname)
            parent_url = urls.get(parent) or (
                f"{post.url}{parent[3:]}/" if parent.startswith("t1_") else post.url
            )
            yield Thing(
                fullname=f"t1_{comment_id}",
                id=str(comment_id),
                url=url,
                published_at=created[1],
                created_utc=created[0],
                kind="comment",
                title=f"Re: {post.title}",
                text=text,
                author=data.get("author"),
                parent_url=parent_url,
                engagement={"score": _int(data.get("score"))},
            )
        if isinstance(replies, dict) and replies.get("kind") == "Listing":
            yield from _walk_comments(_listing_children(replies), post, urls)


def parse_comments(body: bytes) -> tuple[Thing | None, list[Thing], int]:
    """`/comments/ID`: [the post's listing, the comments' listing]. The post, its comments
    (replies flattened, each with its parent's URL) and how many were dropped (deleted,
    removed, or missing their id or date)."""
    payload = _load(body)
    if not isinstance(payload, list) or len(payload) != 2:
        raise RedditError("expected [post listing, comment listing]")
    posts = [parse_post(c.get("data") or {}) for c in _listing_children(payload[0])]
    post = posts[0] if posts else None
    if post is None:
        raise RedditError("the comments answer does not carry its post")
    found = list(_walk_comments(_listing_children(payload[1]), post, {post.fullname: post.url}))
    comments = [c for c in found if c is not None]
    return post, comments, len(found) - len(comments)


def error_message(body: bytes) -> str:
    """Reddit's `{"message": ..., "error": ...}` or `{"reason": ...}` error text, if any."""
    try:
        payload = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(payload, dict):
        return ""
    parts = [str(payload[k]) for k in ("message", "reason", "error") if payload.get(k)]
    return ": ".join(parts)[:200]


# -- requests, credentials and the User-Agent ------------------------------------------------


def api_base(source: dict[str, Any]) -> str:
    return str(source.get("api_base") or API).rstrip("/")


def token_url(source: dict[str, Any]) -> str:
    base = source.get("api_base")
    return f"{str(base).rstrip('/')}/api/v1/access_token" if base else TOKEN_URL


def listing_url(source: dict[str, Any], after: str | None = None) -> str:
    """Newest posts first: `/r/SUB/new`, or `/r/SUB/search?q=...&sort=new` with a query."""
    sub = quote(str(source["subreddit"]).strip().removeprefix("r/").strip("/"), safe="")
    params: dict[str, Any] = {"limit": PAGE_LIMIT, "raw_json": 1}
    if source.get("query"):
        path = f"/r/{sub}/search"
        params.update(q=source["query"], restrict_sr=1, sort="new", type="link")
    else:
        path = f"/r/{sub}/new"
    if after:
        params["after"] = after
    return f"{api_base(source)}{path}?{urlencode(params)}"


def basic_auth(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")


def credentials(env: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """The app's id and secret from the environment, or None when either is missing."""
    client_id, secret = env.get(ENV_ID, "").strip(), env.get(ENV_SECRET, "").strip()
    return (client_id, secret) if client_id and secret else None


def _version() -> str:
    try:
        return metadata.version("carintel")
    except metadata.PackageNotFoundError:
        return "0.1"


def _platform() -> str:
    return {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)


def user_agent(env: Mapping[str, str] = os.environ) -> str | None:
    """REDDIT_USER_AGENT, else `<platform>:<client id>:v<version> (by /u/REDDIT_USERNAME)`;
    None when neither can be had."""
    explicit = env.get(ENV_AGENT, "").strip()
    if explicit:
        return explicit
    client_id = env.get(ENV_ID, "").strip()
    user = env.get(ENV_USERNAME, "").strip().removeprefix("/").removeprefix("u/")
    if not client_id or not user:
        return None
    return f"{_platform()}:{client_id}:v{_version()} (by /u/{user})"


def agent_problem(agent: str) -> str | None:
    """Why Reddit would throttle this User-Agent, or None when it has the required form."""
    if _AGENT.match(agent):
        return None
    return f"the User-Agent {agent!r} is not in Reddit's required form {AGENT_FORMAT}"


def missing_configuration(env: Mapping[str, str] = os.environ) -> str | None:
    """What to set before Reddit can be read (one sentence), or None when nothing is missing."""
    if credentials(env) is None:
        return (
            f"set {ENV_ID} and {ENV_SECRET}, the id and secret of a Reddit app ({APPS_URL}; "
            "since Reddit's Responsible Builder Policy of November 2025 a new app needs Reddit's "
            f"approval first: {POLICY_URL}), and {ENV_USERNAME}, the account that registered "
            f"the app (or a complete {ENV_AGENT})"
        )
    if user_agent(env) is None:
        return (
            f"set {ENV_USERNAME} (the Reddit account that registered the app): Reddit requires a "
            f"User-Agent of the form {AGENT_FORMAT} and throttles others; or set {ENV_AGENT} "
            "in that form"
        )
    return None


# -- the spider -----------------------------------------------------------------------------


class RedditSpider(SourceSpider):
    """`REDDIT_CLIENT_ID=... REDDIT_CLIENT_SECRET=... scrapy crawl reddit
    -a sources='[{"name": "r-ev", "subreddit": "electricvehicles", "query": "Xiaomi"}]'`"""

    name = "reddit"
    credential_hint = f"{ENV_ID} and {ENV_SECRET}"
    source_kind = "reddit"
    # An authenticated, documented API used under its own terms (Reddit's Data API rules):
    # see TOKEN_API_SETTINGS.
    custom_settings = TOKEN_API_SETTINGS

    def _user_agent(self) -> str:
        return user_agent() or str(self.crawler.settings.get("USER_AGENT"))

    @staticmethod
    def _api_base(source: dict[str, Any]) -> str:
        return api_base(source)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.sources:
            self.logger.warning("reddit: no sources given; nothing to crawl")
            return
        missing = missing_configuration()
        found = credentials()
        if missing or found is None:
            self.logger.warning(
                "reddit: no credentials, skipping %s: %s",
                ", ".join(s["name"] for s in self.sources), missing,
            )  # fmt: skip
            for source in self.sources:
                self.count(f"{SKIPPED}missing_credentials", source["name"])
            return
        client_id, secret = found
        problem = agent_problem(self._user_agent())
        if problem:
            self.logger.warning("reddit: %s; Reddit throttles such clients", problem)
        # One token per token endpoint (sources with the same api_base share it).
        by_base: dict[str, list[str]] = {}
        for source in self.sources:
            by_base.setdefault(self._token_url(source), []).append(source["name"])
        for url, names in by_base.items():
            yield scrapy.FormRequest(
                url,
                formdata={"grant_type": "client_credentials"},
                headers={
                    "Authorization": basic_auth(client_id, secret),
                    "User-Agent": self._user_agent(),
                },
                callback=self.parse_token,
                errback=self.on_login_error,
                meta={"sources": names, NO_ARCHIVE_META_KEY: True},
                dont_filter=True,
            )

    @staticmethod
    def _token_url(source: dict[str, Any]) -> str:
        return token_url(source)

    def parse_token(self, response: Response) -> Iterable[scrapy.Request]:
        names: list[str] = response.meta["sources"]
        try:
            token = parse_token(response.body)
        except RedditError as exc:
            for name in names:
                self.skip("api_error", name, response.url, f"no token: {exc}")
            return
        auth = f"bearer {token}"
        for name in names:
            source = self.source_named(name)
            known = self.cursors.get(name)
            yield self.listing_request(source, auth, 1, None, known)

    def listing_request(
        self,
        source: dict[str, Any],
        auth: str,
        page: int,
        after: str | None,
        known: dict[str, Any],
    ) -> scrapy.Request:
        """A page of the listing. `known` is the cursor as this run found it (the newest post
        of the last run), kept for every page of the run."""
        return scrapy.Request(
            listing_url(source, after),
            headers=self._headers(auth),
            callback=self.parse_listing,
            errback=self.on_error,
            meta={"source": source["name"], "page": page, "known": known},
            dont_filter=True,
        )

    def _headers(self, auth: str) -> dict[str, str]:
        return {"Authorization": auth, "User-Agent": self._user_agent()}

    @staticmethod
    def _auth(response: Response) -> str:
        request = response.request
        value = request.headers.get(b"Authorization") if request is not None else None
        return value.decode("latin-1") if value else ""

    def parse_listing(self, response: Response) -> Iterable[ArticleItem | scrapy.Request]:
        name, page = response.meta["source"], response.meta["page"]
        source = self.source_named(name)
        try:
            posts, after, dropped = parse_listing(response.body)
        except RedditError as exc:
            self.skip("api_error", name, response.url, str(exc))
            return
        for _ in range(dropped):
            self.count(f"{SKIPPED}unusable_post", name)
        self.count("carintel/api_pages", name)
        known: dict[str, Any] = response.meta["known"]
        known_created = known.get("newest_created_utc")
        auth = self._auth(response)
        reached_known = False
        for post in posts:
            if post.fullname == known.get("newest_fullname") or (
                known_created is not None and post.created_utc <= float(known_created)
            ):
                reached_known = True
                break
            yield self.item(response, name, post)
            if source.get("comments", True) and post.num_comments > 0:
                yield self.comments_request(source, auth, post)
        fresh = [p for p in posts if known_created is None or p.created_utc > float(known_created)]
        newest = max(fresh, key=lambda p: p.created_utc, default=None)
        if newest is not None:
            previous = self.cursors.get(name).get("newest_created_utc")
            if previous is None or newest.created_utc > float(previous):
                self.cursors.update(
                    name, newest_fullname=newest.fullname, newest_created_utc=newest.created_utc
                )
        if reached_known or not after:
            return
        settings = self.crawler.settings
        first_run = known_created is None
        cap = (
            settings.getint("CARINTEL_SOCIAL_FIRST_RUN_PAGES", 1)
            if first_run
            else settings.getint("CARINTEL_SOCIAL_MAX_PAGES", 10)
        )
        if page >= cap:
            if not first_run:
                self.count("carintel/page_cap_reached", name)
                self.logger.info("%s: page cap reached; older new posts are not read", name)
            return
        yield self.listing_request(source, auth, page + 1, after, known)

    def comments_request(self, source: dict[str, Any], auth: str, post: Thing) -> scrapy.Request:
        params = urlencode({"limit": PAGE_LIMIT, "depth": COMMENT_DEPTH, "raw_json": 1})
        return scrapy.Request(
            f"{self._api_base(source)}/comments/{quote(post.id, safe='')}?{params}",
            headers=self._headers(auth),
            callback=self.parse_comments,
            errback=self.on_error,
            meta={"source": source["name"]},
            dont_filter=True,
        )

    def parse_comments(self, response: Response) -> Iterable[ArticleItem]:
        name = response.meta["source"]
        try:
            _, comments, dropped = parse_comments(response.body)
        except RedditError as exc:
            self.skip("api_error", name, response.url, str(exc))
            return
        for _ in range(dropped):
            self.count(f"{SKIPPED}deleted", name)
        for comment in comments:
            yield self.item(response, name, comment)

    def item(self, response: Response, source: str, thing: Thing) -> ArticleItem:
        return self.post_item(
            response, source, url=thing.url, kind=thing.kind, title=thing.title, text=thing.text,
            published_at=thing.published_at, author=thing.author, external_id=thing.fullname,
            parent_url=thing.parent_url, engagement=thing.engagement,
        )  # fmt: skip

    def api_error_detail(self, body: bytes) -> str:
        return error_message(body)
