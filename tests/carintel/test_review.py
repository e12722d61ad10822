"""Analysts' review: decisions recorded in the journal, honoured by every reader at once and by
the warehouse after its next write step; clear errors; sharing; learning from decisions."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from carintel import api, review
from carintel.ops import lab_command
from carintel.paths import Home
from carintel.review import ReviewError, UnknownClaimError
from carintel_home import JOURNAL
from tests.carintel.test_api import build_warehouse
from warehouse import db
from warehouse.loader import load_journal
from warehouse.snapshot import publish


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The API tests' warehouse, event ids in the form enrichment gives them (ev-...),
    published as the readers' snapshot."""
    build_warehouse(tmp_path / "carintel.duckdb")
    conn = db.connect(tmp_path / "carintel.duckdb")
    try:
        for table in ("timeline_events", "event_parties", "event_reports"):
            conn.execute(f"UPDATE {table} SET event_id = 'ev-' || event_id")
        conn.execute(
            "INSERT INTO event_report_keys SELECT doc_id, sentence_start, type, event_id"
            " FROM event_reports"
        )
        conn.execute("UPDATE relationships SET event_id = 'ev-e1' WHERE origin = 'event'")
        publish(conn, tmp_path / "carintel.duckdb")
    finally:
        conn.close()
    monkeypatch.setattr(api, "warehouse", tmp_path)
    monkeypatch.setenv("USER", "ana")
    return tmp_path


def write_step(home: Path) -> None:
    """What every write step of the job does with the journal: load it, then publish."""
    conn = db.connect(home / "carintel.duckdb")
    try:
        load_journal(conn, home / JOURNAL)
        publish(conn, home / "carintel.duckdb")
    finally:
        conn.close()


def warehouse_rows(home: Path, query: str) -> list[tuple[object, ...]]:
    """Rows of the published snapshot as any DuckDB client sees them (no journal overlay)."""
    conn = duckdb.connect(str(home / "carintel-read.duckdb"), read_only=True)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def test_a_rejected_event_leaves_the_api_at_once_and_the_warehouse_at_the_next_write(
    home: Path,
) -> None:
    assert "ev-e1" in set(api.timeline()["event_id"])
    decision = api.review.reject("event", "ev-e1", note="a rumour")
    assert (decision.kind, decision.status, decision.by, decision.note) == (
        "event", "rejected", "ana", "a rumour",
    )  # fmt: skip
    assert "ev-e1" not in set(api.timeline()["event_id"])
    assert "ev-e1" in set(api.review.events(status="rejected")["key"])
    assert warehouse_rows(home, "SELECT count(*) FROM corrections") == [(0,)]
    write_step(home)
    assert warehouse_rows(home, "SELECT claim_key, decision, reviewer FROM corrections") == [
        ("ev-e1", "reject", "ana")
    ]
    assert warehouse_rows(home, "SELECT count(*) FROM events WHERE event_id = 'ev-e1'") == [(0,)]
    assert warehouse_rows(
        home, "SELECT review_status FROM events_all WHERE event_id = 'ev-e1'"
    ) == [("rejected",)]


def test_loading_the_journal_twice_adds_nothing(home: Path) -> None:
    api.review.reject("event", "ev-e1")
    api.review.confirm("event", "ev-e2")
    write_step(home)
    write_step(home)
    assert warehouse_rows(home, "SELECT count(*) FROM corrections") == [(2,)]


def test_an_edited_event_shows_its_new_type_date_and_parties(home: Path) -> None:
    api.review.edit(
        "event",
        "ev-e2",
        type="investment",
        date="2025-05",
        parties=["Xiaomi:investor", "hima:investee"],
    )
    row = api.timeline().set_index("event_id").loc["ev-e2"]
    assert (row.type, row.event_date, row.date_precision, row.review_status) == (
        "investment", "2025-05", "month", "edited",
    )  # fmt: skip
    assert sorted(row.party_ids) == ["hima", "xiaomi"]
    listed = api.review.events(status="edited").set_index("key").loc["ev-e2"]
    assert (listed.type, listed.model_type) == ("investment", "launch")


