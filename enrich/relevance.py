"""Is a document about carmaking ventures? A transparent score, not a model.

    z = -2.5 + 6 * car_share + 0.9 * min(car_entities, 3) + 1.0 * car_title
    relevance = 1 / (1 + exp(-z));  relevant = relevance >= THRESHOLD (0.5)

- car_share: the share of the document's sentences that use car-industry vocabulary
  (vehicle, EV, SUV, carmaker, deliveries, self-driving, 汽车, ...);
- car_entities: distinct linked watchlist entities whose type is venture, brand or product
  (the watchlist's ventures, car brands and models);
- car_title: 1 when the title uses that vocabulary.

On the bundled sample corpus this keeps every car article and drops the phone launches and
quarterly results that merely name Xiaomi, Tencent or Apple (tests pin both).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

THRESHOLD = 0.5
METHOD = "car-vocabulary-1"
CAR_ENTITY_TYPES = frozenset({"venture", "brand", "product"})
_CAR_TERMS = re.compile(
    r"\b(?:cars?|vehicles?|EVs?|electric[- ]vehicles?|SUVs?|sedans?|MPVs?|hatchbacks?|"
    r"car ?makers?|automakers?|automotive|auto (?:show|industry|market|brand)s?|"
    r"deliver(?:y|ies|ed)|test drives?|driving|drivers?|driver-assist\w*|self-driving|"
    r"autonomous|robotaxis?|chassis|cockpits?|powertrains?|range-extend\w*|plug-in hybrids?|"
    r"charging|battery[- ]swap\w*|showrooms?|dealers?|dealerships?|recalls?|crash(?:es|ed)?)\b"
    r"|汽车|电动车|新能源车|车型|整车|智驾|自动驾驶",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]?")


def car_share(text: str) -> float:
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    if not sentences:
        return 0.0
    return sum(1 for s in sentences if _CAR_TERMS.search(s)) / len(sentences)


def relevance(title: str, text: str, linked_entity_types: Iterable[str]) -> float:
    car_entities = len([t for t in linked_entity_types if t in CAR_ENTITY_TYPES])
    z = -2.5 + 6.0 * car_share(text) + 0.9 * min(car_entities, 3)
    z += 1.0 if _CAR_TERMS.search(title) else 0.0
    return round(1.0 / (1.0 + math.exp(-z)), 4)
