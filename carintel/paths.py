"""Where things are: the bundled defaults and the layout of a carintel home directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from carintel_home import LANDING, WAREHOUSE_FILE, home_root

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]


def default_config_dir() -> Path:
    """`config/` of a source checkout, or the copy bundled into an installed wheel."""
    return _first_existing(_REPO / "config", _PACKAGE / "_default_config")


def notebooks_dir() -> Path:
    return _first_existing(_REPO / "notebooks", _PACKAGE / "_notebooks")


def sample_site_dir() -> Path:
    return _PACKAGE / "sample_site"


@dataclass(frozen=True)
class Home:
    """A carintel home: `--home DIR`, else `$CARINTEL_HOME`, else `./data` (resolved by
    `carintel_home.home_root`, the one resolver)."""

    root: Path

    @classmethod
    def resolve(cls, option: Path | None = None) -> Home:
        return cls(home_root(option))

    @property
    def landing(self) -> Path:
        return self.root / LANDING

    @property
    def warehouse(self) -> Path:
        return self.root / WAREHOUSE_FILE

    @property
    def read_warehouse(self) -> Path:
        """The published snapshot readers open (see warehouse.snapshot)."""
        from warehouse.snapshot import readable_path

        return readable_path(self.warehouse)

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def lock(self) -> Path:
        return self.root / "carintel.lock"

    def ensure(self) -> Home:
        for d in (self.root, self.landing, self.reports, self.logs):
            d.mkdir(parents=True, exist_ok=True)
        return self
