"""`python -m enrich.training train ner|sentiment [--base minilm] [--out DIR] [--seed N]
[--precision fp32|bf16|auto]`
`python -m enrich.training eval [ner|sentiment] [--precision fp32|bf16|int8|auto] [--dir DIR]
[--source ID] [--json]`"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from enrich import models
from enrich.bases import MINILM, MPNET
from enrich.precision import PRECISIONS
from enrich.training import evaluate, train


def _say(message: str) -> None:
    print(message, flush=True)


def _note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _print_results(results: dict[str, Any]) -> None:
    for name, value in results.items():
        _say(f"{name}:")
        for key, measured in value["measured"].items():
            if isinstance(measured, dict):
                measured = ", ".join(f"{k} {v:.3f}" for k, v in measured.items())
            elif isinstance(measured, float):
                measured = f"{measured:.4f}"
            _say(f"  {key}: {measured}")
        for key, published in value["published"].items():
            _say(f"  published {key}: {published}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m enrich.training")
    sub = parser.add_subparsers(dest="command", required=True)
    p_train = sub.add_parser("train", help="rebuild a bundled model's artifacts")
    p_train.add_argument("kind", choices=["ner", "sentiment"])
    p_train.add_argument("--out", type=Path, help="default: enrich/artifacts/<kind>")
    p_train.add_argument("--seed", type=int, default=13)
    p_train.add_argument(
        "--precision",
        choices=("fp32", "bf16", "auto"),
        default="fp32",
        help="bf16: autocast (auto: where the CPU has bf16 units); the shipped artifacts: fp32",
    )
    p_train.add_argument(
        "--base",
        choices=["mpnet", "minilm"],
        default="mpnet",
        help="sentiment: the encoder (mpnet: the default model; minilm: bundled-minilm)",
    )
    p_eval = sub.add_parser("eval", help="score a model on the shared test sets")
    p_eval.add_argument("kind", nargs="?", choices=["ner", "sentiment"])
    p_eval.add_argument(
        "--precision", choices=PRECISIONS, default="fp32", help="what the model runs in"
    )
    p_eval.add_argument("--int8", action="store_true", help="the same as --precision int8")
    p_eval.add_argument("--dir", type=Path, help="artifacts folder (default: bundled)")
    p_eval.add_argument(
        "--source", default="bundled", help="bundled-minilm (sentiment), a Hugging Face id / path"
    )
    p_eval.add_argument("--threads", type=int)
    p_eval.add_argument("--json", action="store_true", help="print results as JSON")
    args = parser.parse_args(argv)

    if args.command == "train":
        if args.kind == "ner":
            out = args.out or models.ARTIFACTS / "ner"
            train.train_ner(out, seed=args.seed, progress=_say, precision=args.precision)
            return 0
        minilm = args.base == "minilm"
        folder = "sentiment-minilm" if minilm else "sentiment"
        out = args.out or models.ARTIFACTS / folder
        base = MINILM if minilm else MPNET
        train.train_sentiment(
            out, seed=args.seed, progress=_say, base=base, precision=args.precision
        )
        if not minilm:  # stage two: venture news as analysts read it (enrich.training.venture)
            from enrich.training.venture import adapt_to_ventures

            adapt_to_ventures(out, out, progress=_say)
        return 0

    precision = "int8" if args.int8 else args.precision
    spec = models.ModelSpec(source=args.source, precision=precision, threads=args.threads)
    everything: dict[str, Any] = {}
    kinds: list[models.Kind] = [args.kind] if args.kind else ["ner", "sentiment"]
    for kind in kinds:
        if args.dir:
            model = models.load_from_directory(kind, args.dir, spec)
        else:
            model = models.load_ner(spec) if kind == "ner" else models.load_sentiment(spec)
        say = _note if args.json else _say
        say(f"{kind}: {model.name} {model.version} (precision {model.precision})")
        results = evaluate.evaluate(kind, model, say)
        everything[kind] = results
        if not args.json:
            _print_results(results)
    if args.json:
        print(json.dumps(everything, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
