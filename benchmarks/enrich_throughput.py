"""Enrichment throughput on the sample corpus: carintel's pipeline against a naive baseline.

Both run here, in this process, on the same models (these machines are noisy: compare the
ratio). The pipeline: alias linking, NER over every title and text, sentiment toward each linked
entity and for the document, in one NER call and one sentiment call per batch of documents,
length-sorted, each distinct sentence encoded once for all of its sentiment targets. The naive
baseline does the same work one item at a time, no batching: NER with `transformers.pipeline`,
one call per title and per text; sentiment with one `enrich.sentiment.classify` call per target
(batch size 1), since the bundled sentiment model reads spans, which the transformers
text-classification pipeline cannot pass.

The last column estimates the encoder's forward FLOPs per second over each whole run (linear
layers and attention products, padding included for the batched run). On a CPU the batched run
is compute-bound: when that rate nears what the cores can do, batching has little left to win,
and only doing less work (fewer or shorter sequences, int8) makes the pipeline faster.

    python benchmarks/enrich_throughput.py [--batch 64] [--int8]
"""

from __future__ import annotations

import argparse
import sys
import time
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
from enrich.sentiment import Target, classify, cropped  # noqa: E402


def corpus(repeat: int) -> list[InputDocument]:
    docs = []
    for n in range(repeat):
        for a in load_articles():
            docs.append(InputDocument(id=f"{a.id}-{n}", title=a.title, text=a.plain_text))
    return docs


def enricher(quantize: bool, batch: int) -> Enricher:
    watchlist = load_watchlist()
    aliases = alias_rows(watchlist)
    spec = ModelSpec(quantize=quantize)
    return Enricher(
        linker=AliasLinker(aliases),
        resolver=EntityResolver(aliases),
        entity_types={e.id: e.type for e in watchlist.entities},
        ner=load_ner(spec),
        sentiment=load_sentiment(spec),
        batch_size=batch,
    )


def model_inputs(e: Enricher, docs: list[InputDocument]) -> tuple[list[str], list[Target]]:
    """What both runs feed the models: NER texts and sentiment targets."""
    ner_texts = [value for d in docs for value in (d.title, d.text)]
    targets: list[Target] = []
    for d, mentions in zip(docs, find_mentions(e, docs), strict=True):
        targets += sentiment_targets(d.title, d.text, mentions).all()
    return ner_texts, targets


def sequence_flops(model: Any, length: int) -> float:
    """Forward FLOPs of one BERT sequence of `length` word pieces: the linear layers (2 per
    multiply-add) and the attention products (QK^T and AV); heads and embeddings left out."""
    c = model.config
    linear = 4 * c.hidden_size**2 + 2 * c.hidden_size * c.intermediate_size
    return float(c.num_hidden_layers * (2 * linear * length + 4 * length**2 * c.hidden_size))


def token_counts(e: Enricher, ner_texts: list[str], targets: list[Target]) -> dict[str, Any]:
    """Word pieces the batched run feeds the models, and an estimate of the FLOPs each run
    costs: the batched run encodes each distinct sentiment sentence once and pays for padding;
    the naive run (one sequence at a time) encodes a sentence once per target in it."""
    assert e.ner is not None and e.sentiment is not None
    ner_len = [min(len(e.ner.tokenizer(t)["input_ids"]), e.ner.max_length) for t in ner_texts]
    per_target = [cropped(t).sentence for t in targets]
    distinct = sorted(set(per_target))
    size = {
        s: min(len(e.sentiment.tokenizer(s)["input_ids"]), e.sentiment.max_length) for s in distinct
    }
    sent_len = [size[s] for s in distinct]

    def padded(model: Any, lengths: list[int], proxies: list[int]) -> tuple[int, float]:
        tokens, flops = 0, 0.0
        for batch in length_sorted_batches(proxies, e.batch_size):
            width = max(lengths[i] for i in batch)
            tokens += width * len(batch)
            flops += sequence_flops(model, width) * len(batch)
        return tokens, flops

    ner_pad, ner_flops = padded(e.ner.model, ner_len, [len(t) for t in ner_texts])
    sent_pad, sent_flops = padded(e.sentiment.model, sent_len, [len(s) for s in distinct])
    real = sum(ner_len) + sum(sent_len)
    pad = ner_pad + sent_pad
    naive_flops = sum(sequence_flops(e.ner.model, n) for n in ner_len) + sum(
        sequence_flops(e.sentiment.model, size[s]) for s in per_target
    )
    return {
        "tokens": real,
        "padded_tokens": pad,
        "padding_share": 1 - real / pad,
        "batched_flops": ner_flops + sent_flops,
        "naive_flops": naive_flops,
    }


def run_pipeline(e: Enricher, docs: list[InputDocument], batch_docs: int) -> float:
    started = time.perf_counter()
    for i in range(0, len(docs), batch_docs):
        enrich_documents(e, docs[i : i + batch_docs])
    return time.perf_counter() - started


def run_naive(e: Enricher, docs: list[InputDocument]) -> float:
    from transformers import pipeline

    assert e.ner is not None and e.sentiment is not None
    ner = pipeline("token-classification", model=e.ner.model, tokenizer=e.ner.tokenizer,
                   aggregation_strategy="simple", device=-1)  # fmt: skip
    started = time.perf_counter()
    for d in docs:
        mentions = find_mentions(Enricher(e.linker, e.resolver, e.entity_types), [d])[0]
        ner(d.title)
        ner(d.text)
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
    args = parser.parse_args()
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    docs = corpus(args.repeat)
    e = enricher(False, args.batch)
    ner_texts, targets = model_inputs(e, docs)
    counts = token_counts(e, ner_texts, targets)
    run_pipeline(e, docs[:8], args.batch_docs)  # warm-up
    batched, naive_flops = counts["batched_flops"], counts["naive_flops"]
    rows = [("pipeline (batched)", run_pipeline(e, docs, args.batch_docs), batched)]
    if args.int8:
        rows.append(
            (
                "pipeline, int8",
                run_pipeline(enricher(True, args.batch), docs, args.batch_docs),
                batched,
            )
        )
    rows.append(("naive, one item per call", run_naive(e, docs), naive_flops))

    print(f"{len(docs)} documents; {len(ner_texts)} NER texts and {len(targets)} sentiment "
          f"targets in {len(set(cropped(t).sentence for t in targets))} distinct sentences; "
          f"{counts['tokens']} tokens; padding in the batched run: "
          f"{counts['padding_share']:.1%} of {counts['padded_tokens']} tokens")  # fmt: skip
    print(f"{'':30} {'seconds':>8} {'docs/s':>8} {'tokens/s':>9} {'model GFLOP/s':>14}")
    for name, seconds, flops in rows:
        print(f"{name:30} {seconds:>8.1f} {len(docs) / seconds:>8.2f} "
              f"{counts['tokens'] / seconds:>9.0f} {flops / seconds / 1e9:>14.1f}")  # fmt: skip
    print("(model GFLOP/s: estimated forward FLOPs of the encoder over the whole run's time; "
          "compare with what this CPU can do to see how much batching has left to win)")  # fmt: skip
    naive = rows[-1][1]
    print(f"speed-up of the pipeline over the naive baseline: {naive / rows[0][1]:.2f}x")
    if args.int8:
        print(f"int8 over float32 pipeline: {rows[0][1] / rows[1][1]:.2f}x")


if __name__ == "__main__":
    main()
