"""Analysts' review of claims: list them with their status, decide (confirm, reject, edit),
share decisions (export, import) and turn them into training examples.

A decision is appended to the home's journal (`HOME/reviews/journal.jsonl`, format in
`warehouse.journal`), never to the warehouse: it needs no writer lock, so it never waits for
the weekly job and is never lost because of it. Readers overlay the journal at once; the
writer loads it at its next write step. Claims are named by keys derived from their content
(README, "Reviewing claims"), so a decision outlives re-enrichment and new models.
"""

from __future__ import annotations

import difflib
import fcntl
import getpass
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carintel.errors import CarintelError
from carintel_home import journal_file
from warehouse import analyst
from warehouse import review as reads
from warehouse.db import connect_read_only
from warehouse.journal import (
    KINDS,
    STATUSES,
    Correction,
    CorrectionError,
    parse_correction,
    parse_lines,
    read_journal,
)

KIND_NAMES: Mapping[str, str] = {
    **{kind: kind for kind in KINDS},
    "events": "event",
    "mentions": "mention",
    "relationships": "relationship",
}
"""What a user may call each kind (`events` or `event`, ...)."""
ROLES: tuple[str, ...] = (
    "investor", "investee", "seller", "buyer", "target", "partner", "venture", "subject",
)  # fmt: skip
LABELS: tuple[str, ...] = ("positive", "neutral", "negative")
_CLOSE_KEYS = 5


class ReviewError(CarintelError):
    """A review command that cannot be carried out; the message says what to do."""


class UnknownClaimError(ReviewError, LookupError):
    """No claim of that kind has that key."""


def kind_of(name: str) -> str:
    """The kind a user's word names (`events` -> `event`); a clear error for anything else."""
    kind = KIND_NAMES.get(str(name).strip().lower())
    if kind is None:
        raise ReviewError(
            f"unknown kind {name!r}: use one of events, mentions, sentiment, relevance, "
            "relationships"
        )
    return kind


def _status(status: str | None) -> str | None:
    if status is None or status == "all":
        return None
    if status not in STATUSES:
        raise ReviewError(f"unknown status {status!r}: use one of {', '.join(STATUSES)} or all")
    return status


def _week(week: str | None) -> tuple[date | None, date | None]:
    if week is None or week.strip().lower() == "all":
        return None, None
    from reports.data import parse_week

    try:
        return parse_week(week)
    except ValueError as exc:
        raise ReviewError(str(exc)) from exc


def claims(
    warehouse: Path, kind: str, week: str | None = None, status: str | None = None
) -> pd.DataFrame:
    """The claims of `kind` in ISO week `week` (None or "all": every week) with `status`
    (None or "all": any), the highest impact first. `key` names each claim; `status` is
    unreviewed, confirmed, rejected or edited, decisions not yet loaded by the writer included."""
    kind = kind_of(kind)
    wanted = _status(status)
    start, end = _week(week)
    conn = connect_read_only(warehouse)
    try:
        return reads.claims(conn, kind, start, end, wanted)
    finally:
        conn.close()


def latest_week(warehouse: Path) -> str | None:
    """The ISO week of the newest document (None for an empty warehouse)."""
    from reports.data import latest_week as newest

    conn = connect_read_only(warehouse)
    try:
        return newest(conn)
    finally:
        conn.close()


def status_counts(warehouse: Path, week: str | None = None) -> pd.DataFrame:
    """How many claims of each kind (rows) have each status (columns) in `week` (None: all)."""
    start, end = _week(week)
    conn = connect_read_only(warehouse)
    try:
        counts = {
            kind: reads.claims(conn, kind, start, end)["status"].value_counts() for kind in KINDS
        }
    finally:
        conn.close()
    frame = pd.DataFrame(
        [[int(counts[kind].get(status, 0)) for status in STATUSES] for kind in KINDS],
        index=pd.Index(list(KINDS), name="kind"),
        columns=list(STATUSES),
    )
    return frame.reset_index()


