"""carintel's reports: the weekly report, a parameterised notebook executed headless.

`reports.data` loads a week (through `warehouse.weekly`, which runs the SQL), `reports.formatting`
escapes and formats values, `reports.figures` draws the charts (matplotlib), `reports.sections`
and `reports.weekly` build the HTML pieces and the Markdown digest, and `reports.weekly` renders
the notebook in `notebooks/`, which only calls them. `reports.charts` holds the analyst
notebooks' interactive charts. This package imports `warehouse` and never `carintel`.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["ReportError", "find_notebook", "notebook_dirs"]

_PACKAGE = Path(__file__).resolve().parent
_ROOT = _PACKAGE.parent


class ReportError(Exception):
    """A report could not be rendered. The message says what happened and what to do next."""


def notebook_dirs() -> list[Path]:
    """Where report notebooks are looked for, in order.

    A source checkout keeps them in `notebooks/` next to this package; an installed wheel has
    them in the `carintel` package's `_notebooks/` folder (force-included by pyproject.toml).
    """
    return [_ROOT / "notebooks", _ROOT / "carintel" / "_notebooks"]


def find_notebook(name: str) -> Path:
    """The path of the report notebook `name` (e.g. "weekly_report.ipynb")."""
    candidates = [folder / name for folder in notebook_dirs()]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise ReportError(
        f"report notebook {name} not found (looked at {searched}). Reinstall carintel, or run "
        "from a source checkout that has notebooks/."
    )
