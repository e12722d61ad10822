"""The claims dev set (`enrich/training/claims/articles-*.jsonl`) and how the pipeline scores on
it (`carintel models eval claims`).

Articles are ours, written in the style of trade and wire coverage, and annotated with what an
analyst would call a claim (format: `claims/README.md`). Each article falls in one split by a
hash of its id: train (half), dev (a quarter: thresholds and calibration are chosen here) and
test (a quarter: reported, never tuned on). An article may say `"split": "train"` instead:
those written after the test half had been measured train only, so the test half stays the
same articles.

Scores, per split:
- relevance accuracy (is the article about carmaking ventures?);
- events: one prediction per timeline event of the document (`merge_events`: type, parties,
  date bucket); a prediction is right when the article reports an event of that type sharing
  a watchlist party with it, a product or brand standing for its maker (the Xiaomi YU7's
  launch is Xiaomi's: `families`, from the watchlist's brand_of / product_of / subsidiary_of
  relationships), matched one to one where the article reports several such events
  (`event_predictions`).
  Precision over every prediction (those on off-topic articles included, and counted
  apart); recall over the annotated events that name a watchlist party (the only events the
  pipeline can attach to the timeline). Both at the storage threshold and at the report's;
- new vs background: of the matched events, how often `enrich.events.is_background` agrees
  with the annotation;
- relationship proposals (`enrich.relationships`) as the report shows them (from events at or
  above its confidence threshold), each article read as if the watchlist did
  not yet hold the relationships it states (else nearly every fact of the dev set is known
  and nothing is proposed): right when the article states it (a supplier as a partner);
- entity sentiment: accuracy, macro-F1 and the confusion matrix over the annotated
  organisations the pipeline found (watchlist entities by id, others by normalised name), and
  how many it found.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from enrich.events import EVENT_TYPES, merge_events
from enrich.pipeline import Enricher, enrich_documents
from enrich.records import DocumentEnrichment, InputDocument
from enrich.relationships import EventClaim, KnownRelations, ancestors, propose_relationships
from enrich.resolve import name_key
from enrich.sentiment import LABELS

HERE = Path(__file__).resolve().parent / "claims"
SPLITS = ("train", "dev", "test")
TARGET_PRECISION = 0.85

Resolve = Callable[[str], str | None]
Families = Mapping[str, frozenset[str]]  # entity id → itself and what it belongs to


def split_of(article_id: str) -> str:
    """train for half the ids, dev and test for a quarter each, by a hash of the id."""
    bucket = int(hashlib.sha256(article_id.encode()).hexdigest(), 16) % 4
    return "train" if bucket < 2 else SPLITS[bucket - 1]


@dataclass(frozen=True)
class GoldParty:
    name: str
    id: str | None
    role: str


@dataclass(frozen=True)
class GoldEvent:
    type: str
    date: str | None
    precision: str | None
    new: bool
    parties: tuple[GoldParty, ...]
    evidence: str


@dataclass(frozen=True)
class GoldEntity:
    name: str
    id: str | None
    sentiment: str


@dataclass(frozen=True)
class ClaimArticle:
    id: str
    split: str
    title: str
    text: str
    published_at: str
    relevant: bool
    entities: tuple[GoldEntity, ...]
    events: tuple[GoldEvent, ...]
    relationships: tuple[tuple[str, str, str], ...]  # (subject name, type, object name)

    def document(self) -> InputDocument:
        return InputDocument(self.id, self.text, self.title, self.published_at)


def _article(row: dict[str, Any]) -> ClaimArticle:
    if row.get("split") not in (None, "train"):
        raise ValueError(f"claims article {row['id']}: only 'train' may be set as its split")
    return ClaimArticle(
        id=row["id"],
        split=row.get("split") or split_of(row["id"]),
        title=row.get("title", ""),
        text=row["text"],
        published_at=row["published_at"],
        relevant=bool(row["relevant"]),
        entities=tuple(
            GoldEntity(e["name"], e.get("id"), e["sentiment"]) for e in row.get("entities", [])
        ),
        events=tuple(
            GoldEvent(
                e["type"],
                e.get("date"),
                e.get("date_precision"),
                bool(e.get("new", True)),
                tuple(GoldParty(p["name"], p.get("id"), p["role"]) for p in e["parties"]),
                e.get("evidence", ""),
            )
            for e in row.get("events", [])
        ),
        relationships=tuple(
            (r["subject"], r["type"], r["object"]) for r in row.get("relationships", [])
        ),
    )


def load_articles(folder: Path = HERE, splits: Collection[str] = SPLITS) -> list[ClaimArticle]:
    """The annotated articles of the given splits, by id."""
    articles = []
    for path in sorted(folder.glob("articles-*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            articles += [_article(json.loads(line)) for line in handle if line.strip()]
    return sorted((a for a in articles if a.split in splits), key=lambda a: a.id)


# ------------------------------------------------------------------ scoring


@dataclass(frozen=True)
class EventPrediction:
    article: str
    type: str
    parties: frozenset[str]
    confidence: float
    background: bool  # as the timeline marks it (`enrich.events.is_background`)
    gold_new: bool | None  # of the matched annotated event
    match: int | None  # index of the matched annotated event in its article

    @property
    def correct(self) -> bool:
        return self.match is not None


def _gold_ids(parties: Iterable[GoldParty | GoldEntity], resolve: Resolve) -> set[str]:
    ids = set()
    for p in parties:
        found = p.id or resolve(p.name)
        if found:
            ids.add(found)
    return ids


def _family(ids: Iterable[str], families: Families) -> set[str]:
    return {member for i in ids for member in families.get(i, frozenset((i,)))}


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _same_sentence(evidence: Iterable[str], gold: str) -> bool:
    """A predicted evidence sentence is the annotated one when most of the annotated words are
    in it (annotators copy a sentence or a clause of it)."""
    wanted = _words(gold)
    return bool(wanted) and any(len(wanted & _words(e)) >= 0.8 * len(wanted) for e in evidence)


def event_predictions(
    article: ClaimArticle, result: DocumentEnrichment, resolve: Resolve, families: Families
) -> tuple[list[EventPrediction], int]:
    """The article's predictions (its events merged as the timeline merges them,
    `merge_events`, each with its best confidence), and how many of its annotated events name
    a watchlist party (what recall counts against).

    A prediction matches an annotated event of its type that shares a party (through
    `families`). When several do, it takes, in this order: one whose evidence is the sentence
    it was read from, one no other prediction has taken yet, the first. Predictions claim
    events by decreasing confidence, so two reports of two deals of one type between the same
    companies count as two hits, and a repeated report of one deal as right but no new hit."""
    gold = [(e, _family(_gold_ids(e.parties, resolve), families)) for e in article.events]
    taken: set[int] = set()
    predictions = []
    for event in sorted(merge_events(result.events), key=lambda e: -e.confidence):
        parties = frozenset(p.entity_id for p in event.parties)
        related = _family(parties, families)
        evidence = [source.evidence for source in event.sources]
        candidates = [
            i for i, (g, ids) in enumerate(gold) if g.type == event.type and ids & related
        ]
        match = next(
            (i for i in candidates if _same_sentence(evidence, gold[i][0].evidence)),
            next((i for i in candidates if i not in taken), candidates[0] if candidates else None),
        )
        if match is not None:
            taken.add(match)
        predictions.append(
            EventPrediction(
                article.id,
                event.type,
                parties,
                event.confidence,
                event.background,
                None if match is None else gold[match][0].new,
                match,
            )
        )
    return predictions, sum(1 for _, ids in gold if ids)


def proposals_of(
    result: DocumentEnrichment, known: KnownRelations, min_confidence: float = 0.0
) -> list[tuple[str, str, str]]:
    """The proposals of one document's events (merged as the timeline merges them) that the
    report would show: from events at or above `min_confidence`."""
    claims = [
        EventClaim(e.event_id, e.type, e.stage, e.date, e.parties,
                   e.sources[0].evidence if e.sources else "", e.confidence)
        for e in merge_events(result.events)
        if e.confidence >= min_confidence
    ]  # fmt: skip
    return [(p.subject_id, p.type, p.object_id) for p in propose_relationships(claims, known)]


def _gold_relationships(article: ClaimArticle, resolve: Resolve) -> set[tuple[str, str, str]]:
    out = set()
    for subject, kind, obj in article.relationships:
        s, o = resolve(subject), resolve(obj)
        if s and o:
            out.add((s, kind, o))
            if kind in ("partner", "supplier"):  # a supply deal is a partnership event
                out |= {(s, "partner", o), (o, "partner", s)}
    return out


def families_of(parents: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Each entity with everything it belongs to, transitively, from (child, parent) pairs."""
    return {child: found | {child} for child, found in ancestors(parents).items()}