def test_confirming_an_edited_event_keeps_the_edit(home: Path) -> None:
    api.review.edit("event", "ev-e2", type="investment")
    api.review.confirm("event", "ev-e2")
    assert api.timeline().set_index("event_id").loc["ev-e2"].type == "investment"


def test_a_confirmed_event_stays_when_a_new_model_no_longer_finds_it(home: Path) -> None:
    api.review.confirm("event", "ev-e3", note="checked the filing")
    conn = db.connect(home / "carintel.duckdb")
    try:  # a new model: the event is gone from the model's tables
        for table in ("timeline_events", "event_parties", "event_reports"):
            conn.execute(f"DELETE FROM {table} WHERE event_id = 'ev-e3'")
        publish(conn, home / "carintel.duckdb")
    finally:
        conn.close()
    row = api.timeline().set_index("event_id").loc["ev-e3"]
    assert (row.type, row.event_date, row.review_status) == (
        "exit_cancellation",
        "2024",
        "confirmed",
    )
    assert sorted(row.party_ids) == ["baidu", "jiyue"]
    assert row.evidence == "e3 reported in d4."


def test_a_decision_about_any_report_of_a_merged_event_applies_to_it(home: Path) -> None:
    conn = db.connect(home / "carintel.duckdb")
    try:  # e1's second report carries a key of its own: re-merging folded it into e1
        conn.execute("UPDATE event_report_keys SET claim_key = 'ev-folded' WHERE doc_id = 'd2'")
        conn.execute(
            "INSERT INTO corrections VALUES ('c-1', 'event', 'ev-folded', 'reject', '{}', '{}',"
            " 'bo', TIMESTAMPTZ '2025-06-01 00:00+00', NULL)"
        )
        publish(conn, home / "carintel.duckdb")
    finally:
        conn.close()
    assert "ev-e1" not in set(api.timeline()["event_id"])


def test_an_unknown_key_kind_or_value_is_a_clear_error_and_writes_nothing(home: Path) -> None:
    with pytest.raises(
        UnknownClaimError, match=r"unknown event key 'ev-nope'.*carintel review events"
    ):
        api.review.reject("event", "ev-nope")
    with pytest.raises(UnknownClaimError, match="Close keys: ev-e4, ev-e3, ev-e2, ev-e1"):
        api.review.reject("event", "ev-e9")
    with pytest.raises(ReviewError, match="unknown kind 'episode'"):
        api.review.reject("episode", "ev-e1")
    with pytest.raises(ReviewError, match="unknown event type 'merger'"):
        api.review.edit("event", "ev-e1", type="merger")
    with pytest.raises(ReviewError, match="invalid date '2025-13'"):
        api.review.edit("event", "ev-e1", date="2025-13")
    with pytest.raises(ReviewError, match=r"unknown entity 'Huawie'.*huawei"):
        api.review.edit("event", "ev-e1", parties=["Huawie:partner"])
    with pytest.raises(ReviewError, match="unknown label 'good'"):
        api.review.edit("sentiment", api.review.sentiment().key[0], label="good")
    with pytest.raises(ReviewError, match="cannot be edited"):
        api.review.edit("mention", api.review.mentions().key[0])
    assert not (home / JOURNAL).exists()


def test_a_unique_key_prefix_names_its_claim(home: Path) -> None:
    key = api.review.mentions().key[0]
    assert api.review.reject("mention", key[:8]).key == key


def test_a_rejected_mention_link_leaves_the_timeline_and_mentions(home: Path) -> None:
    listed = api.review.mentions(status=None)
    key = listed[(listed.doc_id == "d2") & (listed.entity_id == "huawei")].key.item()
    api.review.reject("mention", key, note="the phone maker's store, not the carmaker")
    assert "d2" not in set(api.mentions("huawei")["doc_id"])
    assert "d2" in set(api.mentions("hima")["doc_id"])


def test_an_edited_sentiment_label_moves_the_trend(home: Path) -> None:
    listed = api.review.sentiment()
    key = listed[(listed.doc_id == "d4") & (listed.entity_id == "jiyue")].key.item()
    api.review.edit("sentiment", key, label="positive")
    trend = api.sentiment_trend("jiyue", freq="M")
    assert trend["mean_polarity"].tolist() == [1.0]
    assert trend["positive"].tolist() == [1]


