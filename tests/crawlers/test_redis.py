"""Scale-out: two crawl workers share one run through a real redis-server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from carintel.sample_site import SampleArticle, SampleServer, article_path
from tests.conftest import REPO


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: .ci/run installs Debian's redis-server")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def _articles(n: int) -> list[SampleArticle]:
    start = datetime(2025, 9, 1, tzinfo=UTC)
    body = tuple(
        ("p", f"Paragraph {k} about Huawei, Seres and the HIMA alliance's plans for the year.")
        for k in range(6)
    )
    return [
        SampleArticle(
            id=i,
            slug=f"shared-{i}",
            template="cms",
            title=f"Shared run article {i}",
            published=start + timedelta(hours=i),
            author="A",
            section="S",
            tags=(),
            summary="s",
            body=body,
        )
        for i in range(1, n + 1)
    ]


def test_two_workers_fetch_each_page_once_and_land_every_item(
    redis_url: str, tmp_path: Path
) -> None:
    # Slow enough that the second worker (an idle Scrapy engine looks at its scheduler every
    # 5 s) joins while the first is still busy.
    articles = _articles(200)
    with SampleServer(articles=articles, latency=1.0) as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            yaml.safe_dump(
                {"sitemaps": [{"name": "wire", "url": f"{site.base_url}/cms/sitemap-news.xml"}]}
            )
        )
        command = [sys.executable, "-m", "carintel", "--home", str(tmp_path / "home"), "crawl",
                   "--sources", str(sources), "--no-polite", "--redis", redis_url,
                   "--run-id", "shared-run"]  # fmt: skip
        env = {**os.environ, "CARINTEL_REDIS_IDLE_SECONDS": "3"}
        workers = [
            subprocess.Popen(
                command,
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [w.communicate(timeout=300) for w in workers]
        for worker, (_out, err) in zip(workers, outputs, strict=True):
            assert worker.returncode == 0, err
        requests = site.request_log.snapshot()

    fetched = Counter(path for _, path, status in requests if status == 200)
    pages = {article_path(a) for a in articles}
    assert {p: n for p, n in fetched.items() if p in pages} == dict.fromkeys(pages, 1)
    assert fetched["/cms/sitemap-news.xml"] == 1

    run_dir = tmp_path / "home" / "landing" / "shared-run"
    item_files = sorted(run_dir.glob("items-sitemaps-*.jsonl"))
    assert len(item_files) == 2, "each worker writes its own landing file"
    titles = [
        json.loads(line)["title"]
        for path in item_files
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(titles) == sorted(a.title for a in articles)
    per_worker = [len(p.read_text().splitlines()) for p in item_files]
    assert sum(per_worker) == len(articles)
    assert min(per_worker) > 0, f"both workers should have taken pages: {per_worker}"
