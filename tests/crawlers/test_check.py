"""The source check against local servers that replay each way a source fails on a first real
run: GDELT's "phrase is too short" reply, Bluesky's AND-only search meeting a literal OR, article
pages answering 403, a Mastodon server that keeps hashtags from logged-out clients (401, or an
empty list), a feed that moved with a 301, a feed whose newest item is months old, and more."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from crawlers.check import (
    CheckOptions,
    Fetcher,
    SourceCheck,
    check_source,
    check_sources,
)
from crawlers.settings import USER_AGENT
from tests.conftest import ApiCall, LocalApi, Reply, json_reply

NOW = datetime.now(UTC).replace(microsecond=0)
HANDLE, PASSWORD, JWT = "carintel-bot.bsky.social", "abcd-efgh-ijkl-mnop", "jwt-Q7x2"
CLIENT_ID, SECRET, TOKEN = "app-Xk29", "s3cr3t-Vq8p", "token-Lm40"
ENV = {
    "BLUESKY_HANDLE": HANDLE,
    "BLUESKY_APP_PASSWORD": PASSWORD,
    "REDDIT_CLIENT_ID": CLIENT_ID,
    "REDDIT_CLIENT_SECRET": SECRET,
    "REDDIT_USERNAME": "carintel_test",
}
PARAGRAPH = (
    "Seres and Huawei reported higher deliveries of AITO cars this month, and the HIMA "
    "alliance added dealers in three provinces as Xiaomi took orders for its second car."
)
# Bluesky posts the AND-only search reads (every word of `q` must be in the text).
BSKY_TEXTS = [
    "Test drove the Xiaomi SU7 Ultra today: the track mode is wild",
    "Afeela 1 deliveries start in California next year, Sony Honda Mobility says",
    "HIMA and Huawei: the Maextro S800 is the alliance's most expensive car",
]


def _html(title: str, published: datetime) -> bytes:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="article:published_time" content="{published.isoformat()}"></head>'
        f"<body><article><h1>{title}</h1>{f'<p>{PARAGRAPH}</p>' * 4}</article></body></html>"
    ).encode()


def _rss(base: str, links: list[str], age: timedelta) -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><link>{base}{link}</link>"
        f"<pubDate>{format_datetime(NOW - age - timedelta(hours=n))}</pubDate></item>"
        for n, link in enumerate(links)
    )
    return f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()


def _too_short(query: str) -> bool:
    terms = re.findall(r'"[^"]*"|[^\s()"]+', query)
    return any(len(t.strip('"')) < 3 for t in terms if t != "OR")


def _status(n: int) -> dict[str, Any]:
    return {
        "id": str(100 + n),
        "created_at": (NOW - timedelta(hours=n)).isoformat().replace("+00:00", "Z"),
        "url": f"https://mastodon.example/@ev/{100 + n}",
        "content": f"<p>Xiaomi SU7 news number {n}</p>",
        "account": {"id": "1", "acct": "ev"},
    }


def _bsky_post(n: int, text: str) -> dict[str, Any]:
    created = (NOW - timedelta(hours=n + 1)).isoformat().replace("+00:00", "Z")
    return {
        "uri": f"at://did:plc:abc/app.bsky.feed.post/rk{n}",
        "author": {"did": "did:plc:abc", "handle": "ev.bsky.social"},
        "record": {"createdAt": created, "text": text},
        "indexedAt": created,
    }


def _instance(hashtags: str) -> Reply:
    access = {"local": hashtags, "remote": hashtags}
    return json_reply({"configuration": {"timelines_access": {"hashtag_feeds": access}}})


def route(call: ApiCall, base: str) -> Reply:
    path, q = call.path, call.query
    html = {"Content-Type": "text/html; charset=utf-8"}
    xml = {"Content-Type": "application/rss+xml"}
    if path == "/robots.txt":
        return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
    if path == "/feed.xml":
        return 200, xml, _rss(base, ["/article/1", "/article/2", "/article/3"], timedelta(hours=1))
    if path == "/old-feed":
        return 301, {"Location": f"{base}/feed.xml"}, b""
    if path == "/stale.xml":
        return 200, xml, _rss(base, ["/article/4", "/article/5"], timedelta(days=120))
    if path == "/insideevs.xml":
        return 200, xml, _rss(base, ["/blocked/1", "/blocked/2"], timedelta(hours=2))
    if path == "/private/feed.xml":
        return 200, xml, _rss(base, ["/article/1"], timedelta(hours=1))
    if path == "/empty.xml":
        return 200, xml, _rss(base, [], timedelta(0))
    if path == "/homepage":
        link = '<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
        return 200, html, f"<html><head>{link}</head><body>News</body></html>".encode()
    if path.startswith("/article/"):
        return 200, html, _html(f"Article {path.rsplit('/', 1)[1]}", NOW - timedelta(hours=1))
    if path.startswith("/blocked/"):
        return 403, html, b"<html><body>Access denied</body></html>"
    if path == "/gdelt/api/v2/doc/doc":
        if q.get("query") == "Xiaomi refused":
            return 200, {"Content-Type": "text/plain"}, b"Invalid query: your query was refused."
        if _too_short(q.get("query", "")):
            return 200, {"Content-Type": "text/html"}, b"The specified phrase is too short."
        seen = NOW.strftime("%Y%m%dT%H%M%SZ")
        articles = [
            {"url": f"{base}/article/{n}", "title": f"A{n}", "seendate": seen} for n in (1, 2)
        ]
        return json_reply({"articles": articles})
    if path == "/xrpc/com.atproto.server.createSession":
        body = json.loads(call.body)
        if (body.get("identifier"), body.get("password")) != (HANDLE, PASSWORD):
            error = {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
            return json_reply(error, 401)
        return json_reply({"accessJwt": JWT, "refreshJwt": "r", "handle": HANDLE})
    if path == "/xrpc/app.bsky.feed.searchPosts":
        assert call.headers["authorization"] == f"Bearer {JWT}"
        words = q["q"].lower().replace('"', "").split()  # AND-only: "or" is one more word
        posts = [
            _bsky_post(n, t) for n, t in enumerate(BSKY_TEXTS) if all(w in t.lower() for w in words)
        ]
        return json_reply({"posts": posts})
    if path.startswith("/mastodon-locked/api/v1/timelines/tag/"):
        return json_reply({"error": "This method requires an authenticated user"}, 401)
    if path.startswith(("/mastodon-quiet/api/v1/timelines/tag/", "/mastodon-open/api/v1/")):
        return json_reply([])
    if path == "/mastodon-quiet/api/v2/instance":
        return _instance("authenticated")
    if path == "/mastodon-open/api/v2/instance":
        return _instance("public")
    if path.startswith("/mastodon-busy/api/v1/timelines/tag/"):
        return json_reply([_status(n) for n in range(3)])
    if path == "/reddit/api/v1/access_token":
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
        if call.headers.get("authorization") != expected:
            return json_reply({"message": "Unauthorized", "error": 401}, 401)
        return json_reply({"access_token": TOKEN, "token_type": "bearer", "expires_in": 86400})
    if path == "/reddit/r/electricvehicles/new":
        assert call.headers["authorization"] == f"bearer {TOKEN}"
        created = (NOW - timedelta(hours=3)).timestamp()
        post = {"id": "abc", "name": "t3_abc", "permalink": "/r/electricvehicles/comments/abc/x/",
                "created_utc": created, "title": "Xiaomi YU7 orders", "selftext": "Big numbers",
                "is_self": True}  # fmt: skip
        return json_reply({"kind": "Listing", "data": {"children": [{"kind": "t3", "data": post}]}})
    if path == "/hn/search_by_date":
        hit = {"objectID": "1", "title": "Xiaomi SU7", "created_at_i": int(NOW.timestamp()) - 60}
        return json_reply({"hits": [hit], "page": 0, "nbPages": 1, "nbHits": 1})
    return 404, {"Content-Type": "text/plain"}, b"not found"


@pytest.fixture(scope="module")
def world() -> Iterator[LocalApi]:
    holder: dict[str, str] = {}
    with LocalApi(lambda call: route(call, holder["base"])) as api:
        holder["base"] = api.url
        yield api


def sources_file(base: str) -> dict[str, Any]:
    """A sources file pointing at the local world: one entry per failure mode (and some ok)."""
    return {
        "feeds": [
            {"name": "fresh", "url": f"{base}/feed.xml"},
            {"name": "moved", "url": f"{base}/old-feed"},
            {"name": "stale", "url": f"{base}/stale.xml"},
            {"name": "pages_403", "url": f"{base}/insideevs.xml"},
            {"name": "robots", "url": f"{base}/private/feed.xml"},
            {"name": "html_page", "url": f"{base}/homepage"},
            {"name": "gone", "url": f"{base}/gone.xml"},
            {"name": "empty", "url": f"{base}/empty.xml"},
            {"name": "offline", "url": "http://no-such-host.invalid/feed"},
        ],
        "gdelt": [
            {
                "name": "gdelt_ok",
                "query": "(Xiaomi OR Huawei) carmaker",
                "api_base": f"{base}/gdelt/api/v2/doc/doc",
            },
            {
                "name": "gdelt_short",
                "query": "(Xiaomi OR EV) carmaker",
                "api_base": f"{base}/gdelt/api/v2/doc/doc",
            },
        ],
        "hackernews": [{"name": "hn", "query": "Xiaomi", "api_base": f"{base}/hn"}],
        "mastodon": [
            {
                "name": "mastodon_401",
                "instance": "locked.example",
                "tag": "ev",
                "api_base": f"{base}/mastodon-locked",
            },
            {
                "name": "mastodon_hidden",
                "instance": "quiet.example",
                "tag": "ev",
                "api_base": f"{base}/mastodon-quiet",
            },
            {
                "name": "mastodon_empty",
                "instance": "open.example",
                "tag": "ev",
                "api_base": f"{base}/mastodon-open",
            },
            {
                "name": "mastodon_ok",
                "instance": "busy.example",
                "tag": "XiaomiSU7",
                "api_base": f"{base}/mastodon-busy",
            },
        ],
        "reddit": [
            {"name": "reddit_ok", "subreddit": "electricvehicles", "api_base": f"{base}/reddit"}
        ],
        "bluesky": [
            {"name": "bsky_or", "query": "Xiaomi SU7 OR Afeela", "api_base": f"{base}/xrpc"},
            {"name": "bsky_su7", "query": '"Xiaomi SU7"', "api_base": f"{base}/xrpc"},
            {"name": "bsky_afeela", "query": "Afeela", "api_base": f"{base}/xrpc"},
        ],
    }


EXPECTED = {
    "fresh": "ok",
    "moved": "moved",
    "stale": "stale",
    "pages_403": "blocked",
    "robots": "blocked",
    "html_page": "wrong-format",
    "gone": "not-found",
    "empty": "empty",
    "offline": "unreachable",
    "gdelt_ok": "ok",
    "gdelt_short": "query-rejected",
    "hn": "ok",
    "mastodon_401": "auth-needed",
    "mastodon_hidden": "auth-needed",
    "mastodon_empty": "empty",
    "mastodon_ok": "ok",
    "reddit_ok": "ok",
    "bsky_or": "query-rejected",
    "bsky_su7": "ok",
    "bsky_afeela": "ok",
}


def _entries(base: str) -> list[tuple[str, dict[str, Any]]]:
    return [(section, s) for section, listed in sources_file(base).items() for s in listed]


CALLS: list[ApiCall] = []  # what the world received during the module's check


@pytest.fixture(scope="module")
def reports(world: LocalApi) -> dict[str, SourceCheck]:
    fetcher = Fetcher(USER_AGENT, timeout=5)
    checked = check_sources(_entries(world.url), fetcher, CheckOptions(env=ENV, now=NOW))
    CALLS[:] = world.calls
    return {r.name: r for r in checked}


def test_each_failure_mode_gets_its_verdict(reports: dict[str, SourceCheck]) -> None:
    assert {name: r.verdict for name, r in reports.items()} == EXPECTED


def test_a_working_feed_reports_format_items_date_and_extracted_pages(
    reports: dict[str, SourceCheck],
) -> None:
    fresh = reports["fresh"]
    assert (fresh.http_status, fresh.format, fresh.items, fresh.reachable) == (200, "RSS", 3, True)
    assert fresh.newest is not None and fresh.newest_age_days is not None
    assert fresh.newest_age_days < 1 and fresh.advice == ""
    assert len(fresh.pages) == 2 and all(p.extracted for p in fresh.pages)
    page = fresh.pages[0]
    assert page.title == "Article 1" and page.text_chars > 200 and page.published_at


def test_gdelt_too_short_is_named_with_what_gdelt_answers(
    reports: dict[str, SourceCheck],
) -> None:
    short = reports["gdelt_short"]
    assert "'EV'" in short.detail and "The specified phrase is too short." in short.detail
    assert "electric vehicle" in short.detail
    assert reports["gdelt_ok"].items == 2 and reports["gdelt_ok"].format == "API (GDELT JSON)"


def test_gdelt_refusal_unknown_to_the_rules_is_query_rejected(world: LocalApi) -> None:
    api_base = f"{world.url}/gdelt/api/v2/doc/doc"
    source = {"name": "g", "query": "Xiaomi refused", "api_base": api_base}
    report = check_source("gdelt", source, Fetcher(USER_AGENT), CheckOptions(env=ENV, now=NOW))
    assert report.verdict == "query-rejected"
    assert "GDELT refused the query: Invalid query" in report.detail


def test_literal_or_finds_nothing_on_and_only_search_and_is_rejected(
    reports: dict[str, SourceCheck],
) -> None:
    rejected = reports["bsky_or"]
    assert "Bluesky search has no OR" in rejected.detail
    assert "'Xiaomi SU7', 'Afeela'" in rejected.detail
    assert "asked as written: empty" in rejected.detail and rejected.items == 0
    # the same words, one entry per alternative, find posts
    assert reports["bsky_su7"].items == 1 and reports["bsky_afeela"].items == 1


def test_article_pages_answering_403_are_blocked_with_a_clear_reason(
    reports: dict[str, SourceCheck],
) -> None:
    blocked = reports["pages_403"]
    assert blocked.http_status == 200 and blocked.items == 2  # the feed itself works
    assert [p.status for p in blocked.pages] == [403, 403]
    assert "article pages answer HTTP 403 (2 of 2 tried)" in blocked.detail
    assert "refuses non-browser clients" in blocked.detail and "disable" in blocked.advice


def test_mastodon_without_logged_out_access_is_auth_needed(
    reports: dict[str, SourceCheck],
) -> None:
    for name in ("mastodon_401", "mastodon_hidden"):
        report = reports[name]
        assert "logged-out access" in report.detail
        assert "serves hashtag timelines to logged-in users only" in report.advice
    assert "requires an authenticated user" in reports["mastodon_401"].detail
    assert "no public post carries #ev on open.example" in reports["mastodon_empty"].detail


def test_a_moved_feed_names_its_new_address(
    reports: dict[str, SourceCheck], world: LocalApi
) -> None:
    moved = reports["moved"]
    assert moved.moved_to == f"{world.url}/feed.xml" and moved.items == 3
    assert moved.advice == f"update the entry's address to {world.url}/feed.xml"


def test_a_stale_feed_says_how_old_its_newest_item_is(reports: dict[str, SourceCheck]) -> None:
    stale = reports["stale"]
    assert stale.newest_age_days is not None and 119 < stale.newest_age_days < 122
    assert "the newest is 120 days old" in stale.detail


def test_robots_html_404_empty_and_offline_each_say_what_to_do(
    reports: dict[str, SourceCheck], world: LocalApi
) -> None:
    assert "robots.txt" in reports["robots"].detail and reports["robots"].http_status is None
    assert f"{world.url}/feed.xml" in reports["html_page"].advice
    assert reports["gone"].http_status == 404 and "update" in reports["gone"].advice
    assert reports["empty"].items == 0
    offline = reports["offline"]
    assert not offline.reachable and "cannot resolve no-such-host.invalid" in offline.detail


def test_the_check_is_polite(reports: dict[str, SourceCheck]) -> None:
    calls = [c.path for c in CALLS]
    assert calls.count("/robots.txt") == 1  # read once per site
    assert "/private/feed.xml" not in calls  # robots.txt honoured
    assert calls.count("/stale.xml") == 1  # one request per listing
    assert calls.count("/xrpc/com.atproto.server.createSession") == 1  # one login, 3 sources
    assert Fetcher(USER_AGENT).host_delays == {"api.gdeltproject.org": 6.0}  # GDELT asks for 5 s
    assert all(len(r.pages) <= 2 for r in reports.values())
    agents = {c.headers["user-agent"] for c in CALLS if not c.path.startswith("/reddit")}
    assert agents == {USER_AGENT}


def test_reddit_uses_the_required_user_agent_and_reports_refused_credentials(
    world: LocalApi, reports: dict[str, SourceCheck]
) -> None:
    agents = {c.headers["user-agent"] for c in CALLS if c.path.startswith("/reddit")}
    [agent] = agents
    assert re.fullmatch(r"\w+:app-Xk29:v[\w.]+ \(by /u/carintel_test\)", agent)
    source = {"name": "r", "subreddit": "electricvehicles", "api_base": f"{world.url}/reddit"}
    wrong = CheckOptions(env=dict(ENV, REDDIT_CLIENT_SECRET="nope"), now=NOW)
    report = check_source("reddit", source, Fetcher(USER_AGENT), wrong)
    assert report.verdict == "auth-needed" and "Responsible Builder Policy" in report.advice
    missing = CheckOptions(env={}, now=NOW)
    report = check_source("reddit", source, Fetcher(USER_AGENT), missing)
    assert report.verdict == "auth-needed" and "REDDIT_USERNAME" in report.advice
    assert report.http_status is None  # nothing sent without credentials


def test_reports_serialise_to_stable_json(reports: dict[str, SourceCheck]) -> None:
    data = reports["fresh"].to_dict()
    assert list(data) == [
        "name", "kind", "address", "verdict", "detail", "advice", "reachable", "http_status",
        "format", "items", "newest", "newest_age_days", "pages", "moved_to", "ok",
    ]  # fmt: skip
    assert data["ok"] is True and data["pages"][0]["extracted"] is True
    json.dumps([r.to_dict() for r in reports.values()])
