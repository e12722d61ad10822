"""The Bluesky spider against a local XRPC server: createSession with an app password, then
app.bsky.feed.searchPosts answered from a recorded result set (sorted and filtered on sortAt,
`since` inclusive, paged by an opaque cursor), and XRPC error answers."""

from __future__ import annotations

import asyncio
import json
import pickle
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler

from crawlers.archive import read_record
from crawlers.spiders.bluesky import (
    BlueskyError,
    BlueskySpider,
    parse_post,
    parse_search,
    parse_session,
    post_url,
)
from tests.conftest import ApiCall, CrawlOutput, LocalApi, Reply, crawl_home, json_reply

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
SEARCH: dict[str, Any] = json.loads((FIXTURES / "search_posts.json").read_text("utf-8"))
SESSION: dict[str, Any] = json.loads((FIXTURES / "create_session.json").read_text("utf-8"))
POSTS = list(reversed(SEARCH["posts"]))  # POSTS[0] is the oldest
HANDLE, PASSWORD = "carintel-bot.bsky.social", "abcd-efgh-ijkl-mnop"
ENV = {"BLUESKY_HANDLE": HANDLE, "BLUESKY_APP_PASSWORD": PASSWORD}
PAGE = 2  # this server's page size, to make the results page
QUERY = "Xiaomi SU7"


def _sort_at(post: dict[str, Any]) -> datetime:
    return min(
        datetime.fromisoformat(post["record"]["createdAt"]),
        datetime.fromisoformat(post["indexedAt"]),
    )


def _rkey(n: int) -> str:
    return str(POSTS[n - 1]["uri"]).rsplit("/", 1)[-1]


class Search:
    def __init__(self) -> None:
        self.visible = len(POSTS)

    def answer(self, query: dict[str, str]) -> Reply:
        hits = sorted(POSTS[: self.visible], key=_sort_at, reverse=True)
        if "since" in query:
            since = datetime.fromisoformat(query["since"])
            hits = [p for p in hits if _sort_at(p) >= since]  # inclusive, as documented
        start = int(query.get("cursor") or 0)
        page = hits[start : start + PAGE]
        body: dict[str, Any] = {"hitsTotal": len(hits), "posts": page}
        if start + PAGE < len(hits):
            body["cursor"] = str(start + PAGE)
        return json_reply(body)


@pytest.fixture(scope="module")
def search() -> Search:
    return Search()