def _sentiment_pairs(
    article: ClaimArticle, result: DocumentEnrichment, resolve: Resolve
) -> tuple[list[tuple[str, str]], int]:
    """(gold, predicted) label pairs of the annotated organisations the pipeline scored, and how
    many annotated organisations there are."""
    by_id = {t.entity_id: t.sentiment.label for t in result.entity_sentiment}
    by_name = {t.name_key: t.sentiment.label for t in result.organisation_sentiment}
    pairs = []
    for entity in article.entities:
        found = entity.id or resolve(entity.name)
        label = by_id.get(found) if found else by_name.get(name_key(entity.name))
        if label is not None:
            pairs.append((entity.sentiment, label))
    return pairs, len(article.entities)


def macro_f1(pairs: Sequence[tuple[str, str]], labels: Sequence[str] = LABELS) -> float:
    scores = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def precision_threshold(
    predictions: Sequence[EventPrediction], target: float = TARGET_PRECISION
) -> float:
    """The lowest confidence at which the predictions kept reach `target` precision (keeping
    the most claims that do); 1.0 when no threshold does."""
    ranked = sorted(predictions, key=lambda p: -p.confidence)
    best = 1.0
    right = 0
    for n, p in enumerate(ranked, start=1):
        right += p.correct
        following = ranked[n].confidence if n < len(ranked) else -1.0
        if right / n >= target and following < p.confidence:
            best = p.confidence
    return best


