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


def _events(home: Path) -> list[dict[str, Any]]:
    conn = connect_read_only(home / "carintel.duckdb")
    try:
        rows = conn.execute(
            "SELECT event_id, type, event_date, date_precision, date_source, parties FROM events"
        ).fetchall()
    finally:
        conn.close()
    return [
        {"id": r[0], "type": r[1], "date": r[2], "precision": r[3], "source": r[4],
         "parties": {p["entity_id"] for p in json.loads(r[5])}}
        for r in rows
    ]  # fmt: skip


def _stories(home: Path) -> dict[str, str]:
    conn = connect_read_only(home / "carintel.duckdb")
    try:
        return dict(conn.execute("SELECT doc_id, story_id FROM document_stories").fetchall())
    finally:
        conn.close()


@pytest.mark.slow
def test_seed_facts_come_out_of_the_retrospective_article(sample_home: Path) -> None:
    events = _events(sample_home)
    assert any(
        e["type"] in ("partnership", "joint_venture") and e["date"] == "2015-03"
        and e["precision"] == "month" and {"foxconn", "tencent", "harmony_auto"} <= e["parties"]
        for e in events
    )  # fmt: skip
    # "Tencent later left the venture." (merged with the report of the venture's end)
    assert any(e["type"] == "exit_cancellation" and "tencent" in e["parties"] for e in events)
    # "In late 2024, Baidu stopped putting money into Jiyue." (its year; or the month when a
    # report of the same exit dates it more precisely: Jiyue stopped in December 2024)
    assert any(
        e["type"] in ("exit_cancellation", "divestment") and (e["date"] or "")[:4] == "2024"
        and e["precision"] in ("year", "month") and {"baidu", "jiyue"} <= e["parties"]
        for e in events
    )  # fmt: skip


@pytest.mark.slow
def test_syndicated_copies_share_a_story(sample_home: Path) -> None:
    conn = connect_read_only(sample_home / "carintel.duckdb")
    try:
        pairs = conn.execute(
            "SELECT s.story_id, o.story_id FROM document_stories s"
            " JOIN document_stories o ON o.doc_id = s.duplicate_of"
        ).fetchall()
    finally:
        conn.close()
    assert len(pairs) == 2  # the sample site's two syndicated copies
    assert all(a == b for a, b in pairs)


@pytest.mark.slow
def test_running_again_adds_no_duplicates_and_keeps_ids(sample_home: Path) -> None:
    before = counts(sample_home)
    events_before = {e["id"] for e in _events(sample_home)}
    stories_before = _stories(sample_home)
    reports = sorted(p.name for p in (sample_home / "reports").iterdir())
    run_cli("run", "--sample", home=sample_home)
    after = counts(sample_home)
    for key in ("documents", "sources", "entities", "mentions", "latest_week"):
        assert after[key] == before[key], key
    assert sorted(p.name for p in (sample_home / "reports").iterdir()) == reports
    assert {e["id"] for e in _events(sample_home)} == events_before
    assert _stories(sample_home) == stories_before


def _latest_report(home: Path) -> Any:
    from reports import weekly

    conn = connect_read_only(home / "carintel-read.duckdb")
    try:
        week = weekly.latest_week(conn)
        assert week is not None
        return weekly.load_weekly(conn, week), conn.execute(
            "SELECT d.canonical_url, d.title FROM documents d JOIN document_relevance r"
            " USING (doc_id) WHERE NOT r.relevant"
        ).fetchall()
    finally:
        conn.close()


@pytest.mark.slow
def test_what_changed_cites_no_off_topic_document(sample_home: Path) -> None:
    from reports import sections

    report, off_topic = _latest_report(sample_home)
    titles = {title for _, title in off_topic}
    # the sample's phone launches, earnings and AI stories that name the ventures' owners
    known = {
        "Huawei launches Mate 80 series and Mate X7 foldable",
        "Meituan swings to a 16 billion yuan loss as the delivery war bites",
    }
    assert known <= titles
    lead = sections.what_changed_html(report)
    for url, _ in off_topic:
        assert url not in lead
    assert report.changes.claim_counts.off_topic_documents >= 2


@pytest.mark.slow
def test_no_event_dated_more_than_a_month_before_the_week_is_listed_as_new(
    sample_home: Path,
) -> None:
    from datetime import timedelta

    from enrich.events import date_interval

    report, _ = _latest_report(sample_home)
    new = report.changes.new_events
    assert not new.empty
    for row in new.itertuples(index=False):
        if row.event_date is None:
            continue
        interval = date_interval(row.event_date, row.date_precision)
        assert interval is not None and interval[1] >= report.start - timedelta(days=31), row
    background = report.changes.background_events
    assert "2021" in set(background["event_date"].str[:4])  # Jiyue's founding, recalled


@pytest.mark.slow
def test_no_relationship_is_proposed_between_two_co_parents(sample_home: Path) -> None:
    conn = connect_read_only(sample_home / "carintel-read.duckdb")
    try:
        proposed = conn.execute(
            "SELECT subject_id, type, object_id FROM relationships WHERE origin = 'event'"
        ).fetchall()
        parents = conn.execute(
            "SELECT subject_id, object_id FROM relationships"
            " WHERE origin = 'watchlist' AND type = 'jv_parent'"
        ).fetchall()
    finally:
        conn.close()
    ventures: dict[str, set[str]] = {}
    for parent, venture in parents:
        ventures.setdefault(venture, set()).add(parent)
    co_parents = {frozenset((a, b)) for ps in ventures.values() for a in ps for b in ps if a != b}
    assert ("baidu", "jv_parent", "geely") not in proposed
    assert not [p for p in proposed if frozenset((p[0], p[2])) in co_parents]


@pytest.mark.slow
def test_the_run_log_and_status_say_what_precision_enrichment_ran_in(sample_home: Path) -> None:
    log = (sample_home / "logs" / "carintel.log").read_text("utf-8")
    assert "precision: ner " in log and "precision auto = " in log
    status = run_cli("status", home=sample_home).stdout
    assert "CPU bf16 units:" in status
    forced_off = run_cli("status", home=sample_home, env={"CARINTEL_BF16": "0"}).stdout
    assert "precision auto = fp32" in " ".join(forced_off.split())
