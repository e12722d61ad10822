"""Models that learn from analysts' review decisions (`carintel models train events|sentiment
--with-corrections`) and how they compare with the bundled ones on our dev sets."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from carintel.config import EnrichConfig, ModelChoice, Watchlist
from carintel.errors import CarintelError
from carintel.review import corrected_model_dir, write_training_file

HOW_TO_DECIDE = {
    "events": "carintel review events, then 'carintel review confirm|reject event KEY' or "
    "'carintel review edit event KEY --type T' (a rejected event teaches 'none')",
    "sentiment": "carintel review sentiment, then 'carintel review confirm sentiment KEY' or "
    "'carintel review edit sentiment KEY --label L' (a rejection says only that the label shown "
    "was wrong, so it is not used)",
}


def corrections_file(home: Path, warehouse: Path, kind: str, out: Path | None) -> tuple[Path, Path]:
    """Write this home's decisions about `kind` as training examples beside the model's
    folder; returns (the model's folder, the examples file). No decision: an error that says
    how to make some."""
    target = corrected_model_dir(home, out, kind)
    examples = target.parent / f"{target.name}-corrections.jsonl"
    count = write_training_file(warehouse, kind, examples)
    if count == 0:
        examples.unlink(missing_ok=True)
        raise CarintelError(
            f"no {kind} decisions to learn from in this home's review journal: make some first "
            f"({HOW_TO_DECIDE[kind]}), or 'carintel review import FILE' a team's decisions"
        )
    return target, examples


def train_sentiment(
    watchlist: Watchlist,
    config: EnrichConfig,
    examples: Path,
    target: Path,
    say: Callable[[str], None] = print,
) -> Path:
    """Continue the bundled sentiment model's stage two with the analysts' labels (`examples`,
    as `carintel review training sentiment FILE` writes them) into `target`, then fit its
    entity-tone calibration there (as `carintel models train sentiment` does for the
    bundled one)."""
    from enrich.bases import BaseMissingError
    from enrich.models import ARTIFACTS, ModelError
    from enrich.training.data import DatasetError
    from enrich.training.venture import VENTURE_REPEATS, adapt_to_ventures, correction_targets

    rows = [json.loads(line) for line in examples.read_text("utf-8").splitlines() if line.strip()]
    targets, skipped = correction_targets(rows)
    for reason in skipped:
        say(f"skipped a decision ({examples.name} {reason})")
    if not targets:
        raise CarintelError(
            f"none of the {len(rows)} sentiment decisions in {examples} names its entity in its "
            f"evidence: nothing to learn; make others ({HOW_TO_DECIDE['sentiment']})"
        )
    say(
        f"{len(targets)} sentiment decision(s) as training targets (x{VENTURE_REPEATS}, as the "
        f"venture sentences), continuing the bundled model's stage two into {target}"
    )
    try:
        adapt_to_ventures(ARTIFACTS / "sentiment", target, corrections=targets, progress=say)
    except (BaseMissingError, ModelError, DatasetError) as exc:
        raise CarintelError(str(exc)) from exc
    (target / "README.md").write_text(_card(target, len(targets), len(skipped)), "utf-8")
    from carintel.claims import fit_entity_tone

    fit_entity_tone(watchlist, with_sentiment(config, target), say=say, directory=target)
    return target


def _card(target: Path, used: int, skipped: int) -> str:
    return f"""# carintel sentiment model with analysts' corrections

The bundled sentiment model (`enrich/artifacts/sentiment/`, see its README) continued for one
more stage-two epoch (`enrich.training.venture.adapt_to_ventures`: our venture sentences, the
claims train split's targets and 2,400 replayed stage-one examples) with {used} analysts'
decisions added as targets, each repeated as the venture sentences are ({skipped} skipped:
the entity was not in the evidence). Only confirmed and edited labels are targets: a rejected
entity sentiment says the label shown was wrong, not which one is right.
The decisions are in `{target.name}-corrections.jsonl` beside this folder; `adapter_config.json`
records the settings under `corrections`. `entity_tone.json` is refitted for this model.

Use it: `sentiment: {{source: {target}}}` in config/enrich.yaml. Score it:
`carintel models eval sentiment --compare {target}`.
"""


def with_sentiment(config: EnrichConfig, source: Path | str) -> EnrichConfig:
    choice = config.sentiment or ModelChoice()
    return config.model_copy(
        update={"sentiment": choice.model_copy(update={"source": str(source)}), "events": None}
    )


def with_events(config: EnrichConfig, source: Path | str) -> EnrichConfig:
    choice = config.events or ModelChoice()
    return config.model_copy(update={"events": choice.model_copy(update={"source": str(source)})})


def compare(
    kind: str,
    folder: Path,
    watchlist: Watchlist,
    config: EnrichConfig,
    *,
    published: bool = False,
    say: Callable[[str], None] = print,
) -> dict[str, dict[str, float]]:
    """Scores of the bundled model and the one in `folder`, side by side, on our dev sets:
    events: events_eval.jsonl (type macro-F1) and the claims dev split (events as stored and
    as the report shows them, both heads at the bundled head's report threshold); sentiment:
    the claims dev split's entity-sentiment accuracy and macro-F1, and with `published` the
    published test sets (slow: several minutes each). Returns {metric: {"bundled": x, "new": y}}."""
    from carintel.claims import evaluate_claims

    if kind not in ("events", "sentiment"):
        raise CarintelError(
            f"--compare scores events or sentiment, not {kind or 'nothing'!r}: e.g. "
            "carintel models eval sentiment --compare DIR"
        )
    if not folder.is_dir():
        raise CarintelError(f"{folder} is no folder: give the folder a model was trained into")
    rows: dict[str, dict[str, float]] = {}

    def put(metric: str, which: str, value: float) -> None:
        rows.setdefault(metric, {})[which] = value

    sources: dict[str, str] = {"bundled": "bundled", "new": str(folder)}
    shown_at: float | None = None
    for which, source in sources.items():
        say(f"scoring the {which} {kind} model ({source}) on the dev sets")
        if kind == "events":
            from enrich.embeddings import load_encoder
            from enrich.events import head_base, head_folder, load_event_model
            from enrich.models import ModelError
            from enrich.training.events import evaluate

            try:
                head = head_folder(source)
                model = load_event_model(load_encoder(base=head_base(head)), head)
            except ModelError as exc:
                raise CarintelError(str(exc)) from exc
            put("events_eval type macro-F1", which, evaluate(model)["type_macro_f1"])
            if shown_at is None:  # the bundled head's report threshold, for both heads
                shown_at = float(model.head.config.get("report_min_confidence", 0.0))
            dev = evaluate_claims(
                watchlist, with_events(config, source), ["dev"], report_threshold=shown_at, say=say
            )["dev"]
            for shown, name in (
                ("events_stored", "stored"),
                ("events_shown", f">= {shown_at:.2f}"),
            ):
                for metric in ("precision", "recall"):
                    put(f"claims dev events ({name}) {metric}", which, dev[shown][metric])
        else:
            cfg = with_sentiment(config, source)
            dev = evaluate_claims(watchlist, cfg, ["dev"], say=say)["dev"]
            put("claims dev entity-sentiment accuracy", which, dev["entity_sentiment_accuracy"])
            put("claims dev entity-sentiment macro-F1", which, dev["entity_sentiment_macro_f1"])
            if published:
                _published(which, source, put, say)
    return rows


def _published(
    which: str, source: str, put: Callable[[str, str, float], None], say: Callable[[str], None]
) -> None:
    from enrich.models import ModelError, ModelSpec, load_sentiment
    from enrich.training import evaluate
    from enrich.training.data import DatasetError

    try:
        results = evaluate.evaluate("sentiment", load_sentiment(ModelSpec(source=source)), say)
    except (ModelError, DatasetError) as exc:
        raise CarintelError(str(exc)) from exc
    for name, value in results.items():
        for key, measured in value["measured"].items():
            if isinstance(measured, float):
                put(f"{name} {key}", which, measured)


def format_comparison(rows: dict[str, dict[str, Any]]) -> list[str]:
    width = max((len(m) for m in rows), default=10)
    lines = [f"{'':<{width}}  {'bundled':>8}  {'new':>8}  {'change':>7}"]
    for metric, values in rows.items():
        old, new = values.get("bundled"), values.get("new")
        change = f"{new - old:+7.3f}" if old is not None and new is not None else ""
        lines.append(f"{metric:<{width}}  {_num(old):>8}  {_num(new):>8}  {change:>7}".rstrip())
    return lines


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


__all__ = ["compare", "corrections_file", "format_comparison", "train_sentiment"]
