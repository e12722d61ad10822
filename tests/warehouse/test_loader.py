from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from warehouse import connect
from warehouse.loader import load_landing, sync_watchlist


def item(n: int, **overrides: Any) -> dict[str, Any]:
    record = {
        "url": f"https://news.example/a/{n}?utm_source=rss",
        "canonical_url": f"https://news.example/a/{n}",
        "source": "example",
        "source_kind": "feed",
        "kind": "article",
        "title": f"Article {n}",
        "text": f"Body of article number {n}. " * 20,
        "published_at": "2025-05-12T09:30:00+08:00",
        "published_at_source": "meta",
        "author": "A. Writer",
        "language": "en",
        "fetched_at": "2025-05-13T00:00:00+00:00",
        "http_status": 200,
        "content_hash": f"hash-{n}",
        "crawl_run_id": "run1",
        "warc_file": "run1/responses-feeds.warc.gz",
        "warc_record_id": f"<urn:uuid:{n:08d}>",
        "warc_payload_digest": "sha1:AAAA",
    }
    record.update(overrides)
    return record


def write_run(landing: Path, run: str, records: list[Any], extra_lines: list[str] = ()) -> Path:  # type: ignore[assignment]
    path = landing / run / "items-feeds.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
        for line in extra_lines:
            f.write(line + "\n")
    return path


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a user queries, without load timestamps."""
    conn = connect(db)
    try:
        return {
            "documents": conn.execute("SELECT * FROM documents ORDER BY doc_id").fetchall(),
            "document_urls": conn.execute("SELECT * FROM document_urls ORDER BY url").fetchall(),
            "landing_files": conn.execute(
                "SELECT path, sha256, lines, documents_added, duplicates, rejected"
                " FROM landing_files ORDER BY path"
            ).fetchall(),
        }
    finally:
        conn.close()


def test_loading_twice_adds_nothing(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_run(landing, "run1", [item(i) for i in range(5)])
    conn = connect(tmp_path / "w.duckdb")
    first = load_landing(conn, landing)
    second = load_landing(conn, landing)
    assert first.documents_added == 5
    assert second.documents_added == 0 and second.files_loaded == 0
    assert conn.execute("SELECT count(*) FROM documents").fetchall() == [(5,)]


def test_duplicates_by_canonical_url_and_content_hash_are_not_stored(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    records = [
        item(1),
        item(1, url="https://news.example/a/1?utm_medium=feed"),  # same canonical URL
        item(
            2,
            canonical_url="https://mirror.example/copy",
            url="https://mirror.example/copy",
            content_hash="hash-1",
        ),  # same content elsewhere
        item(3),
    ]
    write_run(landing, "run1", records)
    write_run(landing, "run2", [item(3, crawl_run_id="run2")])  # seen in an earlier run
    conn = connect(tmp_path / "w.duckdb")
    result = load_landing(conn, landing)
    assert result.documents_added == 2
    assert result.duplicates == 3
    urls = dict(conn.execute("SELECT url, reason FROM document_urls").fetchall())
    assert urls["https://mirror.example/copy"] == "same_content"
    assert urls["https://news.example/a/1?utm_medium=feed"] == "same_canonical"


def test_malformed_lines_are_counted_and_the_rest_loads(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_run(
        landing,
        "run1",
        [item(1), item(2)],
        ['{"url": "https://x"', "not json", json.dumps({"url": "https://lacks-text"})],
    )
    conn = connect(tmp_path / "w.duckdb")
    result = load_landing(conn, landing)
    assert (result.documents_added, result.rejected) == (2, 3)


def test_a_file_that_grew_loads_only_its_new_documents(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_run(landing, "run1", [item(1)])
    conn = connect(tmp_path / "w.duckdb")
    load_landing(conn, landing)
    write_run(landing, "run1", [item(2)])
    again = load_landing(conn, landing)
    assert again.documents_added == 1 and again.duplicates == 1


def test_publication_time_is_stored_as_an_instant(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_run(landing, "run1", [item(1)])
    conn = connect(tmp_path / "w.duckdb")
    load_landing(conn, landing)
    day, hour = conn.execute(
        "SELECT day, hour(timezone('UTC', published_at)) FROM timeline"
    ).fetchall()[0]
    assert (str(day), hour) == ("2025-05-12", 1)


def test_watchlist_sync_replaces_aliases_and_keeps_removed_entities(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    entity = {"id": "nio", "name": "NIO", "type": "company"}
    alias = {"entity_id": "nio", "alias": "NIO", "case_sensitive": True, "lang": "en"}
    rel = {"subject": "nio", "type": "partner", "object": "nio", "since": "2020"}
    sync_watchlist(conn, [entity], [alias], [rel])
    sync_watchlist(conn, [entity], [alias], [rel])
    assert conn.execute("SELECT count(*) FROM aliases").fetchall() == [(1,)]
    assert conn.execute("SELECT count(*) FROM relationships").fetchall() == [(1,)]
    sync_watchlist(conn, [], [], [])
    assert conn.execute("SELECT entity_id, in_watchlist FROM entities").fetchall() == [
        ("nio", False)
    ]


def _with_unlinked(tmp_path: Path, rows: list[tuple[int, str, str]]) -> duckdb.DuckDBPyConnection:
    """A warehouse of two documents and these unlinked mentions: (document 0 or 1, surface,
    label)."""
    conn = connect(tmp_path / "w.duckdb")
    write_run(tmp_path / "landing", "run1", [item(1), item(2)])
    load_landing(conn, tmp_path / "landing")
    doc_ids = [row[0] for row in conn.execute("SELECT doc_id FROM documents").fetchall()]
    for n, (doc, surface, label) in enumerate(rows):
        conn.execute(
            "INSERT INTO unlinked_mentions VALUES (?, 'text', ?, ?, ?, ?, ?, 0.9)",
            [doc_ids[doc], n * 10, n * 10 + 5, surface, surface.lower(), label],
        )
    return conn


def test_not_organisations_leave_emerging_entities_and_stay_in_unlinked_mentions(
    tmp_path: Path,
) -> None:
    conn = _with_unlinked(
        tmp_path, [(0, "Robotaxi", "ORG"), (1, "Robotaxi", "ORG"), (1, "Acme Mobility", "ORG")]
    )

    def emerging() -> list[str]:
        return [r[0] for r in conn.execute("SELECT name FROM emerging_entities").fetchall()]

    assert emerging() == ["Robotaxi", "Acme Mobility"]
    sync_watchlist(conn, [], [], [], [{"name_key": "robotaxi", "name": "Robotaxi"}])
    assert emerging() == ["Acme Mobility"]
    assert conn.execute("SELECT count(*) FROM unlinked_mentions").fetchall() == [(3,)]
    sync_watchlist(conn, [], [], [])  # taken off the list: back in the view
    assert emerging() == ["Robotaxi", "Acme Mobility"]


def test_a_name_tagged_a_place_more_often_than_an_organisation_is_no_candidate(
    tmp_path: Path,
) -> None:
    rows = [
        (0, "Hong Kong", "ORG"),  # "the Hong Kong stock exchange"
        (0, "Hong Kong", "LOC"),
        (1, "Hong Kong", "LOC"),
        (0, "Chongqing", "ORG"),  # as often ORG as LOC: kept
        (1, "Chongqing", "LOC"),
        (1, "Lei Jun", "PER"),  # people are kept, never candidates
    ]
    conn = _with_unlinked(tmp_path, rows)
    candidates = conn.execute("SELECT surface, label FROM candidate_mentions").fetchall()
    assert candidates == [("Chongqing", "ORG")]
    emerging = conn.execute("SELECT name FROM emerging_entities").fetchall()
    assert emerging == [("Chongqing",)]


LOAD_SCRIPT = """
import sys
from pathlib import Path
from warehouse import connect
from warehouse.loader import load_landing
conn = connect(Path(sys.argv[1]))
load_landing(conn, Path(sys.argv[2]),
             lambda n, total, name: print(f"loaded {n}/{total}", flush=True))
