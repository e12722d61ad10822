"""`carintel annotate`: enrichment of a JSON Lines file with no database."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from carintel.config import Watchlist, alias_rows
from carintel.errors import CarintelError
from enrich.annotate import InputDocument, link_document, to_contract
from enrich.linker import AliasLinker


@dataclass(frozen=True)
class AnnotateResult:
    written: int
    skipped: int
    reasons: dict[str, int]


def _parse_line(line: str) -> InputDocument | str:
    """The document on this line, or the reason it is skipped."""
    try:
        data = json.loads(line)
    except ValueError:
        return "invalid_json"
    if not isinstance(data, dict):
        return "not_an_object"
    if data.get("id") is None:
        return "missing_id"
    if not isinstance(data.get("text"), str):
        return "missing_text"
    return InputDocument(
        id=str(data["id"]),
        text=data["text"],
        title=str(data.get("title") or ""),
        published_at=data.get("published_at"),
    )


def annotate_file(source: Path, target: Path, watchlist: Watchlist) -> AnnotateResult:
    if not source.exists():
        raise CarintelError(f"{source}: no such file. Give a JSON Lines file of documents.")
    linker = AliasLinker(alias_rows(watchlist))
    entities = {e.id: {"name": e.name, "type": e.type} for e in watchlist.entities}
    reasons: Counter[str] = Counter()
    written = 0
    tmp = target.with_name(target.name + ".partial")
    with (
        source.open(encoding="utf-8", errors="replace") as lines,
        tmp.open("w", encoding="utf-8") as sink,
    ):
        for line in lines:
            if not line.strip():
                continue
            parsed = _parse_line(line)
            if isinstance(parsed, str):
                reasons[parsed] += 1
                continue
            record = to_contract(link_document(parsed, linker), entities)
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    tmp.replace(target)
    return AnnotateResult(written, sum(reasons.values()), dict(reasons))
