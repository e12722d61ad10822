"""Relationships that events suggest and the curated watchlist does not hold yet.

A pure function of the events and the watchlist (no database): the timeline step stores what
it returns as `relationships` rows with `review_status = 'proposed'`, and the claims evaluation
scores it (`carintel models eval claims`).

The rules follow the parties' roles as `enrich.events.assign_roles` read them from the sentence:
- partnership: every pair of partners is `partner`;
- joint venture: every parent is `jv_parent` of the venture. Two parents of one venture are
  never each other's `jv_parent`: a sentence that names parents but no venture proposes nothing;
- investment: every investor is `investor` of every investee; a seller or a bare subject is no
  investor.
Exits, denied, cancelled and rumoured events, sentences that list more than
MAX_PROPOSAL_PARTIES organisations (a whole alliance names no pair in particular), people and
products propose nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from enrich.events import Party

MAX_PROPOSAL_PARTIES = 3
NOT_PROPOSED_STAGES = frozenset({"denied", "cancelled", "rumoured"})
# event type → (relationship type, role of its subjects, role of its objects or None: pairs)
RULES: dict[str, tuple[str, str, str | None]] = {
    "partnership": ("partner", "partner", None),
    "joint_venture": ("jv_parent", "partner", "venture"),
    "investment": ("investor", "investor", "investee"),
}


@dataclass(frozen=True)
class EventClaim:
    """What a proposal needs of a (merged) event."""

    event_id: str
    type: str
    stage: str
    date: str | None
    parties: tuple[Party, ...]
    evidence: str
    confidence: float


@dataclass(frozen=True)
class ProposedRelationship:
    """`subject` is `type` of `object`, suggested by event `event_id` and its evidence."""

    rel_id: str
    subject_id: str
    type: str
    object_id: str
    since: str | None
    evidence: str
    event_id: str
    confidence: float


def _pairs(
    parties: Sequence[Party], subject_role: str, object_role: str | None
) -> list[Sequence[str]]:
    subjects = [p.entity_id for p in parties if p.role == subject_role]
    if object_role is None:
        return [(a, b) for i, a in enumerate(subjects) for b in subjects[i + 1 :]]
    objects = [p.entity_id for p in parties if p.role == object_role]
    return [(s, o) for s in subjects for o in objects]


def propose_relationships(
    events: Iterable[EventClaim],
    curated: Collection[frozenset[str]],
    organisations: Collection[str],
) -> list[ProposedRelationship]:
    """Proposals from `events`, one per (subject, type, object), the first event (in the order
    given) supplying the evidence. `curated` holds the entity pairs the watchlist already
    relates (in any direction and type); `organisations` the watchlist ids of companies,
    ventures and brands (people and products are no party to a corporate relationship)."""
    found: dict[str, ProposedRelationship] = {}
    for event in events:
        rule = RULES.get(event.type)
        if rule is None or event.stage in NOT_PROPOSED_STAGES:
            continue
        parties = [p for p in event.parties if p.entity_id in organisations]
        if len(parties) > MAX_PROPOSAL_PARTIES:
            continue
        rel_type, subject_role, object_role = rule
        for subject, obj in _pairs(parties, subject_role, object_role):
            if subject == obj or frozenset((subject, obj)) in curated:
                continue
            key = "|".join((subject, rel_type, obj, "event"))
            rel_id = hashlib.sha256(key.encode()).hexdigest()[:16]
            found.setdefault(
                rel_id,
                ProposedRelationship(rel_id, subject, rel_type, obj, event.date, event.evidence,
                                     event.event_id, event.confidence),
            )  # fmt: skip
    return list(found.values())