@dataclass(frozen=True)
class ClaimRun:
    """The pipeline's output on a set of articles, ready to score."""

    articles: list[ClaimArticle]
    results: list[DocumentEnrichment]


def run_pipeline(enricher: Enricher, articles: Sequence[ClaimArticle]) -> ClaimRun:
    results = enrich_documents(enricher, [a.document() for a in articles])
    return ClaimRun(list(articles), results)


def all_event_predictions(
    run: ClaimRun, resolve: Resolve, families: Families
) -> list[EventPrediction]:
    """Every article's event predictions (`event_predictions`), in article order."""
    return [
        p
        for article, result in zip(run.articles, run.results, strict=True)
        for p in event_predictions(article, result, resolve, families)[0]
    ]


def score(
    run: ClaimRun,
    resolve: Resolve,
    watchlist: Sequence[tuple[str, str, str]],
    entity_types: Mapping[str, str],
    families: Families,
    report_min_confidence: float = 0.0,
) -> dict[str, Any]:
    """Every claims score of the run (see the module docstring), as plain values."""
    relevance = Counter[str]()
    predictions: list[EventPrediction] = []
    reachable = 0
    proposals_right = proposals = 0
    sentiment: list[tuple[str, str]] = []
    annotated_organisations = 0
    for article, result in zip(run.articles, run.results, strict=True):
        relevance[f"{'relevant' if article.relevant else 'off-topic'}->{result.relevant}"] += 1
        preds, gold_n = event_predictions(article, result, resolve, families)
        predictions += preds
        reachable += gold_n
        gold_rels = _gold_relationships(article, resolve)
        # as if the watchlist did not know what this article states yet
        stated = {frozenset((s, o)) for s, _, o in gold_rels}
        unknown = [t for t in watchlist if frozenset((t[0], t[2])) not in stated]
        known = KnownRelations.of(unknown, entity_types)
        for proposal in proposals_of(result, known, report_min_confidence):
            proposals += 1
            proposals_right += proposal in gold_rels
        pairs, count = _sentiment_pairs(article, result, resolve)
        sentiment += pairs
        annotated_organisations += count
    n = len(run.articles)
    correct_relevance = relevance["relevant->True"] + relevance["off-topic->False"]
    off_topic_ids = {a.id for a in run.articles if not a.relevant}

    def events_at(threshold: float) -> dict[str, Any]:
        kept = [p for p in predictions if p.confidence >= threshold]
        right = sum(p.correct for p in kept)
        recall_hits = len({(p.article, p.match) for p in kept if p.correct})
        return {
            "threshold": round(threshold, 4),
            "predicted": len(kept),
            "precision": right / len(kept) if kept else 0.0,
            "recall": recall_hits / reachable if reachable else 0.0,
            "on_off_topic_articles": sum(p.article in off_topic_ids for p in kept),
        }

    matched = [p for p in predictions if p.correct and p.gold_new is not None]
    confusion = {g: {p: 0 for p in LABELS} for g in LABELS}
    for g, p in sentiment:
        confusion[g][p] += 1
    return {
        "articles": n,
        "relevance_accuracy": correct_relevance / n if n else 0.0,
        "relevance": dict(sorted(relevance.items())),
        "events_stored": events_at(0.0),
        "events_shown": events_at(report_min_confidence),
        "annotated_events_with_watchlist_party": reachable,
        "new_vs_background_accuracy": (
            sum(p.background == (not p.gold_new) for p in matched) / len(matched)
            if matched
            else 0.0
        ),
        "relationship_proposals": proposals,
        "relationship_precision": proposals_right / proposals if proposals else 0.0,
        "entity_sentiment_accuracy": (
            sum(g == p for g, p in sentiment) / len(sentiment) if sentiment else 0.0
        ),
        "entity_sentiment_macro_f1": macro_f1(sentiment),
        "entity_sentiment_scored": len(sentiment),
        "entity_sentiment_annotated": annotated_organisations,
        "entity_sentiment_confusion": confusion,
        "event_types": sorted(EVENT_TYPES),
    }


