"""The README's first command: `carintel run --sample`, end to end, twice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from warehouse import connect_read_only


def counts(home: Path) -> dict[str, Any]:
    conn = connect_read_only(home / "carintel.duckdb")
    try:

        def one(sql: str) -> Any:
            return conn.execute(sql).fetchall()[0][0]

        return {
            "documents": one("SELECT count(*) FROM documents"),
            "sources": one("SELECT count(DISTINCT source) FROM documents"),
            "entities": one("SELECT count(DISTINCT entity_id) FROM mentions"),
            "mentions": one("SELECT count(*) FROM mentions"),
            "latest_week": one("SELECT strftime(max(day), '%G-W%V') FROM timeline"),
            "skipped": [
                json.loads(r[0]) for r in conn.execute("SELECT skipped FROM crawl_runs").fetchall()
            ],
            "repaired": [
                json.loads(r[0]) for r in conn.execute("SELECT repaired FROM crawl_runs").fetchall()
            ],
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def sample_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("sample")
    run_cli("run", "--sample", home=home)
    return home


@pytest.mark.slow
def test_sample_run_fills_the_warehouse_and_renders_the_latest_week(sample_home: Path) -> None:
    c = counts(sample_home)
    assert c["documents"] >= 40
    assert c["sources"] == 3  # one per page template
    assert c["entities"] >= 15
    html = sample_home / "reports" / f"weekly-{c['latest_week']}.html"
    markdown = html.with_suffix(".md")
    assert html.exists() and markdown.exists()
    assert "carintel weekly report" in html.read_text(encoding="utf-8")


@pytest.mark.slow
def test_broken_sample_pages_are_counted_with_their_reason(sample_home: Path) -> None:
    c = counts(sample_home)
    skipped: dict[str, int] = {}
    for run in c["skipped"]:
        for reason, n in run.items():
            skipped[reason] = skipped.get(reason, 0) + n
    repaired = {k for run in c["repaired"] for k in run}
    assert skipped.get("http_404") == 1
    assert skipped.get("dataloss") == 1
    assert "declared_encoding_wrong" in repaired


@pytest.mark.slow
def test_running_again_adds_no_duplicates(sample_home: Path) -> None:
    before = counts(sample_home)
    reports = sorted(p.name for p in (sample_home / "reports").iterdir())
    run_cli("run", "--sample", home=sample_home)
    after = counts(sample_home)
    for key in ("documents", "sources", "entities", "mentions", "latest_week"):
        assert after[key] == before[key], key
    assert sorted(p.name for p in (sample_home / "reports").iterdir()) == reports
