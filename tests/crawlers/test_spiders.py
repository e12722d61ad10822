"""The spiders against a local site: the sample site's server with a handful of articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from carintel.sample_site import SampleArticle, SampleServer, article_path, sample_sources
from crawlers.archive import read_record
from tests.conftest import run_cli

CST = timezone(timedelta(hours=8))
PARAGRAPHS = (
    (
        "p",
        "Huawei and its carmaking partners in the HIMA alliance reported higher deliveries "
        "for the month, led by the AITO brand that Seres builds in Chongqing.",
    ),
    (
        "p",
        "Chery's Luxeed and BAIC's Stelato are still small, but both added dealers, and JAC "
        "prepared the Maextro launch. Analysts watch whether SAIC joins the alliance.",
    ),
    ("p", "The numbers come after a quarter in which Xiaomi took orders for its second car."),
)


def _article(n: int, template: str, quirk: str = "none", **kw: Any) -> SampleArticle:
    return SampleArticle(
        id=n,
        slug=f"hima-deliveries-{n}",
        template=template,
        title=f"HIMA deliveries, part {n}",
        published=datetime(2025, 5, n, 9, 0, tzinfo=CST),
        author="Lena Park",
        section="EV",
        tags=("huawei",),
        summary="Deliveries rose.",
        body=(("p", f"Report number {n}."), *PARAGRAPHS),
        quirk=quirk,
        **kw,
    )


ARTICLES = [
    _article(1, "blog"),
    _article(2, "blog", "tracking_link"),
    _article(3, "blog", "missing_404"),
    _article(4, "nextjs"),
    _article(5, "nextjs", "truncated"),
    _article(6, "cms"),
    _article(7, "cms", "wrong_encoding"),
    _article(8, "nextjs", "syndicated_copy", syndicates=1),
]


@pytest.fixture(scope="module")
def site() -> Iterator[SampleServer]:
    with SampleServer(articles=ARTICLES) as server:
        yield server


@pytest.fixture(scope="module")
def crawled(site: SampleServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("home")
    sources = home / "sources.yaml"
    sources.write_text(yaml.safe_dump(sample_sources(site.base_url)), encoding="utf-8")
    run_cli("crawl", "--sources", str(sources), "--no-polite", home=home)
    [run_dir] = list((home / "landing").iterdir())
    items = [
        json.loads(line)
        for path in sorted(run_dir.glob("items-*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    stats = {p.stem: json.loads(p.read_text()) for p in run_dir.glob("stats-*.json")}
    return {
        "home": home,
        "run_dir": run_dir,
        "items": items,
        "stats": stats,
        "requests": list(site.request_log),
    }


def test_every_reachable_article_lands_once(crawled: dict[str, Any], site: SampleServer) -> None:
    urls = sorted(i["canonical_url"] for i in crawled["items"])
    expected = sorted(site.base_url + article_path(a) for a in ARTICLES if a.id not in (3, 5))
    assert urls == expected


def test_broken_pages_are_counted_with_their_reason(crawled: dict[str, Any]) -> None:
    feeds, sitemaps = crawled["stats"]["stats-feeds"], crawled["stats"]["stats-sitemaps"]
    assert feeds["skipped"] == {"http_404": 1, "dataloss": 1}
    assert sitemaps["repaired"] == {"declared_encoding_wrong": 1}
    assert feeds["finish_reason"] == sitemaps["finish_reason"] == "finished"


def test_items_carry_dates_with_their_origin(crawled: dict[str, Any]) -> None:
    by_id = {i["title"].rsplit(" ", 1)[-1]: i for i in crawled["items"]}
    assert by_id["1"]["published_at_source"] == "meta"
    assert by_id["4"]["published_at_source"] == "jsonld"
    assert by_id["6"]["published_at_source"] == "sitemap"  # preferred to the page's naive text
    for item in crawled["items"]:
        n = int(item["title"].rsplit(" ", 1)[-1])
        assert datetime.fromisoformat(item["published_at"]) == datetime(2025, 5, n, 9, tzinfo=CST)


def test_tracking_link_lands_under_its_clean_canonical_url(crawled: dict[str, Any]) -> None:
    [item] = [i for i in crawled["items"] if i["title"].endswith(" 2")]
    assert "utm_" not in item["canonical_url"] and "utm_" not in item["url"]


def test_wrong_declared_encoding_is_repaired(crawled: dict[str, Any]) -> None:
    [item] = [i for i in crawled["items"] if i["title"].endswith(" 7")]
    assert "Chery's Luxeed" in item["text"]


def test_each_item_points_to_its_archived_response(crawled: dict[str, Any]) -> None:
    landing = crawled["home"] / "landing"
    for item in crawled["items"]:
        record = read_record(landing / item["warc_file"], item["warc_record_id"])
        assert record is not None
        assert record["url"] == item["url"]
        assert record["status"] == "200"
        assert item["title"].encode() in record["body"] or item["title"] in record["body"].decode(
            "utf-8", "replace"
        )


def test_robots_txt_is_read_and_each_page_fetched_once(crawled: dict[str, Any]) -> None:
    paths = [path for method, path, status in crawled["requests"]]
    assert "/robots.txt" in paths
    article_paths = [
        p.split("?")[0]
        for p in paths
        if p.split("?")[0] in {article_path(a) for a in ARTICLES if a.quirk not in ("truncated",)}
    ]
    assert len(article_paths) == len(set(article_paths))


def test_second_crawl_fetches_no_article_again_and_only_new_entries(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    sources = tmp_path / "sources.yaml"
    with SampleServer(articles=ARTICLES[:3]) as first:
        port = first.port
        sources.write_text(yaml.safe_dump(sample_sources(first.base_url)), encoding="utf-8")
        run_cli("crawl", "--sources", str(sources), "--no-polite", home=home)
        run_cli("crawl", "--sources", str(sources), "--no-polite", home=home)
        second_run = first.request_log.snapshot()
    pages = {article_path(a) for a in ARTICLES}
    fetched_ok = [p.split("?")[0] for _, p, status in second_run if status == 200]
    assert sorted(p for p in fetched_ok if p in pages) == sorted(
        article_path(a)
        for a in ARTICLES[:2]  # the first crawl only; article 3 is a 404
    )
    assert any(status == 304 for _, p, status in second_run if p == "/blog/feed/")

    new = _article(9, "blog")
    with SampleServer(articles=[*ARTICLES[:3], new], port=port) as changed:
        run_cli("crawl", "--sources", str(sources), "--no-polite", home=home)
        third_run = changed.request_log.snapshot()
    fetched = {p.split("?")[0] for _, p, status in third_run if status == 200}
    assert fetched & (pages | {article_path(new)}) == {article_path(new)}
    runs = sorted((home / "landing").iterdir())
    last_items = (runs[-1] / "items-feeds.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["title"] for line in last_items] == ["HIMA deliveries, part 9"]
