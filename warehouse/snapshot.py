"""The published snapshot: how readers and the writer coexist.

DuckDB lets one process write a database file, and a process holding the file open (even
read-only) stops another from opening it for writing. So analysts' notebooks, `carintel sql`
and the report never open the writer's file. After each write step the writer checkpoints its
file and publishes a copy under a second name by an atomic rename:

    carintel.duckdb        the writer's file (only carintel's writer opens it)
    carintel-read.duckdb   the published snapshot (readers open it read-only)

A reader that has the snapshot open keeps reading the version it opened (the rename replaces
the directory entry, not the open file), so an open notebook never breaks the weekly run and the
run never breaks the notebook; a new connection sees the newest published data.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from warehouse import sql

READ_SUFFIX = "-read"


def snapshot_path(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.stem}{READ_SUFFIX}{warehouse.suffix}")


def publish(conn: duckdb.DuckDBPyConnection, warehouse: Path) -> Path:
    """Checkpoint the writer's file and publish it as the read snapshot (atomic rename)."""
    sql.run(conn, "checkpoint")
    target = snapshot_path(warehouse)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(warehouse, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def readable_path(warehouse: Path) -> Path:
    """What a reader should open: the snapshot, or (before the first publish) nothing better
    than the writer's file."""
    snapshot = snapshot_path(warehouse)
    return snapshot if snapshot.exists() else warehouse
