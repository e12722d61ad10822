"""The review journal: its format, checked line by line; loaded into the warehouse once per
decision in one transaction; overlaid on readers' connections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carintel_home import JOURNAL, journal_file
from warehouse import WarehouseError, db
from warehouse.journal import Correction, CorrectionError, parse_correction, read_journal
from warehouse.loader import load_journal
from warehouse.snapshot import publish


def decision(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "kind": "event",
        "key": "ev-0123456789abcdef",
        "decision": "reject",
        "values": {},
        "claim": {"type": "launch", "evidence": "Xiaomi launched the YU7."},
        "by": "ana",
        "at": "2025-11-24T09:30:00+00:00",
        "note": None,
    }
    return {**base, **changes}


def test_a_decision_is_named_by_a_hash_of_its_content() -> None:
    one = parse_correction(decision())
    assert one.id == parse_correction(decision()).id
    assert one.id != parse_correction(decision(note="why")).id
    assert parse_correction(json.loads(one.line())) == one


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "vibe"}, "unknown kind 'vibe'"),
        ({"key": "mn-0123"}, "not a event key"),
        ({"decision": "approve"}, "unknown decision 'approve'"),
        ({"decision": "edit", "values": {}}, "an edit of a event sets type"),
        ({"decision": "edit", "values": {"colour": "red"}}, r"\(not colour\)"),
        ({"kind": "mention", "key": "mn-1", "decision": "edit", "values": {"x": 1}},
         "cannot be edited"),
        ({"values": {"type": "launch"}}, "only an edit carries values"),
        ({"by": " "}, "'by' names who decided"),
        ({"at": "yesterday"}, "not an ISO 8601 time"),
        ({"at": "2025-11-24T09:30:00"}, "no UTC offset"),
        ({"id": "c-forged"}, "does not match"),
        ({"kind": "mention", "key": "mn-1"}, "names its document"),
    ],
)  # fmt: skip
def test_an_invalid_decision_says_what_is_wrong(changes: dict[str, object], message: str) -> None:
    with pytest.raises(CorrectionError, match=message):
        parse_correction(decision(**changes))


def test_an_incomplete_last_line_waits_and_bad_lines_are_counted(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    good = parse_correction(decision()).line()
    journal.write_text(good + "not json\n" + good[:20], encoding="utf-8")
    read = read_journal(journal)
    assert [c.key for c in read.corrections] == ["ev-0123456789abcdef"]
    assert [number for number, _ in read.bad] == [2]
    assert read_journal(tmp_path / "missing.jsonl").corrections == ()


def setup_home(tmp_path: Path, *corrections: Correction) -> Path:
    journal = journal_file(tmp_path / "carintel.duckdb")
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text("".join(c.line() for c in corrections), encoding="utf-8")
    return journal


def test_loading_the_journal_twice_adds_each_decision_once(tmp_path: Path) -> None:
    journal = setup_home(
        tmp_path, parse_correction(decision()), parse_correction(decision(note="again"))
    )
    conn = db.connect(tmp_path / "carintel.duckdb")
    try:
        assert load_journal(conn, journal) == 2
        assert load_journal(conn, journal) == 0
        assert conn.execute("SELECT count(*) FROM corrections").fetchall() == [(2,)]
    finally:
        conn.close()


def test_readers_see_decisions_the_writer_has_not_loaded(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "carintel.duckdb")
    publish(conn, tmp_path / "carintel.duckdb")
    conn.close()
    setup_home(tmp_path, parse_correction(decision()))
    reader = db.connect_read_only(tmp_path / "carintel-read.duckdb")
    try:
        assert reader.execute("SELECT claim_key, status FROM claim_decisions").fetchall() == [
            ("ev-0123456789abcdef", "rejected")
        ]
    finally:
        reader.close()
    assert (tmp_path / JOURNAL).exists()


def test_a_journal_that_cannot_be_loaded_leaves_nothing(tmp_path: Path) -> None:
    journal = setup_home(tmp_path, parse_correction(decision()))
    conn = db.connect(tmp_path / "carintel.duckdb")
    try:
        conn.execute("ALTER TABLE corrections ADD COLUMN must_be_set VARCHAR NOT NULL")
        with pytest.raises(WarehouseError, match="loading the review journal"):
            load_journal(conn, journal)
        assert conn.execute("SELECT count(*) FROM corrections").fetchall() == [(0,)]
    finally:
        conn.close()


def test_views_are_created_after_the_views_they_read() -> None:
    order = [name for name, _ in db.views_in_order()]
    assert order.index("claim_decisions.sql") < order.index("events_all.sql")
    assert (
        order.index("events_all.sql") < order.index("events.sql") < order.index("event_roles.sql")
    )
    assert order.index("reviewed_mentions.sql") < order.index("timeline.sql")
    assert order.index("reviewed_entity_sentiment.sql") < order.index("entity_daily.sql")
