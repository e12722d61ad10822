"""The Hacker News spider against a local server that answers like the Algolia HN Search API,
run twice through the real CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from crawlers.spiders.base import content_hash
from crawlers.spiders.hackernews import (
    MAX_STORY_PAGES,
    OVERLAP_SECONDS,
    BadHit,
    HackerNewsError,
    comment_record,
    comments_url,
    parse_search_page,
    stories_url,
    story_record,
)
from tests.conftest import ApiCall, LocalApi, Reply, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "hackernews"
API_BASE_PATH = "/api/v1"
ITEM = "https://news.ycombinator.com/item?id="
NEWEST_OF_RUN_1 = 1747042211  # created_at_i of story 43960001
NEWEST_OF_RUN_2 = 1747102400  # created_at_i of story 43971234


def _many_pages(page: int) -> bytes:
    """A query with far more results than the spider reads: 50 pages of one story each."""
    oid = 500000 + page
    hit = {
        "_tags": ["story", "author_evfan", f"story_{oid}"],
        "author": "evfan",
        "created_at": "2025-05-11T08:00:00.000Z",
        "created_at_i": 1746950400 - 60 * page,
        "num_comments": 0,
        "objectID": str(oid),
        "points": 1,
        "story_id": oid,
        "title": f"Electric car news digest, part {oid}",
        "url": f"https://evdigest.example/{oid}",
    }
    answer = {"hits": [hit], "hitsPerPage": 100, "nbHits": 5000, "nbPages": 50, "page": page}
    return json.dumps(answer).encode()


def _api_answer(params: dict[str, str]) -> tuple[bytes, str]:
    tags, query = params.get("tags", ""), params.get("query")
    page = int(params.get("page", "0"))
    if tags.startswith("comment,story_"):
        path = FIXTURES / f"comments-{tags.removeprefix('comment,story_')}.json"
        if path.exists():
            return path.read_bytes(), "application/json; charset=UTF-8"
        return b'{"hits": [], "nbHits": 0, "nbPages": 0, "page": 0}', "application/json"
    if tags == "story" and query == "Xiaomi SU7":
        if params.get("numericFilters") == f"created_at_i>{NEWEST_OF_RUN_1 - OVERLAP_SECONDS}":
            return (FIXTURES / "stories-xiaomi-newer.json").read_bytes(), "application/json"
        name = f"stories-xiaomi-page{page}.json"
        return (FIXTURES / name).read_bytes(), "application/json; charset=UTF-8"
    if tags == "story" and query == "Afeela":
        return (FIXTURES / "error-gateway.html").read_bytes(), "text/html"
    if tags == "story" and query == "electric car":
        return _many_pages(page), "application/json"
    return b'{"hits": [], "nbHits": 0, "nbPages": 0, "page": 0}', "application/json"


def route(call: ApiCall) -> Reply:
    if call.path != f"{API_BASE_PATH}/search_by_date":
        return 404, {"Content-Type": "application/json"}, b'{"message": "Not Found", "status": 404}'
    body, content_type = _api_answer(call.query)
    return 200, {"Content-Type": content_type}, body


@pytest.fixture(scope="module")
def server() -> Iterator[LocalApi]:
    with LocalApi(route) as api:
        yield api


@pytest.fixture(scope="module")
def runs(server: LocalApi, tmp_path_factory: pytest.TempPathFactory) -> dict[Any, Any]:
    home = tmp_path_factory.mktemp("home")
    api_base = server.url + API_BASE_PATH
    sources = {
        "hackernews": [
            {"name": "hn-xiaomi", "query": "Xiaomi SU7", "api_base": api_base},
            {"name": "hn-afeela", "query": "Afeela", "api_base": api_base},
            {"name": "hn-ev", "query": "electric car", "comments": False, "api_base": api_base},
        ]
    }
    sources_file = home / "sources.yaml"
    sources_file.write_text(yaml.safe_dump(sources), encoding="utf-8")
    out: dict[Any, Any] = {"home": home}
    for n in (1, 2):
        before = set((home / "landing").glob("*")) if (home / "landing").exists() else set()
        seen = len(server.calls)
        started = int(datetime.now(UTC).timestamp())
        run_cli("crawl", "--sources", str(sources_file), "--no-polite", home=home)
        [run_dir] = set((home / "landing").glob("*")) - before
        out[n] = {
            "items": [
                json.loads(line)
                for line in (run_dir / "items-hackernews.jsonl").read_text().splitlines()
            ],
            "stats": json.loads((run_dir / "stats-hackernews.json").read_text()),
            "requests": [(c.path, c.query) for c in server.calls[seen:]],
            "started": started,
        }
    return out


def _stories_requests(run: dict[Any, Any], query: str) -> list[dict[str, str]]:
    return [p for _, p in run["requests"] if p.get("tags") == "story" and p.get("query") == query]


def _by_id(run: dict[Any, Any]) -> dict[str, dict[str, Any]]:
    return {i["external_id"]: i for i in run["items"]}


def _cursor(home: Path, source: str) -> dict[str, Any] | None:
    path = home / "state" / "cursors" / "hackernews" / f"{source}.json"
    return json.loads(path.read_text()) if path.exists() else None


# -- requests, paging and the cursor ---------------------------------------------------------


def test_first_run_asks_for_stories_of_the_lookback_period(runs: dict[Any, Any]) -> None:
    [first, *_] = _stories_requests(runs[1], "Xiaomi SU7")
    assert first["hitsPerPage"] == "100"
    since = int(first["numericFilters"].removeprefix("created_at_i>"))
    assert abs(runs[1]["started"] - 7 * 24 * 3600 - since) < 120


def test_story_pages_are_followed_until_the_last(runs: dict[Any, Any]) -> None:
    pages = [p["page"] for p in _stories_requests(runs[1], "Xiaomi SU7")]
    assert pages == ["0", "1"]
    assert "43951177" in _by_id(runs[1])  # the story on page 1


def test_paging_stops_at_a_sane_maximum(runs: dict[Any, Any]) -> None:
    assert len(_stories_requests(runs[1], "electric car")) == MAX_STORY_PAGES
    health = {s["name"]: s for s in runs[1]["stats"]["sources"]}
    assert health["hn-ev"]["skipped"] == {"truncated": 1}
    assert health["hn-ev"]["items"] == MAX_STORY_PAGES


def test_second_run_asks_only_for_newer_stories(runs: dict[Any, Any]) -> None:
    [request] = _stories_requests(runs[2], "Xiaomi SU7")
    assert request["numericFilters"] == f"created_at_i>{NEWEST_OF_RUN_1 - OVERLAP_SECONDS}"
    xiaomi = [i for i in runs[2]["items"] if i["source"] == "hn-xiaomi"]
    assert [i["external_id"] for i in xiaomi] == ["43971234"]
    stats = runs[2]["stats"]["stats"]
    assert stats["carintel/source/hn-xiaomi/seen_before"] == 4  # the overlap: a story, 3 comments
    assert _cursor(runs["home"], "hn-xiaomi") == {"created_at_i": NEWEST_OF_RUN_2}


def test_comments_are_asked_for_per_story_with_comments(runs: dict[Any, Any]) -> None:
    tags = sorted(p["tags"] for _, p in runs[1]["requests"] if p["tags"].startswith("comment"))
    assert tags == ["comment,story_43958812", "comment,story_43960001"]


def test_the_api_is_read_without_robots_txt(runs: dict[Any, Any]) -> None:
    assert all(path != "/robots.txt" for run in (1, 2) for path, _ in runs[run]["requests"])


# -- items -----------------------------------------------------------------------------------


def test_a_link_story_is_a_post_whose_text_is_its_title(runs: dict[Any, Any]) -> None:
    post = _by_id(runs[1])["43960001"]
    assert post["kind"] == "post"
    assert post["source_kind"] == "hackernews"
    assert post["url"] == post["canonical_url"] == ITEM + "43960001"
    assert post["title"] == post["text"] == "Xiaomi's YU7 SUV takes 240k orders in 18 hours"
    assert post["author"] == "carwatcher"
    assert post["published_at"] == "2025-05-12T09:30:11+00:00"
    assert post["published_at_source"] == "api"
    assert post["parent_url"] == "https://autowire.example/news/xiaomi-yu7-orders?id=7"
    assert post["engagement"] == {"score": 57, "comments": 3}
    assert post["language"] is None
    assert post["first_seen_at"] is None
    assert post["content_hash"] == content_hash(post["text"])
    assert post["warc_record_id"]


def test_a_text_story_has_its_html_reduced_to_text(runs: dict[Any, Any]) -> None:
    post = _by_id(runs[1])["43958812"]
    assert post["text"] == (
        "Xiaomi went from announcing a car unit to shipping the SU7 in about three years.\n\n"
        "I'm curious what the real bottlenecks were: tooling, the supplier base, or permits? "
        "Good write-up here: https://autowire.example/analysis/xiaomi-plant"
    )
    assert post["parent_url"] is None


def test_comments_link_to_their_parent(runs: dict[Any, Any]) -> None:
    by_id = _by_id(runs[1])
    top, reply = by_id["43960350"], by_id["43960420"]
    assert top["kind"] == reply["kind"] == "comment"
    assert top["parent_url"] == ITEM + "43960001"
    assert reply["parent_url"] == ITEM + "43960350"
    assert reply["text"] == "They said a second phase opens next year & CATL supplies the packs."
    assert top["text"] == (
        "Orders are refundable deposits, so 240k is a ceiling.\n\n"
        "Deliveries are what to watch: the Yizhuang plant is still one line."
    )
    assert top["title"] == ""
    assert top["engagement"] is None
    assert top["published_at"] == "2025-05-12T09:41:00+00:00"
    assert by_id["43959001"]["text"] == (
        "Buying an existing licence helped less than people think.\n"
        "The hard part was the stamping and paint shop."
    )


def test_hostile_markup_in_a_comment_does_not_survive(runs: dict[Any, Any]) -> None:
    comment = _by_id(runs[1])["43960555"]
    assert comment["text"] == "Nice numbers for a first SUV."
    for fragment in ("<", "script", "evil.example", "onerror", "alert"):
        assert fragment not in comment["text"]


def test_short_posts_and_comments_are_kept(runs: dict[Any, Any]) -> None:
    xiaomi = [i for i in runs[1]["items"] if i["source"] == "hn-xiaomi"]
    assert sorted(i["external_id"] for i in xiaomi) == [
        "43951177", "43958812", "43959001", "43960001", "43960350", "43960420", "43960555",
    ]  # fmt: skip


# -- errors ----------------------------------------------------------------------------------


def test_errors_are_counted_per_source_with_their_reason(runs: dict[Any, Any]) -> None:
    stats = runs[1]["stats"]
    assert stats["finish_reason"] == "finished"
    assert stats["skipped"] == {"bad_record": 1, "empty_text": 1, "api_error": 1, "truncated": 1}
    health = {s["name"]: s["skipped"] for s in stats["sources"]}
    assert health["hn-xiaomi"] == {"bad_record": 1, "empty_text": 1}
    assert health["hn-afeela"] == {"api_error": 1}


def test_a_failed_source_keeps_no_cursor(runs: dict[Any, Any]) -> None:
    assert _cursor(runs["home"], "hn-afeela") is None
    [again] = _stories_requests(runs[2], "Afeela")
    since = int(again["numericFilters"].removeprefix("created_at_i>"))
    assert abs(runs[2]["started"] - 7 * 24 * 3600 - since) < 120


# -- pure parts ------------------------------------------------------------------------------


def test_parse_search_page_reads_paging_fields() -> None:
    page = parse_search_page((FIXTURES / "stories-xiaomi-page0.json").read_bytes())
    assert (page.page, page.nb_pages, page.nb_hits, len(page.hits)) == (0, 2, 4, 3)


@pytest.mark.parametrize(
    "body",
    [
        (FIXTURES / "error-gateway.html").read_bytes(),
        b"",
        b'{"message": "Invalid value for numericFilters", "status": 400}',
        b"[1, 2]",
    ],
)
def test_parse_search_page_rejects_what_is_not_a_search_result(body: bytes) -> None:
    with pytest.raises(HackerNewsError):
        parse_search_page(body)


def test_story_record_without_an_id_or_date_is_bad() -> None:
    with pytest.raises(BadHit) as raised:
        story_record({"title": "x", "created_at_i": 1})
    assert raised.value.reason == "bad_record"
    with pytest.raises(BadHit):
        story_record({"objectID": "1", "title": "x"})


def test_story_record_falls_back_to_created_at_and_keeps_literal_title() -> None:
    record = story_record(
        {"objectID": "7", "title": "Show HN: <Afeela> in  Rust", "created_at": "2025-05-12T09:30Z"}
    )
    assert record.title == record.text == "Show HN: <Afeela> in Rust"
    assert record.created_at == datetime(2025, 5, 12, 9, 30, tzinfo=UTC)
    assert record.engagement == {}


def test_comment_record_without_text_is_empty() -> None:
    hit = {"objectID": "9", "comment_text": None, "created_at_i": 1, "parent_id": 8}
    with pytest.raises(BadHit) as raised:
        comment_record(hit)
    assert raised.value.reason == "empty_text"


def test_urls_encode_query_and_filters() -> None:
    url = stories_url("http://h/api/v1/", "Huawei & Seres", 1747000000, 2)
    assert url.startswith("http://h/api/v1/search_by_date?query=Huawei%20%26%20Seres&tags=story")
    assert parse_qs(urlsplit(url).query)["numericFilters"] == ["created_at_i>1747000000"]
    assert comments_url(None, "42", 0) == (
        "https://hn.algolia.com/api/v1/search_by_date?tags=comment%2Cstory_42&hitsPerPage=100&page=0"
    )
