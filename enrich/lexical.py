"""The words of a sentence as features for a linear head (`enrich.events.EventHead`): the cue
words that decide an event type ("recalled", "pre-orders", "stake", "stepped down") are blurred
in a mean-pooled sentence embedding."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"[A-Za-z][A-Za-z\-]+")


def lexical_terms(sentence: str) -> list[str]:
    """The sentence's lower-cased words (letters and hyphens, two or more) and word pairs."""
    words = [w.lower() for w in _WORD.findall(sentence)]
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class LexicalFeatures:
    """TF-IDF of a sentence's words and word pairs (`lexical_terms`; term frequency 1 + ln n,
    smoothed idf ln((1 + N) / (1 + df)) + 1, L2-normalised), scaled by `weight`. The cue words
    that decide an event type ("recalled", "pre-orders", "stake", "stepped down") are blurred
    in a mean-pooled embedding; beside it they raised the claims recall at precision 0.85 from
    0.66 to 0.73 (article-level cross-validation, enrich/artifacts/events/README.md)."""

    vocabulary: Mapping[str, int]
    idf: npt.NDArray[np.float32]
    weight: float

    @classmethod
    def fit(cls, sentences: Sequence[str], weight: float, min_df: int = 2) -> LexicalFeatures:
        """The terms found in at least `min_df` of `sentences`, in sorted order."""
        df = Counter(term for s in sentences for term in set(lexical_terms(s)))
        terms = sorted(term for term, n in df.items() if n >= min_df)
        n = len(sentences)
        idf = np.array([np.log((1 + n) / (1 + df[t])) + 1 for t in terms], dtype=np.float32)
        return cls({term: i for i, term in enumerate(terms)}, idf, weight)

    @property
    def terms(self) -> list[str]:
        return sorted(self.vocabulary, key=self.vocabulary.__getitem__)

    def transform(self, sentences: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(sentences), len(self.idf)), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            counts = Counter(
                self.vocabulary[t] for t in lexical_terms(sentence) if t in self.vocabulary
            )
            for column, n in counts.items():
                out[row, column] = (1.0 + np.log(n)) * self.idf[column]
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] *= self.weight / norm
        return out

    def beside(
        self, vectors: npt.NDArray[np.float32], sentences: Sequence[str]
    ) -> npt.NDArray[np.float32]:
        """The sentences' embeddings `vectors` with their lexical features appended."""
        if len(sentences) != len(vectors):
            raise ValueError("the lexical features read the sentences' words: pass the sentences")
        return np.hstack([vectors, self.transform(sentences)])
