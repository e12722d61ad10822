"""Near-duplicates (syndicated copies) and story clusters, with story ids that never change.

Near-duplicates: MinHash over word shingles (our own small implementation, fixed seed, so a
signature computed today matches one stored last month). Two documents are near-duplicates when
their estimated Jaccard similarity reaches `StoryConfig.duplicate_jaccard`; a copy with a
rewritten intro and a different sign-off still shares most of its shingles.

Stories: documents are taken in (published_at, doc_id) order; each one joins the story of its
near-duplicate original, else of the most similar earlier member published within
`StoryConfig.window` (cosine of document embeddings from `enrich.embeddings.embed_documents`,
at least `StoryConfig.similarity`), else founds a new story whose id is derived from its own
doc id. Incremental runs pass the stored assignments as `existing`: old documents keep their
story, new ones join or found stories, nothing is renumbered and stories are never merged. When
new documents are newer than the stored ones (the normal case), an incremental run gives the
same ids as clustering everything at once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt

Signature = tuple[int, ...]
_MERSENNE = (1 << 61) - 1
_MAX32 = (1 << 32) - 1
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class StoryConfig:
    window: timedelta = timedelta(days=7)
    similarity: float = 0.8  # cosine of document embeddings to join a story (sample corpus)
    duplicate_jaccard: float = 0.5  # estimated Jaccard of shingle sets for a near-duplicate
    shingle_size: int = 5  # words per shingle
    num_perm: int = 128
    seed: int = 20240601


@dataclass(frozen=True)
class StoryDoc:
    doc_id: str
    published_at: date | datetime
    embedding: npt.NDArray[np.float32] | None = field(default=None, compare=False)
    signature: Signature | None = field(default=None, compare=False)


@dataclass(frozen=True)
class StoryMember:
    """A document already assigned (what the warehouse stores)."""

    doc: StoryDoc
    story_id: str
    duplicate_of: str | None = None


@dataclass(frozen=True)
class StoryAssignment:
    doc_id: str
    story_id: str
    new_story: bool  # this document founded the story
    duplicate_of: str | None  # the earliest copy it duplicates
    similarity: float  # to the member it joined through (1.0 for a founder)


# ------------------------------------------------------------------ MinHash


def _permutations(
    num_perm: int, seed: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, _MAX32, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, _MAX32, size=num_perm, dtype=np.uint64)
    return a, b


def shingles(text: str, size: int = 5) -> set[str]:
    """Lower-cased word n-grams (each Chinese character counts as a word)."""
    words = [w.lower() for w in _TOKEN.findall(text)]
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def minhash(text: str, config: StoryConfig | None = None) -> Signature:
    """MinHash signature of the text's word shingles: for each of `num_perm` universal hash
    functions h(x) = (a·x + b) mod (2^61 - 1), truncated to 32 bits, the minimum over the
    32-bit blake2b hashes of the shingles."""
    config = config or StoryConfig()
    a, b = _permutations(config.num_perm, config.seed)
    grams = shingles(text, config.shingle_size)
    if not grams:
        return tuple([_MAX32] * config.num_perm)
    hashes = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
            for g in sorted(grams)
        ),
        dtype=np.uint64,
        count=len(grams),
    )
    # a, x < 2^32, so a·x + b < 2^64: no overflow in uint64
    values = (np.outer(hashes, a) + b) % np.uint64(_MERSENNE) & np.uint64(_MAX32)
    return tuple(int(v) for v in values.min(axis=0))


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity: the share of equal signature slots."""
    if len(a) != len(b) or not a:
        raise ValueError("signatures of different lengths: compute both with one StoryConfig")
    return float(np.mean(np.asarray(a) == np.asarray(b)))


def is_near_duplicate(a: Signature, b: Signature, config: StoryConfig | None = None) -> bool:
    return jaccard(a, b) >= (config or StoryConfig()).duplicate_jaccard


# ------------------------------------------------------------------ stories


def story_doc(
    doc_id: str,
    published_at: date | datetime,
    text: str,
    embedding: npt.NDArray[np.float32] | None = None,
    config: StoryConfig | None = None,
) -> StoryDoc:
    """A `StoryDoc` with the MinHash signature of `text` computed here."""
    return StoryDoc(doc_id, published_at, embedding, minhash(text, config))


def story_id_for(doc_id: str) -> str:
    """The id of the story founded by `doc_id`."""
    return "story-" + hashlib.sha256(doc_id.encode()).hexdigest()[:16]


def _utc(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _cosine(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / denominator if denominator else 0.0


def assign_stories(
    existing: Sequence[StoryMember],
    new_docs: Sequence[StoryDoc],
    config: StoryConfig | None = None,
) -> list[StoryAssignment]:
    """Story assignments for `new_docs` (in their input order); `existing` is not changed.

    A document already in `existing` gets its stored assignment back. Only members published
    within `config.window` of a new document matter, so callers need pass no older ones; the
    cost is one comparison per (new document, member in its window)."""
    config = config or StoryConfig()
    members: list[StoryMember] = list(existing)
    known = {m.doc.doc_id: m for m in members}
    decided: dict[str, StoryAssignment] = {}
    order = sorted(
        range(len(new_docs)), key=lambda i: (_utc(new_docs[i].published_at), new_docs[i].doc_id)
    )
    for index in order:
        doc = new_docs[index]
        if doc.doc_id in decided:
            continue
        if doc.doc_id in known:
            old = known[doc.doc_id]
            decided[doc.doc_id] = StoryAssignment(
                doc.doc_id, old.story_id, False, old.duplicate_of, 1.0
            )
            continue
        when = _utc(doc.published_at)
        nearby = [m for m in members if abs(_utc(m.doc.published_at) - when) <= config.window]
        chosen: StoryMember | None = None
        duplicate_of: str | None = None
        score = 0.0
        if doc.signature is not None:
            for m in nearby:
                if m.doc.signature is None:
                    continue
                similarity = jaccard(doc.signature, m.doc.signature)
                if similarity >= config.duplicate_jaccard and similarity > score:
                    chosen, score = m, similarity
            if chosen is not None:
                duplicate_of = chosen.duplicate_of or chosen.doc.doc_id
        if chosen is None and doc.embedding is not None:
            for m in nearby:
                if m.doc.embedding is None:
                    continue
                similarity = _cosine(doc.embedding, m.doc.embedding)
                if similarity >= config.similarity and similarity > score:
                    chosen, score = m, similarity
        if chosen is None:
            assignment = StoryAssignment(doc.doc_id, story_id_for(doc.doc_id), True, None, 1.0)
        else:
            assignment = StoryAssignment(
                doc.doc_id, chosen.story_id, False, duplicate_of, round(score, 4)
            )
        decided[doc.doc_id] = assignment
        member = StoryMember(doc, assignment.story_id, duplicate_of)
        members.append(member)
        known[doc.doc_id] = member
    return [decided[d.doc_id] for d in new_docs]


def cluster_stories(
    docs: Sequence[StoryDoc], config: StoryConfig | None = None
) -> list[StoryAssignment]:
    """All documents at once: `assign_stories` with nothing stored yet."""
    return assign_stories([], docs, config)
