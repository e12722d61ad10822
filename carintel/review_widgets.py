"""One-click review in JupyterLab (`notebooks/03_review.ipynb`): a panel of claims, each with
its evidence, a note field and Confirm / Reject buttons that call `carintel.api.review`.

The notebook stays thin: it lists claims through the API and hands the frame to `review_panel`;
the callbacks live here. Text from documents is escaped before it is shown.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from carintel.errors import CarintelError
from carintel.review import cell_text, kind_of

Decide = Callable[..., Any]

_SUMMARY: dict[str, tuple[str, ...]] = {
    "event": ("type", "event_date", "parties", "confidence", "source_count"),
    "mention": ("entity_name", "surface", "title"),
    "sentiment": ("entity_name", "label", "title"),
    "relevance": ("relevant", "relevance", "title"),
    "relationship": ("subject", "type", "object", "since"),
}
_EVIDENCE_CHARS = 400


def claim_html(kind: str, row: dict[str, Any]) -> str:
    """One claim as HTML: its key, status, main fields and evidence (all escaped)."""
    fields = " · ".join(
        f"{html.escape(name)}: <strong>{html.escape(cell_text(row.get(name)))}</strong>"
        for name in _SUMMARY[kind]
        if cell_text(row.get(name))
    )
    evidence = cell_text(row.get("evidence"))[:_EVIDENCE_CHARS]
    return (
        f"<code>{html.escape(cell_text(row.get('key')))}</code> "
        f"<em>{html.escape(cell_text(row.get('status')))}</em><br>{fields}"
        + (f"<br><q>{html.escape(evidence)}</q>" if evidence else "")
    )


def review_panel(
    claims: pd.DataFrame,
    kind: str,
    confirm: Decide | None = None,
    reject: Decide | None = None,
    limit: int = 20,
) -> Any:
    """An ipywidgets box with the first `limit` claims of `claims` (a frame of
    `api.review.claims`), each with a note field and Confirm / Reject buttons. `confirm` and
    `reject` default to `carintel.api.review`'s (tests pass their own)."""
    import ipywidgets as widgets

    from carintel import api

    name = kind_of(kind)
    confirm = confirm or api.review.confirm
    reject = reject or api.review.reject
    rows: list[Any] = []
    for row in claims.head(limit).to_dict(orient="records"):
        key = str(row["key"])
        note = widgets.Text(placeholder="note (optional)")
        result = widgets.HTML()
        buttons = [
            widgets.Button(description="Confirm", button_style="success"),
            widgets.Button(description="Reject", button_style="danger"),
        ]
        for button, decide in zip(buttons, (confirm, reject), strict=True):
            button.on_click(_on_click(decide, name, key, note, result, buttons))
        rows.append(
            widgets.VBox(
                [widgets.HTML(claim_html(name, row)), widgets.HBox([note, *buttons, result])]
            )
        )
    if not rows:
        return widgets.HTML(f"<p>No {html.escape(name)} claims to review.</p>")
    return widgets.VBox(rows)


def _on_click(
    decide: Decide, kind: str, key: str, note: Any, result: Any, buttons: list[Any]
) -> Callable[[Any], None]:
    def clicked(_button: Any) -> None:
        try:
            correction = decide(kind, key, note=note.value or None)
        except CarintelError as exc:
            result.value = f"<span style='color:#b00'>{html.escape(str(exc))}</span>"
            return
        result.value = f"<strong>{html.escape(correction.status)}</strong>"
        for button in buttons:
            button.disabled = True

    return clicked
