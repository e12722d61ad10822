"""`carintel models eval claims`: the whole enrichment pipeline, as configured, scored on the
claims dev set (`enrich.training.claims`), and the report's event threshold chosen on its dev
split."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from carintel.config import EnrichConfig, Watchlist, alias_rows
from carintel.enrichment import build_enricher
from carintel.errors import CarintelError
from enrich.events import EVENTS_DIR, HEAD_CONFIG
from enrich.resolve import EntityResolver
from enrich.training import claims

ORGANISATION_TYPES = frozenset({"company", "venture", "brand"})
BELONGS_TO = frozenset({"brand_of", "product_of", "subsidiary_of"})


def _resolver(watchlist: Watchlist) -> claims.Resolve:
    resolver = EntityResolver(alias_rows(watchlist))
    ids = {e.id for e in watchlist.entities}

    def resolve(name: str) -> str | None:
        if name in ids:
            return name
        found = resolver.resolve(name)
        return found.entity_id if found else None

    return resolve


def evaluate_claims(
    watchlist: Watchlist,
    config: EnrichConfig,
    splits: Sequence[str],
    *,
    choose_threshold: bool = False,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Scores per split (and "all" when several are asked). With `choose_threshold`, the
    lowest event confidence that keeps precision at claims.TARGET_PRECISION on the dev split
    is written to the bundled event head's config as `report_min_confidence`."""
    enricher = build_enricher(watchlist, config)
    resolve = _resolver(watchlist)
    curated = {frozenset((r.subject, r.object)) for r in watchlist.relationships}
    organisations = {e.id for e in watchlist.entities if e.type in ORGANISATION_TYPES}
    families = claims.families_of(
        (r.subject, r.object) for r in watchlist.relationships if r.type in BELONGS_TO
    )
    if choose_threshold:
        if enricher.events is None:
            raise CarintelError("events are switched off in config/enrich.yaml: nothing to choose")
        dev = claims.run_pipeline(enricher, claims.load_articles(splits=("dev",)))
        value = claims.precision_threshold(claims.all_event_predictions(dev, resolve, families))
        path = EVENTS_DIR / HEAD_CONFIG
        head = json.loads(path.read_text("utf-8"))
        head["report_min_confidence"] = round(value, 4)
        head["report_min_confidence_note"] = (
            f"chosen on the claims dev split for precision {claims.TARGET_PRECISION}"
        )
        path.write_text(json.dumps(head, indent=2) + "\n", "utf-8")
        say(f"report_min_confidence {value:.4f} written to {path}")
        enricher = build_enricher(watchlist, config)
    threshold = 0.0
    if enricher.events is not None:
        head_config = enricher.events.head.config
        threshold = float(head_config.get("report_min_confidence", 0.0))
    results: dict[str, Any] = {}
    for split in splits:
        articles = claims.load_articles(splits=(split,))
        if not articles:
            raise CarintelError(f"no articles in split {split!r} under {claims.HERE}")
        run = claims.run_pipeline(enricher, articles)
        results[split] = claims.score(run, resolve, curated, organisations, families, threshold)
    return results


def print_claims(results: dict[str, Any], say: Callable[[str], None] = print) -> None:
    for split, scores in results.items():
        for line in claims.format_scores(split, scores):
            say(line)


def train_relevance(watchlist: Watchlist, say: Callable[[str], None] = print) -> None:
    """`carintel models train relevance`: the relevance model, with the watchlist's alias
    linker supplying the linked entity types as enrichment sees them."""
    from enrich.embeddings import load_encoder
    from enrich.linker import AliasLinker
    from enrich.relevance import RELEVANCE_DIR
    from enrich.training.relevance import train

    linker = AliasLinker(alias_rows(watchlist))
    types = {e.id: e.type for e in watchlist.entities}

    def linked_types(title: str, text: str) -> list[str]:
        found = {m.entity_id for value in (title, text) for m in linker.find(value)}
        return [types.get(entity_id, "") for entity_id in found]

    train(load_encoder(), RELEVANCE_DIR, linked_types, say)


__all__ = ["evaluate_claims", "print_claims", "train_relevance"]
