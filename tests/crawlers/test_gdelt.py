"""The GDELT spider against a local server that answers like the DOC 2.0 API (and serves the
article pages the results point to), run twice through the real CLI."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawlers.spiders.gdelt import (
    API_SLOT,
    MAX_WINDOWS,
    GdeltError,
    GdeltQueryRejected,
    GdeltSpider,
    GdeltThrottled,
    artlist_url,
    parse_article_list,
    parse_gdelt_time,
)
from crawlers.state import CursorStore
from tests.conftest import ApiCall, LocalApi, Reply, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "gdelt"
API_PATH = "/api/v2/doc/doc"
# GDELT only searches the last three months, so the server moves the fixtures' seendates by whole
# days to make 2025-05-14 today (times of day are kept).
FIXTURES_TODAY = date(2025, 5, 14)
SHIFT = timedelta(days=(datetime.now(UTC).date() - FIXTURES_TODAY).days)
_SEENDATE_FIELD = re.compile(rb'"seendate": "(\d{8}T\d{6}Z)"')


def shifted(fixture_time: str) -> datetime:
    """A time written in the fixtures (20250512T093000Z), as the server serves it."""
    moment = parse_gdelt_time(fixture_time)
    assert moment is not None
    return moment + SHIFT


def cursor_form(fixture_time: str) -> str:
    """The 14-digit form (a cursor, a start or end date time) of a fixture time, as served."""
    return shifted(fixture_time).strftime("%Y%m%d%H%M%S")


def _shift_seendates(body: bytes) -> bytes:
    return _SEENDATE_FIELD.sub(
        lambda m: (
            b'"seendate": "%s"' % shifted(m.group(1).decode()).strftime("%Y%m%dT%H%M%SZ").encode()
        ),
        body,
    )


PARAGRAPHS = (
    "The carmaker said the new line would add capacity for the sedan and the SUV that follows "
    "it, as the smartphone maker's car unit tries to shorten waiting times in its home market.",
    "Dealers in Shanghai and Shenzhen described waiting lists that stretch into the summer for "
    "the long-range version, while suppliers said battery cells remain the tightest part.",
    "Analysts said the pace puts pressure on Huawei's partners in the HIMA alliance, which sell "
    "through the same kind of showrooms and compete for the same buyers.",
)
# path -> (title, the page's own publish date or None)
PAGES: dict[str, tuple[str, str | None]] = {
    "/news/xiaomi-su7-second-shift.html": (
        "Xiaomi adds a second shift for the SU7",
        "2025-05-11T20:00:00+08:00",
    ),
    "/news/xiaomi-yu7-preorders.html": ("Xiaomi YU7 pre-orders open", "2025-05-12T15:40:00+08:00"),
    "/analysis/phone-makers-into-cars.html": ("Why phone makers keep moving into cars", None),
    "/news/xiaomi-su7-ultra-track.html": ("The SU7 Ultra goes back to the track", "2025-05-13"),
    "/news/hima-maextro-launch.html": ("Huawei and JAC price the Maextro", "2025-05-12T12:00:00Z"),
}


def _page_html(title: str, published: str | None) -> bytes:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"{meta}</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def _api_answer(params: dict[str, str], calls: int) -> tuple[str, str]:
    """(fixture file, content type) for an artlist request, as GDELT would answer it."""
    query = params.get("query")
    if query == "Xiaomi SU7":
        if params.get("startdatetime") == cursor_form("20250512T093000Z"):  # run 1's cursor
            return "artlist-xiaomi-newer.json", "application/json"
        if params.get("enddatetime") == cursor_form("20250512T081500Z"):  # a window's older part
            return "artlist-xiaomi-window2.json", "application/json"
        return "artlist-xiaomi-window1.json", "application/json"
    if query == '"Huawei HIMA"':
        if calls == 1:
            return "throttled.txt", "text/plain; charset=utf-8"
        return "artlist-hima.json", "application/json; charset=utf-8"
    if query == "Sony Afeela":
        return "throttled.txt", "text/html; charset=utf-8"
    if query == "Baidu Jiyue":
        return "error-query.txt", "text/html; charset=utf-8"
    return "artlist-empty.json", "application/json"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalApi]:
    calls: Counter[str] = Counter()  # API calls per query
    lock = threading.Lock()

    def route(call: ApiCall) -> Reply:
        if call.path in PAGES:
            return 200, {"Content-Type": "text/html; charset=utf-8"}, _page_html(*PAGES[call.path])
        if call.path != API_PATH:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        query = call.query.get("query", "")
        with lock:
            calls[query] += 1
            name, content_type = _api_answer(call.query, calls[query])
        # the listed articles are pages of this server
        body = (FIXTURES / name).read_bytes().replace(b"__SITE__", call.headers["host"].encode())
        return 200, {"Content-Type": content_type}, _shift_seendates(body)

    with LocalApi(route) as api:
        yield api


def _read_run(run_dir: Path) -> dict[str, Any]:
    items_file = run_dir / "items-gdelt.jsonl"
    return {
        "items": [json.loads(line) for line in items_file.read_text().splitlines()],
        "stats": json.loads((run_dir / "stats-gdelt.json").read_text()),
    }


@pytest.fixture(scope="module")
def runs(server: LocalApi, tmp_path_factory: pytest.TempPathFactory) -> dict[Any, Any]:
    home = tmp_path_factory.mktemp("home")
    api_base = f"{server.url}{API_PATH}"
    sources: dict[str, list[dict[str, Any]]] = {
        "gdelt": [
            {"name": "gdelt-xiaomi", "query": "Xiaomi SU7", "max_records": 3},
            {"name": "gdelt-hima", "query": '"Huawei HIMA"'},
            {"name": "gdelt-afeela", "query": "Sony Afeela", "first_lookback_hours": 48},
            {"name": "gdelt-jiyue", "query": "Baidu Jiyue"},
        ]
    }
    for source in sources["gdelt"]:
        source["api_base"] = api_base
    sources_file = home / "sources.yaml"
    sources_file.write_text(yaml.safe_dump(sources), encoding="utf-8")
    # gdelt-xiaomi was crawled before: its cursor is where the fixtures' dates begin.
    cursors = home / "state" / "cursors" / "gdelt"
    cursors.mkdir(parents=True)
    cursor = {"startdatetime": cursor_form("20250511T000000Z")}
    (cursors / "gdelt-xiaomi.json").write_text(json.dumps(cursor))
    out: dict[Any, Any] = {"home": home}
    for n in (1, 2):
        before = set((home / "landing").glob("*")) if (home / "landing").exists() else set()
        seen = len(server.calls)
        started = datetime.now(UTC)
        run_cli("crawl", "--sources", str(sources_file), "--no-polite", home=home)
        [run_dir] = set((home / "landing").glob("*")) - before
        calls = server.calls[seen:]
        out[n] = _read_run(run_dir) | {
            "api": [c.query for c in calls if c.path == API_PATH],
            "pages": [c.path for c in calls if c.path != API_PATH],
            "started": started,
        }
    return out


def _cursor(home: Path, source: str) -> dict[str, Any] | None:
    path = home / "state" / "cursors" / "gdelt" / f"{source}.json"
    return json.loads(path.read_text()) if path.exists() else None


# -- the API requests ------------------------------------------------------------------------


def test_requests_ask_for_a_json_article_list_newest_first(runs: dict[Any, Any]) -> None:
    for params in runs[1]["api"]:
        assert params["mode"] == "artlist"
        assert params["format"] == "json"
        assert params["sort"] == "datedesc"
        assert len(params["startdatetime"]) == len(params["enddatetime"]) == 14
    assert {p["query"] for p in runs[1]["api"]} == {
        "Xiaomi SU7",
        '"Huawei HIMA"',
        "Sony Afeela",
        "Baidu Jiyue",
    }


def test_first_run_looks_back_first_lookback_hours(runs: dict[Any, Any]) -> None:
    [afeela, *_] = [p for p in runs[1]["api"] if p["query"] == "Sony Afeela"]
    start = parse_gdelt_time(afeela["startdatetime"])
    end = parse_gdelt_time(afeela["enddatetime"])
    assert start is not None and end is not None
    assert end - start == timedelta(hours=48)
    assert abs((end - runs[1]["started"]).total_seconds()) < 120


def test_a_full_window_is_followed_by_its_older_part(runs: dict[Any, Any]) -> None:
    xiaomi = [p for p in runs[1]["api"] if p["query"] == "Xiaomi SU7"]
    assert len(xiaomi) == 2
    first, second = xiaomi
    assert second["startdatetime"] == first["startdatetime"] == cursor_form("20250511T000000Z")
    # the oldest seendate of the first window
    assert second["enddatetime"] == cursor_form("20250512T081500Z")
    assert first["maxrecords"] == "3"


def test_second_run_asks_only_for_articles_seen_since_the_cursor(runs: dict[Any, Any]) -> None:
    assert _cursor(runs["home"], "gdelt-xiaomi") == {
        "startdatetime": cursor_form("20250513T061500Z")
    }
    [xiaomi] = [p for p in runs[2]["api"] if p["query"] == "Xiaomi SU7"]
    assert xiaomi["startdatetime"] == cursor_form("20250512T093000Z")  # newest of run 1
    assert [i["canonical_url"].rsplit("/", 1)[-1] for i in runs[2]["items"]] == [
        "xiaomi-su7-ultra-track.html"
    ]
    assert runs[2]["stats"]["stats"]["carintel/source/gdelt-xiaomi/seen_before"] == 1
    assert "/news/xiaomi-su7-second-shift.html" not in runs[2]["pages"]


# -- articles --------------------------------------------------------------------------------


def test_each_listed_article_lands_once_under_its_canonical_url(
    runs: dict[Any, Any], server: LocalApi
) -> None:
    urls = sorted(i["canonical_url"] for i in runs[1]["items"])
    assert urls == sorted(
        f"{server.url}{path}"
        for path in (
            "/news/xiaomi-su7-second-shift.html",
            "/news/xiaomi-yu7-preorders.html",
            "/analysis/phone-makers-into-cars.html",
            "/news/hima-maextro-launch.html",
        )
    )
    assert runs[1]["pages"].count("/news/xiaomi-yu7-preorders.html") == 1
    for item in runs[1]["items"]:
        assert item["source_kind"] == "gdelt"
        assert item["kind"] == "article"
        assert "utm_" not in item["url"]


def test_seendate_is_first_seen_at_and_the_page_gives_published_at(runs: dict[Any, Any]) -> None:
    by_path = {urlsplit(i["url"]).path: i for i in runs[1]["items"]}
    shift = by_path["/news/xiaomi-su7-second-shift.html"]
    assert shift["first_seen_at"] == shifted("20250512T093000Z").isoformat()
    assert shift["published_at"] == "2025-05-11T20:00:00+08:00"
    assert shift["published_at_source"] == "meta"


def test_a_page_without_a_date_has_no_published_at(runs: dict[Any, Any]) -> None:
    [item] = [i for i in runs[1]["items"] if i["url"].endswith("/phone-makers-into-cars.html")]
    assert item["first_seen_at"] == shifted("20250511T221500Z").isoformat()
    assert item["published_at"] is None
    assert item["published_at_source"] is None


# -- errors ----------------------------------------------------------------------------------


def test_errors_are_counted_per_source_with_their_reason(runs: dict[Any, Any]) -> None:
    stats = runs[1]["stats"]
    assert stats["finish_reason"] == "finished"
    assert stats["skipped"] == {
        "bad_record": 1, "http_404": 1, "throttled": 1, "query_rejected": 1
    }  # fmt: skip
    health = {s["name"]: s["skipped"] for s in stats["sources"]}
    assert health == {
        "gdelt-xiaomi": {"bad_record": 1},
        "gdelt-hima": {"http_404": 1},
        "gdelt-afeela": {"throttled": 1},
        "gdelt-jiyue": {"query_rejected": 1},  # GDELT's "phrase that is too short" text
    }


def test_throttle_text_with_http_200_is_retried_once(runs: dict[Any, Any]) -> None:
    stats = runs[1]["stats"]["stats"]
    hima = [p for p in runs[1]["api"] if p["query"] == '"Huawei HIMA"']
    afeela = [p for p in runs[1]["api"] if p["query"] == "Sony Afeela"]
    assert len(hima) == len(afeela) == 2
    assert stats["carintel/source/gdelt-hima/throttled"] == 1
    assert "throttled" not in runs[1]["stats"]["sources"][1]["skipped"]  # recovered
    assert any(i["url"].endswith("/hima-maextro-launch.html") for i in runs[1]["items"])
    assert _cursor(runs["home"], "gdelt-hima") == {"startdatetime": cursor_form("20250512T064500Z")}


def test_throttled_or_failed_source_keeps_its_cursor(runs: dict[Any, Any]) -> None:
    assert _cursor(runs["home"], "gdelt-afeela") is None
    assert _cursor(runs["home"], "gdelt-jiyue") is None
    [afeela, *_] = [p for p in runs[2]["api"] if p["query"] == "Sony Afeela"]
    start = parse_gdelt_time(afeela["startdatetime"])
    assert start is not None and start > runs[2]["started"] - timedelta(hours=49)


# -- pure parts ------------------------------------------------------------------------------


def test_parse_article_list_reads_records_and_rejects_bad_ones() -> None:
    listing = parse_article_list((FIXTURES / "artlist-xiaomi-window1.json").read_bytes())
    assert [a.seen_at for a in listing.articles] == [
        datetime(2025, 5, 12, 9, 30, tzinfo=UTC),
        datetime(2025, 5, 12, 8, 15, tzinfo=UTC),
    ]
    assert listing.articles[0].language == "English"
    assert listing.articles[0].source_country == "China"
    assert len(listing.rejected) == 1 and "javascript" in listing.rejected[0]


def test_parse_article_list_treats_an_empty_object_as_no_results() -> None:
    assert parse_article_list(b"{}").articles == ()
    assert parse_article_list(b'\xef\xbb\xbf{"articles": []}').articles == ()


def test_parse_article_list_recognises_the_throttle_text() -> None:
    with pytest.raises(GdeltThrottled):
        parse_article_list((FIXTURES / "throttled.txt").read_bytes())


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><body>Internal error</body></html>",
        b'{"articles": [{"url": "http://a.example/x", "seendate"',
        b"[]",
        b'{"articles": "none"}',
    ],
)
def test_parse_article_list_rejects_error_bodies(body: bytes) -> None:
    with pytest.raises(GdeltError) as raised:
        parse_article_list(body)
    assert raised.type is GdeltError and raised.value.reason == "api_error"


def test_parse_article_list_recognises_a_refused_query() -> None:
    for body in (
        (FIXTURES / "error-query.txt").read_bytes(),
        b"The specified phrase is too short.",
        b"Parentheses may only be used around OR'd statements.",
    ):
        with pytest.raises(GdeltQueryRejected) as raised:
            parse_article_list(body)
        assert raised.value.reason == "query_rejected"
        assert str(raised.value) == body.decode().strip()


def test_gdelt_times() -> None:
    assert parse_gdelt_time("20250512T093000Z") == datetime(2025, 5, 12, 9, 30, tzinfo=UTC)
    assert parse_gdelt_time("20250512093000") == datetime(2025, 5, 12, 9, 30, tzinfo=UTC)
    assert parse_gdelt_time("2025-05-12") is None
    assert parse_gdelt_time("20251332T000000Z") is None


def test_artlist_url_encodes_the_query() -> None:
    url = artlist_url(
        None,
        '"Huawei HIMA" OR Aito',
        datetime(2025, 5, 1, tzinfo=UTC),
        datetime(2025, 5, 2, 6, 30, tzinfo=UTC),
        250,
    )
    assert url.startswith("https://api.gdeltproject.org/api/v2/doc/doc?query=%22Huawei%20HIMA")
    params = parse_qs(urlsplit(url).query)
    assert params["query"] == ['"Huawei HIMA" OR Aito']
    assert params["startdatetime"] == ["20250501000000"]
    assert params["enddatetime"] == ["20250502063000"]
    assert params["maxrecords"] == ["250"]


# -- pacing ----------------------------------------------------------------------------------


def test_api_requests_have_their_own_slow_download_slot() -> None:
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    GdeltSpider.update_settings(settings)
    assert settings.getdict("DOWNLOAD_SLOTS")[API_SLOT] == {
        "concurrency": 1,
        "delay": 6.0,
        "jitter": 0,
    }
    assert settings.getfloat("DOWNLOAD_DELAY") == 2.0  # article sites keep the project default

    local = Settings()
    local.set("CARINTEL_API_MIN_DELAY", 0, priority="cmdline")
    GdeltSpider.update_settings(local)
    assert local.getdict("DOWNLOAD_SLOTS")[API_SLOT]["delay"] == 0.0

    spider = GdeltSpider(sources=[{"name": "g", "query": "Xiaomi"}])
    request = spider.api_request(
        spider.sources[0], datetime(2025, 5, 1, tzinfo=UTC), datetime(2025, 5, 2, tzinfo=UTC),
        window=0, newest=None,
    )  # fmt: skip
    assert request.meta["download_slot"] == API_SLOT
    assert request.meta["autothrottle_dont_adjust_delay"] is True
    assert request.meta["dont_obey_robotstxt"] is True


def test_invalid_backslash_escapes_are_repaired() -> None:
    body = (
        b'{"articles": [{"url": "https://autowire.example/a", "seendate": "20250512T093000Z", '
        b'"title": "Xiaomi\\\'s SU7 \\"Max\\" at 1\\/2 price \\u00e9 C:\\\\x \\d"}]}'
    )
    listing = parse_article_list(body)
    assert listing.repaired
    assert listing.articles[0].title == 'Xiaomi\'s SU7 "Max" at 1/2 price \u00e9 C:\\x \\d'
    assert not parse_article_list(b'{"articles": []}').repaired


def test_a_cursor_older_than_the_api_reaches_is_clamped(tmp_path: Path) -> None:
    spider = GdeltSpider(sources=[{"name": "old", "query": "Xiaomi"}])
    spider.cursors = CursorStore(tmp_path, "gdelt")
    spider.cursors.update("old", startdatetime="20200101000000")

    async def first() -> Any:
        return await anext(aiter(spider.start()))

    request = asyncio.run(first())
    start = parse_gdelt_time(parse_qs(urlsplit(request.url).query)["startdatetime"][0])
    assert start is not None
    assert abs(start - (datetime.now(UTC) - timedelta(days=89))) < timedelta(minutes=5)


# -- the walk over windows, driven directly ---------------------------------------------------


def _spider(tmp_path: Path) -> GdeltSpider:
    crawler = get_crawler(
        GdeltSpider, {"CARINTEL_STATE_DIR": str(tmp_path), "CARINTEL_SKIP_SEEN": False}
    )
    source = {"name": "g", "query": "Xiaomi", "max_records": 2}
    spider = GdeltSpider.from_crawler(crawler, sources=[source])
    assert isinstance(spider, GdeltSpider)
    return spider


def _answer(spider: GdeltSpider, request: Request, seendates: list[str]) -> list[Request]:
    records = [
        {"url": f"https://autowire.example/{n}", "title": "t", "seendate": seen}
        for n, seen in enumerate(seendates)
    ]
    response = TextResponse(
        request.url, body=json.dumps({"articles": records}).encode(), request=request
    )

    async def collect() -> list[Request]:
        return [r async for r in spider.parse_api(response)]

    return asyncio.run(collect())


def _window(spider: GdeltSpider, start: str, end: str, window: int = 0) -> Request:
    begin, finish = parse_gdelt_time(start), parse_gdelt_time(end)
    assert begin is not None and finish is not None
    return spider.api_request(spider.sources[0], begin, finish, window=window, newest=None)


def _api_requests(requests: list[Request]) -> list[Request]:
    return [r for r in requests if r.meta.get("download_slot") == API_SLOT]


def test_a_full_window_leads_to_the_older_part_and_the_cursor_waits(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    request = _window(spider, "20250510000000", "20250513000000")
    followed = _answer(spider, request, ["20250512T093000Z", "20250512T081500Z"])
    [older] = _api_requests(followed)
    assert parse_qs(urlsplit(older.url).query)["enddatetime"] == ["20250512081500"]
    assert spider.cursors.get("g") == {}  # not before the walk ends
    _answer(spider, older, ["20250511T120000Z"])
    assert spider.cursors.get("g") == {"startdatetime": "20250512093000"}


def test_a_window_that_cannot_be_narrowed_is_counted_as_truncated(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    # Every result at the window's end: asking again for the part before it would repeat it.
    request = _window(spider, "20250510000000", "20250512093000")
    followed = _answer(spider, request, ["20250512T093000Z", "20250512T093000Z"])
    assert _api_requests(followed) == []
    assert spider.crawler.stats.get_value("carintel/skipped/truncated") == 1
    assert spider.cursors.get("g") == {"startdatetime": "20250512093000"}


def test_the_walk_stops_after_max_windows(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    last = _window(spider, "20250510000000", "20250513000000", window=MAX_WINDOWS - 1)
    followed = _answer(spider, last, ["20250512T093000Z", "20250512T081500Z"])
    assert _api_requests(followed) == []
    assert spider.crawler.stats.get_value("carintel/source/g/skipped/truncated") == 1
