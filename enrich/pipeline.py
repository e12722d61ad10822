"""The document enrichment pipeline: documents in, entities, sentiment and relevance out.

    sentences → watchlist aliases (enrich.linker) and NER spans, sentence by sentence (enrich.ner)
    → NER spans linked to watchlist entities (enrich.resolve), the rest kept as unlinked
      organisations (emerging entities)
    → sentiment toward each linked entity from the title (weight 2) and the sentences that
      mention it (at most MAX_TARGETS_PER_ENTITY per document; the weighted mean of their class
      probabilities)
    → document sentiment: the tone toward the organisations the headline names (their entity
      sentiment, `document_tone`); without one, the title (weight 2) and the first 12
      sentences, each classified as a whole (the rule of enrich.sentiment.document_sentiment)
    → relevance (enrich.relevance)
    → events (enrich.events): sentences that mention a linked entity, classified by the event
      model (base encoder + trained head), with stage, parties and their own date

Everything a batch needs from the models runs as one NER call and one sentiment call over the
whole batch (length-sorted inside); the sentiment call encodes each distinct sentence once for
all the targets in it (an entity's, and the sentence's own for document sentiment). Batching
alone buys little on a 2-core CPU, where the encoder already runs near the cores' arithmetic
limit: the speed comes from doing less work (benchmarks/enrich_throughput.py,
benchmarks/int8_speed.py).
Models are passed in; either may be None (alias linking only).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from enrich.embeddings import Encoder
from enrich.events import EventDocument, EventModel, extract_events_many
from enrich.linker import AliasLinker
from enrich.models import LoadedModel
from enrich.ner import EntitySpan, tag_sentences
from enrich.records import (
    DocumentEnrichment,
    EntityTone,
    InputDocument,
    Mention,
    OrganisationTone,
)
from enrich.relevance import METHOD as RELEVANCE_METHOD
from enrich.relevance import THRESHOLD, RelevanceModel, relevance, score_documents
from enrich.resolve import EntityResolver, name_key
from enrich.sentences import sentence_spans
from enrich.sentiment import (
    TITLE_WEIGHT,
    Sentiment,
    Target,
    ToneCalibration,
    TonePlace,
    classify,
    document_targets,
    entity_tone,
    weighted_mean,
)

# 2: one sentence splitter (decimals and "Co." no longer cut); 3: model designations are not
# kept as unlinked organisations; 4: entity sentiment reads the title too; 5: NER tags one
# sentence at a time; 6: every line break ends a sentence (a heading no longer runs into the
# paragraph under it), names cut after "for" / "of" are completed (ner.complete_names), and
# people and places outside the watchlist are kept too (UNLINKED_LABELS); 7: off-topic
# documents yield no events, a product's mention speaks for its maker in entity sentiment
# (family_key), organisations outside the watchlist get sentiment, document sentiment is the
# tone toward the organisations the headline names (document_tone)
PIPELINE_VERSION = "pipeline-7"
MAX_TARGETS_PER_ENTITY = 8
MIN_NER_SCORE = 0.6
# An unlinked name with a digit in it ("ES8", "Mate 80", "Qwen3-Max") is taken for a model
# designation, not a company: NER often tags these ORG, and they flooded emerging_entities.
# (The price: a company such as "3M" is not surfaced until it is put on the watchlist.)
_MODEL_DESIGNATION = re.compile(r"\d")
# NER types kept as unlinked mentions when they name no watchlist entity: organisations (the
# candidates of emerging_entities), and the people and places the news names. The places also
# tell the view a place the model sometimes tags ORG ("the Hong Kong stock exchange") from an
# organisation.
UNLINKED_LABELS = frozenset({"ORG", "PER", "LOC"})
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh' for mostly-Chinese text, 'en' for Latin-script text, 'und' otherwise: a script
    heuristic, enough for this tracker's English and Chinese sources."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    if han and han >= latin / 4:
        return "zh"
    if latin:
        return "en"
    return "und"


@dataclass(frozen=True)
class Enricher:
    """Everything enrichment needs, built once per run."""

    linker: AliasLinker
    resolver: EntityResolver
    entity_types: Mapping[str, str]  # entity id → type (for relevance)
    ner: LoadedModel | None = None
    sentiment: LoadedModel | None = None
    events: EventModel | None = None
    encoder: Encoder | None = None  # the base encoder, for story embeddings (not used here)
    batch_size: int = 32
    relevance_threshold: float = THRESHOLD  # documents below it yield no events
    relevance_model: RelevanceModel | None = None  # None: the vocabulary score
    # entity id → what it is a brand, product or subsidiary of (the watchlist's relationships)
    belongs_to: Mapping[str, frozenset[str]] = field(default_factory=dict)
    entity_tone: ToneCalibration | None = None  # None: the weighted mean of the targets

    def relevance_method(self) -> str:
        return self.relevance_model.version if self.relevance_model else RELEVANCE_METHOD

    def precisions(self) -> dict[str, str]:
        """What each model runs in (fp32, bf16, int8), by model."""
        found: dict[str, str] = {}
        for name, model in (("ner", self.ner), ("sentiment", self.sentiment)):
            if model is not None:
                found[name] = model.precision
        if self.events is not None:
            found["events"] = self.events.encoder.precision
        if self.relevance_model is not None:
            found["relevance"] = self.relevance_model.encoder.precision
        return found

    def version(self) -> str:
        """Changes when the watchlist's aliases, a model or this pipeline change."""
        families = json.dumps({k: sorted(v) for k, v in sorted(self.belongs_to.items())})
        parts = [PIPELINE_VERSION, self.linker.version,
                 f"{self.relevance_method()}@{self.relevance_threshold:g}",
                 "families-" + hashlib.sha256(families.encode()).hexdigest()[:8]]  # fmt: skip
        for model in (self.ner, self.sentiment):
            parts.append(f"{model.name}@{model.version}" if model else "none")
        parts.append(self.events.version if self.events else "none")
        if self.entity_tone is not None:
            parts.append(self.entity_tone.version)
        return "|".join(parts)


