from __future__ import annotations

from pathlib import Path

from warehouse import connect


def _run(conn, source: str, n: int, items: int, new: int, errors: int, requests: int = 10) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        "INSERT INTO source_runs VALUES (?, 'feeds', ?, ?::TIMESTAMPTZ, ?, ?, ?, 0, 0, '{}', ?)",
        [f"run{n:02d}", source, f"2025-05-{n:02d} 06:00:00+00", requests, items, errors, new],
    )


def test_a_source_with_no_new_documents_for_three_runs_is_quiet(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    for n, new in enumerate([4, 2, 0, 0, 0], start=1):
        _run(conn, "sleepy", n, items=new, new=new, errors=0)
    for n, new in enumerate([4, 0, 0, 1], start=1):
        _run(conn, "lively", n, items=new, new=new, errors=0)
    rows = dict(conn.execute("SELECT source, quiet FROM source_health").fetchall())
    assert rows == {"sleepy": True, "lively": False}
    assert conn.execute(
        "SELECT runs_without_new FROM source_health WHERE source = 'sleepy'"
    ).fetchall() == [(3,)]


def test_a_jump_in_the_error_rate_is_flagged(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    for n, errors in enumerate([0, 1, 0, 8], start=1):
        _run(conn, "breaking", n, items=5, new=5, errors=errors)
    for n, errors in enumerate([6, 7, 6, 7], start=1):
        _run(conn, "always_flaky", n, items=5, new=5, errors=errors)
    rows = dict(conn.execute("SELECT source, errors_jumped FROM source_health").fetchall())
    assert rows == {"breaking": True, "always_flaky": False}
