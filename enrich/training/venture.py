"""Second training stage of the sentiment model: reading venture news as an analyst does.

The published sets (NewsMTSC, SEntFiN) teach the model that a factual sentence is neutral; an
analyst reads "Xiaomi will recall 116,887 SU7 sedans" as bad news for Xiaomi and "the S800's
order book passed 10,000" as good news for Maextro. This stage continues the LoRA factors of the
stage-one artifact for one short epoch on:

- our own venture sentences (`sentiment_venture.jsonl`: recalls, crashes, refund storms,
  collapses, record orders, first profits, funding, and neutral schedules and specs; entity
  targets, often two per sentence with opposite labels), VENTURE_REPEATS times;
- the claims dev set's train split (never dev or test): each annotated organisation in the
  headline, and in the lede sentence that first names it, with the article's label for it
  (a headline and a lede state the gist);
- a replay sample of REPLAY examples of the stage-one data, so that what the published sets
  taught is kept (the model card checks NewsMTSC, SEntFiN and PhraseBank after this stage);
- with analysts' corrections (`carintel models train sentiment --with-corrections`): their
  confirmed and edited labels, VENTURE_REPEATS times like the venture sentences; that run
  continues the shipped artifact (stage two again, with the corrections) into a folder of
  the home, never over the bundled one.

Deterministic like stage one (seed, deterministic algorithms, fixed threads).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch
from torch import nn

from enrich import models
from enrich.bases import MPNET, BaseEncoder
from enrich.sentences import sentence_spans
from enrich.training import data
from enrich.training.claims import load_articles
from enrich.training.lora import Adapted, adapt, save_artifact, trainable_parameters
from enrich.training.train import (
    TrainSettings,
    _deterministic,
    _fit,
    encode_target,
    sentiment_training_data,
)

HERE = Path(__file__).resolve().parent
VENTURE_FILE = HERE / "sentiment_venture.jsonl"
VENTURE_REPEATS = 3
REPLAY = 2400
LEDE_SENTENCES = 2
SETTINGS = TrainSettings(epochs=1, batch_size=16, lr=3e-4, max_length=128, threads=2, seed=13)


def venture_sentences() -> list[data.TargetExample]:
    with VENTURE_FILE.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    out = []
    for row in rows:
        start = row["text"].index(row["target"])
        out.append(data.TargetExample(row["text"], start, start + len(row["target"]), row["label"]))
    return out


def _first(text: str, name: str) -> int:
    """Where `name` first stands in `text` as a word (-1: nowhere)."""
    at = text.find(name)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + len(name)] if at + len(name) < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return at
        at = text.find(name, at + 1)
    return -1


def article_targets() -> list[data.TargetExample]:
    """Headline and lede targets of the claims train split, labelled as the article reads
    each organisation."""
    out = []
    for article in load_articles(splits=("train",)):
        lede = [article.text[s:e] for s, e in sentence_spans(article.text)[:LEDE_SENTENCES]]
        for entity in article.entities:
            for sentence in (article.title, *lede):
                at = _first(sentence, entity.name)
                if at >= 0:
                    out.append(
                        data.TargetExample(
                            sentence, at, at + len(entity.name), entity.sentiment, article.id
                        )
                    )
    return out


def correction_targets(
    rows: Sequence[Mapping[str, Any]],
) -> tuple[list[data.TargetExample], list[str]]:
    """Analysts' sentiment decisions (`{"text", "entity", "label"}`, as `carintel review
    training sentiment FILE` writes them: confirmed and edited labels; a rejection says only
    that the label shown was wrong, so it is not among them) as target examples: the entity's
    first mention in the evidence as a word, else anywhere, case aside. Returns the examples
    and, for each row that cannot be used, why."""
    out: list[data.TargetExample] = []
    skipped: list[str] = []
    for number, row in enumerate(rows, 1):
        text, entity, label = (str(row.get(k) or "") for k in ("text", "entity", "label"))
        if label not in data.SENTIMENT_LABELS:
            skipped.append(f"row {number}: label {label!r} is not one of {data.SENTIMENT_LABELS}")
            continue
        at = _first(text, entity) if entity else -1
        if at < 0 and entity:
            at = text.lower().find(entity.lower())
        if at < 0:
            skipped.append(f"row {number}: {entity!r} is not in its evidence text")
            continue
        out.append(data.TargetExample(text, at, at + len(entity), label, f"correction-{number}"))
    return out, skipped


def stage_two_examples(
    seed: int,
    root: Path | None = None,
    *,
    corrections: Sequence[data.TargetExample] = (),
    replay: Sequence[data.TargetExample] | None = None,
    limit: int | None = None,
) -> list[data.TargetExample]:
    """Our venture sentences and the analysts' corrections (each VENTURE_REPEATS times), the
    claims train split's targets, and REPLAY examples of `replay` (default: the stage-one data,
    read from the shared datasets) in a seeded random sample. `limit` (smoke runs, tests)
    keeps a seeded sample of that many of the others beside every correction."""
    pool = list(sentiment_training_data(root) if replay is None else replay)
    random.Random(seed).shuffle(pool)
    others = venture_sentences() * VENTURE_REPEATS + article_targets() + pool[:REPLAY]
    if limit is not None and limit < len(others):
        others = random.Random(seed).sample(others, limit)
    return list(corrections) * VENTURE_REPEATS + others


def _load_into(adapted: Adapted, directory: Path) -> None:
    """Start from a saved artifact's LoRA factors and trained tensors."""
    from safetensors.torch import load_file

    tensors = load_file(str(directory / models.ARTIFACT_WEIGHTS))
    with torch.no_grad():
        for name, wrapper in adapted.lora.items():
            wrapper.lora_a.copy_(tensors["lora_a." + name].float())
            wrapper.lora_b.copy_(tensors["lora_b." + name].float())
        for name, param in adapted.full.items():
            param.copy_(tensors["full." + name].float())


def adapt_to_ventures(
    stage_one: Path,
    out_dir: Path,
    *,
    settings: TrainSettings = SETTINGS,
    progress: Callable[[str], None] = print,
    base: BaseEncoder = MPNET,
    root: Path | None = None,
    corrections: Sequence[data.TargetExample] = (),
    replay: Sequence[data.TargetExample] | None = None,
    model: nn.Module | None = None,
    tokenizer: Any = None,
) -> Path:
    """Continue the artifact in `stage_one` on `stage_two_examples` and save it to `out_dir`
    (the same folder is fine: it is read before it is written).

    `corrections`: analysts' decisions (`correction_targets`), added beside the venture
    sentences; the artifact's config then records them under `corrections` and keeps the
    first stage two's record. `replay`, `model` and `tokenizer` replace the stage-one data,
    the base encoder and its tokenizer (tests pass a tiny model)."""
    _deterministic(settings)
    started = time.monotonic()
    config: dict[str, Any] = json.loads((stage_one / models.ARTIFACT_CONFIG).read_text("utf-8"))
    if tokenizer is None:
        tokenizer = models._tokenizer(models.base_encoder_path(base))
    examples = stage_two_examples(
        settings.seed, root, corrections=corrections, replay=replay, limit=settings.limit
    )
    features = [encode_target(e, tokenizer, settings.max_length) for e in examples]
    progress(
        f"sentiment stage two: {len(features)} examples"
        + (f" ({len(corrections)} analysts' corrections x{VENTURE_REPEATS})" if corrections else "")
    )
    if model is None:
        model = models.build_base_model(
            "sentiment", data.SENTIMENT_LABELS, type_vocab_size=config["type_vocab_size"], base=base
        )
    adapted = adapt(model, config["lora_rank"], config["lora_alpha"], base.lora_targets)
    _load_into(adapted, stage_one)
    pad_id = int(tokenizer.pad_token_id or 0)
    _fit(adapted.model, trainable_parameters(adapted), features, settings, progress, pad_id)
    record = {
        "settings": asdict(settings),
        "venture_sentences": f"{VENTURE_FILE.name} x{VENTURE_REPEATS}",
        "article_targets": "claims train split: headline and lede targets",
        "replay": f"{REPLAY} stage-one examples",
        "examples": len(features),
    }
    if corrections:
        config["corrections"] = {
            **record,
            "continued_from": f"bundled-{models.artifact_version(stage_one)}",
            "analyst_corrections": f"{len(corrections)} x{VENTURE_REPEATS}",
        }
        extra = "analysts' corrections (stage two continued)"
    else:
        config["stage_two"] = record
        extra = "stage two: venture news (ours)"
    config["train_data"] = [*config.get("train_data", []), extra]
    save_artifact(adapted, out_dir, config)
    progress(
        f"sentiment stage two: saved to {out_dir} in {(time.monotonic() - started) / 60:.1f} min"
    )
    return out_dir
