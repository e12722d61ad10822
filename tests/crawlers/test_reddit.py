"""The Reddit spider against a local server: the OAuth token endpoint (client credentials),
recorded /new, search and comments listings paged by `after`, and Reddit's error answers."""

from __future__ import annotations

import asyncio
import base64
import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler

from crawlers.archive import read_record
from crawlers.spiders.reddit import (
    RedditError,
    RedditSpider,
    agent_problem,
    missing_configuration,
    parse_comments,
    parse_listing,
    parse_token,
    user_agent,
)
from tests.conftest import ApiCall, CrawlOutput, LocalApi, Reply, crawl_home, json_reply

FIXTURES = Path(__file__).parent / "fixtures" / "reddit"
NEW: dict[str, Any] = json.loads((FIXTURES / "new_electricvehicles.json").read_text("utf-8"))
POSTS = list(reversed(NEW["data"]["children"]))  # POSTS[0] is the oldest
TOKEN = json.loads((FIXTURES / "access_token.json").read_text())["access_token"]
CLIENT_ID, SECRET = "carintel-test-client-Xk29", "s3cr3t-Vq8pL0mZ7tRw"
AGENT = "linux:carintel-tests:0.1 (by /u/carintel_test)"
ENV = {"REDDIT_CLIENT_ID": CLIENT_ID, "REDDIT_CLIENT_SECRET": SECRET, "REDDIT_USER_AGENT": AGENT}
PAGE = 2  # this server's page size, to make the listing page


def _fullnames(output: CrawlOutput, kind: str = "post", source: str = "r-ev") -> set[str]:
    return {i["external_id"] for i in output.items if i["kind"] == kind and i["source"] == source}


class Subreddit:
    def __init__(self) -> None:
        self.visible = len(POSTS)

    def listing(self, query: dict[str, str], match: str | None = None) -> Reply:
        shown = list(reversed(POSTS[: self.visible]))  # newest first
        if match:
            shown = [p for p in shown if match in p["data"]["title"]]
        names = [p["data"]["name"] for p in shown]
        start = names.index(query["after"]) + 1 if query.get("after") in names else 0
        page = shown[start : start + PAGE]
        more = start + PAGE < len(shown)
        data = dict(NEW["data"], children=page, dist=len(page))
        data["after"] = page[-1]["data"]["name"] if page and more else None
        return json_reply({"kind": "Listing", "data": data})


@pytest.fixture(scope="module")
def subreddit() -> Subreddit:
    return Subreddit()


@pytest.fixture(scope="module")
def api(subreddit: Subreddit) -> Iterator[LocalApi]:
    basic = "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    unauthorized = json_reply({"message": "Unauthorized", "error": 401}, 401)

    def route(call: ApiCall) -> Reply:
        if call.path == "/api/v1/access_token":
            form = call.body.decode()
            if call.method != "POST" or call.headers.get("authorization") != basic:
                return unauthorized
            assert form == "grant_type=client_credentials"
            return 200, {}, (FIXTURES / "access_token.json").read_bytes()
        if call.headers.get("authorization") != f"bearer {TOKEN}":
            return unauthorized
        if call.path == "/r/electricvehicles/new":
            return subreddit.listing(call.query)
        if call.path == "/r/electricvehicles/search":
            assert call.query["restrict_sr"] == "1" and call.query["sort"] == "new"
            return subreddit.listing(call.query, match=call.query["q"].split()[0])
        if call.path.startswith("/comments/"):
            path = FIXTURES / f"comments_{call.path.rsplit('/', 1)[-1]}.json"
            if path.exists():
                return 200, {}, path.read_bytes()
            return json_reply({"message": "Not Found", "error": 404}, 404)
        if call.path == "/r/privatecars/new":
            return json_reply({"reason": "private", "message": "Forbidden", "error": 403}, 403)
        if call.path == "/r/busy/new":
            return json_reply(
                {"message": "Too Many Requests", "error": 429}, 429, **{"Retry-After": "0"}
            )
        if call.path == "/r/brokensub/new":
            html = (FIXTURES / "maintenance.html").read_bytes()
            return 200, {"Content-Type": "text/html; charset=utf-8"}, html
        return json_reply({"message": "Not Found", "error": 404}, 404)

    with LocalApi(route) as server:
        yield server


def _sources(api: LocalApi, *extra: dict[str, Any]) -> dict[str, Any]:
    ev = {"name": "r-ev", "subreddit": "r/electricvehicles", "api_base": api.url}
    return {"reddit": [ev, *({"api_base": api.url} | e for e in extra)]}


