"""`carintel sources check` end to end, against the local servers of tests/crawlers/test_check.py
that replay each failure mode; and the hint `carintel run` gives for sources gone quiet."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from carintel.errors import EXIT_CONFIG, EXIT_SOURCES
from carintel.paths import Home
from carintel.sources_check import quiet_hint, quiet_sources
from tests.conftest import LocalApi, run_cli
from tests.crawlers.test_check import ENV, EXPECTED, route, sources_file
from warehouse import connect
from warehouse.snapshot import publish


@pytest.fixture(scope="module")
def world() -> Iterator[LocalApi]:
    holder: dict[str, str] = {}
    with LocalApi(lambda call: route(call, holder["base"])) as api:
        holder["base"] = api.url
        yield api


@pytest.fixture(scope="module")
def sources_path(world: LocalApi, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("check") / "sources.yaml"
    path.write_text(yaml.safe_dump(sources_file(world.url)), encoding="utf-8")
    return path


def check(*args: str, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("sources", "check", *args, check=False, timeout=120, env=env or ENV)


@pytest.fixture(scope="module")
def table(sources_path: Path) -> subprocess.CompletedProcess[str]:
    return check("--sources", str(sources_path))


def test_one_line_per_source_with_the_verdict_of_its_failure_mode(
    table: subprocess.CompletedProcess[str],
) -> None:
    assert table.returncode == EXIT_SOURCES, table.stderr
    lines = table.stdout.splitlines()
    verdicts = {}
    for name in EXPECTED:
        [line] = [x for x in lines if x.split()[:1] == [name]]
        verdicts[name] = line.split()[1]
    assert verdicts == EXPECTED
    assert lines[0].split()[:3] == ["source", "verdict", "http"]
    assert "20 source(s) checked: 7 ok, 1 moved" in table.stdout
    assert "Traceback" not in table.stdout + table.stderr


def test_each_line_says_what_to_do(table: subprocess.CompletedProcess[str]) -> None:
    [line] = [x for x in table.stdout.splitlines() if x.startswith("moved ")]
    assert "moved permanently (HTTP 301)" in line and "→ update the entry's address to" in line
    [line] = [x for x in table.stdout.splitlines() if x.startswith("bsky_or ")]
    assert "make one bluesky entry per alternative: 'Xiaomi SU7', 'Afeela'" in line


def test_json_is_stable_for_monitoring(sources_path: Path) -> None:
    result = check("--sources", str(sources_path), "--format", "json", "--pages", "1")
    assert result.returncode == EXIT_SOURCES
    document: dict[str, Any] = json.loads(result.stdout)
    assert list(document) == ["version", "checked_at", "ok", "summary", "sources"]
    assert document["ok"] is False and document["version"] == 1
    assert document["summary"]["ok"] == 7 and sum(document["summary"].values()) == len(EXPECTED)
    assert {s["name"]: s["verdict"] for s in document["sources"]} == EXPECTED
    fresh = next(s for s in document["sources"] if s["name"] == "fresh")
    assert fresh["ok"] is True and len(fresh["pages"]) == 1 and fresh["http_status"] == 200


def test_only_the_sources_asked_for_and_exit_0_when_they_are_ok(sources_path: Path) -> None:
    result = check("--sources", str(sources_path), "--source", "fresh", "--source", "hn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [x.split()[0] for x in result.stdout.splitlines()[1:3]] == ["fresh", "hn"]
    assert "2 source(s) checked: 2 ok" in result.stdout


def test_an_unknown_source_name_is_a_configuration_error(sources_path: Path) -> None:
    result = check("--sources", str(sources_path), "--source", "frseh")
    assert result.returncode == EXIT_CONFIG
    assert "no source named 'frseh' (did you mean fresh?)" in result.stderr


def test_offline_says_so_in_one_line_per_source(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "feeds": [
                    {"name": "a", "url": "https://a.invalid/feed/"},
                    {"name": "b", "url": "https://b.invalid/rss"},
                ],
                "gdelt": [
                    {"name": "g", "query": "Xiaomi carmaker", "api_base": "https://g.invalid/doc"}
                ],
            }
        ),
        encoding="utf-8",
    )
    result = check("--sources", str(path))
    assert result.returncode == EXIT_SOURCES
    lines = result.stdout.splitlines()
    for name, host in (("a", "a.invalid"), ("b", "b.invalid"), ("g", "g.invalid")):
        [line] = [x for x in lines if x.split()[:1] == [name]]
        assert line.split()[1] == "unreachable" and f"cannot resolve {host}" in line
    assert "this machine seems to be offline" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_crawl_refuses_what_the_check_reports_as_query_rejected(sources_path: Path) -> None:
    result = run_cli("crawl", "--sources", str(sources_path), check=False)
    assert result.returncode == EXIT_CONFIG
    assert "gdelt[1] (gdelt_short).query: GDELT refuses terms shorter than 3" in result.stderr
    assert "bluesky[0] (bsky_or).query: Bluesky search has no OR" in result.stderr


# -- the hint in `carintel run` -------------------------------------------------------------


def _source_run(conn: Any, source: str, n: int, new: int) -> None:
    conn.execute(
        "INSERT INTO source_runs VALUES (?, 'feeds', ?, ?::TIMESTAMPTZ, 5, ?, 0, 0, 0, '{}', ?)",
        [f"run{n:02d}", source, f"2025-05-{n:02d} 06:00:00+00", new, new],
    )


def test_run_hints_at_the_check_for_sources_quiet_three_runs_in_a_row(tmp_path: Path) -> None:
    home = Home.resolve(tmp_path).ensure()
    conn = connect(home.warehouse)
    for n, new in enumerate([4, 0, 0, 0], start=1):
        _source_run(conn, "krasia", n, new)
        _source_run(conn, "disabled_now", n, new)
    for n, new in enumerate([4, 0, 0, 2], start=1):
        _source_run(conn, "cnevpost", n, new)
    publish(conn, home.warehouse)
    conn.close()
    quiet = quiet_sources(home, {"krasia", "cnevpost"})
    assert quiet == [("krasia", 3)]
    hint = quiet_hint(quiet)
    assert hint is not None and "\n" not in hint
    assert "no new documents from krasia (3 runs)" in hint
    assert "`carintel sources check --source krasia`" in hint
    assert quiet_hint([]) is None
