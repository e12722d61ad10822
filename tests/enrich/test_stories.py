"""Near-duplicates by MinHash and story ids that stay put when new documents arrive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from enrich.stories import (
    StoryConfig,
    StoryDoc,
    StoryMember,
    assign_stories,
    cluster_stories,
    is_near_duplicate,
    jaccard,
    minhash,
    story_id_for,
)

ORIGINAL = """JD.com will sell a new electric car developed with GAC Group and CATL, the e-commerce
company announced on October 14 at an event opening its Singles' Day shopping season.

The three companies have split the work along their specialities. GAC will design and
manufacture the vehicle, CATL will supply the battery and support a battery-swapping service
through its network of swap stations, and JD will contribute consumer research and handle sales,
financing and insurance. JD said it is not going into car manufacturing itself. The model is
being promoted as a car for ordinary families, and JD has invited users of its app to suggest
features. The companies have named four priorities: safety, styling, driving range and an
affordable price. Internal testing and public test drives were scheduled to begin at the end of
October, and the price is due to be announced at the launch in November."""

SYNDICATED = """SHANGHAI (Wire) - Online retailer JD.com is getting into cars, sort of: it has
lined up GAC and CATL to build and power a model that only its shoppers can buy, it said on
Tuesday.

The three companies have split the work along their specialities. GAC will design and
manufacture the vehicle, CATL will supply the battery and support a battery-swapping service
through its network of swap stations, and JD will contribute consumer research and handle sales,
financing and insurance. JD said it is not going into car manufacturing itself. The model is
being promoted as a car for ordinary families, and JD has invited users of its app to suggest
features. The companies have named four priorities: safety, styling, driving range and an
affordable price. Internal testing and public test drives were scheduled to begin at the end of
October, and the price is due to be announced at the launch in November. (Reporting by Wire
staff; editing by the desk)"""

OTHER = """Xiaomi is recalling 116,887 SU7 sedans to update the software of their
driver-assistance system, after regulators said the system could fail to warn drivers in some
situations. The recall covers cars built between February 2024 and August 2025, and the fix
will be delivered over the air, so owners do not have to visit a service centre. Xiaomi said it
was not aware of any accidents caused by the problem. The company's shares fell in Hong Kong
after the announcement, as investors weighed the cost of the campaign and the damage to a brand
that has grown quickly on the strength of its phones and its first car."""

T0 = datetime(2025, 10, 14, 9, tzinfo=UTC)


def test_syndicated_copy_with_rewritten_intro_is_a_near_duplicate() -> None:
    original, copy, other = minhash(ORIGINAL), minhash(SYNDICATED), minhash(OTHER)
    assert is_near_duplicate(original, copy)
    assert jaccard(original, copy) > 0.5
    assert not is_near_duplicate(original, other)
    assert jaccard(original, other) < 0.1


def test_minhash_is_deterministic_and_case_insensitive() -> None:
    assert minhash(ORIGINAL) == minhash(ORIGINAL.upper())
    assert len(minhash(ORIGINAL)) == StoryConfig().num_perm


def _vector(*values: float) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def _docs() -> list[StoryDoc]:
    jd = _vector(1.0, 0.1, 0.0)
    xiaomi = _vector(0.0, 0.1, 1.0)
    return [
        StoryDoc("jd-original", T0, jd, minhash(ORIGINAL)),
        StoryDoc("xiaomi-recall", T0 + timedelta(hours=2), xiaomi, minhash(OTHER)),
        StoryDoc(
            "jd-wire-copy", T0 + timedelta(hours=5), _vector(0.2, 1.0, 0.0), minhash(SYNDICATED)
        ),
        StoryDoc("jd-follow-up", T0 + timedelta(days=2), _vector(0.95, 0.15, 0.05), None),
        StoryDoc("jd-much-later", T0 + timedelta(days=30), jd, None),
    ]


def test_stories_group_copies_and_similar_documents_within_the_window() -> None:
    result = {a.doc_id: a for a in cluster_stories(_docs())}
    story = result["jd-original"].story_id
    assert story == story_id_for("jd-original") and result["jd-original"].new_story
    # the copy joins through MinHash although its embedding is far off
    assert result["jd-wire-copy"].story_id == story
    assert result["jd-wire-copy"].duplicate_of == "jd-original"
    assert result["jd-follow-up"].story_id == story
    assert result["jd-follow-up"].duplicate_of is None
    assert result["xiaomi-recall"].story_id == story_id_for("xiaomi-recall")
    # outside the 7-day window a similar document starts a story of its own
    assert result["jd-much-later"].story_id == story_id_for("jd-much-later")


def test_story_ids_are_stable_when_new_documents_arrive() -> None:
    docs = _docs()
    all_at_once = {a.doc_id: a.story_id for a in cluster_stories(docs)}
    first = assign_stories([], docs[:2])
    stored = [
        StoryMember(doc, a.story_id, a.duplicate_of) for doc, a in zip(docs[:2], first, strict=True)
    ]
    later = assign_stories(stored, docs[2:])
    incremental = {a.doc_id: a.story_id for a in [*first, *later]}
    assert incremental == all_at_once
    # re-running with a document already stored returns its stored assignment, and input
    # order does not matter
    again = assign_stories(stored, list(reversed(docs)))
    assert {a.doc_id: a.story_id for a in again} == all_at_once


def test_a_late_arriving_older_document_joins_without_renaming_the_story() -> None:
    docs = _docs()
    founded = assign_stories([], [docs[3]])  # the follow-up arrives first
    stored = [StoryMember(docs[3], founded[0].story_id)]
    late = assign_stories(stored, [docs[0]])
    assert late[0].story_id == founded[0].story_id == story_id_for("jd-follow-up")
