"""The `carintel annotate` output record (the contract in DESIGN.md and the README)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from enrich.events import to_contract as event_contract
from enrich.pipeline import polarity
from enrich.records import DocumentEnrichment


def to_contract(
    result: DocumentEnrichment, entities: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """One output line. `entities` maps a watchlist entity id to {name, type}.

    Watchlist entities carry their id; organisations, people and places outside the watchlist
    have `id: null`, their text as `name` and the NER type (ORG, PER, LOC). Mention offsets are
    into the field named by `field`. Fields whose model is not configured are null/empty, never
    guessed. `entity_sentiment` covers every organisation the article names: watchlist entities
    with their id, others (a rival, a new partner) with `entity_id: null`. A document judged
    off-topic (`relevant: false`) has no events. Events carry watchlist names as parties, the
    event's own date cut to its precision, the evidence sentence and a confidence.
    """
    grouped: dict[tuple[str | None, str], dict[str, Any]] = {}
    for m in result.mentions:
        if m.entity_id is not None:
            key: tuple[str | None, str] = (m.entity_id, "")
            info = entities.get(m.entity_id, {})
            name, kind = str(info.get("name", m.entity_id)), info.get("type")
        else:
            key, name, kind = (None, m.text), m.text, m.label
        entry = grouped.setdefault(key, {"id": key[0], "name": name, "type": kind, "mentions": []})
        mention: dict[str, Any] = {"text": m.text, "start": m.start, "end": m.end, "field": m.field}
        if m.method == "ner":
            mention["score"] = round(m.score or 0.0, 4)
        entry["mentions"].append(mention)
    sentiment = result.sentiment
    return {
        "id": result.doc_id,
        "relevant": result.relevant,
        "relevance": result.relevance,
        "language": result.language,
        "entities": list(grouped.values()),
        "sentiment": (
            {
                "label": sentiment.label,
                "score": round(sentiment.score, 4),
                "polarity": polarity(sentiment),
            }
            if sentiment
            else None
        ),
        "entity_sentiment": [
            {
                "entity": str(entities.get(t.entity_id, {}).get("name", t.entity_id)),
                "entity_id": t.entity_id,
                "label": t.sentiment.label,
                "score": round(t.sentiment.score, 4),
                "polarity": polarity(t.sentiment),
            }
            for t in result.entity_sentiment
        ]
        + [
            {
                "entity": t.name,
                "entity_id": None,
                "label": t.sentiment.label,
                "score": round(t.sentiment.score, 4),
                "polarity": polarity(t.sentiment),
            }
            for t in result.organisation_sentiment
        ],
        "events": [
            event_contract(e, {k: str(v.get("name", k)) for k, v in entities.items()})
            for e in result.events
        ],
    }
