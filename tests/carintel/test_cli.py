"""The command line as users and schedulers see it: messages, exit codes, read-only SQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from warehouse import connect
from warehouse.loader import load_landing

ITEM = {
    "url": "https://news.example/a/1",
    "canonical_url": "https://news.example/a/1",
    "source": "example",
    "source_kind": "feed",
    "kind": "article",
    "title": "Xiaomi opens SU7 orders",
    "text": "Xiaomi opened orders for the SU7. " * 20,
    "published_at": "2025-05-12T09:30:00+08:00",
    "published_at_source": "meta",
    "author": None,
    "language": "en",
    "fetched_at": "2025-05-13T00:00:00+00:00",
    "http_status": 200,
    "content_hash": "h1",
    "crawl_run_id": "run1",
    "warc_file": None,
    "warc_record_id": None,
    "warc_payload_digest": None,
}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    landing = tmp_path / "landing" / "run1"
    landing.mkdir(parents=True)
    (landing / "items-feeds.jsonl").write_text(json.dumps(ITEM) + "\n", encoding="utf-8")
    conn = connect(tmp_path / "carintel.duckdb")
    load_landing(conn, tmp_path / "landing")
    conn.close()
    return tmp_path


def test_sql_refuses_writes_with_a_clear_message_and_changes_nothing(home: Path) -> None:
    result = run_cli("sql", "delete from documents", home=home, check=False)
    assert result.returncode != 0
    assert "read-only" in result.stderr and "DELETE" in result.stderr
    assert "Traceback" not in result.stderr
    sneaky = run_cli("sql", "select 1; drop table documents", home=home, check=False)
    assert sneaky.returncode != 0
    count = run_cli("sql", "select count(*) as n from documents", "--format", "csv", home=home)
    assert count.stdout.splitlines() == ["n", "1"]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", "title\nXiaomi opens SU7 orders\n"),
        ("json", '{"title":"Xiaomi opens SU7 orders"}\n'),
    ],
)
def test_sql_formats(home: Path, fmt: str, expected: str) -> None:
    result = run_cli("sql", "select title from documents", "--format", fmt, home=home)
    assert result.stdout == expected


def test_sql_table_format_and_parquet_file(home: Path, tmp_path: Path) -> None:
    table = run_cli("sql", "select title from documents", home=home)
    assert "Xiaomi opens SU7 orders" in table.stdout and "1 row(s)" in table.stdout
    target = tmp_path / "out.parquet"
    run_cli("sql", "select * from documents", "-f", "parquet", "--out", str(target), home=home)
    assert target.read_bytes()[:4] == b"PAR1"


def test_sql_without_a_warehouse_says_what_to_do(tmp_path: Path) -> None:
    result = run_cli("sql", "select 1", home=tmp_path / "empty", check=False)
    assert result.returncode == 4
    assert "carintel run" in result.stderr


def test_home_option_is_accepted_after_the_command_too(home: Path) -> None:
    result = run_cli("sql", "select count(*) as n from documents", "-f", "csv", "--home", str(home))
    assert result.stdout.splitlines() == ["n", "1"]


def test_annotate_three_documents_follows_the_contract(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    docs = [
        {"id": "a", "title": "Huawei and Seres", "text": "Huawei (华为) works with Seres on AITO."},
        {"id": "b", "text": "JD.com, GAC and CATL built a car together."},
        {"id": 3, "text": "A union meeting about jackets; nothing to link here."},
    ]
    lines = [json.dumps(d, ensure_ascii=False) for d in docs] + ["{not json", '{"id": "x"}']
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = run_cli("annotate", str(source), "-o", str(target))
    assert "skipped 2" in result.stderr
    out = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "3"]
    for record in out:
        assert set(record) == {
            "id", "relevant", "relevance", "language", "entities",
            "sentiment", "entity_sentiment", "events",
        }  # fmt: skip
        assert record["sentiment"]["label"] in {"positive", "neutral", "negative"}
        assert 0 <= record["relevance"] <= 1 and isinstance(record["relevant"], bool)
        for tone in record["entity_sentiment"]:
            assert tone["label"] in {"positive", "neutral", "negative"}
            assert {"entity", "label", "score"} <= set(tone)
        for event in record["events"]:
            assert set(event) == {
                "type", "date", "date_precision", "parties", "evidence", "confidence",
            }  # fmt: skip
    first = {e["id"]: e for e in out[0]["entities"]}
    assert {"huawei", "seres"} <= set(first)
    assert {t["entity"] for t in out[0]["entity_sentiment"]} >= {"Huawei", "Seres Group"}
    mention = first["huawei"]["mentions"][-1]
    text = docs[0]["text"] if mention["field"] == "text" else docs[0]["title"]
    assert text[mention["start"] : mention["end"]] == mention["text"]
    assert {e["id"] for e in out[1]["entities"]} >= {"jd", "gac", "catl"}
    assert out[2]["entities"] == [] and out[2]["events"] == []


def test_bad_sources_file_exits_2_naming_file_and_entry(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("feeds:\n  - name: x\n    url: ftp://nope\n", encoding="utf-8")
    result = run_cli("crawl", "--sources", str(bad), home=tmp_path, check=False)
    assert result.returncode == 2
    assert str(bad) in result.stderr and "feeds[0] (x).url" in result.stderr


def test_every_command_has_help() -> None:
    for command in ("init", "crawl", "load", "enrich", "run", "sql", "status", "annotate"):
        result = run_cli(command, "--help")
        assert "--home" in result.stdout or command == "annotate"
    assert "weekly" in run_cli("report", "--help").stdout


def test_schedule_prints_cron_and_systemd_entries(tmp_path: Path) -> None:
    cron = run_cli("schedule", "--print", "cron", "--day", "0", "--at", "06:30", home=tmp_path)
    line = next(x for x in cron.stdout.splitlines() if not x.startswith("#"))
    assert line.startswith("30 6 * * 1 ") and f"CARINTEL_HOME={tmp_path}" in line
    assert line.split(" >> ")[0].endswith(" run")
    systemd = run_cli("schedule", "--print", "systemd", "--day", "4", home=tmp_path).stdout
    assert "OnCalendar=Fri *-*-* 06:00:00" in systemd and "SuccessExitStatus=75" in systemd
    bad = run_cli("schedule", "--at", "25:00", home=tmp_path, check=False)
    assert bad.returncode == 1 and "not a time" in bad.stderr


def test_schema_lists_views_and_column_comments(home: Path) -> None:
    text = run_cli("schema", home=home).stdout
    assert "view timeline" in text and "table documents" in text
    assert "rel=canonical" in text  # a column comment from the migrations


def test_export_parquet_writes_every_table_and_view(home: Path, tmp_path: Path) -> None:
    import duckdb

    target = tmp_path / "pq"
    run_cli("export", "parquet", str(target), home=home)
    names = {p.stem for p in target.glob("*.parquet")}
    assert {"documents", "mentions", "timeline", "entity_daily"} <= names
    rows = duckdb.sql(f"select count(*) from read_parquet('{target / 'documents.parquet'}')")
    assert rows.fetchall() == [(1,)]


def test_writing_commands_log_to_the_home_log_file(home: Path) -> None:
    run_cli("load", home=home)
    log = (home / "logs" / "carintel.log").read_text(encoding="utf-8")
    assert "carintel load" in log and "loaded 0 new landing file(s)" in log


def test_models_eval_events_prints_macro_f1_and_date_accuracy() -> None:
    result = run_cli("models", "eval", "events", timeout=300)
    assert "macro" in result.stdout.lower() and "date" in result.stdout.lower()


def test_models_rejects_an_unknown_kind() -> None:
    result = run_cli("models", "train", "poetry", check=False)
    assert result.returncode == 1 and "ner, sentiment, events" in result.stderr


def test_without_the_fetched_encoder_enrichment_says_to_fetch_it_and_writes_nothing(
    tmp_path: Path,
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "Xiaomi shares rose."}\n', encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = run_cli(
        "annotate",
        str(source),
        "-o",
        str(target),
        check=False,
        env={"CARINTEL_MODELS_HOME": str(tmp_path / "no-models")},
    )
    assert result.returncode != 0
    assert "carintel models fetch" in result.stderr
    assert "bundled-minilm" in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()


def test_the_smaller_models_need_nothing_fetched(tmp_path: Path) -> None:
    config = tmp_path / "enrich.yaml"
    config.write_text(
        "sentiment:\n  source: bundled-minilm\nevents:\n  source: bundled-minilm\n",
        encoding="utf-8",
    )
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "Xiaomi shares soared."}\n', encoding="utf-8")
    target = tmp_path / "out.jsonl"
    run_cli(
        "annotate",
        str(source),
        "-o",
        str(target),
        "--models",
        str(config),
        env={"CARINTEL_MODELS_HOME": str(tmp_path / "no-models")},
    )
    (record,) = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert record["sentiment"]["label"] in {"positive", "neutral", "negative"}
