"""What a crawl remembers between runs: per-source cursors and the URLs already fetched.

- Cursors (`state/cursors/SPIDER/SOURCE.json`): whatever lets a source's next run ask only for
  what is new (Algolia `created_at_i`, Mastodon `min_id`, GDELT `startdatetime`, a feed's ETag
  and Last-Modified). Saved when the spider closes, only for a run that finished normally.
- Seen URLs (`state/seen.sqlite`): canonical URLs of article pages already fetched, so that a
  second run does not download them again. SQLite in WAL mode, safe for several crawl processes
  on one host; across hosts, run with `--redis` (a shared dupefilter) instead.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any


class CursorStore:
    def __init__(self, root: Path, spider: str) -> None:
        self.folder = root / "cursors" / spider
        self._cursors: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()

    def _path(self, source: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in source)
        return self.folder / f"{safe}.json"

    def get(self, source: str) -> dict[str, Any]:
        """The source's cursor (a dict, empty on the first run). Mutate it via `update`."""
        if source not in self._cursors:
            path = self._path(source)
            try:
                self._cursors[source] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._cursors[source] = {}
        return dict(self._cursors[source])

    def update(self, source: str, **values: Any) -> None:
        current = self.get(source)
        current.update(values)
        self._cursors[source] = current
        self._dirty.add(source)

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for source in sorted(self._dirty):
            path = self._path(source)
            tmp = path.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(self._cursors[source], sort_keys=True), encoding="utf-8")
            tmp.replace(path)
        self._dirty.clear()


class SeenStore:
    """Canonical URLs already fetched. Additions are buffered and written by `flush` when the
    spider closes: if the crawl dies before its items are safely on disk, the next run fetches
    those pages again (and the loader drops any duplicate)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        # Switching a new database to WAL needs an exclusive lock, and SQLite answers "database
        # is locked" at once (no busy wait: it would deadlock) when two processes try together,
        # as crawl workers started at the same moment do. One opener at a time, then.
        with (path.parent / (path.name + ".init-lock")).open("a") as init_lock:
            fcntl.flock(init_lock, fcntl.LOCK_EX)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS seen (url TEXT PRIMARY KEY, source TEXT, run_id TEXT)"
            )
            self._db.commit()
        self._pending: list[tuple[str, str, str]] = []

    def __contains__(self, url: object) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM seen WHERE url = ?", (url,)).fetchone()
        return row is not None

    def add(self, url: str, source: str, run_id: str) -> None:
        with self._lock:
            self._pending.append((url, source, run_id))

    def flush(self) -> None:
        with self._lock:
            self._db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", self._pending)
            self._db.commit()
            self._pending.clear()

    def close(self) -> None:
        self.flush()
        with self._lock:
            self._db.close()