def format_scores(name: str, scores: dict[str, Any]) -> list[str]:
    """Lines for a terminal."""
    stored, shown = scores["events_stored"], scores["events_shown"]
    lines = [
        f"{name}: {scores['articles']} articles",
        f"  relevance accuracy: {scores['relevance_accuracy']:.3f}  {scores['relevance']}",
        f"  events (stored): precision {stored['precision']:.3f}, recall {stored['recall']:.3f}"
        f" of {scores['annotated_events_with_watchlist_party']}, {stored['predicted']} predicted,"
        f" {stored['on_off_topic_articles']} on off-topic articles",
        f"  events (report, confidence >= {shown['threshold']:.2f}): precision"
        f" {shown['precision']:.3f}, recall {shown['recall']:.3f}, {shown['predicted']} shown,"
        f" {shown['on_off_topic_articles']} on off-topic articles",
        f"  new vs background: {scores['new_vs_background_accuracy']:.3f} of matched events",
        f"  relationship proposals: precision {scores['relationship_precision']:.3f}"
        f" of {scores['relationship_proposals']}",
        f"  entity sentiment: accuracy {scores['entity_sentiment_accuracy']:.3f}, macro-F1"
        f" {scores['entity_sentiment_macro_f1']:.3f} ({scores['entity_sentiment_scored']} of"
        f" {scores['entity_sentiment_annotated']} annotated organisations scored)",
        "    gold \\ predicted   " + "  ".join(f"{label:>8}" for label in LABELS),
    ]
    for gold, row in scores["entity_sentiment_confusion"].items():
        lines.append(f"    {gold:<18}" + "  ".join(f"{row[p]:>8}" for p in LABELS))
    return lines
