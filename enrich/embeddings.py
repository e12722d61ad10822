"""Mean-pooled sentence and document embeddings from the base encoder.

Build one `Encoder` (`load_encoder()`, or `tiny_random_encoder()` in tests; both are built in
`enrich.models`, the one place that builds models, and named here too) and pass it to
`embed_sentences` / `embed_documents`. Vectors are mean-pooled over the attention mask and
L2-normalised, the pooling all-MiniLM-L6-v2 was trained with, so a dot product is a cosine.
Documents longer than one window are cut into token windows whose embeddings are averaged
(weighted by their token counts) and normalised again.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import torch

from enrich import models
from enrich.models import Encoder, load_encoder, tiny_random_encoder

__all__ = [
    "Encoder",
    "Vectors",
    "embed_documents",
    "embed_sentences",
    "load_encoder",
    "tiny_random_encoder",
]

Vectors = npt.NDArray[np.float32]


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
            hidden = encoder.model(input_ids=input_ids, attention_mask=mask)[0].float()
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