def test_a_relevance_rejection_turns_the_judgement_round(home: Path) -> None:
    conn = db.connect(home / "carintel.duckdb")
    try:
        conn.execute(
            "INSERT INTO document_relevance VALUES ('d1', 0.9, true, 'test'),"
            " ('d3', 0.2, false, 'test')"
        )
        publish(conn, home / "carintel.duckdb")
    finally:
        conn.close()
    listed = api.review.relevance().set_index("doc_id")
    api.review.reject("relevance", listed.loc["d1"].key)
    api.review.edit("relevance", listed.loc["d3"].key, relevant=True)
    after = api.review.relevance(status=None).set_index("doc_id")
    assert (bool(after.loc["d1"].relevant), bool(after.loc["d3"].relevant)) == (False, True)


def test_an_accepted_proposal_is_a_relationship_with_the_analyst_as_its_source(
    home: Path,
) -> None:
    key = api.review.relationships().key.item()
    api.review.confirm("relationship", key, note="confirmed by Xiaomi's filing")
    rows = api.relationships("xiaomi")
    accepted = rows[rows.type == "partner"].iloc[0]
    assert (accepted.review_status, accepted.origin, accepted.source_url) == (
        "accepted", "analyst", "analyst:ana",
    )  # fmt: skip
    assert accepted.note == "confirmed by Xiaomi's filing"
    assert "xiaomi" in set(api.alliances("2025-06-01", entity="hima")["subject_id"])
    assert api.review.relationships(status="confirmed").key.tolist() == [key]


def test_a_rejected_proposal_is_left_out(home: Path) -> None:
    key = api.review.relationships().key.item()
    api.review.reject("relationship", key)
    assert api.relationships("xiaomi", include_proposed=True).empty


