"""Sentiment toward a target mention in a sentence, and the document-sentiment rule.

The bundled model (`models.SpanSentimentModel`) reads each distinct sentence once and pools
every target from the word pieces of its mention, so a name that occurs twice is still one
target, and a sentence's entities and the sentence itself share one encoder pass. Document
sentiment is the same model with each whole sentence as its own target (see
`document_sentiment`). A configured hub model classifies whole sentences only.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from enrich.models import LoadedModel, length_sorted_batches
from enrich.sentences import sentences

LABELS = ("negative", "neutral", "positive")
_CONTEXT_CHARS = 600  # sentence context kept on each side of a target
DOC_SENTENCES = 12  # document sentiment reads the title and this many first sentences
TITLE_WEIGHT = 2.0  # a headline states the gist: it counts twice


@dataclass(frozen=True)
class Target:
    sentence: str
    start: int  # character offsets of the mention in `sentence`, end exclusive
    end: int


@dataclass(frozen=True)
class Sentiment:
    label: str  # negative | neutral | positive
    score: float  # probability of `label`
    probabilities: dict[str, float]


def whole(sentence: str) -> Target:
    """The whole sentence as its own target (sentence-level sentiment)."""
    return Target(sentence, 0, len(sentence))


def cropped(target: Target) -> Target:
    """The target with its sentence cut to `_CONTEXT_CHARS` on each side of the mention, offsets
    moved along (a whole sentence stays whole). Targets of one sentence crop to the same text
    unless the sentence is very long."""
    s, e = target.start, target.end
    if not 0 <= s <= e <= len(target.sentence):
        raise ValueError(f"target span {s}:{e} is outside its sentence")
    lo, hi = max(0, s - _CONTEXT_CHARS), min(len(target.sentence), e + _CONTEXT_CHARS)
    return Target(target.sentence[lo:hi], s - lo, e - lo)


def target_pieces(offsets: Sequence[tuple[int, int]], start: int, end: int) -> list[int]:
    """Positions of the word pieces (by their character offsets) that overlap ``start:end``;
    special tokens have empty offsets and never count. ``[0]`` (the sentence's ``[CLS]``)
    when none does, as for a mention cut off by truncation. (How the bundled model reads a
    target: `models.SENTIMENT_INPUT_FORMAT`; training uses this function too.)"""
    found = [i for i, (a, b) in enumerate(offsets) if b > a and a < end and b > start]
    return found or [0]


def span_mask(spans: Sequence[Sequence[int]], width: int) -> torch.Tensor:
    """One row per target, 1.0 at its word pieces (`target_pieces`): the `span_mask` that
    `models.SpanSentimentModel` pools each target with."""
    mask = torch.zeros((len(spans), width))
    for row, pieces in enumerate(spans):
        mask[row, list(pieces)] = 1.0
    return mask


def classify(
    model: LoadedModel, targets: Sequence[Target], batch_size: int = 32
) -> list[Sentiment]:
    """Sentiment toward each target, in input order. With the bundled model, each distinct
    (cropped) sentence is encoded once, in length-sorted batches of `batch_size` sentences,
    and all of its targets are read from that pass."""
    out: list[Sentiment | None] = [None] * len(targets)
    with torch.inference_mode():
        if model.span_input:
            _classify_spans(model, targets, batch_size, out)
        else:
            _classify_sentences(model, targets, batch_size, out)
    return [s for s in out if s is not None]


def _sentiment(model: LoadedModel, probabilities: list[float]) -> Sentiment:
    p = {label: probabilities[model.labels.index(label)] for label in LABELS}
    best = max(LABELS, key=lambda label: p[label])
    return Sentiment(best, p[best], p)


def _classify_spans(
    model: LoadedModel, targets: Sequence[Target], batch_size: int, out: list[Sentiment | None]
) -> None:
    crops = [cropped(t) for t in targets]
    index: dict[str, int] = {}
    for c in crops:
        index.setdefault(c.sentence, len(index))
    texts = list(index)
    if not texts:
        return
    enc = model.tokenizer(
        texts, truncation=True, max_length=model.max_length, return_offsets_mapping=True
    )
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
    members: list[list[int]] = [[] for _ in texts]
    for i, c in enumerate(crops):
        members[index[c.sentence]].append(i)
    pad = model.tokenizer.pad_token_id or 0
    for batch in length_sorted_batches([len(x) for x in ids], batch_size):
        width = max(len(ids[k]) for k in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for row, k in enumerate(batch):
            input_ids[row, : len(ids[k])] = torch.tensor(ids[k])
            attention[row, : len(ids[k])] = 1
        rows, which, spans = [], [], []
        for row, k in enumerate(batch):
            for i in members[k]:
                rows.append(row)
                which.append(i)
                spans.append(target_pieces(offsets[k], crops[i].start, crops[i].end))
        logits = model.model(
            input_ids=input_ids,
            attention_mask=attention,
            span_mask=span_mask(spans, width),
            rows=torch.tensor(rows),
        ).logits
        probs = torch.softmax(logits.float(), dim=-1).tolist()
        for n, i in enumerate(which):
            out[i] = _sentiment(model, probs[n])


def _classify_sentences(
    model: LoadedModel, targets: Sequence[Target], batch_size: int, out: list[Sentiment | None]
) -> None:
    """A sequence classifier (a configured hub model): each target's whole sentence."""
    texts = [t.sentence for t in targets]
    for batch in length_sorted_batches([len(t) for t in texts], batch_size):
        enc = model.tokenizer(
            [texts[i] for i in batch],
            padding=True,
            truncation=True,
            max_length=model.max_length,
            return_tensors="pt",
        )
        probs = torch.softmax(model.model(**enc).logits.float(), dim=-1).tolist()
        for row, i in enumerate(batch):
            out[i] = _sentiment(model, probs[row])


def document_targets(title: str, text: str) -> tuple[list[Target], list[float]]:
    """The targets of document sentiment and their weights: the title (TITLE_WEIGHT) and the
    first DOC_SENTENCES sentences of the text (1 each), each whole sentence its own target."""
    targets = [whole(sentence) for sentence in sentences(text)[:DOC_SENTENCES]]
    weights = [1.0] * len(targets)
    if title.strip():
        targets.insert(0, whole(title.strip()))
        weights.insert(0, TITLE_WEIGHT)
    return targets, weights


def weighted_mean(found: Sequence[Sentiment], weights: Sequence[float]) -> Sentiment:
    """The label with the highest weighted mean probability, and that mean."""
    total = sum(weights)
    mean = {
        label: sum(w * s.probabilities[label] for w, s in zip(weights, found, strict=True)) / total
        for label in LABELS
    }
    best = max(LABELS, key=lambda label: mean[label])
    return Sentiment(best, mean[best], mean)


def document_sentiment(model: LoadedModel, text: str, title: str = "") -> Sentiment | None:
    """Document sentiment: the weighted mean class probabilities of `document_targets`.
    None for an empty document. (The enrichment pipeline batches the same targets with the
    entity targets of many documents.)"""
    targets, weights = document_targets(title, text)
    if not targets:
        return None
    return weighted_mean(classify(model, targets), weights)


# ------------------------------------------------------------------ entity tone

TONE_FILE = "entity_tone.json"
TONE_FEATURES = (
    "log_mean_negative", "log_mean_neutral", "log_mean_positive", "max_negative",
    "max_positive",  # what its targets say
    "in_title", "log_targets", "target_share", "watchlisted", "log_organisations",  # its place
    "title_log_mean_negative", "title_log_mean_neutral", "title_log_mean_positive",
)  # fmt: skip


@dataclass(frozen=True)
class TonePlace:
    """Where an entity stands in its article, beside what its targets say: a supplier named
    once in a launch story or a regulator in a recall reads neutral though its one sentence
    is good or bad news; the company in the headline takes the story's tone."""

    document_targets: int  # the document-sentiment targets (title and first sentences)
    organisations: int  # the organisations of the document with targets, this one included
    watchlisted: bool  # a watchlist entity (not an outside organisation)


def tone_features(
    found: Sequence[Sentiment], weights: Sequence[float], place: TonePlace
) -> list[float]:
    """TONE_FEATURES of one entity's classified targets: the log of the weighted mean class
    probabilities, the strongest negative and positive target, then its place in the article
    (named in the title, how many targets, their share of the document's, watchlisted, how
    many organisations share the story) and the mean again when the title names it."""
    mean = weighted_mean(found, weights).probabilities
    log_mean = [math.log(mean[label] + 1e-4) for label in LABELS]
    in_title = float(any(w >= TITLE_WEIGHT for w in weights))
    return [
        *log_mean,
        max(s.probabilities["negative"] for s in found),
        max(s.probabilities["positive"] for s in found),
        in_title,
        math.log(len(found)),
        len(found) / max(1, place.document_targets),
        float(place.watchlisted),
        math.log(max(1, place.organisations)),
        *(in_title * v for v in log_mean),
    ]


@dataclass(frozen=True)
class ToneCalibration:
    """How an article reads for an entity, from its targets: a multinomial logistic regression
    over standardised `tone_features`, fitted on the claims dev set's train split (the
    article-level labels analysts gave) with its L2 weight chosen on the dev split. The plain
    weighted mean calls most good and bad news "neutral": headline facts read neutral one
    sentence at a time. Bound to the sentiment artifact it was fitted for (`model_version`)."""

    weight: tuple[tuple[float, ...], ...]  # (labels, features)
    bias: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    model_version: str
    version: str

    def tone(
        self, found: Sequence[Sentiment], weights: Sequence[float], place: TonePlace
    ) -> Sentiment:
        x = [(v - m) / s for v, m, s in zip(tone_features(found, weights, place), self.mean,
                                           self.scale, strict=True)]  # fmt: skip
        logits = [b + sum(w * v for w, v in zip(row, x, strict=True))
                  for row, b in zip(self.weight, self.bias, strict=True)]  # fmt: skip
        top = max(logits)
        exp = [math.exp(z - top) for z in logits]
        p = {label: e / sum(exp) for label, e in zip(LABELS, exp, strict=True)}
        best = max(LABELS, key=lambda label: p[label])
        return Sentiment(best, p[best], p)


def load_tone_calibration(directory: Path, model_version: str) -> ToneCalibration | None:
    """The calibration beside a bundled sentiment artifact, if it was fitted for this version
    of the model (None otherwise: entity tone falls back to the weighted mean)."""
    path = directory / TONE_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    if data.get("model_version") != model_version or data.get("features") != list(TONE_FEATURES):
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return ToneCalibration(
        weight=tuple(tuple(row) for row in data["weight"]),
        bias=tuple(data["bias"]),
        mean=tuple(data["mean"]),
        scale=tuple(data["scale"]),
        model_version=data["model_version"],
        version=f"tone-{digest}",
    )


def entity_tone(
    found: Sequence[Sentiment],
    weights: Sequence[float],
    calibration: ToneCalibration | None,
    place: TonePlace,
) -> Sentiment:
    """An entity's sentiment in one document from its weighted targets and its place there."""
    if calibration is None:
        return weighted_mean(found, weights)
    return calibration.tone(found, weights, place)
