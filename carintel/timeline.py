"""After enrichment: merge event reports into timeline events, propose relationships from them,
and assign documents to stories. Reads and writes the warehouse in one transaction per step.

- Events: every report in `event_reports` is merged again (`enrich.events.merge_events`: ids
  are a hash of the merge key, so they stay stable), and `timeline_events`, `event_parties` and
  `event_reports.event_id` are rewritten; each report keeps its own key
  (`event_report_keys`), which analysts' decisions about events name.
- Proposed relationships: `enrich.relationships.propose_relationships` reads the merged events'
  roles; each proposal becomes a `relationships` row with `review_status = 'proposed'`, its
  evidence, event id and confidence. An analyst accepts it with `carintel review confirm
  relationship KEY` (or by adding it to the watchlist); accepted ones are never proposed again.
- Claim thresholds: the confidence above which the report shows an event (chosen on the claims
  dev set, carried by the event model) goes to `claim_thresholds`.
- Stories: documents without a story are compared (MinHash for near-copies, the encoder's
  embeddings for the same development) with the members published within the window, and join
  a story or found one; old assignments never change, so story ids stay stable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import numpy as np

from enrich.dates import ResolvedDate
from enrich.embeddings import Encoder, embed_documents
from enrich.events import ExtractedEvent, Party, TimelineEvent, merge_events, report_key
from enrich.relationships import EventClaim, KnownRelations
from enrich.relationships import propose_relationships as propose
from enrich.stories import StoryConfig, StoryDoc, StoryMember, assign_stories, minhash
from warehouse import timeline as writes


@dataclass(frozen=True)
class TimelineResult:
    reports: int
    events: int
    proposed_relationships: int
    stories_assigned: int


def _report(row: Sequence[Any]) -> ExtractedEvent:
    (doc_id, start, end, kind, stage, confidence, evidence, event_date, precision, source,
     parties, published_at, first_seen_at) = row  # fmt: skip
    return ExtractedEvent(
        type=kind,
        stage=stage,
        parties=tuple(
            Party(p["entity_id"], p.get("role", "subject"), p.get("text", ""))
            for p in json.loads(parties)
        ),
        date=ResolvedDate(event_date, precision, source),
        evidence=evidence,
        evidence_span=(start, end),
        confidence=confidence,
        doc_id=doc_id,
        published_at=published_at,
        first_seen_at=first_seen_at,
    )


def merge_timeline(conn: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    reports = [_report(r) for r in writes.event_reports(conn)]
    merged = merge_events(reports)
    keys = [
        (report_key(r), r.doc_id, r.evidence_span[0], r.type) for r in reports
    ]  # a decision about any report's key applies to the event it merged into (view events_all)
    writes.replace_timeline_events(conn, [_event_rows(event) for event in merged], keys)
    return len(reports), len(merged)


def _event_rows(event: TimelineEvent) -> tuple[list[Any], list[tuple[Any, ...]], list[list[Any]]]:
    parties = [{"entity_id": p.entity_id, "role": p.role} for p in event.parties]
    row = [event.event_id, event.type, event.stage, event.date, event.date_precision,
           event.date_source, event.confidence, event.first_reported_at, event.source_count,
           json.dumps(parties), event.background]  # fmt: skip
    party_rows = [(event.event_id, p["entity_id"], p["role"]) for p in parties]
    links = [[event.event_id, s.doc_id, s.evidence, event.type] for s in event.sources]
    return row, party_rows, links


def propose_relationships(conn: duckdb.DuckDBPyConnection) -> int:
    """Relationships suggested by events and not covered by the curated watchlist
    (`enrich.relationships.propose_relationships` decides; this stores them)."""
    known = KnownRelations.of(writes.watchlist_relations(conn), writes.entity_types(conn))
    events = [
        EventClaim(
            event_id,
            kind,
            stage,
            event_date,
            tuple(Party(p["entity_id"], p.get("role", "subject")) for p in json.loads(parties)),
            evidence or "",
            confidence,
        )
        for event_id, kind, event_date, stage, parties, evidence, confidence in (
            writes.proposal_events(conn)
        )
    ]
    proposals = propose(events, known)
    writes.replace_proposed_relationships(
        conn,
        [
            (p.rel_id, p.subject_id, p.type, p.object_id, p.since, p.evidence, p.event_id,
             p.confidence)
            for p in proposals
        ],
    )  # fmt: skip
    return len(proposals)


def record_claim_thresholds(
    conn: duckdb.DuckDBPyConnection, thresholds: dict[str, tuple[float, str]]
) -> None:
    """The confidence above which the report shows each kind of claim (see claim_thresholds)."""
    writes.replace_claim_thresholds(
        conn, [(claim, value, note) for claim, (value, note) in sorted(thresholds.items())]
    )


def assign_new_stories(
    conn: duckdb.DuckDBPyConnection, encoder: Encoder | None, config: StoryConfig | None = None
) -> int:
    """Give every document without a story one (stable ids; old assignments never move)."""
    config = config or StoryConfig()
    new = writes.documents_without_story(conn)
    if not new:
        return 0
    texts = [f"{title or ''}\n{text}" for _, _, title, text in new]
    vectors = embed_documents(encoder, texts) if encoder is not None else [None] * len(new)
    docs = [
        StoryDoc(doc_id, _aware(at), None if v is None else np.asarray(v, np.float32),
                 minhash(text, config))
        for (doc_id, at, _, _), text, v in zip(new, texts, vectors, strict=True)
    ]  # fmt: skip
    earliest = min(_aware(at) for _, at, _, _ in new) - config.window
    existing = _members(conn, earliest)
    assignments = assign_stories(existing, docs, config)
    writes.write_stories(
        conn,
        [(a.doc_id, a.story_id, a.duplicate_of, a.similarity) for a in assignments],
        [
            (d.doc_id, None if d.embedding is None else d.embedding.tolist(),
             None if d.signature is None else [int(x) for x in d.signature])
            for d in docs
        ],
    )  # fmt: skip
    return len(assignments)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _members(conn: duckdb.DuckDBPyConnection, since: datetime) -> Sequence[StoryMember]:
    rows = writes.story_members(conn, since - timedelta(seconds=1))
    return [
        StoryMember(
            StoryDoc(
                doc_id,
                _aware(at),
                None if emb is None else np.asarray(emb, np.float32),
                None if sig is None else tuple(int(x) for x in sig),
            ),
            story_id,
            duplicate_of,
        )
        for doc_id, at, story_id, duplicate_of, emb, sig in rows
    ]


def build_timeline(
    conn: duckdb.DuckDBPyConnection,
    encoder: Encoder | None,
    thresholds: dict[str, tuple[float, str]] | None = None,
) -> TimelineResult:
    reports, events = merge_timeline(conn)
    proposed = propose_relationships(conn)
    if thresholds is not None:
        record_claim_thresholds(conn, thresholds)
    stories = assign_new_stories(conn, encoder)
    return TimelineResult(reports, events, proposed, stories)
