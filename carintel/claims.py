"""`carintel models eval claims`: the whole enrichment pipeline, as configured, scored on the
claims dev set (`enrich.training.claims`), and the report's event threshold chosen on its dev
split."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from carintel.config import EnrichConfig, Watchlist, alias_rows
from carintel.enrichment import build_enricher
from carintel.errors import CarintelError
from enrich.events import HEAD_CONFIG, head_folder
from enrich.relationships import BELONGS_TO
from enrich.resolve import EntityResolver
from enrich.training import claims


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
    report_threshold: float | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Scores per split. With `choose_threshold`, the lowest event confidence that keeps
    precision at claims.TARGET_PRECISION on the dev split is first written to the configured
    event head's config as `report_min_confidence`. `report_threshold` scores the events
    shown at that confidence instead of the head's own (to compare two heads at one)."""
    enricher = build_enricher(watchlist, config)
    resolve = _resolver(watchlist)
    triples = [(r.subject, r.type, r.object) for r in watchlist.relationships]
    types = {e.id: e.type for e in watchlist.entities}
    families = claims.families_of(
        (r.subject, r.object) for r in watchlist.relationships if r.type in BELONGS_TO
    )
    if choose_threshold:
        if enricher.events is None:
            raise CarintelError("events are switched off in config/enrich.yaml: nothing to choose")
        dev = claims.run_pipeline(enricher, claims.load_articles(splits=("dev",)))
        value = claims.precision_threshold(claims.all_event_predictions(dev, resolve, families))
        path = head_folder(config.events.source if config.events else "bundled") / HEAD_CONFIG
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
    if report_threshold is not None:
        threshold = report_threshold
    results: dict[str, Any] = {}
    for split in splits:
        articles = claims.load_articles(splits=(split,))
        if not articles:
            raise CarintelError(f"no articles in split {split!r} under {claims.HERE}")
        run = claims.run_pipeline(enricher, articles)
        results[split] = claims.score(run, resolve, triples, types, families, threshold)
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


TONE_L2 = (0.003, 0.01, 0.03, 0.1)


def _tone_rows(
    enricher: Any, articles: Sequence[claims.ClaimArticle], resolve: claims.Resolve
) -> tuple[list[list[float]], list[int]]:
    """Per annotated organisation the pipeline scores: its tone features and gold label."""
    from enrich.pipeline import find_mentions, sentiment_targets
    from enrich.resolve import name_key
    from enrich.sentiment import LABELS, classify, tone_features

    docs = [a.document() for a in articles]
    wanted: list[tuple[list[tuple[Any, float]], Any, int]] = []  # (targets, place, label)
    for article, doc, mentions in zip(articles, docs, find_mentions(enricher, docs), strict=True):
        plan = sentiment_targets(doc.title, doc.text, mentions, enricher.belongs_to)
        for entity in article.entities:
            found = entity.id or resolve(entity.name)
            targets = (
                plan.entities.get(found) if found else plan.organisations.get(name_key(entity.name))
            )
            if targets:
                place = plan.place(watchlisted=bool(found))
                wanted.append((list(targets), place, LABELS.index(entity.sentiment)))
    # one batched pass over every target (length-sorted by `classify`)
    scored = iter(classify(enricher.sentiment, [t for ts, _, _ in wanted for t, _ in ts]))
    features = [
        tone_features([next(scored) for _ in ts], [w for _, w in ts], place)
        for ts, place, _ in wanted
    ]
    return features, [label for _, _, label in wanted]


def fit_entity_tone(
    watchlist: Watchlist,
    config: EnrichConfig,
    say: Callable[[str], None] = print,
    directory: Path | None = None,
) -> Path:
    """Fit the configured sentiment model's entity-tone calibration (`enrich.sentiment.
    ToneCalibration`) on the claims train split, its L2 weight chosen on the dev split, and
    write it beside the artifact: the bundled one's, or `directory` (the folder of the
    configured model, e.g. one trained with corrections)."""
    import numpy as np

    from enrich.models import ARTIFACTS
    from enrich.sentiment import TONE_FEATURES, TONE_FILE
    from enrich.training.logistic import fit_logistic_multi

    enricher = build_enricher(watchlist, config.model_copy(update={"events": None}))
    model = enricher.sentiment
    if model is None:
        raise CarintelError("sentiment is switched off in config/enrich.yaml: nothing to fit")
    enricher = replace(enricher, entity_tone=None)
    resolve = _resolver(watchlist)
    x_train, y_train = _tone_rows(enricher, claims.load_articles(splits=("train",)), resolve)
    x_dev, y_dev = _tone_rows(enricher, claims.load_articles(splits=("dev",)), resolve)
    train, dev = np.asarray(x_train), np.asarray(x_dev)
    mean, scale = train.mean(axis=0), train.std(axis=0) + 1e-9
    best: tuple[float, float, Any, Any] | None = None
    for l2 in TONE_L2:
        weight, bias = fit_logistic_multi((train - mean) / scale, y_train, 3, l2)
        predicted = (((dev - mean) / scale) @ weight.T + bias).argmax(axis=1)
        accuracy = float((predicted == np.asarray(y_dev)).mean())
        say(f"entity tone: l2 {l2:g}: dev accuracy {accuracy:.3f} on {len(y_dev)}")
        if best is None or accuracy > best[0]:
            best = (accuracy, l2, weight, bias)
    assert best is not None
    accuracy, l2, weight, bias = best
    path = (directory or ARTIFACTS / "sentiment") / TONE_FILE
    path.write_text(
        json.dumps(
            {
                "features": list(TONE_FEATURES),
                "weight": [[round(float(v), 6) for v in row] for row in weight],
                "bias": [round(float(v), 6) for v in bias],
                "mean": [round(float(v), 6) for v in mean],
                "scale": [round(float(v), 6) for v in scale],
                "l2": l2,
                "train_examples": len(y_train),
                "dev_examples": len(y_dev),
                "dev_accuracy": round(accuracy, 4),
                "model_version": model.weights_version,
            },
            indent=2,
        )
        + "\n",
        "utf-8",
    )
    say(f"entity tone: l2 {l2:g} (dev accuracy {accuracy:.3f}) written to {path}")
    return path


__all__ = ["evaluate_claims", "fit_entity_tone", "print_claims", "train_relevance"]
