"""Analysts' corrections: the review journal's format, and its overlay on readers' connections.

The journal (`HOME/reviews/journal.jsonl`, `carintel_home.JOURNAL`) holds one decision per line
and is only ever appended to. Each line is a JSON object:

    {"id": "c-...", "kind": "event", "key": "ev-...", "decision": "reject",
     "values": {}, "claim": {...}, "by": "ana", "at": "2025-11-24T09:30:00+00:00", "note": "..."}

`kind` is one of `KINDS`; `key` names the claim by its content (its prefix names the kind:
`KEY_PREFIXES`); `decision` is `confirm`, `reject` or `edit` (`values` then holds the new
values); `claim` is the claim as the analyst saw it (a confirmed claim is kept from it when a
new model no longer finds it); `id` is a hash of everything else, so a decision loaded or
imported twice is one row.

- The writer loads the journal into the table `corrections` (`warehouse.loader.load_journal`)
  at every write step, in one transaction: like a landing file, loading it twice adds nothing.
- Readers see a decision at once, before any write step: `overlay_journal` shadows the
  snapshot's `corrections` with a temporary table holding the journal's rows too, and every
  view that honours decisions reads `corrections` by that name.
- An incomplete last line (a decision being appended right now) is left for the next read; any
  other line that is not a valid decision is skipped and counted (`JournalRead.bad`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse import sql

KINDS: tuple[str, ...] = ("event", "mention", "sentiment", "relevance", "relationship")
DECISIONS: tuple[str, ...] = ("confirm", "reject", "edit")
KEY_PREFIXES: Mapping[str, str] = {
    "event": "ev-",
    "mention": "mn-",
    "sentiment": "se-",
    "relevance": "rv-",
    "relationship": "rl-",
}
EDITABLE: Mapping[str, tuple[str, ...]] = {
    "event": ("type", "event_date", "date_precision", "parties"),
    "sentiment": ("label",),
    "relevance": ("relevant",),
}
"""The fields an edit may set, by kind (the other kinds are confirmed or rejected only)."""
STATUSES: tuple[str, ...] = ("unreviewed", "confirmed", "rejected", "edited")


class CorrectionError(ValueError):
    """A decision that is not valid: the message names the field and what it may be."""


@dataclass(frozen=True)
class Correction:
    """One analyst decision about one claim (a line of the journal)."""

    kind: str
    key: str
    decision: str
    by: str
    at: str  # ISO 8601 with offset
    values: Mapping[str, Any] = field(default_factory=dict)
    claim: Mapping[str, Any] = field(default_factory=dict)
    note: str | None = None

    @property
    def id(self) -> str:
        content = {k: v for k, v in self.to_json(with_id=False).items()}
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return "c-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]

    @property
    def status(self) -> str:
        """The status it gives its claim: confirmed, rejected or edited."""
        return {"confirm": "confirmed", "reject": "rejected", "edit": "edited"}[self.decision]

    def to_json(self, with_id: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "key": self.key,
            "decision": self.decision,
            "values": dict(self.values),
            "claim": dict(self.claim),
            "by": self.by,
            "at": self.at,
            "note": self.note,
        }
        return {"id": self.id, **data} if with_id else data

    def line(self) -> str:
        """The journal line (with its newline)."""
        return json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False, default=str) + "\n"


def parse_correction(data: object) -> Correction:
    """A journal line's object as a `Correction`; `CorrectionError` says what is wrong."""
    if not isinstance(data, Mapping):
        raise CorrectionError("a decision is a JSON object")
    kind = data.get("kind")
    if kind not in KINDS:
        raise CorrectionError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    key = data.get("key")
    prefix = KEY_PREFIXES[str(kind)]
    if not isinstance(key, str) or not key.startswith(prefix) or len(key) <= len(prefix):
        raise CorrectionError(f"key {key!r} is not a {kind} key (those start with {prefix!r})")
    decision = data.get("decision")
    if decision not in DECISIONS:
        raise CorrectionError(f"unknown decision {decision!r}: use one of {', '.join(DECISIONS)}")
    values = data.get("values") or {}
    claim = data.get("claim") or {}
    if not isinstance(values, Mapping) or not isinstance(claim, Mapping):
        raise CorrectionError("'values' and 'claim' are JSON objects")
    if decision == "edit":
        allowed = EDITABLE.get(str(kind), ())
        if not allowed:
            raise CorrectionError(f"a {kind} cannot be edited, only confirmed or rejected")
        unknown = sorted(set(values) - set(allowed))
        if not values or unknown:
            raise CorrectionError(
                f"an edit of a {kind} sets {', '.join(allowed)}"
                + (f" (not {', '.join(unknown)})" if unknown else "")
            )
    elif values:
        raise CorrectionError(f"only an edit carries values (this is a {decision})")
    by = data.get("by")
    if not isinstance(by, str) or not by.strip():
        raise CorrectionError("'by' names who decided")
    at = data.get("at")
    try:
        parsed = datetime.fromisoformat(str(at))
    except ValueError:
        raise CorrectionError(f"'at' {at!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise CorrectionError(f"'at' {at!r} has no UTC offset")
    if kind in ("mention", "sentiment", "relevance") and not isinstance(claim.get("doc_id"), str):
        raise CorrectionError(
            f"a {kind} decision's 'claim' names its document ('doc_id'): the views find the "
            "claims to check by it"
        )
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        raise CorrectionError("'note' is text")
    correction = Correction(
        str(kind), key, str(decision), by.strip(), str(at), dict(values), dict(claim), note
    )
    given = data.get("id")
    if given is not None and given != correction.id:
        raise CorrectionError(f"'id' {given!r} does not match the decision's content")
    return correction


@dataclass(frozen=True)
class JournalRead:
    corrections: tuple[Correction, ...]
    bad: tuple[tuple[int, str], ...] = ()  # (line number, reason)


def parse_lines(lines: Sequence[str], source: str) -> JournalRead:
    """Every line of a journal (or an export); blank lines are skipped, bad ones counted."""
    good: list[Correction] = []
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            good.append(parse_correction(json.loads(line)))
        except json.JSONDecodeError as exc:
            bad.append((number, f"{source}:{number}: not JSON ({exc.msg})"))
        except CorrectionError as exc:
            bad.append((number, f"{source}:{number}: {exc}"))
    return JournalRead(tuple(good), tuple(bad))


def read_journal(path: Path) -> JournalRead:
    """The decisions in a journal; none when it does not exist. An incomplete last line (one
    being appended right now) is left for the next read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return JournalRead(())
    except (OSError, UnicodeDecodeError) as exc:
        raise CorrectionError(f"cannot read the review journal {path}: {exc}") from exc
    lines = text.split("\n")
    return parse_lines(lines[:-1], str(path))  # the part after the last newline is incomplete


def rows(corrections: Sequence[Correction]) -> list[list[Any]]:
    return [
        [c.id, c.kind, c.key, c.decision, json.dumps(dict(c.values), sort_keys=True),
         json.dumps(dict(c.claim), sort_keys=True, default=str), c.by, c.at, c.note]
        for c in corrections
    ]  # fmt: skip


def overlay_journal(conn: duckdb.DuckDBPyConnection, path: Path) -> int:
    """On a reader's connection: a temporary `corrections` holding the warehouse's decisions and
    the journal's, which the views read in place of the table. Returns the decisions the
    warehouse has not loaded yet. Nothing happens for a warehouse without `corrections`."""
    read = read_journal(path)
    if not read.corrections or not sql.rows(conn, "has_corrections")[0][0]:
        return 0
    sql.run_each(conn, "overlay_corrections")
    before = int(sql.rows(conn, "count_corrections")[0][0])
    sql.run_many(conn, "insert_correction", rows(read.corrections))
    return int(sql.rows(conn, "count_corrections")[0][0]) - before
