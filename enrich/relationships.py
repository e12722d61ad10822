"""Relationships that events suggest and the curated watchlist does not hold yet.

A pure function of the events and the watchlist (no database): the timeline step stores what
it returns as `relationships` rows with `review_status = 'proposed'`, and the claims evaluation
scores it (`carintel models eval claims`).

The rules follow the parties' roles as `enrich.events.assign_roles` read them from the sentence:
- partnership: every pair of partners is `partner`;
- joint venture: every parent is `jv_parent` of the venture. Two parents of one venture are
  never each other's `jv_parent`: a sentence that names parents but no venture proposes nothing,
  and one that names a single parent ("Yinwang was set up to take over Huawei's car
  business") states no joint venture but a unit (a subsidiary, which the watchlist curates);
- investment: every investor is `investor` of every investee; a seller or a bare subject is no
  investor.
A company the sentence names only to describe a party ("Foxtron, Foxconn's car unit", role
"mentioned": `enrich.events.described_only`) is no party to the deal. Exits, denied,
cancelled and rumoured events, sentences that list more than
MAX_PROPOSAL_PARTIES organisations (a whole alliance names no pair in particular), people and
products propose nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from enrich.events import DESCRIBED_ONLY, Party

MAX_PROPOSAL_PARTIES = 3
NOT_PROPOSED_STAGES = frozenset({"denied", "cancelled", "rumoured"})
# event type → (relationship type, role of its subjects, role of its objects or None: pairs)
RULES: dict[str, tuple[str, str, str | None]] = {
    "partnership": ("partner", "partner", None),
    "joint_venture": ("jv_parent", "partner", "venture"),
    "investment": ("investor", "investor", "investee"),
}


BELONGS_TO = frozenset({"brand_of", "product_of", "subsidiary_of"})
"""Relationship types that make the subject part of the object (a product of its maker)."""


def ancestors(parents: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Each entity's transitive parents from (child, parent) pairs: the Xiaomi YU7 belongs to
    Xiaomi Auto, which belongs to Xiaomi."""
    up: dict[str, set[str]] = {}
    for child, parent in parents:
        up.setdefault(child, set()).add(parent)
    out: dict[str, frozenset[str]] = {}
    for start in up:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for parent in up.get(todo.pop(), ()):
                if parent not in seen and parent != start:
                    seen.add(parent)
                    todo.append(parent)
        out[start] = frozenset(seen)
    return out


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


ORGANISATION_TYPES = frozenset({"company", "venture", "brand"})


@dataclass(frozen=True)
class KnownRelations:
    """What the curated watchlist already says, as proposals need it."""

    pairs: frozenset[frozenset[str]]  # related in any direction and type, co-parents too
    organisations: frozenset[str]  # companies, ventures, brands (not people or products)
    ventures: frozenset[str]
    belongs_to: Mapping[str, frozenset[str]]  # a brand or subsidiary → what owns it

    @classmethod
    def of(
        cls, triples: Iterable[tuple[str, str, str]], entity_types: Mapping[str, str]
    ) -> KnownRelations:
        """From the watchlist's (subject, type, object) relationships and entity types."""
        rows = list(triples)
        pairs = {frozenset((s, o)) for s, _, o in rows} | co_parents(rows)
        return cls(
            pairs=frozenset(pairs),
            organisations=frozenset(e for e, t in entity_types.items() if t in ORGANISATION_TYPES),
            ventures=frozenset(e for e, t in entity_types.items() if t == "venture"),
            belongs_to=ancestors((s, o) for s, kind, o in rows if kind in BELONGS_TO),
        )

    def related(self, a: str, b: str) -> bool:
        """Already related: directly, as co-parents of a venture, or through a brand's or a
        subsidiary's owner ("Seres, which builds AITO cars with Huawei": AITO is Seres')."""
        family_a = {a, *self.belongs_to.get(a, ())}
        family_b = {b, *self.belongs_to.get(b, ())}
        if family_a & family_b:
            return True
        return any(frozenset((x, y)) in self.pairs for x in family_a for y in family_b)


def _implied(a: str, b: str, found: Mapping[str, ProposedRelationship]) -> bool:
    """A partnership between a venture and its parent, or between two parents of one venture,
    that a joint venture or an investment of the same run already proposes."""
    pair = {a, b}
    parents: dict[str, set[str]] = {}
    for p in found.values():
        if {p.subject_id, p.object_id} == pair:
            return True
        if p.type == "jv_parent":
            parents.setdefault(p.object_id, set()).add(p.subject_id)
    return any(pair <= {*ps, venture} for venture, ps in parents.items())


def co_parents(curated: Iterable[tuple[str, str, str]]) -> set[frozenset[str]]:
    """Pairs of entities that the watchlist makes parents of one venture, from (subject, type,
    object) relationships."""
    parents: dict[str, set[str]] = {}
    for subject, kind, obj in curated:
        if kind == "jv_parent":
            parents.setdefault(obj, set()).add(subject)
    return {frozenset((a, b)) for ps in parents.values() for a in ps for b in ps if a != b}


def propose_relationships(
    events: Iterable[EventClaim], known: KnownRelations
) -> list[ProposedRelationship]:
    """Proposals from `events`, one per (subject, type, object), the first event (joint
    ventures and investments before partnerships, then in the order given) supplying the
    evidence. Only organisations are parties (people and products are no party to a corporate
    relationship); nothing the watchlist already relates is proposed (`KnownRelations.
    related`), nor a partnership between a venture and a parent, or two parents, that a
    joint venture of the same run proposes; a jv_parent only toward a watchlist venture (not
    toward a brand the sentence names)."""
    found: dict[str, ProposedRelationship] = {}
    ordered = sorted(events, key=lambda e: e.type == "partnership")  # stable: ventures first
    for event in ordered:
        rule = RULES.get(event.type)
        if rule is None or event.stage in NOT_PROPOSED_STAGES:
            continue
        parties = [
            p
            for p in event.parties
            if p.entity_id in known.organisations and p.role != DESCRIBED_ONLY
        ]
        if len(parties) > MAX_PROPOSAL_PARTIES:
            continue
        rel_type, subject_role, object_role = rule
        if rel_type == "jv_parent" and sum(p.role == subject_role for p in parties) < 2:
            continue  # one parent: a unit, not a joint venture
        for subject, obj in _pairs(parties, subject_role, object_role):
            if subject == obj or known.related(subject, obj) or _implied(subject, obj, found):
                continue
            if rel_type == "jv_parent" and obj not in known.ventures:
                continue
            key = "|".join((subject, rel_type, obj, "event"))
            rel_id = hashlib.sha256(key.encode()).hexdigest()[:16]
            found.setdefault(
                rel_id,
                ProposedRelationship(rel_id, subject, rel_type, obj, event.date, event.evidence,
                                     event.event_id, event.confidence),
            )  # fmt: skip
    return list(found.values())
