"""Training the relevance model (`carintel models train relevance`).

Deterministic (zero init, full-batch L-BFGS in float64, one thread): a rebuild gives the same
weights. Data, all our own writing:
- sentence model: car-business sentences (the event sentences of `events_train.jsonl` and
  `events_more.jsonl`, the venture-news sentences of `sentiment_venture.jsonl`, and the car
  sentences among the hard negatives, which report no event but are about cars) against
  the same companies' other business (the first NON_CAR_HARD_NEGATIVES lines of
  `events_hard_negatives.jsonl`: phones, chips, AI, cloud, earnings, food delivery, games);
  plus the title and lead sentences of the claims train split's off-topic articles
  (`article_negatives`);
- document model: the train split of the claims dev set (`enrich.training.claims`), whose
  articles are labelled relevant or not, each read by a sentence model fitted without it
  (`train`). The train split scored out of fold and the dev split choose the threshold; the
  test split is only reported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from enrich import relevance as rel
from enrich.embeddings import Encoder, embed_sentences
from enrich.training.claims import ClaimArticle, load_articles
from enrich.training.logistic import fit_logistic

HERE = Path(__file__).resolve().parent
NON_CAR_HARD_NEGATIVES = 220  # the hard negatives after these are car sentences with no event
SENTENCE_L2 = 1e-3
DOCUMENT_L2 = 1e-2
# the types of the watchlist entities the alias linker finds in (title, text), as enrichment
# computes them (carintel builds it from the watchlist: `carintel models train relevance`)
LinkedTypes = Callable[[str, str], list[str]]
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.81, 0.05))


def _read(name: str) -> list[dict[str, Any]]:
    with (HERE / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def sentence_data() -> tuple[list[str], list[int]]:
    """(sentences, 1 = car business / 0 = not), each sentence once."""
    rows: dict[str, int] = {}
    for name in ("events_train.jsonl", "events_more.jsonl"):
        for row in _read(name):
            if row["type"] != "none":
                rows.setdefault(row["text"], 1)
    for row in _read("sentiment_venture.jsonl"):
        rows.setdefault(row["text"], 1)
    negatives = _read("events_hard_negatives.jsonl")
    for n, row in enumerate(negatives):
        rows.setdefault(row["text"], 0 if n < NON_CAR_HARD_NEGATIVES else 1)
    return list(rows), list(rows.values())


FOLDS = 5  # cross-fitting folds over the claims train split (by a hash of the article id)


def article_negatives(articles: Sequence[ClaimArticle]) -> dict[str, int]:
    """The title and lead sentences of off-topic articles, as the sentence model's negatives:
    the same companies' phones, earnings and AI as real articles word them (the hard
    negatives of `sentence_data` are single sentences written one at a time)."""
    rows: dict[str, int] = {}
    for article in articles:
        if not article.relevant:
            for sentence in rel.lead_texts(article.title, article.text):
                rows.setdefault(sentence, 0)
    return rows


def fold_of(article: ClaimArticle) -> int:
    return int(hashlib.sha256(article.id.encode()).hexdigest(), 16) % FOLDS


class _Embedded:
    """Each text embedded once, however many models read it."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.cache: dict[str, np.ndarray[Any, Any]] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            self.cache.update(zip(todo, embed_sentences(self.encoder, todo), strict=True))
        return np.stack([self.cache[t] for t in texts])


def _sentence_model(
    embedded: _Embedded, base: dict[str, int], articles: Sequence[ClaimArticle]
) -> tuple[np.ndarray[Any, Any], float]:
    rows = dict(base)
    for text, label in article_negatives(articles).items():
        rows.setdefault(text, label)
    return fit_logistic(embedded(list(rows)), list(rows.values()), SENTENCE_L2)


def _features(
    embedded: _Embedded,
    sentence_weight: np.ndarray[Any, Any],
    sentence_bias: float,
    articles: Sequence[ClaimArticle],
    linked_types: LinkedTypes,
) -> np.ndarray[Any, Any]:
    rows = []
    for a in articles:
        lead = rel.lead_texts(a.title, a.text)
        probs = rel.sentence_probabilities(sentence_weight, sentence_bias, embedded(lead)).tolist()
        rows.append(rel.document_features(a.title, a.text, linked_types(a.title, a.text), probs))
    return np.asarray(rows, dtype=np.float64)


