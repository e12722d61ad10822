"""Readers for the shared public datasets (see ../shared/datasets/*/SOURCE.md for each format).

Every reader returns plain records; NER readers return BIO tags over the unified label set
PER/ORG/LOC/MISC (see `WNUT_TYPES` for how WNUT-17's six types are folded in).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

NER_LABELS: tuple[str, ...] = (
    "O",
    "B-PER",
    "I-PER",
    "B-ORG",
    "I-ORG",
    "B-LOC",
    "I-LOC",
    "B-MISC",
    "I-MISC",
)
SENTIMENT_LABELS: tuple[str, ...] = ("negative", "neutral", "positive")

# WNUT-17 types → the CoNLL-style schema. `group` (bands, teams, parties, agencies) is ORG, as
# CoNLL-2003 annotates such groups; `product` and `creative-work` are MISC.
WNUT_TYPES: dict[str, str] = {
    "person": "PER",
    "location": "LOC",
    "corporation": "ORG",
    "group": "ORG",
    "product": "MISC",
    "creative-work": "MISC",
}
# FiNER-ORD integer labels (repo configs' int2str): BIO with the B/I marker as a suffix.
FINER_LABELS: dict[int, str] = {
    0: "O",
    1: "B-PER",
    2: "I-PER",
    3: "B-LOC",
    4: "I-LOC",
    5: "B-ORG",
    6: "I-ORG",
}
NEWSMTSC_POLARITY: dict[float, str] = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


class DatasetError(RuntimeError):
    """A shared dataset is missing or does not look like its SOURCE.md says."""


@dataclass(frozen=True)
class TaggedSentence:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]  # BIO over PER/ORG/LOC/MISC


@dataclass(frozen=True)
class TargetExample:
    sentence: str
    start: int  # character offsets of the target mention, end exclusive
    end: int
    label: str  # negative | neutral | positive
    group: str = ""  # sentences sharing a group (same headline) stay in one split


@dataclass(frozen=True)
class SentenceExample:
    sentence: str
    label: str


def datasets_root(repo: Path | None = None) -> Path:
    """`$CARINTEL_DATASETS`, else `<repo>/../shared/datasets`."""
    env = os.environ.get("CARINTEL_DATASETS")
    if env:
        return Path(env)
    base = repo if repo is not None else Path(__file__).resolve().parents[2]
    return (base / ".." / "shared" / "datasets").resolve()


def _need(path: Path) -> Path:
    if not path.is_file():
        raise DatasetError(
            f"{path} not found: set CARINTEL_DATASETS to the folder holding the shared datasets"
        )
    return path


# ---------------------------------------------------------------- NER


def io_to_bio(tags: Sequence[str]) -> list[str]:
    """IO tags (only `I-X`, a run of the same type is one entity) → BIO. BIO input is kept."""
    out: list[str] = []
    prev = "O"
    for tag in tags:
        if tag == "O":
            out.append("O")
        else:
            prefix, _, kind = tag.partition("-")
            same = prev != "O" and prev[2:] == kind
            out.append(f"I-{kind}" if prefix == "I" and same else f"B-{kind}")
        prev = out[-1]
    return out


def _sentences(lines: Iterable[str], sep: str) -> Iterator[list[list[str]]]:
    block: list[list[str]] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if line.strip() == "":
            if block:
                yield block
            block = []
            continue
        cols = line.split(sep)
        if cols[0] == "-DOCSTART-":
            if block:
                yield block
            block = []
            continue
        block.append(cols)
    if block:
        yield block


def parse_conll_io(lines: Iterable[str]) -> list[TaggedSentence]:
    """Space-separated CoNLL with the NER tag in the last column, IO scheme (WikiGold, SEC)."""
    out = []
    for block in _sentences(lines, " "):
        tokens = tuple(cols[0] for cols in block)
        tags = io_to_bio([cols[-1] for cols in block])
        out.append(TaggedSentence(tokens, tuple(tags)))
    return out


def parse_wnut(lines: Iterable[str]) -> list[TaggedSentence]:
    """Tab-separated WNUT-17; a line holding only a tab (train) or nothing (dev/test) ends a
    sentence. Types are folded into PER/ORG/LOC/MISC by `WNUT_TYPES`."""
    out = []
    for block in _sentences(lines, "\t"):
        tokens, tags = [], []
        for cols in block:
            tokens.append(cols[0])
            tag = cols[1].strip() if len(cols) > 1 else "O"
            if tag == "O":
                tags.append("O")
            else:
                prefix, _, kind = tag.partition("-")
                tags.append(f"{prefix}-{WNUT_TYPES[kind]}")
        out.append(TaggedSentence(tuple(tokens), tuple(io_to_bio_fix(tags))))
    return out


def io_to_bio_fix(tags: Sequence[str]) -> list[str]:
    """Repair BIO where an `I-X` follows O or another type (it starts a new entity)."""
    out: list[str] = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and (prev == "O" or prev[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
        prev = tag
    return out


def parse_finer_documents(rows: Iterable[dict[str, str]]) -> list[list[TaggedSentence]]:
    """FiNER-ORD CSV rows (gold_label, gold_token, doc_idx, sent_idx) → documents, each its
    sentences in order."""
    grouped: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
    for row in rows:
        sentence = grouped.setdefault(row["doc_idx"], {})
        tokens, tags = sentence.setdefault(row["sent_idx"], ([], []))
        tokens.append(row["gold_token"])
        tags.append(FINER_LABELS[int(float(row["gold_label"]))])
    return [
        [TaggedSentence(tuple(t), tuple(io_to_bio_fix(g))) for t, g in doc.values()]
        for doc in grouped.values()
    ]


def parse_finer(rows: Iterable[dict[str, str]]) -> list[TaggedSentence]:
    """FiNER-ORD CSV rows → sentences."""
    return [s for doc in parse_finer_documents(rows) for s in doc]


def read_wikigold(root: Path | None = None) -> list[TaggedSentence]:
    path = (datasets_root() if root is None else root) / "wikigold" / "wikigold.conll.txt"
    return parse_conll_io(_need(path).read_text(encoding="utf-8").splitlines())


def read_sec_filings(split: str = "train", root: Path | None = None) -> list[TaggedSentence]:
    name = {"train": "FIN5.txt", "test": "FIN3.txt"}[split]
    path = (datasets_root() if root is None else root) / "sec-filings-ner" / name
    return parse_conll_io(_need(path).read_text(encoding="utf-8").splitlines())


def read_wnut17(split: str = "train", root: Path | None = None) -> list[TaggedSentence]:
    name = {
        "train": "wnut17train.conll",
        "dev": "emerging.dev.conll",
        "test": "emerging.test.annotated",
    }[split]
    path = (datasets_root() if root is None else root) / "wnut17" / name
    return parse_wnut(_need(path).read_text(encoding="utf-8").splitlines())


def read_finer_ord(split: str = "test", root: Path | None = None) -> list[TaggedSentence]:
    """FiNER-ORD (CC BY-NC 4.0): evaluation only, never training."""
    return [s for doc in read_finer_ord_documents(split, root) for s in doc]


def read_finer_ord_documents(
    split: str = "test", root: Path | None = None
) -> list[list[TaggedSentence]]:
    """FiNER-ORD by document (its sentences in order): evaluation only."""
    path = (datasets_root() if root is None else root) / "finer-ord" / f"{split}.csv"
    with _need(path).open(encoding="utf-8", newline="") as handle:
        return parse_finer_documents(csv.DictReader(handle))


# ---------------------------------------------------------------- sentiment


def parse_newsmtsc(lines: Iterable[str]) -> list[TargetExample]:
    """NewsMTSC JSONL; `to` is exclusive (checked in SOURCE.md despite the upstream readme)."""
    out = []
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        sentence = record["sentence_normalized"]
        for target in record["targets"]:
            label = NEWSMTSC_POLARITY[float(target["polarity"])]
            out.append(
                TargetExample(sentence, int(target["from"]), int(target["to"]), label, sentence)
            )
    return out


def read_newsmtsc(split: str = "train", root: Path | None = None) -> list[TargetExample]:
    name = {"train": "train.jsonl", "test-rw": "devtest_rw.jsonl", "test-mt": "devtest_mt.jsonl"}
    path = (datasets_root() if root is None else root) / "newsmtsc" / name[split]
    return parse_newsmtsc(_need(path).read_text(encoding="utf-8").splitlines())


_DECISION = re.compile(r"""['"](.+?)['"]\s*:\s*['"](positive|negative|neutral)['"]""")


def parse_sentfin_decisions(decisions: str) -> list[tuple[str, str]]:
    """`{'Gold': 'positive', "Osian's Art Fund": 'neutral'}` → pairs; no literal_eval (the names
    hold apostrophes)."""
    return [(m.group(1), m.group(2)) for m in _DECISION.finditer(decisions)]


def _find_mention(title: str, entity: str) -> tuple[int, int] | None:
    """First whole-word occurrence of `entity` in `title`, else first case-insensitive one."""
    for flags in (0, re.IGNORECASE):
        pattern = re.compile(r"(?<!\w)" + re.escape(entity) + r"(?!\w)", flags)
        match = pattern.search(title)
        if match:
            return match.start(), match.end()
    at = title.lower().find(entity.lower())
    return (at, at + len(entity)) if at >= 0 else None


def sentfin_split_of(title: str, test_percent: int = 20) -> str:
    """Deterministic headline split: sha256 of the headline, bucket < test_percent → test."""
    bucket = int(hashlib.sha256(title.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "test" if bucket < test_percent else "train"


def parse_sentfin(rows: Iterable[dict[str, str]]) -> tuple[list[TargetExample], int]:
    """SEntFiN CSV rows → target examples, and the number of (entity, label) pairs whose
    entity could not be located in the headline (skipped)."""
    out, missing = [], 0
    for row in rows:
        title = row["Title"]
        for entity, label in parse_sentfin_decisions(row["Decisions"]):
            span = _find_mention(title, entity)
            if span is None:
                missing += 1
                continue
            out.append(TargetExample(title, span[0], span[1], label, title))
    return out, missing


def read_sentfin(split: str = "train", root: Path | None = None) -> list[TargetExample]:
    """SEntFiN split by headline hash: 'train' (80%), 'test' (20%) or 'all'."""
    path = (datasets_root() if root is None else root) / "sentfin" / "SEntFiN.csv"
    with _need(path).open(encoding="utf-8", newline="") as handle:
        examples, _ = parse_sentfin(csv.DictReader(handle))
    if split == "all":
        return examples
    return [e for e in examples if sentfin_split_of(e.group) == split]


def parse_phrasebank(lines: Iterable[str]) -> list[SentenceExample]:
    """`sentence@label` per line; split on the LAST '@'; stray CRs are dropped."""
    out = []
    for raw in lines:
        line = raw.replace("\r", "").strip()
        if not line:
            continue
        sentence, at, label = line.rpartition("@")
        if not at or label not in SENTIMENT_LABELS:
            continue
        out.append(SentenceExample(sentence.strip(), label))
    return out


def read_phrasebank(agree: str = "50Agree", root: Path | None = None) -> list[SentenceExample]:
    """Financial PhraseBank (CC BY-NC-SA 3.0): evaluation only. Latin-1, CRLF."""
    path = (datasets_root() if root is None else root) / "financial-phrasebank"
    data = _need(path / f"Sentences_{agree}.txt").read_bytes().decode("latin-1")
    return parse_phrasebank(data.replace("\r\n", "\n").split("\n"))
