"""Metrics, implemented here: exact-span entity P/R/F1 (seqeval/conlleval style) and
classification accuracy / macro-F1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence


def bio_spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Entity spans (start, end exclusive, type) from BIO tags; an `I-X` after O or another
    type starts an entity (conlleval's lenient reading)."""
    spans: set[tuple[int, int, str]] = set()
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, this = tag.partition("-")
        continues = prefix == "I" and kind == this and start >= 0
        if kind and not continues:
            spans.add((start, i, kind))
            start, kind = -1, ""
        if prefix in ("B", "I") and not continues:
            start, kind = i, this
    return spans


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": float(n_gold)}


def entity_scores(
    gold: Iterable[Sequence[str]], pred: Iterable[Sequence[str]], types: Sequence[str] | None = None
) -> dict[str, dict[str, float]]:
    """Micro P/R/F1 over exact spans ("micro") and per type. `types` restricts scoring to those
    entity types (others are dropped from both sides)."""
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for g_tags, p_tags in zip(gold, pred, strict=True):
        g = {s for s in bio_spans(g_tags) if types is None or s[2] in types}
        p = {s for s in bio_spans(p_tags) if types is None or s[2] in types}
        for span in g:
            n_gold[span[2]] += 1
        for span in p:
            n_pred[span[2]] += 1
        for span in g & p:
            tp[span[2]] += 1
    kinds = sorted(set(n_gold) | set(n_pred))
    out = {k: _prf(tp[k], n_pred[k], n_gold[k]) for k in kinds}
    out["micro"] = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return out


def classification_scores(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    """Accuracy and macro-F1 over `labels`."""
    if len(gold) != len(pred):
        raise ValueError("gold and pred differ in length")
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    f1s = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        f1s.append(_prf(tp, sum(p == label for p in pred), sum(g == label for g in gold))["f1"])
    return {
        "accuracy": correct / len(gold) if gold else 0.0,
        "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "n": float(len(gold)),
    }
