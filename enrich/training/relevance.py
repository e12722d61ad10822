"""Training the relevance model (`carintel models train relevance`).

Deterministic (zero init, full-batch L-BFGS in float64, one thread): a rebuild gives the same
weights. Data, all our own writing:
- sentence model: car-business sentences (the event sentences of `events_train.jsonl` and
  `events_more.jsonl`, the venture-news sentences of `sentiment_venture.jsonl`, and the car
  sentences among the hard negatives, which report no event but are about cars) against
  the same companies' other business (the first NON_CAR_HARD_NEGATIVES lines of
  `events_hard_negatives.jsonl`: phones, chips, AI, cloud, earnings, food delivery, games);
- document model: the train split of the claims dev set (`enrich.training.claims`), whose
  articles are labelled relevant or not. The dev split chooses the threshold; the test split
  is only reported.
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


def _features(
    encoder: Encoder,
    sentence_weight: np.ndarray[Any, Any],
    sentence_bias: float,
    articles: Sequence[ClaimArticle],
    linked_types: LinkedTypes,
) -> np.ndarray[Any, Any]:
    rows = []
    for a in articles:
        lead = rel.lead_texts(a.title, a.text)
        probs = rel.sentence_probabilities(
            sentence_weight, sentence_bias, embed_sentences(encoder, lead)
        ).tolist()
        rows.append(rel.document_features(a.title, a.text, linked_types(a.title, a.text), probs))
    return np.asarray(rows, dtype=np.float64)


def _accuracy(scores: Sequence[float], gold: Sequence[bool], threshold: float) -> float:
    return float(np.mean([(s >= threshold) == g for s, g in zip(scores, gold, strict=True)]))


def train(
    encoder: Encoder, out: Path, linked_types: LinkedTypes, say: Callable[[str], None] = print
) -> dict[str, Any]:
    """Fit both models, choose the threshold on the dev split, write the artifacts."""
    from safetensors.numpy import save_file

    torch.set_num_threads(1)
    texts, labels = sentence_data()
    sentence_weight, sentence_bias = fit_logistic(
        embed_sentences(encoder, texts), labels, SENTENCE_L2
    )
    train_articles = load_articles(splits=("train",))
    x = _features(encoder, sentence_weight, sentence_bias, train_articles, linked_types)
    doc_weight, doc_bias = fit_logistic(x, [int(a.relevant) for a in train_articles], DOCUMENT_L2)

    def scores(articles: Sequence[ClaimArticle]) -> list[float]:
        feats = _features(encoder, sentence_weight, sentence_bias, articles, linked_types)
        return [float(1 / (1 + np.exp(-(f @ doc_weight + doc_bias)))) for f in feats]

    dev = load_articles(splits=("dev",))
    dev_scores = scores(dev)
    gold = [a.relevant for a in dev]
    # the most accurate threshold on dev; ties go to the one nearest 0.5
    threshold = max(THRESHOLDS, key=lambda t: (_accuracy(dev_scores, gold, t), -abs(t - 0.5)))
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
        "sentence_examples": len(texts),
        "sentence_positive": int(sum(labels)),
        "train_articles": len(train_articles),
        "train_accuracy": _accuracy(
            scores(train_articles), [a.relevant for a in train_articles], threshold
        ),
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
        "sentence_data_sha256": hashlib.sha256(json.dumps([texts, labels]).encode()).hexdigest()[
            :16
        ],
        **results,
    }
    (out / rel.CONFIG).write_text(json.dumps(config, indent=2) + "\n", "utf-8")
    say(json.dumps(results, indent=2))
    return results
