"""Relationship proposals follow the parties' roles: co-parents of a venture are never each
other's jv_parent, a seller is no investor, and what the watchlist holds is not proposed."""

from __future__ import annotations

from enrich.events import Party
from enrich.relationships import EventClaim, KnownRelations, propose_relationships

TYPES = {"baidu": "company", "geely": "company", "jiyue": "venture", "huawei": "company",
         "seres": "company", "yinwang": "venture", "avatr": "brand", "hima": "venture",
         "chery": "company", "baic": "company", "jac": "company", "saic": "company",
         "aito": "brand", "richard_yu": "person", "sony": "company", "honda": "company",
         "afeela": "brand", "foxconn": "company", "yulon": "company",
         "foxtron": "venture"}  # fmt: skip
WATCHLIST = [("aito", "brand_of", "seres"), ("foxconn", "jv_parent", "foxtron"),
             ("yulon", "jv_parent", "foxtron")]  # fmt: skip


def claim(kind: str, *parties: tuple[str, str], stage: str = "announced") -> EventClaim:
    return EventClaim(
        event_id=f"ev-{kind}",
        type=kind,
        stage=stage,
        date="2021-03",
        parties=tuple(Party(entity_id, role) for entity_id, role in parties),
        evidence="Baidu and Geely set up Jidu in March 2021.",
        confidence=0.93,
    )


def triples(
    *claims: EventClaim, curated: list[tuple[str, str, str]] | None = None
) -> set[tuple[str, ...]]:
    known = KnownRelations.of([*WATCHLIST, *(curated or [])], TYPES)
    return {(p.subject_id, p.type, p.object_id) for p in propose_relationships(claims, known)}


def test_both_parents_of_a_joint_venture_are_parents_of_the_venture_not_of_each_other() -> None:
    event = claim("joint_venture", ("baidu", "partner"), ("geely", "partner"), ("jiyue", "venture"))
    assert triples(event) == {("baidu", "jv_parent", "jiyue"), ("geely", "jv_parent", "jiyue")}


def test_a_joint_venture_sentence_without_its_venture_proposes_nothing() -> None:
    assert triples(claim("joint_venture", ("baidu", "partner"), ("geely", "partner"))) == set()


def test_a_venture_set_up_by_one_parent_is_a_unit_and_proposes_no_joint_venture() -> None:
    assert triples(claim("joint_venture", ("huawei", "partner"), ("yinwang", "venture"))) == set()


def test_a_seller_of_a_stake_is_no_investor() -> None:
    event = claim(
        "investment", ("avatr", "investor"), ("yinwang", "investee"), ("huawei", "seller")
    )
    assert triples(event) == {("avatr", "investor", "yinwang")}


def test_partners_pair_up_and_carry_their_evidence_and_confidence() -> None:
    [proposal] = propose_relationships(
        [claim("partnership", ("huawei", "partner"), ("seres", "partner"))],
        KnownRelations.of(WATCHLIST, TYPES),
    )
    assert (proposal.subject_id, proposal.object_id) == ("huawei", "seres")
    assert proposal.evidence.startswith("Baidu and Geely") and proposal.confidence == 0.93
    assert proposal.event_id == "ev-partnership" and proposal.since == "2021-03"


def test_known_pairs_rumours_people_and_whole_alliances_propose_nothing() -> None:
    pair = claim("partnership", ("huawei", "partner"), ("seres", "partner"))
    assert triples(pair, curated=[("seres", "partner", "huawei")]) == set()
    rumour = claim("partnership", ("huawei", "partner"), ("seres", "partner"), stage="rumoured")
    assert triples(rumour) == set()
    person = claim("partnership", ("huawei", "partner"), ("richard_yu", "partner"))
    assert triples(person) == set()
    alliance = claim("partnership", *((o, "partner") for o in ("hima", "seres", "chery", "baic")))
    assert triples(alliance) == set()


def test_co_parents_brands_and_their_owners_are_already_related() -> None:
    # "Foxtron, the venture of Foxconn and Yulon, signed a deal": the parents are known
    parents = claim("partnership", ("foxtron", "partner"), ("foxconn", "partner"),
                    ("yulon", "partner"))  # fmt: skip
    assert triples(parents) == set()
    # "Seres, which builds AITO cars with Huawei": AITO is Seres' brand, Huawei its partner
    brand = claim("partnership", ("seres", "partner"), ("aito", "partner"), ("huawei", "partner"))
    assert triples(brand, curated=[("huawei", "partner", "seres")]) == set()


def test_a_joint_venture_is_proposed_toward_a_venture_not_a_brand() -> None:
    # "Sony and Honda formed their joint venture ... unveiling the Afeela": Afeela is a brand
    event = claim("joint_venture", ("sony", "partner"), ("honda", "partner"), ("afeela", "venture"))
    assert triples(event) == set()
