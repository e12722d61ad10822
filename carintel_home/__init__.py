"""Where a carintel home is, and where it keeps things: the one resolver of the home folder and
of the warehouse file, and the format of run ids (the landing folders' names), used by every
package (it imports none of them).

A home is `--home DIR`, else `$CARINTEL_HOME`, else `./data`. Notebooks and the analysts' API,
which run with the notebook's folder as working directory, fall back to the source checkout's
`data/` instead (`CHECKOUT_DATA`), which is `./data` for a command run at the checkout's root.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

__all__ = [
    "CHECKOUT_DATA",
    "DEFAULT_HOME",
    "HOME_ENV",
    "JOURNAL",
    "LANDING",
    "STATE",
    "WAREHOUSE_FILE",
    "home_root",
    "journal_file",
    "new_run_id",
    "warehouse_file",
]

HOME_ENV = "CARINTEL_HOME"
DEFAULT_HOME = Path("data")
CHECKOUT_DATA = Path(__file__).resolve().parent.parent / "data"
"""The source checkout's data folder (what `carintel lab` and notebooks/ read by default)."""
WAREHOUSE_FILE = "carintel.duckdb"
LANDING = "landing"
JOURNAL = Path("reviews") / "journal.jsonl"
"""Analysts' decisions about claims, appended one JSON line each and never rewritten
(`carintel review`, `carintel.api.review`); the writer loads it like a landing file."""
STATE = "state"


def home_root(option: str | os.PathLike[str] | None = None, default: Path = DEFAULT_HOME) -> Path:
    """The home folder: `option` (the `--home` value), else `$CARINTEL_HOME`, else `default`;
    `~` expanded, absolute."""
    value = option or os.environ.get(HOME_ENV) or default
    return Path(value).expanduser().resolve()


def warehouse_file(
    target: str | os.PathLike[str] | None = None, default: Path = DEFAULT_HOME
) -> Path:
    """The warehouse file of a home folder, or `target` itself when it names a `.duckdb` file."""
    if target is not None and Path(target).suffix == ".duckdb":
        return Path(target).expanduser()
    return home_root(target, default) / WAREHOUSE_FILE


def journal_file(warehouse: Path) -> Path:
    """The review journal of the home that holds `warehouse` (its writer's file or its read
    snapshot)."""
    return warehouse.parent / JOURNAL


def new_run_id(at: datetime | None = None) -> str:
    """A run's id (a crawl run's folder in landing/, an enrichment run): sortable by time and
    unique across hosts, e.g. 20250512T093000Z-3fa9. `at` defaults to now."""
    return f"{at or datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"
