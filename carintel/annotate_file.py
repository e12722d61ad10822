"""`carintel annotate`: enrichment of a JSON Lines file with no database."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from carintel.config import EnrichConfig, Watchlist
from carintel.enrichment import build_enricher
from carintel.errors import CarintelError
from enrich.annotate import to_contract
from enrich.pipeline import enrich_documents
from enrich.records import InputDocument

CHUNK = 64


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


def _chunks(lines: TextIO, reasons: Counter[str]) -> Iterator[list[InputDocument]]:
    chunk: list[InputDocument] = []
    for line in lines:
        if not line.strip():
            continue
        parsed = _parse_line(line)
        if isinstance(parsed, str):
            reasons[parsed] += 1
            continue
        chunk.append(parsed)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def annotate_file(
    source: Path,
    target: Path,
    watchlist: Watchlist,
    config: EnrichConfig,
    progress: Callable[[int], None] | None = None,
) -> AnnotateResult:
    if not source.exists():
        raise CarintelError(f"{source}: no such file. Give a JSON Lines file of documents.")
    enricher = build_enricher(watchlist, config)
    entities = {e.id: {"name": e.name, "type": e.type} for e in watchlist.entities}
    reasons: Counter[str] = Counter()
    written = 0
    tmp = target.with_name(target.name + ".partial")
    with (
        source.open(encoding="utf-8", errors="replace") as lines,
        tmp.open("w", encoding="utf-8") as sink,
    ):
        for chunk in _chunks(lines, reasons):
            for result in enrich_documents(enricher, chunk):
                sink.write(json.dumps(to_contract(result, entities), ensure_ascii=False) + "\n")
            written += len(chunk)
            if progress:
                progress(written)
    tmp.replace(target)
    return AnnotateResult(written, sum(reasons.values()), dict(reasons))
