"""The seen-URL store shared by crawl processes on one host."""

from __future__ import annotations

import multiprocessing
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from crawlers.state import SeenStore


def _open_together(path: Path, barrier: Barrier, n: int, results: Queue[str]) -> None:
    barrier.wait()
    try:
        store = SeenStore(path)
        store.add(f"https://example.com/{n}", "source", "run")
        store.close()
        results.put("ok")
    except Exception as exc:  # reported to the test, which shows it
        results.put(repr(exc))


def test_processes_opening_a_new_store_at_once_all_succeed(tmp_path: Path) -> None:
    """Crawl workers started together used to fail with "database is locked" (SQLite refuses
    concurrent switches to WAL without waiting)."""
    context = multiprocessing.get_context("fork")
    workers = 4
    for attempt in range(40):
        path = tmp_path / str(attempt) / "seen.sqlite"
        barrier, results = context.Barrier(workers), context.Queue()
        processes = [
            context.Process(target=_open_together, args=(path, barrier, n, results))
            for n in range(workers)
        ]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=60) for _ in processes]
        for process in processes:
            process.join(60)
        assert outcomes == ["ok"] * workers, f"attempt {attempt}: {outcomes}"
        store = SeenStore(path)
        assert all(f"https://example.com/{n}" in store for n in range(workers))
        store.close()


def test_seen_urls_survive_a_reopen_and_pending_ones_are_written_on_close(tmp_path: Path) -> None:
    store = SeenStore(tmp_path / "seen.sqlite")
    store.add("https://example.com/a", "source", "run-1")
    assert "https://example.com/a" not in store  # buffered until the spider closes
    store.close()
    again = SeenStore(tmp_path / "seen.sqlite")
    assert "https://example.com/a" in again
    assert "https://example.com/b" not in again
    again.close()
