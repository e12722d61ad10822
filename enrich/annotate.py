"""Annotating documents: the records behind `carintel annotate` and the warehouse's mentions.

Output follows the `carintel annotate` contract in DESIGN.md. Fields whose models have not landed
yet are empty or null (`sentiment: null`, `entity_sentiment: []`, `events: []`,
`relevant/relevance: null`), never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from enrich.linker import AliasLinker

_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class InputDocument:
    id: str
    text: str
    title: str = ""
    published_at: str | None = None


@dataclass(frozen=True)
class LinkedMention:
    entity_id: str
    field: str  # title | text
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Annotation:
    id: str
    language: str
    mentions: tuple[LinkedMention, ...] = field(default_factory=tuple)


def detect_language(text: str) -> str:
    """'zh' for mostly-Chinese text, 'en' for Latin-script text, 'und' otherwise.

    A script heuristic, enough for this tracker's English and Chinese sources."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    if han and han >= latin / 4:
        return "zh"
    if latin:
        return "en"
    return "und"


def link_document(doc: InputDocument, linker: AliasLinker) -> Annotation:
    mentions = [
        LinkedMention(m.entity_id, name, m.start, m.end, m.text)
        for name, value in (("title", doc.title), ("text", doc.text))
        for m in linker.find(value)
    ]
    return Annotation(doc.id, detect_language(f"{doc.title}\n{doc.text}"), tuple(mentions))


def link_documents(docs: Iterable[InputDocument], linker: AliasLinker) -> list[Annotation]:
    return [link_document(d, linker) for d in docs]


def to_contract(
    annotation: Annotation, entities: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """The `carintel annotate` output line for one document.

    `entities` maps entity id to {name, type}. Mention offsets are into the field named by
    `field` ("title" or "text").
    """
    grouped: dict[str, list[dict[str, Any]]] = {}
    for m in annotation.mentions:
        grouped.setdefault(m.entity_id, []).append(
            {"text": m.text, "start": m.start, "end": m.end, "field": m.field}
        )
    return {
        "id": annotation.id,
        "relevant": None,
        "relevance": None,
        "language": annotation.language,
        "entities": [
            {
                "id": entity_id,
                "name": entities.get(entity_id, {}).get("name", entity_id),
                "type": entities.get(entity_id, {}).get("type"),
                "mentions": mentions,
            }
            for entity_id, mentions in grouped.items()
        ],
        "sentiment": None,
        "entity_sentiment": [],
        "events": [],
    }
