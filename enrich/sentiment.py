"""Sentiment toward a target mention in a sentence, and the document-sentiment rule.

The bundled model reads a sentence pair: the target's text, then the sentence with the mention
wrapped in ``<<`` and ``>>`` (so a name that occurs twice is still one target). Document
sentiment is the same model with each whole sentence as its own target (see
`document_sentiment`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from enrich.models import LoadedModel, length_sorted_batches
from enrich.sentences import sentences

LABELS = ("negative", "neutral", "positive")
OPEN, CLOSE = "<<", ">>"
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


def encode_pair(target: Target) -> tuple[str, str]:
    """(mention, sentence with the mention marked), cropped around the mention. A whole-sentence
    target (see `whole`) has an empty first segment: naming the sentence twice would double the
    work of document sentiment for nothing. (This layout is `models.SENTIMENT_INPUT_FORMAT`;
    change both together.)"""
    s, e = target.start, target.end
    if not 0 <= s <= e <= len(target.sentence):
        raise ValueError(f"target span {s}:{e} is outside its sentence")
    if s == 0 and e == len(target.sentence):
        return "", f"{OPEN} {target.sentence} {CLOSE}"
    mention = target.sentence[s:e].strip() or target.sentence.strip()
    left = target.sentence[max(0, s - _CONTEXT_CHARS) : s]
    right = target.sentence[e : e + _CONTEXT_CHARS]
    return mention, f"{left}{OPEN} {target.sentence[s:e]} {CLOSE}{right}"


def classify(
    model: LoadedModel, targets: Sequence[Target], batch_size: int = 32
) -> list[Sentiment]:
    """Sentiment toward each target, in input order."""
    if model.pair_input:
        pairs = [encode_pair(t) for t in targets]
        firsts, seconds = [p[0] for p in pairs], [p[1] for p in pairs]
    else:
        firsts, seconds = [t.sentence for t in targets], []
    lengths = [len(a) + (len(seconds[i]) if seconds else 0) for i, a in enumerate(firsts)]
    out: list[Sentiment | None] = [None] * len(targets)
    label_index = {label: i for i, label in enumerate(model.labels)}
    with torch.inference_mode():
        for batch in length_sorted_batches(lengths, batch_size):
            enc = model.tokenizer(
                [firsts[i] for i in batch],
                [seconds[i] for i in batch] if seconds else None,
                padding=True,
                truncation=True,
                max_length=model.max_length,
                return_tensors="pt",
            )
            logits = model.model(**enc).logits
            probs = torch.softmax(logits.float(), dim=-1).tolist()
            for row, i in enumerate(batch):
                p = {label: probs[row][label_index[label]] for label in LABELS}
                best = max(LABELS, key=lambda label: p[label])
                out[i] = Sentiment(best, p[best], p)
    return [s for s in out if s is not None]


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
