"""Linking a name the NER model found to a watchlist entity, when the alias matcher did not.

NER finds spellings the watchlist does not list verbatim ("Huawei Technologies Co., Ltd.",
"XPENG Inc", "Seres Group's"). A name is normalised (case-folded, possessive and legal-form
suffixes removed) and looked up among the normalised aliases; failing that, a close fuzzy match
(difflib ratio >= 0.92, names of 6+ characters only, a unique best candidate) links it. Short
names never match fuzzily: "Li" must not become Li Auto.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

LEGAL_SUFFIXES = frozenset(
    {"co", "company", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "plc",
     "group", "holding", "holdings", "llc", "ag", "se", "sa", "nv", "gmbh", "kk"}
)  # fmt: skip
FUZZY_CUTOFF = 0.92
FUZZY_MIN_LENGTH = 6
_POSSESSIVE = re.compile(r"['’]s?$")
_NON_WORD = re.compile(r"[^\w\u3400-\u9fff]+")


def name_key(text: str) -> str:
    """'Huawei Technologies Co., Ltd.' -> 'huawei technologies'; "Seres Group's" -> 'seres'."""
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    folded = _POSSESSIVE.sub("", folded)
    words = [w for w in _NON_WORD.split(folded) if w]
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class Resolution:
    entity_id: str
    method: str  # key | fuzzy
    score: float


class EntityResolver:
    """Fuzzy look-ups are remembered per normalised name (news repeats names), and each alias
    keeps its own `difflib.SequenceMatcher`, so only aliases whose length and letters could
    reach FUZZY_CUTOFF are scored in full: the same answers as scoring every alias."""

    def __init__(self, aliases: Iterable[Mapping[str, Any]]) -> None:
        owners: dict[str, set[str]] = {}
        for row in aliases:
            key = name_key(str(row["alias"]))
            if key:
                owners.setdefault(key, set()).add(str(row["entity_id"]))
        self._exact = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}
        self._matchers = [
            (k, difflib.SequenceMatcher(None, "", k))
            for k in sorted(k for k in self._exact if len(k) >= FUZZY_MIN_LENGTH)
        ]
        self._fuzzy = functools.lru_cache(maxsize=1 << 16)(self._closest)

    def resolve(self, text: str) -> Resolution | None:
        key = name_key(text)
        if not key:
            return None
        if key in self._exact:
            return Resolution(self._exact[key], "key", 1.0)
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        return self._fuzzy(key)

    def _closest(self, key: str) -> Resolution | None:
        scored = []
        for k, matcher in self._matchers:
            if 2.0 * min(len(key), len(k)) / (len(key) + len(k)) < FUZZY_CUTOFF:
                continue  # real_quick_ratio: the lengths alone rule it out
            matcher.set_seq1(key)
            if matcher.quick_ratio() < FUZZY_CUTOFF:
                continue  # an upper bound of ratio()
            ratio = matcher.ratio()
            if ratio >= FUZZY_CUTOFF:
                scored.append((ratio, k))
        if not scored:
            return None
        scored.sort(reverse=True)
        if len(scored) > 1 and self._exact[scored[1][1]] != self._exact[scored[0][1]]:
            return None  # two entities are equally close: do not guess
        return Resolution(self._exact[scored[0][1]], "fuzzy", round(scored[0][0], 3))
