"""Is a document about carmaking ventures? Two small, transparent models.

With the base encoder (the default: `RelevanceModel`, trained by
`carintel models train relevance`):

1. a sentence model: logistic regression over the encoder's mean-pooled sentence embeddings,
   P(the sentence is about the car business), trained on our own sentences (car events and
   venture news against the same companies' phones, chips, AI, earnings, food delivery);
2. a document model: logistic regression over six features of the title and the first
   LEAD_SENTENCES sentences, trained on the train split of the claims dev set:

       title_car     P(car business) of the title
       mean_car      mean P over the title and lead sentences
       share_car     share of those with P >= 0.5
       max_car       the largest P
       vocabulary    share of sentences using car-industry words (`car_share`)
       car_entities  linked watchlist ventures, brands and products, at most 3

   relevance = sigmoid(w · features + b); relevant = relevance >= the threshold
   (config/enrich.yaml `relevance.threshold`; by default the one chosen on the claims dev
   split at training, `RelevanceModel.threshold`: the most accurate there).

Without an encoder (events and stories both switched off) the vocabulary score below is used:

    z = -2.5 + 6 * car_share + 0.9 * min(car_entities, 3) + 1.0 * car_title
    relevance = 1 / (1 + exp(-z))

"Car business" includes investments in carmakers, stake sales in them, battery and battery-swap
networks built for cars, driver assistance and robotaxis; a phone launch, quarterly earnings,
AI chatbots or AI servers of the same companies are not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from enrich.embeddings import Encoder, embed_sentences
from enrich.models import ARTIFACTS, ModelError, read_head_artifact
from enrich.sentences import sentences

THRESHOLD = 0.5  # of the vocabulary score, and for models that record no threshold
METHOD = "car-vocabulary-2"  # the fallback without an encoder
RELEVANCE_DIR = ARTIFACTS / "relevance"
WEIGHTS = "relevance.safetensors"
CONFIG = "relevance_config.json"
LEAD_SENTENCES = 12
FEATURES = ("title_car", "mean_car", "share_car", "max_car", "vocabulary", "car_entities")
CAR_ENTITY_TYPES = frozenset({"venture", "brand", "product"})
_CAR_TERMS = re.compile(
    r"\b(?:cars?|vehicles?|EVs?|electric[- ]vehicles?|SUVs?|sedans?|MPVs?|hatchbacks?|"
    r"car ?makers?|automakers?|automotive|auto (?:show|industry|market|brand)s?|"
    r"test drives?|driving|drivers?|driver-assist\w*|self-driving|"
    r"autonomous|robotaxis?|chassis|cockpits?|powertrains?|range-extend\w*|plug-in hybrids?|"
    r"charging|battery[- ]swap\w*|showrooms?|dealers?|dealerships?|recalls?|crash(?:es|ed)?)\b"
    r"|汽车|电动车|新能源车|车型|整车|智驾|自动驾驶",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]?")


def car_share(text: str) -> float:
    """The share of the text's sentences that use car-industry vocabulary. ("Delivery" is not
    in it: food delivery and parcel delivery read the same.)"""
    found = [s for s in _SENTENCE.findall(text) if s.strip()]
    if not found:
        return 0.0
    return sum(1 for s in found if _CAR_TERMS.search(s)) / len(found)


def car_entity_count(linked_entity_types: Iterable[str]) -> int:
    return min(3, len([t for t in linked_entity_types if t in CAR_ENTITY_TYPES]))


def relevance(title: str, text: str, linked_entity_types: Iterable[str]) -> float:
    """The vocabulary score (no encoder needed)."""
    z = -2.5 + 6.0 * car_share(text) + 0.9 * car_entity_count(linked_entity_types)
    z += 1.0 if _CAR_TERMS.search(title) else 0.0
    return round(1.0 / (1.0 + math.exp(-z)), 4)


def _sigmoid(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
    return out


@dataclass(frozen=True)
class RelevanceModel:
    """The encoder, the sentence model (`sentence_weight` · embedding + `sentence_bias`) and the
    document model over FEATURES (`doc_weight`, `doc_bias`)."""

    encoder: Encoder
    sentence_weight: npt.NDArray[np.float32]
    sentence_bias: float
    doc_weight: npt.NDArray[np.float32]
    doc_bias: float
    version: str
    config: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def threshold(self) -> float:
        """The threshold chosen on the claims dev split when the model was trained."""
        return float(self.config.get("dev_threshold", THRESHOLD))


def lead_texts(title: str, text: str) -> list[str]:
    """What the document model reads: the title (if any), then the first LEAD_SENTENCES."""
    lead = sentences(text)[:LEAD_SENTENCES]
    return ([title.strip()] if title.strip() else []) + lead


def sentence_probabilities(
    weight: npt.NDArray[np.float32], bias: float, vectors: npt.NDArray[np.float32]
) -> npt.NDArray[np.float64]:
    return _sigmoid(vectors.astype(np.float64) @ weight.astype(np.float64) + bias)


def document_features(
    title: str,
    text: str,
    linked_entity_types: Iterable[str],
    probabilities: Sequence[float],
) -> list[float]:
    """FEATURES of one document; `probabilities` are the sentence model's for `lead_texts`."""
    probs = list(probabilities)
    has_title = bool(title.strip())
    title_p = probs[0] if has_title and probs else 0.0
    return [
        title_p,
        float(np.mean(probs)) if probs else 0.0,
        float(np.mean([p >= 0.5 for p in probs])) if probs else 0.0,
        max(probs) if probs else 0.0,
        car_share(text),
        float(car_entity_count(linked_entity_types)),
    ]


def score_documents(
    model: RelevanceModel,
    docs: Sequence[tuple[str, str, Sequence[str]]],
    batch_size: int = 32,
) -> list[float]:
    """Relevance of each (title, text, linked entity types), with one batched encoder pass."""
    leads = [lead_texts(title, text) for title, text, _ in docs]
    flat = [s for lead in leads for s in lead]
    probs = (
        sentence_probabilities(
            model.sentence_weight,
            model.sentence_bias,
            embed_sentences(model.encoder, flat, batch_size=batch_size),
        ).tolist()
        if flat
        else []
    )
    out, cursor = [], 0
    for (title, text, types), lead in zip(docs, leads, strict=True):
        features = document_features(title, text, types, probs[cursor : cursor + len(lead)])
        cursor += len(lead)
        z = float(np.dot(np.asarray(features), model.doc_weight.astype(np.float64)))
        out.append(round(1.0 / (1.0 + math.exp(-(z + model.doc_bias))), 4))
    return out


def load_relevance_model(encoder: Encoder, directory: Path | None = None) -> RelevanceModel:
    config, tensors, digest = read_head_artifact(
        directory or RELEVANCE_DIR, WEIGHTS, CONFIG, "carintel models train relevance"
    )
    if tensors["sentence_weight"].shape[0] != encoder.dim:
        raise ModelError(
            f"the relevance model expects {tensors['sentence_weight'].shape[0]}-d embeddings but "
            f"the encoder gives {encoder.dim}: retrain it with `carintel models train relevance`"
        )
    return RelevanceModel(
        encoder=encoder,
        sentence_weight=tensors["sentence_weight"].astype(np.float32),
        sentence_bias=float(tensors["sentence_bias"][0]),
        doc_weight=tensors["doc_weight"].astype(np.float32),
        doc_bias=float(tensors["doc_bias"][0]),
        version=f"relevance-{digest}",
        config=config,
    )