@pytest.fixture(scope="module")
def runs(
    api: LocalApi, subreddit: Subreddit, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("home")
    out: dict[str, Any] = {"home": home}
    subreddit.visible = 3
    search = {"name": "r-search", "subreddit": "electricvehicles", "query": "Xiaomi SU7",
              "comments": False}  # fmt: skip
    errors = [
        {"name": "r-private", "subreddit": "privatecars"},
        {"name": "r-busy", "subreddit": "busy"},
        {"name": "r-broken", "subreddit": "brokensub"},
    ]
    _, out["first"] = crawl_home(home, _sources(api, search, *errors), env=ENV)
    out["first_calls"] = list(api.calls)
    out["cursor_after_first"] = json.loads(
        (home / "state" / "cursors" / "reddit" / "r-ev.json").read_text()
    )
    subreddit.visible = len(POSTS)
    mark = len(api.calls)
    _, out["second"] = crawl_home(home, _sources(api), env=ENV)
    out["second_calls"] = api.calls[mark:]
    mark = len(api.calls)
    wrong = dict(ENV, REDDIT_CLIENT_SECRET="not-the-secret")
    _, out["wrong_secret"] = crawl_home(tmp_path_factory.mktemp("wrong"), _sources(api), env=wrong)
    out["wrong_calls"] = api.calls[mark:]
    mark = len(api.calls)
    missing = {"REDDIT_CLIENT_ID": None, "REDDIT_CLIENT_SECRET": None}
    out["missing_result"], out["missing"] = crawl_home(
        tmp_path_factory.mktemp("missing"), _sources(api), env=missing
    )
    out["missing_calls"] = api.calls[mark:]
    return out


def test_token_is_requested_once_with_basic_auth_and_a_descriptive_agent(
    runs: dict[str, Any],
) -> None:
    token_calls = [c for c in runs["first_calls"] if c.path == "/api/v1/access_token"]
    assert len(token_calls) == 1 and token_calls[0].method == "POST"
    for call in runs["first_calls"]:
        assert call.headers["user-agent"] == AGENT


def test_first_run_reads_one_page_of_new_posts_and_their_comments(runs: dict[str, Any]) -> None:
    calls = [c for c in runs["first_calls"] if c.path == "/r/electricvehicles/new"]
    assert [c.query for c in calls] == [{"limit": "100", "raw_json": "1"}]
    first = runs["first"]
    assert _fullnames(first) == {"t3_1kq0c3", "t3_1kq0b7"}
    assert _fullnames(first, "comment") == {"t1_mx1a01", "t1_mx1b2c"}  # deleted one dropped
    comment_calls = [c for c in runs["first_calls"] if c.path.startswith("/comments/")]
    assert [c.path for c in comment_calls] == ["/comments/1kq0c3"]  # the link post has none
    assert comment_calls[0].query == {"limit": "100", "depth": "2", "raw_json": "1"}
    assert first.stats["reddit"]["stats"]["carintel/source/r-ev/skipped/deleted"] == 1


def test_items_carry_author_engagement_and_parent(runs: dict[str, Any]) -> None:
    items = {i["external_id"]: i for i in runs["first"].items if i["source"] == "r-ev"}
    self_post, link_post = items["t3_1kq0c3"], items["t3_1kq0b7"]
    top, reply = items["t1_mx1a01"], items["t1_mx1b2c"]
    permalink = "https://www.reddit.com/r/electricvehicles/comments/1kq0c3/"
    assert self_post["canonical_url"].startswith(permalink)
    assert self_post["author"] == "gridlocked_gao" and self_post["source_kind"] == "reddit"
    assert self_post["engagement"] == {"score": 96, "comments": 4}
    assert self_post["published_at"] == "2025-05-12T08:15:00+00:00"
    assert self_post["published_at_source"] == "api" and self_post["parent_url"] is None
    assert link_post["parent_url"] == "https://news.example.com/2025/05/12/hima-fifth-brand"
    assert link_post["text"] == link_post["title"]  # a link post has no text but its title
    assert top["kind"] == "comment" and top["parent_url"] == self_post["url"]
    assert reply["parent_url"] == top["url"] and reply["url"].endswith("/mx1b2c/")
    assert top["text"] == "GAC builds it, JD sells it. Margins will be thin."
    assert reply["text"] == "CATL's Choco-swap packs are the interesting part, not JD."
    assert top["engagement"] == {"score": 45} and top["author"] == "gac_insider"
    assert top["title"] == "Re: " + self_post["title"]


def test_self_text_loses_markup_and_scripts(runs: dict[str, Any]) -> None:
    [item] = [i for i in runs["first"].items if i["external_id"] == "t3_1kq0c3"]
    assert item["text"] == (
        "A retailer selling a car it co-designed with GAC, using CATL's swappable pack.\n\n"
        "Price is rumoured under 100k yuan. Thoughts?"
    )
    for item in runs["first"].items + runs["second"].items:
        assert "<" not in item["text"] and "evil.example" not in item["text"]


def test_search_source_asks_for_new_posts_matching_its_query(runs: dict[str, Any]) -> None:
    [call] = [c for c in runs["first_calls"] if c.path.endswith("/search")]
    assert call.query["q"] == "Xiaomi SU7" and call.query["limit"] == "100"
    assert _fullnames(runs["first"], source="r-search") == {"t3_1kq0a1"}
    assert not _fullnames(runs["first"], "comment", source="r-search")  # comments: false


def test_cursor_is_the_newest_post(runs: dict[str, Any]) -> None:
    newest = POSTS[2]["data"]
    assert runs["cursor_after_first"] == {
        "newest_fullname": "t3_1kq0c3",
        "newest_created_utc": newest["created_utc"],
    }
    path = runs["home"] / "state" / "cursors" / "reddit" / "r-ev.json"
    assert json.loads(path.read_text())["newest_fullname"] == "t3_1kq0f6"


def test_second_run_stops_at_the_first_known_post(runs: dict[str, Any]) -> None:
    calls = [c for c in runs["second_calls"] if c.path == "/r/electricvehicles/new"]
    assert [c.query.get("after") for c in calls] == [None, "t3_1kq0e2"]
    second = runs["second"]
    assert _fullnames(second) == {"t3_1kq0f6", "t3_1kq0e2", "t3_1kq0d9"}
    comment_calls = [c.path for c in runs["second_calls"] if c.path.startswith("/comments/")]
    assert comment_calls == ["/comments/1kq0e2"]  # only new posts with comments
    assert _fullnames(second, "comment") == {"t1_mx2e10", "t1_mx2e11"}


def test_api_errors_are_counted_per_source(runs: dict[str, Any]) -> None:
    stats = runs["first"].stats["reddit"]
    assert stats["finish_reason"] == "finished"
    assert stats["skipped"] == {"http_403": 1, "http_429": 1, "api_error": 1, "deleted": 1}
    counters = stats["stats"]
    assert counters["carintel/source/r-private/skipped/http_403"] == 1
    assert counters["carintel/source/r-busy/skipped/http_429"] == 1
    assert counters["carintel/source/r-broken/skipped/api_error"] == 1
    assert "Forbidden: private" in runs["first"].log


def test_wrong_secret_is_an_http_401_for_every_source(runs: dict[str, Any]) -> None:
    stats = runs["wrong_secret"].stats["reddit"]
    assert stats["skipped"] == {"http_401": 1} and stats["finish_reason"] == "finished"
    assert [c.path for c in runs["wrong_calls"]] == ["/api/v1/access_token"]
    assert "check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET" in runs["wrong_secret"].log
    assert not runs["wrong_secret"].items


def test_missing_credentials_exit_cleanly_with_one_line(runs: dict[str, Any]) -> None:
    output: CrawlOutput = runs["missing"]
    assert runs["missing_calls"] == [] and output.items == []
    stats = output.stats["reddit"]
    assert stats["finish_reason"] == "finished"
    assert stats["skipped"] == {"missing_credentials": 1}
    lines = [line for line in output.log.splitlines() if "REDDIT_CLIENT_ID" in line]
    assert len(lines) == 1 and "REDDIT_CLIENT_SECRET" in lines[0]
    assert "Traceback" not in output.log
    result = runs["missing_result"]
    assert "missing_credentials" in result.stdout + result.stderr


def test_secrets_never_reach_logs_items_stats_or_the_archive(runs: dict[str, Any]) -> None:
    basic = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    for name in ("first", "second", "wrong_secret"):
        output: CrawlOutput = runs[name]
        stats = json.dumps(output.stats)
        items = json.dumps(output.items)
        for secret in (SECRET, TOKEN, basic):
            assert secret not in output.log and secret not in stats and secret not in items
            assert secret.encode() not in output.warc
    assert b"/api/v1/access_token" not in runs["first"].warc  # the token answer is not archived
    assert b"/r/electricvehicles/new" in runs["first"].warc


def test_items_point_at_the_archived_response(runs: dict[str, Any]) -> None:
    [item] = [i for i in runs["first"].items if i["external_id"] == "t1_mx1b2c"]
    record = read_record(runs["first"].run_dir.parent / item["warc_file"], item["warc_record_id"])
    assert record is not None and b"mx1b2c" in record["body"]


# -- pure functions -------------------------------------------------------------------------


def test_parse_listing_gives_posts_and_the_next_page() -> None:
    posts, after, dropped = parse_listing(json.dumps(NEW).encode())
    assert [p.fullname for p in posts][:2] == ["t3_1kq0f6", "t3_1kq0e2"]
    assert after is None and dropped == 0
    assert posts[0].parent_url == "https://video.example.com/watch?v=yu7-launch"


def test_escaped_html_without_raw_json_is_unescaped_once() -> None:
    data = json.loads(json.dumps(POSTS[0]))
    data["data"]["selftext_html"] = (
        "&lt;!-- SC_OFF --&gt;&lt;div class=&quot;md&quot;&gt;&lt;p&gt;Range is honest "
        "&amp;amp; fun.&lt;/p&gt;&lt;/div&gt;&lt;!-- SC_ON --&gt;"
    )
    listing = {"kind": "Listing", "data": {"after": "t3_x", "children": [data]}}
    [post], after, _ = parse_listing(json.dumps(listing).encode())
    assert post.text == "Range is honest & fun." and after == "t3_x"


def test_parse_comments_flattens_replies_and_drops_deleted() -> None:
    post, comments, dropped = parse_comments((FIXTURES / "comments_1kq0c3.json").read_bytes())
    assert post is not None and post.fullname == "t3_1kq0c3"
    assert [c.fullname for c in comments] == ["t1_mx1a01", "t1_mx1b2c"] and dropped == 1


def test_error_bodies_raise() -> None:
    with pytest.raises(RedditError, match="Unauthorized"):
        parse_listing(b'{"message": "Unauthorized", "error": 401}')
    with pytest.raises(RedditError, match="not JSON"):
        parse_listing((FIXTURES / "maintenance.html").read_bytes())
    with pytest.raises(RedditError, match="unsupported_grant_type"):
        parse_token(b'{"error": "unsupported_grant_type"}')
    assert parse_token((FIXTURES / "access_token.json").read_bytes()) == TOKEN


def test_requests_survive_a_disk_queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDDIT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("REDDIT_USERNAME", "carintel_test")
    crawler = get_crawler(RedditSpider, {"CARINTEL_STATE_DIR": str(tmp_path)})
    spider = RedditSpider.from_crawler(crawler, sources=[{"name": "r", "subreddit": "ev"}])

    async def start() -> list[Any]:
        return [r async for r in spider.start()]

    [token_request] = asyncio.run(start())
    source = spider.sources[0]
    listing = spider.listing_request(source, f"bearer {TOKEN}", 2, "t3_x", {"a": 1})
    post = parse_listing(json.dumps(NEW).encode())[0][0]
    for request in (token_request, listing, spider.comments_request(source, "bearer t", post)):
        data = pickle.loads(pickle.dumps(request.to_dict(spider=spider)))
        again = request_from_dict(data, spider=spider)
        assert again.url == request.url and again.meta == request.meta
        assert again.callback == request.callback and again.errback == request.errback
    assert token_request.meta["carintel_no_archive"] is True


def test_user_agent_is_built_in_the_form_reddit_requires() -> None:
    env = {"REDDIT_CLIENT_ID": "Xk29abc", "REDDIT_USERNAME": "u/analyst"}
    agent = user_agent(env)
    assert agent is not None and agent_problem(agent) is None
    assert agent.startswith(f"{agent.split(':')[0]}:Xk29abc:v") and agent.endswith(
        "(by /u/analyst)"
    )
    assert user_agent(dict(env, REDDIT_USER_AGENT=AGENT)) == AGENT  # an explicit one wins
    assert user_agent({"REDDIT_CLIENT_ID": "Xk29abc"}) is None  # no user: no compliant agent
    crawler_agent = "carintel/0.1 (news research crawler; +https://github.com/carintel/carintel)"
    assert "<platform>:<app ID>:<version> (by /u/<user>)" in str(agent_problem(crawler_agent))


def test_missing_configuration_names_the_variables_and_the_approval() -> None:
    nothing = missing_configuration({})
    assert nothing is not None
    for words in ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USERNAME"):
        assert words in nothing
    assert "Responsible Builder Policy" in nothing and "approval" in nothing
    no_user = missing_configuration({"REDDIT_CLIENT_ID": "a", "REDDIT_CLIENT_SECRET": "b"})
    assert no_user is not None and no_user.startswith("set REDDIT_USERNAME")
    assert missing_configuration(ENV) is None