def cell_text(value: Any, limit: int | None = None) -> str:
    """A claim's value as one line of text (lists joined, floats to 2 places, NaN empty),
    cut to `limit` characters."""
    if isinstance(value, list | np.ndarray):
        text = ", ".join(str(v) for v in list(value))
    elif value is None or (isinstance(value, float) and value != value):
        text = ""
    elif isinstance(value, float):
        text = f"{value:.2f}"
    else:
        text = " ".join(str(value).split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> Any:
    """A claim's value as JSON: timestamps as ISO text, arrays as lists, NaN as null."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NaT or value is None:
        return None
    return value


_SNAPSHOT: Mapping[str, tuple[str, ...]] = {
    "event": ("type", "stage", "event_date", "date_precision", "date_source", "confidence",
              "first_reported_at", "source_count", "background", "evidence", "source_urls",
              "parties"),
    "mention": ("doc_id", "url", "title", "entity_id", "entity_name", "surface", "evidence"),
    "sentiment": ("doc_id", "url", "entity_id", "entity_name", "label", "score", "evidence"),
    "relevance": ("doc_id", "url", "title", "relevant", "relevance", "evidence"),
    "relationship": ("rel_id", "subject_id", "type", "object_id", "since", "evidence",
                     "event_id", "confidence"),
}  # fmt: skip
"""The fields of a claim a decision keeps, as the analyst saw them."""


def _snapshot(kind: str, row: Mapping[str, Any]) -> dict[str, Any]:
    claim = {name: _plain(row.get(name)) for name in _SNAPSHOT[kind]}
    if kind == "event":
        claim["parties"] = json.loads(str(row.get("party_roles") or "[]"))
    return claim


def _find(warehouse: Path, kind: str, key: str) -> dict[str, Any]:
    conn = connect_read_only(warehouse)
    try:
        row = reads.claim(conn, kind, key)
        if row is None:
            known = reads.keys(conn, kind)
            starting = sorted({k for k in known if k.startswith(key)}) if len(key) >= 6 else []
            if len(starting) == 1:  # a unique prefix, as git takes one
                return reads.claim(conn, kind, starting[0]) or {}
            close = starting or difflib.get_close_matches(key, known, _CLOSE_KEYS, 0.5)
            hint = f" Close keys: {', '.join(close)}." if close else ""
            raise UnknownClaimError(
                f"unknown {kind} key {key!r}.{hint} 'carintel review {_plural(kind)}' lists "
                "the keys (with --status all for reviewed ones)."
            )
        return row
    finally:
        conn.close()


def _plural(kind: str) -> str:
    return {"event": "events", "mention": "mentions", "relationship": "relationships"}.get(
        kind, kind
    )


def _entities(warehouse: Path) -> dict[str, str]:
    """Every way to name an entity (id, name, alias; any case) -> its id."""
    conn = connect_read_only(warehouse)
    try:
        names: dict[str, str] = {}
        for entity_id, name, _, alias in analyst.entity_names(conn):
            for text in (entity_id, name, alias):
                if text:
                    names.setdefault(str(text).casefold(), str(entity_id))
        return names
    finally:
        conn.close()


def event_values(
    warehouse: Path,
    type: str | None = None,
    date: str | None = None,
    parties: Sequence[str] = (),
) -> dict[str, Any]:
    """The values of an event edit, checked: a type of the taxonomy, a date of ISO 8601 cut to
    its precision, parties as ENTITY:ROLE (an id, name or alias, and a role of ROLES)."""
    from enrich.events import EVENT_TYPES

    values: dict[str, Any] = {}
    if type is not None:
        if type not in EVENT_TYPES:
            raise ReviewError(f"unknown event type {type!r}: use one of {', '.join(EVENT_TYPES)}")
        values["type"] = type
    if date is not None:
        values["event_date"], values["date_precision"] = _event_date(date)
    if parties:
        names = _entities(warehouse)
        chosen = []
        for item in parties:
            entity, _, role = item.rpartition(":")
            if not entity or role not in ROLES:
                raise ReviewError(
                    f"party {item!r}: write ENTITY:ROLE, a role being one of {', '.join(ROLES)}"
                )
            entity_id = names.get(entity.strip().casefold())
            if entity_id is None:
                close = difflib.get_close_matches(entity.casefold(), list(names), 4, 0.6)
                hint = f" Close names: {', '.join(close)}." if close else ""
                raise ReviewError(f"party {item!r}: unknown entity {entity!r}.{hint}")
            chosen.append({"entity_id": entity_id, "role": role})
        values["parties"] = sorted(chosen, key=lambda p: (p["entity_id"], p["role"]))
    if not values:
        raise ReviewError("an edit of an event sets --type, --date or --party (one at least)")
    return values


def edit_values(
    warehouse: Path,
    kind: str,
    type: str | None = None,
    date: str | None = None,
    parties: Sequence[str] = (),
    label: str | None = None,
    relevant: bool | None = None,
) -> dict[str, Any]:
    """The values of an edit of `kind`, checked: an event's type, date or parties (see
    `event_values`), a sentiment's label, a document's relevance."""
    name = kind_of(kind)
    if name == "event":
        return event_values(warehouse, type, date, parties)
    if name == "sentiment":
        if label is None:
            raise ReviewError("an edit of sentiment sets the label: positive, neutral or negative")
        return {"label": label}
    if name == "relevance":
        if relevant is None:
            raise ReviewError("an edit of relevance sets relevant (--relevant/--not-relevant)")
        return {"relevant": relevant}
    raise ReviewError(f"a {name} cannot be edited: confirm or reject it")


def _event_date(text: str) -> tuple[str, str]:
    value = text.strip()
    formats = {4: ("%Y", "year"), 7: ("%Y-%m", "month"), 10: ("%Y-%m-%d", "day")}
    if len(value) in formats:
        pattern, precision = formats[len(value)]
        try:
            datetime.strptime(value, pattern)
            return value, precision
        except ValueError:
            pass
    raise ReviewError(f"invalid date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2025-03)")


def _checked(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    if kind == "sentiment":
        label = values.get("label")
        if label not in LABELS:
            raise ReviewError(f"unknown label {label!r}: use one of {', '.join(LABELS)}")
    if kind == "relevance" and not isinstance(values.get("relevant"), bool):
        raise ReviewError("an edit of relevance sets relevant to true or false")
    return dict(values)


def reviewer(by: str | None = None) -> str:
    """Who decides: `by`, else $USER, else the login name."""
    name = by or os.environ.get("USER") or getpass.getuser()
    if not name or not name.strip():
        raise ReviewError("no reviewer name: pass --by NAME (or by=...)")
    return name.strip()


def decide(
    warehouse: Path,
    kind: str,
    key: str,
    decision: str,
    values: Mapping[str, Any] | None = None,
    note: str | None = None,
    by: str | None = None,
) -> Correction:
    """Record a decision about one claim in the home's journal and return it. The claim must be
    in the warehouse (its key as `claims` lists it). Confirming an edited claim keeps the edit."""
    kind = kind_of(kind)
    if decision not in ("confirm", "reject", "edit"):
        raise ReviewError(f"unknown decision {decision!r}: use confirm, reject or edit")
    row = _find(warehouse, kind, key)
    key = str(row["key"])
    new_values = _checked(kind, values or {}) if decision == "edit" else {}
    if decision == "confirm" and row.get("status") == "edited":
        decision, new_values = "edit", _current_edit(warehouse, kind, key)
    try:
        correction = parse_correction(
            {
                "kind": kind,
                "key": key,
                "decision": decision,
                "values": new_values,
                "claim": _snapshot(kind, row),
                "by": reviewer(by),
                "at": datetime.now(UTC).isoformat(),
                "note": note or None,
            }
        )
    except CorrectionError as exc:
        raise ReviewError(str(exc)) from exc
    append(journal_file(warehouse), [correction])
    return correction


def _current_edit(warehouse: Path, kind: str, key: str) -> dict[str, Any]:
    edits = [c for c in read_journal(journal_file(warehouse)).corrections
             if c.kind == kind and c.key == key and c.decision == "edit"]  # fmt: skip
    return dict(max(edits, key=lambda c: (c.at, c.id)).values) if edits else {}


def append(journal: Path, corrections: Sequence[Correction]) -> None:
    """Append decisions to the journal in one write, under a lock of the journal's own (held
    for the write only, never the writer's lock), and flush them to disk."""
    if not corrections:
        return
    journal.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(c.line() for c in corrections).encode("utf-8")
    fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size:
            with journal.open("rb") as existing:
                existing.seek(size - 1)
                if existing.read(1) != b"\n":
                    data = b"\n" + data  # a line cut short by a crash stays a line of its own
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock


