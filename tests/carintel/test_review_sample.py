"""Reviewing the sample run's claims end to end, through the real command line: decisions
survive `carintel enrich --rebuild`, travel by export and import, and never wait for the
writer's lock."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from carintel.lock import writer_lock
from tests.conftest import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample run's home, and a new home holding the same fresh sample warehouse (a copy
    taken before any decision: what a second `run --sample` gives, without its minutes)."""
    home = tmp_path_factory.mktemp("review-sample")
    run_cli("run", "--sample", home=home)
    fresh = tmp_path_factory.mktemp("review-fresh")
    for name in ("carintel.duckdb", "carintel-read.duckdb"):
        shutil.copyfile(home / name, fresh / name)
    return home, fresh


def listed(home: Path, command: str, *options: str) -> list[dict[str, Any]]:
    result = run_cli("review", command, "--format", "json", *options, home=home)
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def statuses(home: Path) -> dict[str, str]:
    """Every reviewed claim's status, by key."""
    found = {}
    for command in ("events", "mentions", "sentiment", "relevance", "relationships"):
        for row in listed(home, command, "--status", "all"):
            if row["status"] != "unreviewed":
                found[row["key"]] = row["status"]
    return found


def newest_week(home: Path) -> str:
    result = run_cli("sql", "SELECT strftime(max(day), '%G-W%V') FROM timeline", "-f", "csv",
                     home=home)  # fmt: skip
    return result.stdout.strip().splitlines()[-1]


def report_texts(home: Path, week: str) -> str:
    html = (home / "reports" / f"weekly-{week}.html").read_text(encoding="utf-8")
    return html + (home / "reports" / f"weekly-{week}.md").read_text(encoding="utf-8")


def test_decisions_outlive_a_rebuild_and_show_in_the_report(homes: tuple[Path, Path]) -> None:
    home, _ = homes
    week = newest_week(home)
    before = report_texts(home, week)
    week_events = listed(home, "events", "--week", week)
    evidence = [row["evidence"] for row in week_events]
    shown = [
        row
        for row in week_events
        if not row["background"]
        and row["evidence"]
        and row["evidence"] in before
        and evidence.count(row["evidence"]) == 1
    ]
    assert len(shown) >= 2, "the sample's newest week shows at least two new events"
    rejected, edited = shown[0], shown[1]
    new_type = "investment" if edited["type"] != "investment" else "funding"
    run_cli("review", "reject", "event", rejected["key"], "--note", "not news", home=home)
    run_cli("review", "edit", "event", edited["key"], "--type", new_type, home=home)
    mention = listed(home, "mentions", "--week", week)[0]
    run_cli("review", "reject", "mention", mention["key"], home=home)
    tone = listed(home, "sentiment", "--week", week)[0]
    label = "negative" if tone["label"] != "negative" else "positive"
    run_cli("review", "edit", "sentiment", tone["key"], "--label", label, home=home)
    decided = statuses(home)
    assert decided == {
        rejected["key"]: "rejected",
        edited["key"]: "edited",
        mention["key"]: "rejected",
        tone["key"]: "edited",
    }

    run_cli("enrich", "--rebuild", home=home)
    run_cli("report", "weekly", "--week", week, home=home)

    after = report_texts(home, week)
    assert rejected["evidence"] not in after
    assert f"(edited by an analyst) **{new_type.replace('_', ' ')}**" in after
    assert "edited by an analyst</span>" in after
    assert "Analysts reviewed 4 claims" in after
    assert statuses(home) == decided
    events = {row["key"]: row for row in listed(home, "events", "--status", "all")}
    assert events[edited["key"]]["type"] == new_type
    sentiment = {row["key"]: row for row in listed(home, "sentiment", "--status", "all")}
    assert sentiment[tone["key"]]["label"] == label


def test_exported_decisions_give_a_new_home_the_same_statuses(
    homes: tuple[Path, Path], tmp_path: Path
) -> None:
    home, fresh = homes
    decided = statuses(home)
    assert decided, "the test before made decisions"
    assert statuses(fresh) == {}
    shared = tmp_path / "decisions.jsonl"
    run_cli("review", "export", str(shared), home=home)
    run_cli("review", "import", str(shared), home=fresh)
    again = run_cli("review", "import", str(shared), home=fresh)
    assert f"imported 0 decision(s); {len(decided)} were here already" in again.stderr
    assert statuses(fresh) == decided


def test_a_review_while_the_job_holds_the_lock_takes_effect_at_the_next_write_step(
    homes: tuple[Path, Path],
) -> None:
    _, fresh = homes
    key = listed(fresh, "events")[0]["key"]

    def loaded() -> int:
        conn = duckdb.connect(str(fresh / "carintel-read.duckdb"), read_only=True)
        try:  # what any DuckDB client sees: the warehouse's own table, no journal overlay
            found = conn.execute(
                "SELECT count(*) FROM corrections WHERE claim_key = ?", [key]
            ).fetchall()
            return int(found[0][0])
        finally:
            conn.close()

    with writer_lock(fresh / "carintel.lock"):
        busy = run_cli("load", home=fresh, check=False)
        assert busy.returncode == 75
        run_cli("review", "confirm", "event", key, "--by", "ana", home=fresh)
        assert loaded() == 0
        assert {row["key"]: row["status"] for row in listed(fresh, "events", "--status", "all")}[
            key
        ] == "confirmed"
    run_cli("load", home=fresh)
    assert loaded() == 1