def test_export_then_import_twice_gives_the_same_decisions_once(
    home: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    api.review.reject("event", "ev-e1", note="ünïcode <b>note</b>")
    api.review.edit("event", "ev-e2", type="investment")
    shared = tmp_path_factory.mktemp("shared") / "decisions.jsonl"
    assert api.review.export(shared) == 2
    other = tmp_path_factory.mktemp("other")
    build_warehouse(other / "carintel.duckdb")
    first = review.import_decisions(home / "carintel-read.duckdb", shared)
    assert (first.added, first.already) == (0, 2)
    second = review.import_decisions(other / "carintel.duckdb", shared)
    third = review.import_decisions(other / "carintel.duckdb", shared)
    assert (second.added, third.added, third.already) == (2, 0, 2)
    assert (other / JOURNAL).read_text(encoding="utf-8") == (home / JOURNAL).read_text(
        encoding="utf-8"
    )


def test_an_import_with_one_bad_line_adds_nothing(home: Path, tmp_path: Path) -> None:
    api.review.reject("event", "ev-e1")
    good = (home / JOURNAL).read_text(encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    line = json.loads(good)
    line.pop("id")
    other = {**line, "key": "ev-e2", "decision": "approve"}
    bad.write_text(json.dumps({**line, "key": "ev-e3"}) + "\n" + json.dumps(other) + "\n", "utf-8")
    with pytest.raises(
        ReviewError, match=r"nothing imported: 1 line.*bad.jsonl:2: unknown decision"
    ):
        review.import_decisions(home / "carintel-read.duckdb", bad)
    assert (home / JOURNAL).read_text(encoding="utf-8") == good


def test_decisions_become_training_examples_rejections_as_negatives(home: Path) -> None:
    api.review.reject("event", "ev-e1")
    api.review.edit("event", "ev-e2", type="investment")
    api.review.confirm("event", "ev-e3")
    api.review.reject("event", "ev-e3")  # the latest decision wins
    sentiment = api.review.sentiment()
    api.review.edit("sentiment", sentiment.key[0], label="negative")
    events = {row["text"]: row["type"] for row in api.review.training_examples("events")}
    assert events == {
        "e1 reported in d1.": "none",
        "e2 reported in d3.": "investment",
        "e3 reported in d4.": "none",
    }
    tones = api.review.training_examples("sentiment")
    assert [(row["entity"], row["label"]) for row in tones] == [
        (sentiment.entity_name[0], "negative")
    ]


def test_the_review_panel_decides_with_one_click(home: Path) -> None:
    from carintel.review_widgets import claim_html, review_panel

    calls: list[tuple[str, str, str | None]] = []

    def confirm(kind: str, key: str, note: str | None = None) -> object:
        calls.append((kind, key, note))
        return review.decide(home / "carintel-read.duckdb", kind, key, "confirm", note=note)

    claims = api.review.events()
    panel = review_panel(claims, "events", confirm=confirm, reject=confirm)
    first = panel.children[0]
    note, confirm_button, _, result = first.children[1].children
    note.value = "seen it"
    confirm_button.click()
    assert calls == [("event", claims.key[0], "seen it")]
    assert "confirmed" in result.value and confirm_button.disabled
    hostile = claim_html("event", {"key": "ev-x", "evidence": "<script>alert(1)</script>"})
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile


def test_lab_passes_allow_root_only_as_root() -> None:
    home = Home(Path("/tmp/lab-home"))
    assert "--allow-root" in lab_command(home, as_root=True)
    assert "--allow-root" not in lab_command(home, as_root=False)


def test_training_with_corrections_changes_a_tiny_heads_predictions_on_them(
    home: Path, tmp_path: Path
) -> None:
    """The event head learns the analysts' labels: a rejected event's sentence becomes "none",
    an edited one takes the new type (a tiny random encoder; the bundled head is untouched)."""
    import numpy as np

    from enrich.models import tiny_random_encoder
    from enrich.training import events as training

    api.review.reject("event", "ev-e1")
    api.review.edit("event", "ev-e2", type="investment")
    train_file = tmp_path / "train.jsonl"
    written = [
        ("e1 reported in d1.", "partnership"),
        ("e2 reported in d3.", "launch"),
        ("Seres and Huawei extended their alliance.", "partnership"),
        ("Xiaomi delivered 40,000 cars in October.", "delivery_sales"),
        ("The weather in Wuhan was mild.", "none"),
    ]
    train_file.write_text(
        "".join(json.dumps({"text": t, "type": k}) + "\n" for t, k in written), "utf-8"
    )
    encoder = tiny_random_encoder(seed=3)
    corrected = ["e1 reported in d1.", "e2 reported in d3."]

    def predictions(rows: list[dict[str, object]]) -> list[str]:
        texts = [str(r["text"]) for r in rows]
        weight, bias = training.fit_head(
            training.head_inputs(encoder, texts, None), [str(r["type"]) for r in rows], l2=1e-6
        )
        logits = training.head_inputs(encoder, corrected, None) @ weight.T + bias
        return [training.LABELS[int(i)] for i in np.argmax(logits, axis=1)]

    before = predictions(training.training_rows(train_file, extra=False))
    examples = api.review.training_examples("events")
    after = predictions(training.training_rows(train_file, extra=False, corrections=examples))
    assert before == ["partnership", "launch"]
    assert after == ["none", "investment"]


def test_a_head_trained_with_corrections_never_replaces_a_bundled_one(tmp_path: Path) -> None:
    from enrich.events import EVENTS_DIR

    assert (
        review.corrected_model_dir(tmp_path)
        == (tmp_path / "models" / "events-with-corrections").resolve()
    )
    with pytest.raises(ReviewError, match="holds a bundled model"):
        review.corrected_model_dir(tmp_path, EVENTS_DIR)


def test_the_readers_overlay_is_not_listed_as_a_table_of_the_warehouse(home: Path) -> None:
    from warehouse import catalog

    api.review.reject("event", "ev-e1")
    conn = db.connect_read_only(home / "carintel-read.duckdb")
    try:
        names = [name for name, _, _ in catalog.objects(conn)]
        columns = [(owner, column) for owner, column, _, _ in catalog.columns(conn)]
    finally:
        conn.close()
    assert names.count("corrections") == 1
    assert columns.count(("corrections", "claim_key")) == 1


def test_events_of_a_document_an_analyst_judged_off_topic_leave_the_timeline(home: Path) -> None:
    conn = db.connect(home / "carintel.duckdb")
    try:
        conn.execute("INSERT INTO document_relevance VALUES ('d4', 0.9, true, 'test')")
        publish(conn, home / "carintel.duckdb")
    finally:
        conn.close()
    key = api.review.relevance().set_index("doc_id").loc["d4"].key
    api.review.edit("relevance", key, relevant=False, note="a court listing")
    assert "ev-e3" not in set(api.timeline()["event_id"])
    assert "ev-e1" in set(api.timeline()["event_id"])


def test_the_review_table_prints_hostile_text_as_written(home: Path) -> None:
    from typer.testing import CliRunner

    from carintel.cli import app

    conn = db.connect(home / "carintel.duckdb")
    try:
        conn.execute(
            "UPDATE documents SET title = '[/bold] [link=x]Cheap[/link]' WHERE doc_id = 'd1'"
        )
        publish(conn, home / "carintel.duckdb")
    finally:
        conn.close()
    result = CliRunner().invoke(app, ["--home", str(home), "review", "mentions"])
    assert result.exit_code == 0, result.output
    assert "[/bold]" in result.output and "[link=x]" in result.output  # not read as markup
    listed = CliRunner().invoke(app, ["--home", str(home), "review", "events", "--format", "json"])
    assert {row["key"] for row in json.loads(listed.output)} == {"ev-e1", "ev-e2", "ev-e3", "ev-e4"}


def test_training_with_corrections_without_decisions_says_how_to_make_some(home: Path) -> None:
    from typer.testing import CliRunner

    from carintel.cli import app

    for kind, hint in (("sentiment", "review edit sentiment KEY --label"), ("events", "event")):
        result = CliRunner().invoke(
            app, ["--home", str(home), "models", "train", kind, "--with-corrections"]
        )
        assert result.exit_code == 1, result.output
        assert f"no {kind} decisions to learn from" in result.output
        assert hint in " ".join(result.output.split())
        assert not (home / "models" / f"{kind}-with-corrections").exists()
    result = CliRunner().invoke(
        app, ["--home", str(home), "models", "train", "ner", "--with-corrections"]
    )
    assert result.exit_code == 1 and "event head or the sentiment model" in result.output
    assert (
        review.corrected_model_dir(home, kind="sentiment")
        == (home / "models" / "sentiment-with-corrections").resolve()
    )


def test_compare_scores_the_bundled_and_the_new_model_side_by_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--compare` runs the same dev-set evaluation once with the bundled model and once with
    the new folder configured (the evaluation itself is stubbed: it is the claims pipeline)."""
    from carintel import claims, corrections
    from carintel.config import EnrichConfig, load_watchlist

    seen: list[tuple[str, object]] = []

    def evaluate_claims(watchlist: object, config: EnrichConfig, splits: list[str], **_: object):  # type: ignore[no-untyped-def]
        assert config.sentiment is not None and splits == ["dev"]
        seen.append((config.sentiment.source, config.events))
        new = config.sentiment.source != "bundled"
        return {"dev": {"entity_sentiment_accuracy": 0.9 if new else 0.8,
                        "entity_sentiment_macro_f1": 0.7}}  # fmt: skip

    monkeypatch.setattr(claims, "evaluate_claims", evaluate_claims)
    rows = corrections.compare(
        "sentiment", tmp_path, load_watchlist(), EnrichConfig(), say=lambda _: None
    )
    assert seen == [("bundled", None), (str(tmp_path), None)]  # events off: not compared
    assert rows["claims dev entity-sentiment accuracy"] == {"bundled": 0.8, "new": 0.9}
    lines = corrections.format_comparison(rows)
    assert lines[1].split()[-3:] == ["0.800", "0.900", "+0.100"]
    with pytest.raises(corrections.CarintelError, match="events or sentiment"):
        corrections.compare("ner", tmp_path, load_watchlist(), EnrichConfig())
    with pytest.raises(corrections.CarintelError, match="no folder"):
        corrections.compare("sentiment", tmp_path / "missing", load_watchlist(), EnrichConfig())