@pytest.fixture(scope="module")
def api(search: Search) -> Iterator[LocalApi]:
    def route(call: ApiCall) -> Reply:
        if call.path == "/xrpc/com.atproto.server.createSession":
            login = json.loads(call.body or b"{}")
            if call.method != "POST" or login != {"identifier": HANDLE, "password": PASSWORD}:
                message = "Invalid identifier or password"
                return json_reply({"error": "AuthenticationRequired", "message": message}, 401)
            return 200, {}, (FIXTURES / "create_session.json").read_bytes()
        if call.headers.get("authorization") != f"Bearer {SESSION['accessJwt']}":
            return json_reply({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        if call.path != "/xrpc/app.bsky.feed.searchPosts":
            return json_reply({"error": "MethodNotImplemented", "message": "no such method"}, 501)
        assert call.query["limit"] == "100" and call.query["sort"] == "latest"
        q = call.query["q"]
        if q == QUERY:
            return search.answer(call.query)
        if q == "ratelimited":
            body = {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
            return json_reply(body, 429, **{"Retry-After": "0"})
        if q == "bad:query:":
            return json_reply({"error": "InvalidRequest", "message": "could not parse q"}, 400)
        if q == "broken":
            return 200, {"Content-Type": "text/html"}, b"<html><body>502 Bad Gateway</body></html>"
        return json_reply({"posts": []})

    with LocalApi(route) as server:
        yield server


def _sources(api: LocalApi, *queries: tuple[str, str]) -> dict[str, Any]:
    return {
        "bluesky": [
            {"name": name, "query": query, "api_base": f"{api.url}/xrpc"}
            for name, query in (("bsky-su7", QUERY), *queries)
        ]
    }


@pytest.fixture(scope="module")
def runs(api: LocalApi, search: Search, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("home")
    out: dict[str, Any] = {"home": home}
    search.visible = 3
    errors = [
        ("bsky-limited", "ratelimited"),
        ("bsky-bad", "bad:query:"),
        ("bsky-broken", "broken"),
    ]
    _, out["first"] = crawl_home(home, _sources(api, *errors), env=ENV)
    out["first_calls"] = list(api.calls)
    out["cursor_after_first"] = json.loads(
        (home / "state" / "cursors" / "bluesky" / "bsky-su7.json").read_text()
    )
    search.visible = len(POSTS)
    mark = len(api.calls)
    _, out["second"] = crawl_home(home, _sources(api), env=ENV)
    out["second_calls"] = api.calls[mark:]
    mark = len(api.calls)
    wrong = dict(ENV, BLUESKY_APP_PASSWORD="wxyz-wxyz-wxyz-wxyz")
    _, out["wrong"] = crawl_home(tmp_path_factory.mktemp("wrong"), _sources(api), env=wrong)
    out["wrong_calls"] = api.calls[mark:]
    mark = len(api.calls)
    missing = {"BLUESKY_HANDLE": None, "BLUESKY_APP_PASSWORD": None}
    out["missing_result"], out["missing"] = crawl_home(
        tmp_path_factory.mktemp("missing"), _sources(api), env=missing
    )
    out["missing_calls"] = api.calls[mark:]
    return out


def _items(output: CrawlOutput) -> dict[str, dict[str, Any]]:
    return {i["url"].rsplit("/", 1)[-1]: i for i in output.items if i["source"] == "bsky-su7"}


def _search_calls(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.path.endswith("searchPosts") and c.query["q"] == QUERY]


def test_session_is_created_once_then_every_search_carries_its_token(
    runs: dict[str, Any],
) -> None:
    sessions = [c for c in runs["first_calls"] if c.path.endswith("createSession")]
    assert len(sessions) == 1 and sessions[0].headers["content-type"] == "application/json"


def test_first_run_reads_one_page_without_since(runs: dict[str, Any]) -> None:
    [call] = _search_calls(runs["first_calls"])
    assert call.query == {"q": QUERY, "limit": "100", "sort": "latest"}
    assert sorted(_items(runs["first"])) == sorted([_rkey(3), _rkey(2)])


def test_posts_and_replies_carry_author_engagement_and_parent(runs: dict[str, Any]) -> None:
    items = _items(runs["first"])
    post, reply = items[_rkey(2)], items[_rkey(3)]
    assert post["kind"] == "post" and reply["kind"] == "comment"
    assert post["author"] == "meichen.bsky.social" and post["source_kind"] == "bluesky"
    assert post["canonical_url"] == f"https://bsky.app/profile/meichen.bsky.social/post/{_rkey(2)}"
    assert post["engagement"] == {"comments": 1, "reposts": 4, "likes": 31, "quotes": 0}
    assert post["parent_url"] == "https://news.example.com/2025/05/12/hima-fifth-brand"
    did = POSTS[1]["author"]["did"]
    assert reply["parent_url"] == f"https://bsky.app/profile/{did}/post/{_rkey(2)}"
    assert post["external_id"] == POSTS[1]["uri"]
    assert post["published_at"] == "2025-05-12T08:16:58.274000+00:00"
    assert post["published_at_source"] == "api" and post["language"] == "en"
    assert post["text"].startswith("Huawei's HIMA now sells five brands")


def test_cursor_remembers_the_newest_sort_time_and_its_posts(runs: dict[str, Any]) -> None:
    assert runs["cursor_after_first"] == {
        "since": "2025-05-12T08:25:58.411000Z",
        "uris_at_since": [POSTS[2]["uri"]],
    }
    path = runs["home"] / "state" / "cursors" / "bluesky" / "bsky-su7.json"
    assert json.loads(path.read_text())["uris_at_since"] == [POSTS[6]["uri"]]


def test_second_run_asks_only_for_posts_since_the_cursor(runs: dict[str, Any]) -> None:
    calls = _search_calls(runs["second_calls"])
    since = runs["cursor_after_first"]["since"]
    assert [c.query.get("since") for c in calls] == [since, since, since]
    assert [c.query.get("cursor") for c in calls] == [None, "2", "4"]
    # the post at exactly `since` (since is inclusive) is not read twice; the image-only one
    # has no text
    assert sorted(_items(runs["second"])) == sorted([_rkey(7), _rkey(5), _rkey(4)])
    counters = runs["second"].stats["bluesky"]["stats"]
    assert counters["carintel/source/bsky-su7/skipped/no_text"] == 1


def test_future_dated_post_is_placed_by_its_index_time(runs: dict[str, Any]) -> None:
    item = _items(runs["second"])[_rkey(5)]
    assert item["published_at"].startswith("2025-05-13T04:55")  # createdAt, as the author set it
    assert "\n\n1/ A retailer picks the features" in item["text"]
    assert item["title"].startswith("Scheduled thread: the JD.com, GAC and CATL car")


def test_errors_are_counted_per_source(runs: dict[str, Any]) -> None:
    stats = runs["first"].stats["bluesky"]
    assert stats["finish_reason"] == "finished"
    assert stats["skipped"] == {"http_429": 1, "http_400": 1, "api_error": 1}
    counters = stats["stats"]
    assert counters["carintel/source/bsky-limited/skipped/http_429"] == 1
    assert counters["carintel/source/bsky-bad/skipped/http_400"] == 1
    assert counters["carintel/source/bsky-broken/skipped/api_error"] == 1
    assert "InvalidRequest: could not parse q" in runs["first"].log


def test_wrong_app_password_is_an_http_401(runs: dict[str, Any]) -> None:
    stats = runs["wrong"].stats["bluesky"]
    assert stats["skipped"] == {"http_401": 1} and stats["finish_reason"] == "finished"
    assert [c.path for c in runs["wrong_calls"]] == ["/xrpc/com.atproto.server.createSession"]
    assert "check BLUESKY_HANDLE and BLUESKY_APP_PASSWORD" in runs["wrong"].log


def test_missing_credentials_exit_cleanly_with_one_line(runs: dict[str, Any]) -> None:
    output: CrawlOutput = runs["missing"]
    assert runs["missing_calls"] == [] and output.items == []
    stats = output.stats["bluesky"]
    assert stats["finish_reason"] == "finished"
    assert stats["skipped"] == {"missing_credentials": 1}
    lines = [line for line in output.log.splitlines() if "BLUESKY_APP_PASSWORD" in line]
    assert len(lines) == 1 and "BLUESKY_HANDLE" in lines[0]
    assert "Traceback" not in output.log


def test_password_and_tokens_never_reach_logs_items_stats_or_the_archive(
    runs: dict[str, Any],
) -> None:
    secrets = (PASSWORD, SESSION["accessJwt"], SESSION["refreshJwt"])
    for name in ("first", "second", "wrong"):
        output: CrawlOutput = runs[name]
        text = output.log + json.dumps(output.stats) + json.dumps(output.items)
        for secret in secrets:
            assert secret not in text and secret.encode() not in output.warc
    assert b"createSession" not in runs["first"].warc
    assert b"searchPosts" in runs["first"].warc


def test_items_point_at_the_archived_response(runs: dict[str, Any]) -> None:
    item = _items(runs["first"])[_rkey(3)]
    record = read_record(runs["first"].run_dir.parent / item["warc_file"], item["warc_record_id"])
    assert record is not None and _rkey(3).encode() in record["body"]


# -- pure functions -------------------------------------------------------------------------


def test_post_url_uses_the_handle_else_the_did() -> None:
    uri = "at://did:plc:abc/app.bsky.feed.post/3kxyz"
    assert post_url(uri, "a.bsky.social") == "https://bsky.app/profile/a.bsky.social/post/3kxyz"
    assert post_url(uri, "handle.invalid") == "https://bsky.app/profile/did:plc:abc/post/3kxyz"
    assert post_url("at://did:plc:abc/app.bsky.feed.like/3k") is None


def test_parse_search_drops_posts_without_text() -> None:
    posts, cursor, dropped = parse_search((FIXTURES / "search_posts.json").read_bytes())
    assert len(posts) == 6 and dropped == 1 and cursor == "7"
    japanese = next(p for p in posts if p.language == "ja")
    assert japanese.text.startswith("ソニー・ホンダモビリティ")


def test_sort_time_is_the_earlier_of_created_and_indexed() -> None:
    post = parse_post(POSTS[4])
    assert post is not None and post.sort_at < post.published_at


def test_xrpc_errors_raise_with_their_name_and_message() -> None:
    with pytest.raises(BlueskyError, match="ExpiredToken: Token has expired"):
        parse_search(b'{"error": "ExpiredToken", "message": "Token has expired"}')
    with pytest.raises(BlueskyError, match="no accessJwt"):
        parse_session(b'{"did": "did:plc:x"}')
    assert parse_session((FIXTURES / "create_session.json").read_bytes()) == SESSION["accessJwt"]


def test_requests_survive_a_disk_queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLUESKY_HANDLE", HANDLE)
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", PASSWORD)
    crawler = get_crawler(BlueskySpider, {"CARINTEL_STATE_DIR": str(tmp_path)})
    spider = BlueskySpider.from_crawler(crawler, sources=[{"name": "b", "query": QUERY}])

    async def start() -> list[Any]:
        return [r async for r in spider.start()]

    [session] = asyncio.run(start())
    search = spider.search_request(spider.sources[0], "Bearer t", 2, "2025-05-12", ["at://x"], "4")
    for request in (session, search):
        data = pickle.loads(pickle.dumps(request.to_dict(spider=spider)))
        again = request_from_dict(data, spider=spider)
        assert again.url == request.url and again.meta == request.meta
        assert again.callback == request.callback and again.errback == request.errback
    assert session.meta["carintel_no_archive"] is True