"""


@pytest.mark.slow
def test_a_load_killed_half_way_then_rerun_equals_an_uninterrupted_load(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    for run in range(12):
        write_run(
            landing,
            f"run{run:02d}",
            [item(run * 1000 + i, crawl_run_id=f"run{run:02d}") for i in range(400)],
        )
    killed_db = tmp_path / "killed.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", LOAD_SCRIPT, str(killed_db), str(landing)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = ""
    deadline = time.monotonic() + 120
    while "loaded 4/" not in line and time.monotonic() < deadline:
        line = proc.stdout.readline()
    time.sleep(0.05)  # let it get into the middle of the next file's transaction
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL

    partial = snapshot(killed_db)
    assert 0 < len(partial["landing_files"]) < 12, "the kill should land half-way"

    subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT, str(killed_db), str(landing)],
        check=True,
        capture_output=True,
    )
    clean_db = tmp_path / "clean.duckdb"
    subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT, str(clean_db), str(landing)],
        check=True,
        capture_output=True,
    )
    assert snapshot(killed_db) == snapshot(clean_db)
    assert len(snapshot(clean_db)["documents"]) == 12 * 400


def test_every_table_column_and_view_is_commented(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    tables = "SELECT table_name FROM duckdb_tables() WHERE comment IS NULL"
    views = "SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL"
    columns = (
        "SELECT c.table_name || '.' || c.column_name FROM duckdb_columns() c"
        " JOIN duckdb_tables() t USING (table_oid) WHERE c.comment IS NULL"
    )
    assert conn.execute(tables).fetchall() == []
    assert conn.execute(views).fetchall() == []
    assert conn.execute(columns).fetchall() == []
