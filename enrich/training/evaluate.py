"""Evaluating the bundled (or any configured) models against the shared test sets, beside the
published baselines from each dataset's SOURCE.md. Timings are wall-clock on this machine."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from enrich import ner, sentiment
from enrich.models import LoadedModel
from enrich.training import data
from enrich.training.metrics import classification_scores, entity_scores

BASELINES: dict[str, dict[str, float]] = {
    "finer_ord_test": {"roberta-large entity F1": 0.753, "bert-base-cased entity F1": 0.679,
                       "roberta-large ORG F1": 0.677, "bert-base-cased ORG F1": 0.601},
    "wnut17_test": {"BERTweet entity F1 (6 types)": 0.565,
                    "shared-task best F1 (6 types)": 0.4186},
    "newsmtsc_test_rw": {"GRU-TSC RoBERTa macro-F1": 0.831, "SPC BERT-base macro-F1": 0.801},
    "sentfin_test": {"RoBERTa/finBERT accuracy (paper, other split)": 0.9429},
    "phrasebank_50agree": {"FinBERT accuracy (held-out 20%)": 0.86},
}  # fmt: skip


def spans_to_tags(
    tokens: Sequence[str], spans: Sequence[ner.EntitySpan], types: Sequence[str]
) -> list[str]:
    """Token BIO tags for `tokens` joined by single spaces, from character spans."""
    tags = ["O"] * len(tokens)
    starts, at = [], 0
    for token in tokens:
        starts.append(at)
        at += len(token) + 1
    for span in spans:
        if span.label not in types:
            continue
        inside = [
            i
            for i, s in enumerate(starts)
            if s < span.end and s + len(tokens[i]) > span.start and tags[i] == "O"
        ]
        for n, i in enumerate(inside):
            tags[i] = ("B-" if n == 0 else "I-") + span.label
    return tags


def evaluate_ner_on(
    model: LoadedModel, sentences: Sequence[data.TaggedSentence], types: Sequence[str]
) -> dict[str, Any]:
    texts = [" ".join(s.tokens) for s in sentences]
    started = time.monotonic()
    found = ner.tag(model, texts)
    seconds = time.monotonic() - started
    pred = [spans_to_tags(s.tokens, f, types) for s, f in zip(sentences, found, strict=True)]
    scores = entity_scores([s.tags for s in sentences], pred, types)
    return {
        "entity_f1": scores["micro"]["f1"],
        "precision": scores["micro"]["precision"],
        "recall": scores["micro"]["recall"],
        "per_type_f1": {k: v["f1"] for k, v in scores.items() if k != "micro"},
        "sentences": len(sentences),
        "sentences_per_second": len(sentences) / seconds if seconds else 0.0,
    }


def evaluate_ner_documents(
    model: LoadedModel, documents: Sequence[Sequence[data.TaggedSentence]], types: Sequence[str]
) -> dict[str, Any]:
    """Whole documents (each the space-joined tokens of its sentences, sentences joined by a
    space) tagged as the enrichment pipeline tags them (`ner.tag_sentences`: our own sentence
    split, one sentence at a time) and, for comparison, in one pass each (`ner.tag`). Spans
    are scored against each gold sentence they fall inside."""
    sentences = [s for doc in documents for s in doc]
    texts = [" ".join(" ".join(s.tokens) for s in doc) for doc in documents]
    results: dict[str, Any] = {"documents": len(documents), "sentences": len(sentences)}
    for name, tagger in (("by_sentence", ner.tag_sentences), ("whole_document", ner.tag)):
        pred: list[list[str]] = []
        for doc, spans in zip(documents, tagger(model, texts), strict=True):
            at = 0
            for s in doc:
                length = len(" ".join(s.tokens))
                inside = [
                    ner.EntitySpan(x.start - at, x.end - at, x.label, x.text, x.score)
                    for x in spans
                    if at <= x.start and x.end <= at + length
                ]
                pred.append(spans_to_tags(s.tokens, inside, types))
                at += length + 1
        scores = entity_scores([s.tags for s in sentences], pred, types)
        results[f"{name}_entity_f1"] = scores["micro"]["f1"]
        results[f"{name}_per_type_f1"] = {k: v["f1"] for k, v in scores.items() if k != "micro"}
    return results


def evaluate_ner(model: LoadedModel, progress: Callable[[str], None] = print) -> dict[str, Any]:
    results: dict[str, Any] = {}
    progress("NER: FiNER-ORD test (PER/LOC/ORG)")
    results["finer_ord_test"] = evaluate_ner_on(
        model, data.read_finer_ord("test"), ("PER", "LOC", "ORG")
    )
    progress("NER: FiNER-ORD test documents, as the pipeline reads them and whole")
    results["finer_ord_test_documents"] = evaluate_ner_documents(
        model, data.read_finer_ord_documents("test"), ("PER", "LOC", "ORG")
    )
    progress("NER: WNUT-17 test (types folded to PER/ORG/LOC/MISC)")
    results["wnut17_test"] = evaluate_ner_on(
        model, data.read_wnut17("test"), ("PER", "ORG", "LOC", "MISC")
    )
    return results


def _targets(examples: Sequence[data.TargetExample]) -> list[sentiment.Target]:
    return [sentiment.Target(e.sentence, e.start, e.end) for e in examples]


def _score_targets(model: LoadedModel, examples: Sequence[data.TargetExample]) -> dict[str, Any]:
    started = time.monotonic()
    found = sentiment.classify(model, _targets(examples))
    seconds = time.monotonic() - started
    scores: dict[str, Any] = classification_scores(
        [e.label for e in examples], [s.label for s in found], data.SENTIMENT_LABELS
    )
    scores["targets_per_second"] = len(examples) / seconds if seconds else 0.0
    return scores


def evaluate_sentiment(
    model: LoadedModel, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    progress("sentiment: NewsMTSC test-rw")
    results["newsmtsc_test_rw"] = _score_targets(model, data.read_newsmtsc("test-rw"))
    progress("sentiment: SEntFiN test split (20% of headlines by hash)")
    results["sentfin_test"] = _score_targets(model, data.read_sentfin("test"))
    progress("sentiment: Financial PhraseBank 50Agree (sentence rule)")
    bank = data.read_phrasebank("50Agree")
    started = time.monotonic()
    found = sentiment.classify(model, [sentiment.whole(e.sentence) for e in bank])
    seconds = time.monotonic() - started
    scores: dict[str, Any] = classification_scores(
        [e.label for e in bank], [s.label for s in found], data.SENTIMENT_LABELS
    )
    scores["sentences_per_second"] = len(bank) / seconds if seconds else 0.0
    results["phrasebank_50agree"] = scores
    return results


def with_baselines(results: dict[str, Any]) -> dict[str, Any]:
    return {
        name: {"measured": value, "published": BASELINES.get(name, {})}
        for name, value in results.items()
    }


def evaluate(
    kind: str, model: LoadedModel, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Scores of `model` ("ner" or "sentiment") on its test sets, each as
    ``{"measured": {...}, "published": {...}}``."""
    if kind == "ner":
        return with_baselines(evaluate_ner(model, progress))
    if kind == "sentiment":
        return with_baselines(evaluate_sentiment(model, progress))
    raise ValueError(f"unknown model kind {kind!r}: use 'ner' or 'sentiment'")