# -- sharing decisions ---------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    added: int  # new decisions appended to the journal
    already: int  # decisions the journal held already
    unknown: int  # added decisions about claims this warehouse does not hold (yet)


def export(warehouse: Path, out: Path) -> int:
    """Write every decision of the home's journal to `out` (JSON Lines, the journal's format);
    returns how many. The file is written whole or not at all."""
    read = read_journal(journal_file(warehouse))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text("".join(c.line() for c in read.corrections), encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return len(read.corrections)


def import_decisions(warehouse: Path, source: Path) -> ImportResult:
    """Append the decisions of an exported file to the home's journal, each once (importing
    twice adds nothing). Every line is checked first: one bad line and nothing is added."""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewError(f"cannot read {source}: {exc}") from exc
    read = parse_lines(lines, str(source))
    if read.bad:
        problems = "; ".join(reason for _, reason in read.bad[:3])
        more = f" (and {len(read.bad) - 3} more)" if len(read.bad) > 3 else ""
        raise ReviewError(
            f"nothing imported: {len(read.bad)} line(s) are not valid decisions: {problems}"
            f"{more}. Fix or remove them (a file from 'carintel review export' is valid)."
        )
    journal = journal_file(warehouse)
    known = {c.id for c in read_journal(journal).corrections}
    new: list[Correction] = []
    for correction in read.corrections:
        if correction.id not in known:
            known.add(correction.id)
            new.append(correction)
    unknown = 0
    if new and warehouse.exists():
        conn = connect_read_only(warehouse)
        try:
            present = {kind: set(reads.keys(conn, kind)) for kind in KINDS}
        finally:
            conn.close()
        unknown = sum(1 for c in new if c.key not in present[c.kind])
    append(journal, new)
    return ImportResult(len(new), len(read.corrections) - len(new), unknown)


# -- learning from decisions ----------------------------------------------------------------


def latest_decisions(warehouse: Path) -> list[Correction]:
    """The decision in force about each claim (the latest), from the journal."""
    latest: dict[tuple[str, str], Correction] = {}
    for c in read_journal(journal_file(warehouse)).corrections:
        current = latest.get((c.kind, c.key))
        if current is None or (c.at, c.id) > (current.at, current.id):
            latest[(c.kind, c.key)] = c
    return sorted(latest.values(), key=lambda c: (c.kind, c.key))


def training_examples(warehouse: Path, kind: str) -> list[dict[str, Any]]:
    """Training examples from the decisions in force, in the training files' formats.

    events: `{"text", "type"}` for the event head: the evidence sentence with the confirmed
    type, the edited type, or "none" for a rejected event (a negative).
    sentiment: `{"text", "entity", "label"}`: the evidence with the confirmed or edited label
    (a rejected score says only that the label is wrong, so it teaches nothing here)."""
    target = {"events": "event"}.get(kind, kind)
    if target not in ("event", "sentiment"):
        raise ReviewError(f"training examples come from events or sentiment, not {kind!r}")
    rows: list[dict[str, Any]] = []
    for c in latest_decisions(warehouse):
        if c.kind != target:
            continue
        text = str(c.claim.get("evidence") or "").strip()
        if not text:
            continue
        if target == "event":
            label = "none" if c.decision == "reject" else c.values.get("type", c.claim.get("type"))
            if label:
                rows.append({"text": text, "type": str(label), "correction": c.id})
        elif c.decision != "reject":
            label = c.values.get("label", c.claim.get("label"))
            entity = c.claim.get("entity_name") or c.claim.get("entity_id")
            if label and entity:
                rows.append({"text": text, "entity": str(entity), "label": str(label),
                             "correction": c.id})  # fmt: skip
    return rows


def write_training_file(warehouse: Path, kind: str, path: Path) -> int:
    """Write `training_examples` to `path` (JSON Lines); returns how many."""
    rows = training_examples(warehouse, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return len(rows)


def corrected_model_dir(home: Path, out: Path | None = None, kind: str = "events") -> Path:
    """Where a model trained with corrections goes: `out`, else HOME/models/
    KIND-with-corrections; never a bundled model's folder (those change only on purpose)."""
    from enrich.models import ARTIFACTS

    target = (out or home / "models" / f"{kind}-with-corrections").resolve()
    if target == ARTIFACTS.resolve() or ARTIFACTS.resolve() in target.parents:
        raise ReviewError(
            f"{target} holds a bundled model: give --out a folder of your own (the default is "
            f"HOME/models/{kind}-with-corrections)"
        )
    return target
