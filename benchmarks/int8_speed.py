"""int8 against float32 for the bundled models, on the sample corpus, in this process.

Each model is loaded twice (float32 and int8, `enrich.models.quantize_int8`); both run the same
inputs in alternating order for several rounds (these machines are noisy: compare the ratio of
the best rounds). Three workloads:

- NER over sentences (short inputs: most time in the linear layers, which int8 speeds up);
- NER over whole documents as the enrichment pipeline tags them (`ner.tag_sentences`: one
  sentence at a time, all in one call);
- NER over whole documents in one pass each (`ner.tag` on long texts: windows of up to 512 word
  pieces, where attention, which int8 leaves in float32, takes a larger share);
- sentiment toward each sentence (the bundled model reading the whole sentence as its target).

Accuracy of int8 is measured by `carintel models eval --int8` (see the model cards).

    python benchmarks/int8_speed.py [--rounds 3] [--threads 2] [--limit 400]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from carintel.sample_site import load_articles  # noqa: E402
from enrich import ner, sentiment  # noqa: E402
from enrich.models import LoadedModel, ModelSpec, load_ner, load_sentiment  # noqa: E402
from enrich.sentences import sentences as split_sentences  # noqa: E402


def sample_texts(limit: int) -> tuple[list[str], list[str]]:
    """Sentences (at most `limit`) and whole documents of the bundled sample corpus."""
    documents, sentences = [], []
    for article in load_articles():
        text = article.plain_text
        documents.append(f"{article.title}\n\n{text}")
        sentences += [article.title, *split_sentences(text)]
    return sentences[:limit], documents


def timed(work: Callable[[], object], rounds: list[float]) -> None:
    started = time.perf_counter()
    work()
    rounds.append(time.perf_counter() - started)


def compare(
    name: str,
    units: int,
    unit: str,
    run: Callable[[LoadedModel], object],
    fp32: LoadedModel,
    int8: LoadedModel,
    rounds: int,
) -> float:
    times: dict[str, list[float]] = {"float32": [], "int8": []}
    run(fp32)  # warm-up: first calls allocate
    run(int8)
    for n in range(rounds):
        order = [("float32", fp32), ("int8", int8)]
        for label, model in order if n % 2 == 0 else order[::-1]:
            timed(lambda m=model: run(m), times[label])
    best = {label: min(values) for label, values in times.items()}
    ratio = best["float32"] / best["int8"]
    print(f"{name}: {units} {unit}")
    for label, values in times.items():
        rates = " / ".join(f"{units / s:.1f}" for s in values)
        print(f"  {label:8s} {rates} {unit}/s (best {units / best[label]:.1f})")
    print(f"  int8 over float32 (best against best): {ratio:.2f}x")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="torch threads for both")
    parser.add_argument("--limit", type=int, default=400, help="sentences per round")
    parser.add_argument(
        "--sentiment",
        default="bundled",
        help="sentiment model source: bundled (MPNet) or bundled-minilm (the smaller one)",
    )
    args = parser.parse_args(argv)

    sentences, documents = sample_texts(args.limit)
    fp32_spec = ModelSpec(threads=args.threads)
    int8_spec = ModelSpec(threads=args.threads, precision="int8")
    ner32, ner8 = load_ner(fp32_spec), load_ner(int8_spec)
    sent32 = load_sentiment(ModelSpec(source=args.sentiment, threads=args.threads))
    sent8 = load_sentiment(ModelSpec(source=args.sentiment, threads=args.threads, precision="int8"))
    targets = [sentiment.whole(s) for s in sentences]

    ratios = {
        "NER, sentences": compare(
            "NER, sentences",
            len(sentences),
            "sentences",
            lambda m: ner.tag(m, sentences),
            ner32,
            ner8,
            args.rounds,
        ),
        "NER, documents by sentence": compare(
            "NER, documents by sentence",
            len(documents),
            "documents",
            lambda m: ner.tag_sentences(m, documents),
            ner32,
            ner8,
            args.rounds,
        ),
        "NER, whole documents": compare(
            "NER, whole documents",
            len(documents),
            "documents",
            lambda m: ner.tag(m, documents),
            ner32,
            ner8,
            args.rounds,
        ),
        "sentiment, sentences": compare(
            "sentiment, sentences",
            len(targets),
            "sentences",
            lambda m: sentiment.classify(m, targets),
            sent32,
            sent8,
            args.rounds,
        ),
    }
    print("summary: " + "; ".join(f"{k} {v:.2f}x" for k, v in ratios.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
