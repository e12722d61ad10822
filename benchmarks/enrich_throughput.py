"""Enrichment throughput on the sample corpus: carintel's pipeline against a naive baseline.

All runs happen here, in this process, on the same models, each timed in several rounds in
alternating order, the best round counting (these machines are noisy: compare the ratios). The pipeline: alias linking, NER over every title and text one sentence at a time,
sentiment toward each linked entity and for the document, in one NER call and one sentiment
call per batch of documents, length-sorted, each distinct sentence encoded once for all of its
sentiment targets. The naive baseline does the same work one item at a time, no batching: NER
with `transformers.pipeline`, one call per title and per text (the issue's definition: one call
per document); sentiment with one `enrich.sentiment.classify` call per target (batch size 1),
since the bundled sentiment model reads spans, which the transformers text-classification
pipeline cannot pass. A second naive run calls the NER pipeline once per sentence instead, as
the pipeline reads them, so the two ratios separate what sentence-level NER saves from what
batching and shared sentences save.

The last column estimates the encoder's forward FLOPs per second over each whole run (linear
layers and attention products, padding included for the batched run). On a CPU the batched run
is compute-bound: when that rate nears what the cores can do, batching has little left to win,
and only doing less work (fewer or shorter sequences, int8) makes the pipeline faster.

    python benchmarks/enrich_throughput.py [--rounds 3] [--batch 64] [--int8]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from carintel.config import alias_rows, load_watchlist  # noqa: E402
from carintel.sample_site import load_articles  # noqa: E402
from enrich.linker import AliasLinker  # noqa: E402
from enrich.models import ModelSpec, length_sorted_batches, load_ner, load_sentiment  # noqa: E402
from enrich.pipeline import (  # noqa: E402
    Enricher,
    enrich_documents,
    find_mentions,
    sentiment_targets,
)
from enrich.records import InputDocument  # noqa: E402
from enrich.resolve import EntityResolver  # noqa: E402
from enrich.sentences import sentences  # noqa: E402
from enrich.sentiment import Target, classify, cropped  # noqa: E402


def corpus(repeat: int) -> list[InputDocument]:
    docs = []
    for n in range(repeat):
        for a in load_articles():
            docs.append(InputDocument(id=f"{a.id}-{n}", title=a.title, text=a.plain_text))
    return docs


def enricher(quantize: bool, batch: int, sentiment_source: str = "bundled") -> Enricher:
    watchlist = load_watchlist()
    aliases = alias_rows(watchlist)
    spec = ModelSpec(quantize=quantize)
    return Enricher(
        linker=AliasLinker(aliases),
        resolver=EntityResolver(aliases),
        entity_types={e.id: e.type for e in watchlist.entities},
        ner=load_ner(spec),
        sentiment=load_sentiment(ModelSpec(source=sentiment_source, quantize=quantize)),
        batch_size=batch,
    )


@dataclass(frozen=True)
class Inputs:
    """What the runs feed the models."""

    ner_texts: list[str]  # every title and text
    ner_sentences: list[str]  # their sentences, as the pipeline tags them
    targets: list[Target]  # sentiment targets


def model_inputs(e: Enricher, docs: list[InputDocument]) -> Inputs:
    ner_texts = [value for d in docs for value in (d.title, d.text)]
    targets: list[Target] = []
    for d, mentions in zip(docs, find_mentions(e, docs), strict=True):
        targets += sentiment_targets(d.title, d.text, mentions).all()
    return Inputs(ner_texts, [s for t in ner_texts for s in sentences(t)], targets)


def sequence_flops(model: Any, length: int) -> float:
    """Forward FLOPs of one BERT sequence of `length` word pieces: the linear layers (2 per
    multiply-add) and the attention products (QK^T and AV); heads and embeddings left out."""
    c = model.config
    linear = 4 * c.hidden_size**2 + 2 * c.hidden_size * c.intermediate_size
    return float(c.num_hidden_layers * (2 * linear * length + 4 * length**2 * c.hidden_size))


def token_counts(e: Enricher, inputs: Inputs) -> dict[str, Any]:
    """Word pieces each run feeds the models, and an estimate of the FLOPs that costs. The
    batched run tags sentences, encodes each distinct sentiment sentence once and pays for
    padding; the naive runs (one sequence at a time, no padding) tag whole texts or
    sentences and encode a sentiment sentence once per target in it."""
    assert e.ner is not None and e.sentiment is not None
    ner, senti = e.ner, e.sentiment

    def lengths(model: Any, texts: list[str]) -> list[int]:
        return [min(len(model.tokenizer(t)["input_ids"]), model.max_length) for t in texts]

    def padded(model: Any, sizes: list[int]) -> tuple[int, float]:
        tokens, flops = 0, 0.0
        for batch in length_sorted_batches(sizes, e.batch_size):
            width = max(sizes[i] for i in batch)
            tokens += width * len(batch)
            flops += sequence_flops(model.model, width) * len(batch)
        return tokens, flops

    def plain(model: Any, sizes: list[int]) -> tuple[int, float]:
        return sum(sizes), sum(sequence_flops(model.model, n) for n in sizes)

    per_target = lengths(senti, [cropped(t).sentence for t in inputs.targets])
    distinct = lengths(senti, sorted({cropped(t).sentence for t in inputs.targets}))
    ner_sentences = lengths(ner, inputs.ner_sentences)
    runs = {
        "batched": (plain(ner, ner_sentences), plain(senti, distinct)),
        "padded": (padded(ner, ner_sentences), padded(senti, distinct)),
        "naive_documents": (plain(ner, lengths(ner, inputs.ner_texts)), plain(senti, per_target)),
        "naive_sentences": (plain(ner, ner_sentences), plain(senti, per_target)),
    }
    counts: dict[str, Any] = {"sentiment_sentences": len(distinct)}
    for name, ((ner_tokens, ner_flops), (senti_tokens, senti_flops)) in runs.items():
        counts[name] = (ner_tokens + senti_tokens, ner_flops + senti_flops)
    counts["padding_share"] = 1 - counts["batched"][0] / counts["padded"][0]
    return counts


def run_pipeline(e: Enricher, docs: list[InputDocument], batch_docs: int) -> float:
    started = time.perf_counter()
    for i in range(0, len(docs), batch_docs):
        enrich_documents(e, docs[i : i + batch_docs])
    return time.perf_counter() - started


def run_naive(e: Enricher, docs: list[InputDocument], by_sentence: bool) -> float:
    """The same work one item at a time: NER with a `transformers.pipeline` call per title and
    per text (or per sentence of them), sentiment with a `classify` call per target."""
    from transformers import pipeline

    assert e.ner is not None and e.sentiment is not None
    ner = pipeline("token-classification", model=e.ner.model, tokenizer=e.ner.tokenizer,
                   aggregation_strategy="simple", device=-1)  # fmt: skip
    aliases_only = Enricher(e.linker, e.resolver, e.entity_types)
    started = time.perf_counter()
    for d in docs:
        mentions = find_mentions(aliases_only, [d])[0]
        for value in (d.title, d.text):
            for text in sentences(value) if by_sentence else [value]:
                ner(text)
        for t in sentiment_targets(d.title, d.text, mentions).all():
            classify(e.sentiment, [t], batch_size=1)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="copies of the 46-article corpus (more than 1 repeats every sentence, which the "
        "batched run encodes once per batch: the ratio is only fair at 1)",
    )
    parser.add_argument("--batch", type=int, default=32, help="texts per model call")
    parser.add_argument("--batch-docs", type=int, default=64, help="documents per batch")
    parser.add_argument("--int8", action="store_true", help="also time int8-quantized models")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the best counts")
    parser.add_argument(
        "--sentiment",
        default="bundled",
        help="sentiment model source: bundled (MPNet) or bundled-minilm (the smaller one)",
    )
    args = parser.parse_args()
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    docs = corpus(args.repeat)
    e = enricher(False, args.batch, args.sentiment)
    inputs = model_inputs(e, docs)
    counts = token_counts(e, inputs)
    run_pipeline(e, docs[:8], args.batch_docs)  # warm-up
    runs: list[tuple[str, Callable[[], float], tuple[int, float]]] = [
        ("pipeline (batched)", lambda: run_pipeline(e, docs, args.batch_docs), counts["batched"])
    ]
    if args.int8:
        e8 = enricher(True, args.batch, args.sentiment)
        run_pipeline(e8, docs[:8], args.batch_docs)
        runs.append(
            ("pipeline, int8", lambda: run_pipeline(e8, docs, args.batch_docs), counts["batched"])
        )
    runs += [
        ("naive, NER per text", lambda: run_naive(e, docs, False), counts["naive_documents"]),
        ("naive, NER per sentence", lambda: run_naive(e, docs, True), counts["naive_sentences"]),
    ]
    times: list[list[float]] = [[] for _ in runs]
    for n in range(args.rounds):  # alternate the order, so drift hits every run alike
        order = list(range(len(runs)))
        for k in order if n % 2 == 0 else order[::-1]:
            times[k].append(runs[k][1]())
    rows = [(name, min(times[k]), *work) for k, (name, _, work) in enumerate(runs)]

    print(f"{len(docs)} documents: {len(inputs.ner_texts)} NER texts in "
          f"{len(inputs.ner_sentences)} sentences; {len(inputs.targets)} sentiment targets in "
          f"{counts['sentiment_sentences']} distinct sentences; padding in the batched run: "
          f"{counts['padding_share']:.1%} of {counts['padded'][0]} tokens")  # fmt: skip
    print(f"{'':30} {'seconds':>8} {'docs/s':>8} {'tokens':>8} {'tokens/s':>9} "
          f"{'model GFLOP/s':>14}")  # fmt: skip
    for name, seconds, tokens, flops in rows:
        print(f"{name:30} {seconds:>8.1f} {len(docs) / seconds:>8.2f} {tokens:>8} "
              f"{tokens / seconds:>9.0f} {flops / seconds / 1e9:>14.1f}")  # fmt: skip
    print("(tokens: word pieces each run feeds the encoders, padding left out; the naive runs "
          "encode a sentence once per sentiment target in it. model GFLOP/s: estimated forward "
          "FLOPs of the encoders over the whole run's time; compare with what this CPU can do "
          "to see how much batching has left to win)")  # fmt: skip
    print(f"(seconds: the best of {args.rounds} rounds, run in alternating order; every "
          "round: " + "; ".join(f"{name} " + " / ".join(f"{t:.1f}" for t in times[k])
                                for k, (name, _, _) in enumerate(runs)) + ")")  # fmt: skip
    pipeline_seconds = rows[0][1]
    naive, naive_sentences = rows[-2][1], rows[-1][1]
    print(f"speed-up of the pipeline over the naive baseline (NER per text, the issue's "
          f"definition): {naive / pipeline_seconds:.2f}x; over the naive run with NER per "
          f"sentence: {naive_sentences / pipeline_seconds:.2f}x")  # fmt: skip
    if args.int8:
        print(f"int8 over float32 pipeline: {rows[0][1] / rows[1][1]:.2f}x")


if __name__ == "__main__":
    main()
