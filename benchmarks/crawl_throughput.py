"""Crawl throughput on a local site of 2,000 article pages, next to `scrapy bench`.

Both run in this script, on this machine, one after the other (these machines are noisy; compare
the ratio, not the absolute numbers). carintel's crawl does real work per page: it parses each
page with `parse_article` (trafilatura + metadata), archives the raw response to WARC and writes
the landing item; `scrapy bench` only follows links. Politeness is off (`--no-polite`): the site
is our own, on 127.0.0.1.

    python benchmarks/crawl_throughput.py [--pages 2000] [--bench-seconds 20]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from carintel.sample_site import SampleArticle, SampleServer  # noqa: E402

PARAGRAPHS = (
    "Huawei's partners in the HIMA alliance reported deliveries for the week, with Seres and "
    "Chery ahead of BAIC and JAC, while SAIC prepared its first model under the alliance.",
    "Xiaomi took orders for its second car, and JD.com, GAC and CATL said their jointly "
    "developed compact car would be sold through JD's online store.",
    "Analysts said the partnerships show how technology companies bring software, retail reach "
    "and batteries to carmakers that need to move faster.",
)


def synthetic_articles(n: int) -> list[SampleArticle]:
    start = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
    return [
        SampleArticle(
            id=i,
            slug=f"bench-article-{i}",
            template="cms",
            title=f"Benchmark article {i}: cross-industry carmaking update",
            published=start + timedelta(minutes=37 * i),
            author="Bench Writer",
            section="Industry",
            tags=("huawei",),
            summary="A synthetic article for the crawl benchmark.",
            body=tuple(("p", f"{p} (item {i})") for p in PARAGRAPHS),
        )
        for i in range(1, n + 1)
    ]


def carintel_crawl(pages: int) -> dict[str, float]:
    with (
        SampleServer(articles=synthetic_articles(pages)) as site,
        tempfile.TemporaryDirectory() as tmp,
    ):
        home = Path(tmp)
        sources = home / "sources.yaml"
        sources.write_text(
            yaml.safe_dump(
                {"sitemaps": [{"name": "bench", "url": f"{site.base_url}/cms/sitemap-news.xml"}]}
            )
        )
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "carintel", "--home", str(home), "crawl", "--sources",
             str(sources), "--no-polite"],
            check=True, capture_output=True, cwd=REPO,
        )  # fmt: skip
        wall = time.perf_counter() - started
        [stats_file] = list((home / "landing").glob("*/stats-sitemaps.json"))
        stats = json.loads(stats_file.read_text())
        crawl_seconds = (
            datetime.fromisoformat(stats["finished_at"])
            - datetime.fromisoformat(stats["started_at"])
        ).total_seconds()
        return {
            "pages": stats["pages_fetched"],
            "items": stats["items_scraped"],
            "crawl_seconds": crawl_seconds,
            "wall_seconds": wall,
            "pages_per_second": stats["pages_fetched"] / crawl_seconds,
        }


def scrapy_bench(seconds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
             "-s", "LOGSTATS_INTERVAL=1"],
            capture_output=True, text=True, cwd=tmp,
        )  # fmt: skip
    log = result.stderr
    fetched = re.findall(r"'downloader/response_count': (\d+)", log)
    elapsed = re.findall(r"'elapsed_time_seconds': ([\d.]+)", log)
    if not fetched or not elapsed:
        raise SystemExit(f"could not read scrapy bench's statistics:\n{log[-2000:]}")
    pages, secs = int(fetched[-1]), float(elapsed[-1])
    return {"pages": pages, "crawl_seconds": secs, "pages_per_second": pages / secs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--bench-seconds", type=int, default=20)
    args = parser.parse_args()
    ours = carintel_crawl(args.pages)
    bench = scrapy_bench(args.bench_seconds)
    ratio = ours["pages_per_second"] / bench["pages_per_second"]
    print(f"{'':22} {'pages':>7} {'seconds':>8} {'pages/s':>8}")
    print(f"{'carintel crawl':22} {ours['pages']:>7.0f} {ours['crawl_seconds']:>8.1f} "
          f"{ours['pages_per_second']:>8.1f}   ({ours['items']:.0f} articles landed)")  # fmt: skip
    print(f"{'scrapy bench':22} {bench['pages']:>7.0f} {bench['crawl_seconds']:>8.1f} "
          f"{bench['pages_per_second']:>8.1f}")  # fmt: skip
    print(f"ratio carintel / scrapy bench: {ratio:.2f} (aim: at least 0.5)")


if __name__ == "__main__":
    main()