def _overlaps(a: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def _link_spans(
    field_name: str,
    spans: Sequence[EntitySpan],
    alias_spans: Sequence[tuple[int, int]],
    resolver: EntityResolver,
) -> list[Mention]:
    out = []
    for span in spans:
        if span.score < MIN_NER_SCORE or _overlaps((span.start, span.end), alias_spans):
            continue
        found = resolver.resolve(span.text)
        if found is not None:
            out.append(Mention(found.entity_id, field_name, span.start, span.end, span.text,
                               "ner", span.label, span.score))  # fmt: skip
        elif (
            span.label in UNLINKED_LABELS
            and name_key(span.text)
            and not _MODEL_DESIGNATION.search(span.text)
        ):
            out.append(Mention(None, field_name, span.start, span.end, span.text, "ner",
                               span.label, span.score))  # fmt: skip
    return out


def find_mentions(enricher: Enricher, docs: Sequence[InputDocument]) -> list[list[Mention]]:
    """Per document, its watchlist aliases and NER spans (linked, or kept as unlinked
    organisations, people and places), title first, in text order; NER runs as one call over
    the batch."""
    fields = [(d.title, d.text) for d in docs]
    ner_spans: list[list[EntitySpan]] = []
    if enricher.ner is not None:
        flat = [value for pair in fields for value in pair]
        ner_spans = tag_sentences(enricher.ner, flat, batch_size=enricher.batch_size)
    result = []
    for i, (title, text) in enumerate(fields):
        mentions: list[Mention] = []
        for j, (name, value) in enumerate((("title", title), ("text", text))):
            aliases = [
                Mention(m.entity_id, name, m.start, m.end, m.text, "alias")
                for m in enricher.linker.find(value)
            ]
            mentions += aliases
            if ner_spans:
                spans = [(m.start, m.end) for m in aliases]
                mentions += _link_spans(name, ner_spans[2 * i + j], spans, enricher.resolver)
        result.append(sorted(mentions, key=lambda m: (m.field != "title", m.start)))
    return result


def linked_key(mention: Mention) -> tuple[str, ...]:
    """The watchlist entity a mention names (none: not linked)."""
    return (mention.entity_id,) if mention.entity_id else ()


def organisation_key(mention: Mention) -> tuple[str, ...]:
    """The normalised name of an organisation outside the watchlist (an unlinked ORG mention),
    none for anything else: a rival carmaker or a new partner the story names."""
    if mention.entity_id is not None or mention.label != "ORG":
        return ()
    key = name_key(mention.text)
    return (key,) if key else ()


def family_key(
    mentions: Sequence[Mention], belongs_to: Mapping[str, Collection[str]]
) -> Callable[[Mention], tuple[str, ...]]:
    """Like `linked_key`, but a mention of a product or brand also counts for the companies
    and ventures it belongs to that the document names too: "Xiaomi YU7 buyers demand
    refunds" is news about Xiaomi (the alias linker gives the span to the YU7, the longest
    name)."""
    named = {m.entity_id for m in mentions if m.entity_id}

    def key(mention: Mention) -> tuple[str, ...]:
        if mention.entity_id is None:
            return ()
        parents = sorted(p for p in belongs_to.get(mention.entity_id, ()) if p in named)
        return (mention.entity_id, *parents)

    return key


def entity_targets(
    title: str,
    text: str,
    mentions: Sequence[Mention],
    key: Callable[[Mention], Iterable[str]] = linked_key,
) -> dict[str, list[tuple[Target, float]]]:
    """Per entity (`key` of a mention: by default the linked watchlist entity), its weighted
    sentiment targets: the title if it names the entity (weight TITLE_WEIGHT, as in document
    sentiment: a headline states the gist), then one target per sentence of the text that
    mentions it (its first mention there, weight 1); at most MAX_TARGETS_PER_ENTITY, the title
    first (`mentions` come title first)."""
    lead = len(title) - len(title.lstrip())  # the title as document sentiment reads it
    fields = {
        "title": (title, [(lead, len(title.rstrip()))]),
        "text": (text, sentence_spans(text)),
    }
    targets: dict[str, list[tuple[Target, float]]] = {}
    used: set[tuple[str, str, int]] = set()
    for m in mentions:
        for entity in key(m):
            value, spans = fields[m.field]
            for n, (s, e) in enumerate(spans):
                if s <= m.start and m.end <= e and (entity, m.field, n) not in used:
                    used.add((entity, m.field, n))
                    bucket = targets.setdefault(entity, [])
                    if len(bucket) < MAX_TARGETS_PER_ENTITY:
                        weight = TITLE_WEIGHT if m.field == "title" else 1.0
                        bucket.append((Target(value[s:e], m.start - s, m.end - s), weight))
                    break
    return targets


@dataclass(frozen=True)
class SentimentTargets:
    """What one document asks of the sentiment model, in the order `all` lists it: each linked
    entity's weighted targets (`entity_targets`), each outside organisation's (by normalised
    name; `organisation_names` gives the name as first written), then the document's
    (`document_targets`)."""

    entities: Mapping[str, Sequence[tuple[Target, float]]]
    document: Sequence[Target]
    document_weights: Sequence[float]
    organisations: Mapping[str, Sequence[tuple[Target, float]]] = field(default_factory=dict)
    organisation_names: Mapping[str, str] = field(default_factory=dict)

    def place(self, watchlisted: bool) -> TonePlace:
        """An entity's place in this document, as the entity-tone calibration reads it."""
        return TonePlace(
            len(self.document), len(self.entities) + len(self.organisations), watchlisted
        )

    def all(self) -> list[Target]:
        return (
            [t for ts in self.entities.values() for t, _ in ts]
            + [t for ts in self.organisations.values() for t, _ in ts]
            + list(self.document)
        )


def sentiment_targets(
    title: str,
    text: str,
    mentions: Sequence[Mention],
    belongs_to: Mapping[str, Collection[str]] | None = None,
) -> SentimentTargets:
    """`belongs_to` (entity id → the companies and ventures it is a brand, product or
    subsidiary of) lets a product's mention speak for its maker (`family_key`)."""
    document, weights = document_targets(title, text)
    names: dict[str, str] = {}
    for m in mentions:
        for found in organisation_key(m):
            names.setdefault(found, m.text)
    return SentimentTargets(
        entity_targets(title, text, mentions, family_key(mentions, belongs_to or {})),
        tuple(document),
        tuple(weights),
        entity_targets(title, text, mentions, organisation_key),
        names,
    )


def document_tone(plan: SentimentTargets, tones: Sequence[EntityTone]) -> Sentiment | None:
    """The tone toward the ventures an article covers: the mean of its entity tones toward the
    organisations its headline names (the article's subjects), None when the headline names
    none (the sentence rule of `document_targets` applies then): what the story means for its
    subjects decides, not the tone of its background sentences."""
    subjects = [
        t
        for t in tones
        if plan.entities.get(t.entity_id) and plan.entities[t.entity_id][0][1] == TITLE_WEIGHT
    ]
    if not subjects:
        return None
    return weighted_mean([t.sentiment for t in subjects], [1.0] * len(subjects))


def polarity(sentiment: Sentiment) -> float:
    p = sentiment.probabilities
    return round(p.get("positive", 0.0) - p.get("negative", 0.0), 4)


def document_relevance(
    enricher: Enricher, docs: Sequence[InputDocument], mentions: Sequence[Sequence[Mention]]
) -> list[float]:
    """Relevance of each document (`enrich.relevance`): the trained model where the enricher
    has one (one batched encoder pass), else the vocabulary score."""
    types = [
        [enricher.entity_types.get(e, "") for e in {m.entity_id for m in ms if m.entity_id}]
        for ms in mentions
    ]
    if enricher.relevance_model is None:
        return [relevance(d.title, d.text, t) for d, t in zip(docs, types, strict=True)]
    return score_documents(
        enricher.relevance_model,
        [(d.title, d.text, t) for d, t in zip(docs, types, strict=True)],
        batch_size=enricher.batch_size,
    )


def enrich_documents(enricher: Enricher, docs: Sequence[InputDocument]) -> list[DocumentEnrichment]:
    """Enrich a batch of documents (order kept)."""
    all_mentions = find_mentions(enricher, docs)
    empty = SentimentTargets({}, (), ())
    plans = [empty] * len(docs)
    found: list[Sentiment] = []
    if enricher.sentiment is not None:
        plans = [
            sentiment_targets(d.title, d.text, m, enricher.belongs_to)
            for d, m in zip(docs, all_mentions, strict=True)
        ]
        flat = [t for plan in plans for t in plan.all()]
        found = classify(enricher.sentiment, flat, batch_size=enricher.batch_size)
    cursor = 0
    scores = document_relevance(enricher, docs, all_mentions)

    def take(count: int) -> list[Sentiment]:
        nonlocal cursor
        cursor += count
        return found[cursor - count : cursor]

    results: list[DocumentEnrichment] = []
    for doc, mentions, plan, score in zip(docs, all_mentions, plans, scores, strict=True):
        tones: list[EntityTone] = []
        organisations: list[OrganisationTone] = []
        sentiment = None
        if found:
            calibration = enricher.entity_tone
            for entity_id, ts in plan.entities.items():
                weights = [w for _, w in ts]
                tone = entity_tone(take(len(ts)), weights, calibration, plan.place(True))
                tones.append(EntityTone(entity_id, tone, len(ts)))
            for key, ts in plan.organisations.items():
                weights = [w for _, w in ts]
                tone = entity_tone(take(len(ts)), weights, calibration, plan.place(False))
                organisations.append(
                    OrganisationTone(key, plan.organisation_names[key], tone, len(ts))
                )
            if plan.document:
                sentences_tone = weighted_mean(take(len(plan.document)), plan.document_weights)
                sentiment = document_tone(plan, tones) or sentences_tone
        results.append(
            DocumentEnrichment(
                doc_id=doc.id,
                language=detect_language(f"{doc.title}\n{doc.text}"),
                mentions=tuple(mentions),
                entity_sentiment=tuple(tones),
                organisation_sentiment=tuple(organisations),
                relevance=score,
                relevant=score >= enricher.relevance_threshold,
                sentiment=sentiment,
            )
        )
    relevant = [i for i, r in enumerate(results) if r.relevant]
    if enricher.events is not None and relevant:
        # an off-topic document (a phone launch, a food-delivery quarter) states no claim
        found_events = extract_events_many(
            enricher.events,
            [
                EventDocument(
                    text=docs[i].text,
                    # title mentions name the story's subject for "it" (`sentence_parties`)
                    mentions=list(results[i].linked),  # type: ignore[arg-type]
                    published_at=_as_datetime(docs[i].published_at),
                    doc_id=docs[i].id,
                    first_seen_at=docs[i].first_seen_at,
                )
                for i in relevant
            ],
            batch_size=enricher.batch_size,
            entity_types=enricher.entity_types,
        )
        for i, events in zip(relevant, found_events, strict=True):
            results[i] = replace(results[i], events=tuple(events))
    return results


def _as_datetime(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