def _accuracy(scores: Sequence[float], gold: Sequence[bool], threshold: float) -> float:
    return float(np.mean([(s >= threshold) == g for s, g in zip(scores, gold, strict=True)]))


def _score(x: np.ndarray[Any, Any], weight: np.ndarray[Any, Any], bias: float) -> list[float]:
    return [float(v) for v in 1 / (1 + np.exp(-(x @ weight + bias)))]


def train(
    encoder: Encoder, out: Path, linked_types: LinkedTypes, say: Callable[[str], None] = print
) -> dict[str, Any]:
    """Fit both models, choose the threshold, write the artifacts.

    Cross-fitted: the sentence model also learns from the off-topic articles of the claims
    train split (`article_negatives`), so the document model's features of a train article
    come from a sentence model fitted without it (FOLDS folds), as they would for an unseen
    article. The threshold is the most accurate over the train articles scored out of fold
    (document model too) and the dev split together (ties toward 0.5): 39 dev articles
    alone leave it to one or two borderline stories."""
    from safetensors.numpy import save_file

    torch.set_num_threads(1)
    texts, labels = sentence_data()
    base = dict(zip(texts, labels, strict=True))
    embedded = _Embedded(encoder)
    train_articles = load_articles(splits=("train",))
    folds = [fold_of(a) for a in train_articles]
    x = np.zeros((len(train_articles), len(rel.FEATURES)))
    for k in range(FOLDS):
        inside = [a for a, f in zip(train_articles, folds, strict=True) if f != k]
        weight, bias = _sentence_model(embedded, base, inside)
        held = [i for i, f in enumerate(folds) if f == k]
        x[held] = _features(embedded, weight, bias, [train_articles[i] for i in held], linked_types)
    gold_train = [a.relevant for a in train_articles]
    out_of_fold = [0.0] * len(train_articles)
    for k in range(FOLDS):
        fit_rows = [i for i, f in enumerate(folds) if f != k]
        held = [i for i, f in enumerate(folds) if f == k]
        w, b = fit_logistic(x[fit_rows], [int(gold_train[i]) for i in fit_rows], DOCUMENT_L2)
        for i, value in zip(held, _score(x[held], w, b), strict=True):
            out_of_fold[i] = value
    sentence_weight, sentence_bias = _sentence_model(embedded, base, train_articles)
    doc_weight, doc_bias = fit_logistic(x, [int(g) for g in gold_train], DOCUMENT_L2)

    dev = load_articles(splits=("dev",))
    dev_x = _features(embedded, sentence_weight, sentence_bias, dev, linked_types)
    dev_scores = _score(dev_x, doc_weight, doc_bias)
    gold = [a.relevant for a in dev]
    pooled, pooled_gold = out_of_fold + dev_scores, gold_train + gold
    threshold = max(THRESHOLDS, key=lambda t: (_accuracy(pooled, pooled_gold, t), -abs(t - 0.5)))
    sentence_texts = list(base) + [t for t in article_negatives(train_articles) if t not in base]
    out.mkdir(parents=True, exist_ok=True)
    save_file(
        {
            "sentence_weight": sentence_weight.astype(np.float32),
            "sentence_bias": np.asarray([sentence_bias], dtype=np.float32),
            "doc_weight": doc_weight.astype(np.float32),
            "doc_bias": np.asarray([doc_bias], dtype=np.float32),
        },
        str(out / rel.WEIGHTS),
    )
    results = {
        "sentence_examples": len(sentence_texts),
        "sentence_positive": int(sum(labels)),
        "train_articles": len(train_articles),
        "train_accuracy_out_of_fold": _accuracy(out_of_fold, gold_train, threshold),
        "dev_articles": len(dev),
        "dev_accuracy": _accuracy(dev_scores, gold, threshold),
        "dev_threshold": threshold,
    }
    config = {
        "features": list(rel.FEATURES),
        "doc_weight": [round(float(w), 4) for w in doc_weight],
        "doc_bias": round(doc_bias, 4),
        "encoder": encoder.name,
        "encoder_version": encoder.version,
        "sentence_l2": SENTENCE_L2,
        "document_l2": DOCUMENT_L2,
        "sentence_data_sha256": hashlib.sha256(json.dumps(sentence_texts).encode()).hexdigest()[
            :16
        ],
        "folds": FOLDS,
        **results,
    }
    (out / rel.CONFIG).write_text(json.dumps(config, indent=2) + "\n", "utf-8")
    say(json.dumps(results, indent=2))
    return results
