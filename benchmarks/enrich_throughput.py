"""Enrichment throughput on the sample corpus: the pipeline in fp32 and in the configured
precision (`auto`: bf16 on CPUs with bf16 matrix units), in the same process.

Both enrichers are built as `carintel enrich` builds them (`carintel.enrichment.build_enricher`:
NER, entity and document sentiment, relevance, events), one with every model in fp32, one as
config/enrich.yaml says (`precision: auto`). A third run, the naive baseline, is the fp32
enricher inside `torch.autocast("cpu", dtype=torch.bfloat16)`: what bf16 gives without
converting the weights (each linear layer casts its fp32 weights on every call). The runs are
timed in several rounds in alternating order, the best round counting (these machines are
noisy: compare the ratios).

The encoders' forward FLOPs are counted on every call (linear layers and attention products,
padding included), and this CPU's float32 and bfloat16 matrix-product peak is measured in the
same run (a 768x3072 linear layer, the feed-forward shape of the MPNet encoder); each run's
share of both peaks says how close the pipeline comes to what the cores can do.

    python benchmarks/enrich_throughput.py [--rounds 3] [--threads N] [--profile]

The last line: `speed-up auto/fp32: X.XXx (naive baseline: Y.YYx)`, the naive baseline being
the autocast run over fp32.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from carintel.config import EnrichConfig, load_enrich_config, load_watchlist  # noqa: E402
from carintel.enrichment import build_enricher  # noqa: E402
from carintel.sample_site import load_articles  # noqa: E402
from enrich.pipeline import Enricher, enrich_documents  # noqa: E402
from enrich.precision import cpu_support  # noqa: E402
from enrich.records import InputDocument  # noqa: E402


def corpus(repeat: int) -> list[InputDocument]:
    docs = []
    for n in range(repeat):
        for a in load_articles():
            docs.append(
                InputDocument(
                    id=f"{a.id}-{n}", title=a.title, text=a.plain_text, published_at=a.published
                )
            )
    return docs


def sequence_flops(config: Any, length: int) -> float:
    """Forward FLOPs of one encoder sequence of `length` word pieces: the linear layers (2 per
    multiply-add) and the attention products (QK^T and AV); heads and embeddings left out."""
    linear = 4 * config.hidden_size**2 + 2 * config.hidden_size * config.intermediate_size
    return float(
        config.num_hidden_layers * (2 * linear * length + 4 * length**2 * config.hidden_size)
    )


@dataclass
class FlopCounter:
    """Counts the FLOPs of every encoder call of the enrichers it is attached to."""

    flops: float = 0.0
    tokens: int = 0

    def attach(self, enricher: Enricher) -> None:
        encoders = []
        for loaded in (enricher.ner, enricher.sentiment):
            if loaded is not None:
                encoders.append(getattr(loaded.model, "bert", loaded.model))
        if enricher.events is not None:
            encoders.append(enricher.events.encoder.model)
        if enricher.relevance_model is not None:
            encoders.append(enricher.relevance_model.encoder.model)
        for module in {id(m): m for m in encoders}.values():
            module.register_forward_pre_hook(self._count, with_kwargs=True)

    def _count(self, module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        ids = kwargs.get("input_ids", args[0] if args else None)
        if ids is None:
            return
        batch, width = ids.shape
        self.tokens += batch * width
        self.flops += batch * sequence_flops(module.config, width)


def linear_peak(dtype: Any, rows: int = 4096, rounds: int = 10) -> float:
    """GFLOP/s of a 768x3072 linear layer on `rows` tokens in `dtype`: the best of `rounds`."""
    import torch

    x = torch.randn(rows, 768, dtype=dtype)
    weight = torch.randn(3072, 768, dtype=dtype)
    best = float("inf")
    with torch.inference_mode():
        torch.nn.functional.linear(x, weight)
        for _ in range(rounds):
            started = time.perf_counter()
            torch.nn.functional.linear(x, weight)
            best = min(best, time.perf_counter() - started)
    return 2 * rows * 768 * 3072 / best / 1e9


@dataclass
class Run:
    name: str
    enricher: Enricher
    context: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext
    times: list[float] = field(default_factory=list)
    flops: float = 0.0  # the encoders' forward FLOPs in one round
    tokens: int = 0  # word pieces the encoders read in one round, padding included


COUNTER = FlopCounter()


def run_pipeline(run: Run, docs: list[InputDocument], batch_docs: int) -> float:
    COUNTER.flops, COUNTER.tokens = 0.0, 0
    started = time.perf_counter()
    with run.context():
        for i in range(0, len(docs), batch_docs):
            enrich_documents(run.enricher, docs[i : i + batch_docs])
    seconds = time.perf_counter() - started
    run.flops, run.tokens = COUNTER.flops, COUNTER.tokens
    return seconds


@contextlib.contextmanager
def autocast() -> Iterator[None]:
    import torch

    with torch.autocast("cpu", dtype=torch.bfloat16):
        yield


def profile(run: Run, docs: list[InputDocument], batch_docs: int, top: int) -> None:
    """The functions that take the time in one round of `run` (cProfile, by own time)."""
    profiler = cProfile.Profile()
    profiler.enable()
    run_pipeline(run, docs, batch_docs)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(top)
    print(f"profile of one round of {run.name} (by own time):")
    print(text.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="copies of the sample corpus")
    parser.add_argument("--batch-docs", type=int, default=64, help="documents per batch")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the best counts")
    parser.add_argument("--threads", type=int, help="torch threads (default: the config's)")
    parser.add_argument("--models", type=Path, help="an enrich.yaml (default: the shipped one)")
    parser.add_argument("--no-naive", action="store_true", help="skip the autocast run")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile one round of the auto run: its N costliest functions")  # fmt: skip
    args = parser.parse_args()
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    config: EnrichConfig = load_enrich_config(args.models)
    if args.threads:
        config = config.model_copy(update={"threads": args.threads})
    watchlist = load_watchlist()
    docs = corpus(args.repeat)
    fp32 = build_enricher(watchlist, config.with_precision("fp32"))
    auto = build_enricher(watchlist, config)
    runs = [Run("fp32", fp32), Run(f"auto ({_precisions(auto)})", auto)]
    if not args.no_naive:
        runs.append(Run("naive: fp32 under bf16 autocast", fp32, autocast))
    COUNTER.attach(fp32)
    COUNTER.attach(auto)
    for run in runs:
        run_pipeline(run, docs[:8], args.batch_docs)  # warm-up: first calls allocate
    peaks: dict[str, list[float]] = {"fp32": [], "bf16": []}
    import torch

    for n in range(args.rounds):  # alternate the order, so drift hits every run alike
        peaks["fp32"].append(linear_peak(torch.float32))
        peaks["bf16"].append(linear_peak(torch.bfloat16) if cpu_support().bf16 else 0.0)
        for run in runs if n % 2 == 0 else runs[::-1]:
            run.times.append(run_pipeline(run, docs, args.batch_docs))
    peak32, peak16 = max(peaks["fp32"]), max(peaks["bf16"])

    print(f"{len(docs)} documents; threads {torch.get_num_threads()}; {cpu_support().describe()}")
    print(f"matrix-product peak on this CPU (768x3072 linear, best of {args.rounds}): "
          f"fp32 {peak32:.0f} GFLOP/s, bf16 {peak16:.0f} GFLOP/s")  # fmt: skip
    print(f"{'':36} {'seconds':>8} {'docs/s':>7} {'tokens':>8} {'GFLOP/s':>8} "
          f"{'% fp32 peak':>11} {'% bf16 peak':>11}")  # fmt: skip
    for run in runs:
        best = min(run.times)
        tokens, rate = run.tokens, run.flops / best / 1e9
        share16 = f"{rate / peak16:.0%}" if peak16 else "-"
        print(f"{run.name:36} {best:>8.2f} {len(docs) / best:>7.2f} {tokens:>8} {rate:>8.1f} "
              f"{rate / peak32:>11.0%} {share16:>11}")  # fmt: skip
    print(f"(seconds: the best of {args.rounds} rounds in alternating order; every round: "
          + "; ".join(f"{r.name} " + " / ".join(f"{t:.1f}" for t in r.times) for r in runs)
          + ". GFLOP/s: the encoders' counted forward FLOPs, padding included, over the whole "
          "run, tokenisation, linking and the Python around the models included)")  # fmt: skip
    if args.profile:
        profile(runs[1], docs, args.batch_docs, args.profile)
    fp32_best, auto_best = min(runs[0].times), min(runs[1].times)
    naive = f"{fp32_best / min(runs[2].times):.2f}x" if not args.no_naive else "not run"
    print(f"speed-up auto/fp32: {fp32_best / auto_best:.2f}x (naive baseline: {naive})")


def _precisions(enricher: Enricher) -> str:
    chosen = enricher.precisions()
    values = set(chosen.values())
    return values.pop() if len(values) == 1 else ", ".join(f"{k} {v}" for k, v in chosen.items())


if __name__ == "__main__":
    main()
