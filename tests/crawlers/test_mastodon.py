"""The Mastodon spider against a local server that pages a recorded tag timeline the way
Mastodon does (newest first; max_id, min_id and since_id; a Link header)."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.statscollectors import StatsCollector
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler

from crawlers.archive import read_record
from crawlers.spiders.mastodon import (
    MastodonError,
    MastodonSpider,
    newest_id,
    parse_link_header,
    parse_status,
    parse_timeline,
)
from tests.conftest import ApiCall, CrawlOutput, LocalApi, Reply, crawl_home, json_reply

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
TIMELINE: list[dict[str, Any]] = json.loads((FIXTURES / "tag_xiaomisu7.json").read_text("utf-8"))
IDS = [s["id"] for s in reversed(TIMELINE)]  # IDS[0] is status 1, the oldest
SERVER_MAX_LIMIT = 3  # Mastodon caps `limit` (at 40); a small cap here makes the pages
WEB = "https://mastodon.social"


def _key(status_id: str) -> int:
    return int(status_id)


class TagTimeline:
    """The statuses of one hashtag, `visible` of them published so far (oldest first)."""

    def __init__(self, statuses: list[dict[str, Any]]) -> None:
        self.statuses = sorted(statuses, key=lambda s: _key(s["id"]))
        self.visible = len(self.statuses)

    def page(self, tag: str, query: dict[str, str]) -> Reply:
        shown = self.statuses[: self.visible]
        newer = [s for s in shown if "min_id" not in query or _key(s["id"]) > int(query["min_id"])]
        newer = [
            s for s in newer if "since_id" not in query or _key(s["id"]) > int(query["since_id"])
        ]
        chosen = [s for s in newer if "max_id" not in query or _key(s["id"]) < int(query["max_id"])]
        limit = min(int(query.get("limit", 20)), SERVER_MAX_LIMIT)
        # min_id: the page immediately after the cursor; otherwise the newest page
        page = chosen[:limit] if "min_id" in query else chosen[-limit:]
        page = list(reversed(page))  # always newest first
        headers = {}
        if page:
            link = f"{WEB}/api/v1/timelines/tag/{tag}"
            headers["Link"] = (
                f'<{link}?max_id={page[-1]["id"]}>; rel="next", '
                f'<{link}?min_id={page[0]["id"]}>; rel="prev"'
            )
        return json_reply(page, **headers)


def firehose(query: dict[str, str]) -> Reply:
    """A tag so busy that there is always a newer page."""
    start = int(query.get("min_id", "1000"))
    template = TIMELINE[0]
    page = [dict(template, id=str(start + n), url=f"{WEB}/@x/{start + n}") for n in (3, 2, 1)]
    return json_reply(
        page, Link=f'<{WEB}/api/v1/timelines/tag/firehose?min_id={start + 3}>; rel="prev"'
    )


@pytest.fixture(scope="module")
def timeline() -> TagTimeline:
    return TagTimeline(TIMELINE)


@pytest.fixture(scope="module")
def api(timeline: TagTimeline) -> Iterator[LocalApi]:
    def route(call: ApiCall) -> Reply:
        tag = call.path.rsplit("/", 1)[-1]
        if not call.path.startswith("/api/v1/timelines/tag/"):
            return json_reply({"error": "Record not found"}, 404)
        if tag == "XiaomiSU7":
            return timeline.page(tag, call.query)
        if tag == "firehose":
            return firehose(call.query)
        if tag == "ratelimited":
            return json_reply({"error": "Too many requests"}, 429, **{"Retry-After": "0"})
        if tag == "members":
            return json_reply({"error": "This API requires an authenticated user"}, 401)
        if tag == "broken":
            body = (FIXTURES / "maintenance.html").read_bytes()
            return 200, {"Content-Type": "text/html; charset=utf-8"}, body
        return json_reply([])

    with LocalApi(route) as server:
        yield server


def _source(name: str, tag: str, api: LocalApi) -> dict[str, Any]:
    return {"name": name, "instance": "mastodon.social", "tag": tag, "api_base": api.url}


@pytest.fixture(scope="module")
def runs(
    api: LocalApi, timeline: TagTimeline, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("home")
    timeline.visible = 4  # statuses 1-4 published
    first_sources = {
        "mastodon": [
            _source("m-su7", "#XiaomiSU7", api),
            _source("m-limited", "ratelimited", api),
            _source("m-members", "members", api),
            _source("m-broken", "broken", api),
        ]
    }
    _, first = crawl_home(home, first_sources)
    first_calls = list(api.calls)
    cursor_after_first = json.loads(
        (home / "state" / "cursors" / "mastodon" / "m-su7.json").read_text()
    )
    timeline.visible = len(TIMELINE)  # six more published
    cursors = home / "state" / "cursors" / "mastodon"
    (cursors / "m-firehose.json").write_text(json.dumps({"min_id": "1000"}))
    second_sources = {
        "mastodon": [_source("m-su7", "XiaomiSU7", api), _source("m-firehose", "firehose", api)]
    }
    _, second = crawl_home(home, second_sources)
    return {
        "home": home,
        "first": first,
        "second": second,
        "first_calls": first_calls,
        "second_calls": api.calls[len(first_calls) :],
        "cursor_after_first": cursor_after_first,
    }


def _by_id(output: CrawlOutput) -> dict[str, dict[str, Any]]:
    return {i["external_id"]: i for i in output.items if i["source"] == "m-su7"}


def test_first_run_reads_the_newest_page_only(runs: dict[str, Any]) -> None:
    calls = [c for c in runs["first_calls"] if c.path.endswith("/XiaomiSU7")]
    assert [c.query for c in calls] == [{"limit": "40"}]
    assert sorted(_by_id(runs["first"])) == sorted(IDS[1:4])


def test_statuses_become_posts_and_comments(runs: dict[str, Any]) -> None:
    items = _by_id(runs["first"])
    post, reply, hima = items[IDS[1]], items[IDS[2]], items[IDS[3]]
    assert post["kind"] == "post" and reply["kind"] == "comment" and hima["kind"] == "post"
    assert post["author"] == "kenji@fedi.autojp.example"
    assert post["canonical_url"] == post["url"] == f"https://fedi.autojp.example/@kenji/{IDS[1]}"
    assert post["engagement"] == {"comments": 1, "reposts": 3, "likes": 21}
    assert post["parent_url"] == "https://news.example.com/2025/05/afeela-showroom"  # its card
    assert reply["parent_url"] == f"{WEB}/@kenji@fedi.autojp.example/{IDS[1]}"
    assert post["published_at"] == "2025-05-12T08:09:00+00:00"
    assert post["published_at_source"] == "api"
    assert post["language"] == "en" and post["source_kind"] == "mastodon"
    assert post["text"].startswith("Saw the Afeela 1 prototype")
    assert "\n\nInterior screens are huge. #Afeela #XiaomiSU7" in post["text"]
    assert post["title"].startswith("Saw the Afeela 1 prototype")


def test_markup_and_scripts_do_not_reach_the_text(runs: dict[str, Any]) -> None:
    for item in runs["first"].items + runs["second"].items:
        assert "<" not in item["text"] and "alert" not in item["text"]
        assert "color:red" not in item["text"]
    hima = _by_id(runs["first"])[IDS[3]]
    assert hima["text"] == (
        "HIMA's four brands now share one sales network. Seres' AITO still sells the most. "
        "#XiaomiSU7"
    )


def test_cursor_is_the_newest_status_id(runs: dict[str, Any]) -> None:
    assert runs["cursor_after_first"] == {"min_id": IDS[3]}
    path = runs["home"] / "state" / "cursors" / "mastodon" / "m-su7.json"
    assert json.loads(path.read_text()) == {"min_id": IDS[9]}


def test_second_run_walks_forward_from_the_cursor_with_min_id(runs: dict[str, Any]) -> None:
    calls = [c for c in runs["second_calls"] if c.path.endswith("/XiaomiSU7")]
    # the page right after the cursor, then the page after that one, then an empty page
    assert [c.query for c in calls] == [
        {"limit": "40", "min_id": IDS[3]},
        {"limit": "40", "min_id": IDS[6]},
        {"limit": "40", "min_id": IDS[9]},
    ]
    items = _by_id(runs["second"])
    reblogged = TIMELINE[3]["reblog"]["id"]
    assert sorted(items) == sorted([IDS[4], reblogged, IDS[7], IDS[8], IDS[9]])
    stats = runs["second"].stats["mastodon"]["stats"]
    assert stats["carintel/source/m-su7/skipped/no_text"] == 1  # the media-only status


def test_reblog_keeps_the_inner_status(runs: dict[str, Any]) -> None:
    inner = TIMELINE[3]["reblog"]
    item = _by_id(runs["second"])[inner["id"]]
    assert item["author"] == "linmei" and item["url"] == inner["url"]
    assert item["engagement"] == {"comments": 0, "reposts": 40, "likes": 77}


def test_content_warning_becomes_the_title(runs: dict[str, Any]) -> None:
    item = _by_id(runs["second"])[IDS[4]]
    assert item["title"] == "crash investigation, injuries mentioned"
    assert item["text"].startswith("Thread on the SU7 highway crash report")


def test_errors_are_counted_per_source_with_their_reason(runs: dict[str, Any]) -> None:
    stats = runs["first"].stats["mastodon"]
    assert stats["finish_reason"] == "finished"
    assert stats["skipped"] == {"http_429": 1, "logged_out_access_disabled": 1, "api_error": 1}
    counters = stats["stats"]
    assert counters["carintel/source/m-limited/skipped/http_429"] == 1
    assert counters["carintel/source/m-members/skipped/logged_out_access_disabled"] == 1
    assert "serves hashtag timelines to logged-in users only" in runs["first"].log
    assert counters["carintel/source/m-broken/skipped/api_error"] == 1
    assert "This API requires an authenticated user" in runs["first"].log
    home = runs["home"] / "state" / "cursors" / "mastodon"
    assert not (home / "m-limited.json").exists()


def test_page_cap_stops_a_walk_that_never_ends(runs: dict[str, Any]) -> None:
    calls = [c for c in runs["second_calls"] if c.path.endswith("/firehose")]
    assert len(calls) == 10
    counters = runs["second"].stats["mastodon"]["stats"]
    assert counters["carintel/source/m-firehose/page_cap_reached"] == 1
    path = runs["home"] / "state" / "cursors" / "mastodon" / "m-firehose.json"
    assert json.loads(path.read_text()) == {"min_id": "1030"}


def test_items_point_at_the_archived_response(runs: dict[str, Any]) -> None:
    item = _by_id(runs["first"])[IDS[2]]
    record = read_record(runs["first"].run_dir.parent / item["warc_file"], item["warc_record_id"])
    assert record is not None and IDS[2].encode() in record["body"]
    assert "/api/v1/timelines/tag/XiaomiSU7" in record["url"]


# -- pure functions -------------------------------------------------------------------------


def test_link_header_gives_each_relation_its_parameters() -> None:
    header = (
        '<https://m.example/api/v1/timelines/tag/ev?max_id=105>; rel="next", '
        '<https://m.example/api/v1/timelines/tag/ev?min_id=110&limit=40>; rel="prev"'
    )
    assert parse_link_header(header) == {
        "next": {"max_id": "105"},
        "prev": {"min_id": "110", "limit": "40"},
    }
    assert parse_link_header("") == {}


def test_ids_compare_as_numbers_of_growing_length() -> None:
    assert newest_id(["99", "100", "1000", "999"]) == "1000"
    assert newest_id([]) is None


def test_parse_timeline_keeps_text_statuses_and_every_timeline_id() -> None:
    body = json.dumps(TIMELINE).encode()
    statuses, ids, dropped = parse_timeline(body, WEB)
    assert len(ids) == 10 and dropped == 1 and len(statuses) == 9
    assert all(s.text and s.published_at.tzinfo is not None for s in statuses)


def test_parse_timeline_rejects_an_error_object_and_html() -> None:
    with pytest.raises(MastodonError, match="Too many requests"):
        parse_timeline(b'{"error": "Too many requests"}', WEB)
    with pytest.raises(MastodonError, match="not JSON"):
        parse_timeline((FIXTURES / "maintenance.html").read_bytes(), WEB)


def test_reply_to_an_unmentioned_account_links_the_api_status() -> None:
    status = dict(TIMELINE[7], mentions=[], in_reply_to_account_id="1")
    parsed = parse_status(status, WEB)
    assert parsed is not None and parsed.kind == "comment"
    assert parsed.parent_url == f"{WEB}/api/v1/statuses/{IDS[1]}"


def test_requests_survive_a_disk_queue(tmp_path: Path) -> None:
    crawler = get_crawler(MastodonSpider, {"CARINTEL_STATE_DIR": str(tmp_path)})
    source = {"name": "m", "instance": "mastodon.social", "tag": "Afeela"}
    spider = MastodonSpider.from_crawler(crawler, sources=[source])
    request = spider.timeline_request(source, "newer", 2, min_id="114500000000000001")
    assert request.url == (
        "https://mastodon.social/api/v1/timelines/tag/Afeela?limit=40&min_id=114500000000000001"
    )
    data = pickle.loads(pickle.dumps(request.to_dict(spider=spider)))
    again = request_from_dict(data, spider=spider)
    assert again.url == request.url and again.meta == request.meta
    assert again.callback == request.callback and again.errback == request.errback


def test_first_run_can_read_further_back_when_configured(tmp_path: Path) -> None:
    settings = {"CARINTEL_STATE_DIR": str(tmp_path), "CARINTEL_SOCIAL_FIRST_RUN_PAGES": 2}
    crawler = get_crawler(MastodonSpider, settings)
    source = {"name": "m", "instance": "mastodon.social", "tag": "XiaomiSU7"}
    spider = MastodonSpider.from_crawler(crawler, sources=[source])
    crawler.stats = StatsCollector(crawler)

    def respond(request: Request) -> list[Any]:
        query = dict(parse_qsl(urlsplit(request.url).query))
        _, headers, body = TagTimeline(TIMELINE).page("XiaomiSU7", query)
        response = TextResponse(request.url, body=body, headers=headers, request=request)
        return list(spider.parse_timeline(response))

    first = respond(spider.timeline_request(source, "first", 1))
    [older] = [r for r in first if isinstance(r, Request)]
    assert "max_id=" + IDS[7] in older.url
    second = respond(older)
    assert not [r for r in second if isinstance(r, Request)]  # two pages, as configured
    assert spider.cursors.get("m") == {"min_id": IDS[9]}


def test_an_empty_timeline_on_a_server_closed_to_logged_out_clients_is_reported(
    tmp_path: Path,
) -> None:
    """Mastodon 4.5 may answer an empty list instead of 401: the server's settings tell."""

    def route(call: ApiCall) -> Reply:
        if call.path.startswith("/closed/api/v1/timelines/tag/"):
            return json_reply([])
        if call.path == "/closed/api/v2/instance":
            feeds = {"local": "authenticated", "remote": "disabled"}
            return json_reply({"configuration": {"timelines_access": {"hashtag_feeds": feeds}}})
        if call.path.startswith("/open/api/v1/timelines/tag/"):
            return json_reply([])
        if call.path == "/open/api/v2/instance":
            feeds = {"local": "public", "remote": "public"}
            return json_reply({"configuration": {"timelines_access": {"hashtag_feeds": feeds}}})
        return json_reply({"error": "Record not found"}, 404)

    with LocalApi(route) as api:
        sources = {
            "mastodon": [
                {"name": "m-closed", "instance": "closed.example", "tag": "ev",
                 "api_base": f"{api.url}/closed"},
                {"name": "m-quiet", "instance": "open.example", "tag": "ev",
                 "api_base": f"{api.url}/open"},
            ]
        }  # fmt: skip
        _, output = crawl_home(tmp_path, sources)
    stats = output.stats["mastodon"]
    assert stats["skipped"] == {"logged_out_access_disabled": 1}
    health = {s["name"]: s["skipped"] for s in stats["sources"]}
    assert health == {"m-closed": {"logged_out_access_disabled": 1}, "m-quiet": {}}
    assert "closed.example serves hashtag timelines to logged-in users only" in output.log
    assert len(api.calls_to("/api/v2/instance")) == 2  # asked once per empty source
