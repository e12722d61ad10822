"""Event extraction plumbing (tiny random encoder, rigged heads), rules for stage and roles,
merging across documents, and one test with the real bundled encoder and trained head."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
import yaml

from enrich import events as ev
from enrich.dates import ResolvedDate
from enrich.embeddings import embed_documents, embed_sentences, tiny_random_encoder
from enrich.lexical import LexicalFeatures
from enrich.linker import Mention
from enrich.sentences import sentence_spans
from enrich.subjects import anaphor, sentence_parties

REPO = Path(__file__).resolve().parents[2]
LABELS = (*ev.EVENT_TYPES, ev.NO_EVENT)


def _mentions(text: str, names: dict[str, str]) -> list[Mention]:
    found = [
        Mention(entity_id, m.group(), m.start(), m.end())
        for alias, entity_id in names.items()
        for m in re.finditer(re.escape(alias), text)
    ]
    return sorted(found, key=lambda m: m.start)


def _rigged(label: str, dim: int = 32) -> ev.EventModel:
    """The tiny random encoder with a head that always answers `label`."""
    weight = np.zeros((len(LABELS), dim), dtype=np.float32)
    bias = np.zeros(len(LABELS), dtype=np.float32)
    bias[LABELS.index(label)] = 10.0
    return ev.EventModel(tiny_random_encoder(dim=dim), ev.EventHead(LABELS, weight, bias, "rigged"))


def test_embeddings_are_normalised_and_batched_in_input_order() -> None:
    encoder = tiny_random_encoder()
    texts = ["Xiaomi launched the SU7.", "Short.", "A much longer sentence " * 20]
    together = embed_sentences(encoder, texts, batch_size=2)
    alone = np.stack([embed_sentences(encoder, [t])[0] for t in texts])
    assert together.shape == (3, encoder.dim)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(together, alone, atol=1e-5)
    documents = embed_documents(encoder, ["word " * 500, ""])  # several windows, and empty
    assert documents.shape == (2, encoder.dim)
    assert np.isfinite(documents).all()
    assert embed_sentences(encoder, []).shape == embed_documents(encoder, []).shape == (0, 32)


def test_sentences_split_at_boundaries_but_not_at_abbreviations() -> None:
    text = (
        "Foxtron Vehicle Technologies Co. Ltd. builds cars in the U.S. market. "
        "It grew 5.5 percent.\n\n## Next\nJD.com sells cars."
    )
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "Foxtron Vehicle Technologies Co. Ltd. builds cars in the U.S. market.",
        "It grew 5.5 percent.",
        "## Next",
        "JD.com sells cars.",
    ]


def test_only_sentences_with_a_mention_give_events_with_offsets_date_and_dates_apart() -> None:
    text = (
        "The market is crowded. In March 2015, Foxconn and Tencent agreed to build cars. "
        "Analysts were surprised."
    )
    mentions = _mentions(text, {"Foxconn": "foxconn", "Tencent": "tencent"})
    found = ev.extract_events(
        _rigged("partnership"),
        text,
        mentions,
        datetime(2025, 11, 27, 10, tzinfo=UTC),
        doc_id="doc-44",
        first_seen_at=date(2025, 11, 28),
    )
    assert len(found) == 1
    event = found[0]
    assert event.type == "partnership" and event.stage == "announced"
    start, end = event.evidence_span
    assert (
        text[start:end]
        == event.evidence
        == "In March 2015, Foxconn and Tencent agreed to build cars."
    )
    assert [(p.entity_id, p.role) for p in event.parties] == [
        ("foxconn", "partner"),
        ("tencent", "partner"),
    ]
    assert (event.date.date, event.date.precision, event.date.source) == (
        "2015-03",
        "month",
        "sentence",
    )
    assert event.published_at == datetime(2025, 11, 27, 10, tzinfo=UTC)
    assert event.first_seen_at == datetime(2025, 11, 28, tzinfo=UTC)
    assert 0.0 < event.confidence <= 1.0
    contract = ev.to_contract(event, {"foxconn": "Foxconn", "tencent": "Tencent"})
    assert contract == {
        "type": "partnership",
        "date": "2015-03",
        "date_precision": "month",
        "parties": ["Foxconn", "Tencent"],
        "evidence": event.evidence,
        "confidence": event.confidence,
    }


def test_a_none_head_gives_no_events_and_no_mentions_gives_nothing_to_classify() -> None:
    text = "Xiaomi's shares rose. Tencent makes games."
    assert (
        ev.extract_events(_rigged(ev.NO_EVENT), text, _mentions(text, {"Xiaomi": "xiaomi"}), None)
        == []
    )
    assert ev.extract_events(_rigged("launch"), text, [], None) == []


@pytest.mark.parametrize(
    ("sentence", "event_type", "stage"),
    [
        ("Xiaomi is reportedly in talks with a European carmaker.", "partnership", "rumoured"),
        ("NIO plans to raise 1 billion dollars.", "funding", "planned"),
        ("Alibaba denied that it was buying a stake in the startup.", "investment", "denied"),
        ("The two companies called off their joint venture.", "joint_venture", "cancelled"),
        ("Geely completed its purchase of the stake.", "investment", "completed"),
        ("Apple cancelled its car project.", "exit_cancellation", "announced"),
        ("Xiaomi launched the SU7.", "launch", "announced"),
    ],
)
def test_stage_comes_from_cue_words(sentence: str, event_type: str, stage: str) -> None:
    assert ev.detect_stage(sentence, event_type) == stage


def _roles(sentence: str, names: dict[str, str], event_type: str) -> list[tuple[str, str]]:
    spans = [(m.entity_id, m.start, m.end) for m in _mentions(sentence, names)]
    return [(p.entity_id, p.role) for p in ev.assign_roles(sentence, spans, event_type)]


def test_roles_follow_the_deal_verb() -> None:
    assert _roles(
        "Volkswagen invested 700 million dollars in XPeng.",
        {"Volkswagen": "volkswagen", "XPeng": "xpeng"},
        "investment",
    ) == [("volkswagen", "investor"), ("xpeng", "investee")]
    assert _roles(
        "Didi sold its smart-car unit to XPeng.", {"Didi": "didi", "XPeng": "xpeng"}, "divestment"
    ) == [("didi", "seller"), ("xpeng", "buyer")]
    assert _roles(
        "Jidu raised 400 million dollars in a round led by Baidu.",
        {"Jidu": "jiyue", "Baidu": "baidu"},
        "funding",
    ) == [("jiyue", "investee"), ("baidu", "investor")]
    assert _roles(
        "Foxconn and Yulon set up Foxtron.",
        {"Foxconn": "foxconn", "Yulon": "yulon", "Foxtron": "foxtron"},
        "joint_venture",
    ) == [("foxconn", "partner"), ("yulon", "partner"), ("foxtron", "venture")]


def _report(
    doc_id: str,
    parties: tuple[str, ...],
    when: ResolvedDate,
    published: datetime,
    event_type: str = "partnership",
    stage: str = "announced",
) -> ev.ExtractedEvent:
    return ev.ExtractedEvent(
        type=event_type,
        stage=stage,
        parties=tuple(ev.Party(p, "partner") for p in parties),
        date=when,
        evidence=f"evidence from {doc_id}",
        evidence_span=(0, 10),
        confidence=0.8 if doc_id != "b" else 0.9,
        doc_id=doc_id,
        published_at=published,
    )


def test_reports_of_one_event_merge_with_all_sources_and_a_stable_id() -> None:
    march = ResolvedDate("2015-03", "month", "sentence")
    day = ResolvedDate("2015-03-14", "day", "sentence")
    year = ResolvedDate("2015", "year", "sentence")
    t1, t2, t3 = (datetime(2025, 11, d, tzinfo=UTC) for d in (20, 21, 27))
    reports = [
        _report("c", ("foxconn", "tencent", "harmony_auto"), year, t3),
        _report("a", ("foxconn", "tencent", "harmony_auto"), march, t2),
        _report("b", ("tencent", "foxconn", "harmony_auto"), day, t1),
        _report("d", ("foxconn", "tencent"), march, t2),  # fewer parties, same event
        _report(
            "e",
            ("baidu", "jiyue"),
            ResolvedDate("2024", "year", "sentence"),
            t3,
            "exit_cancellation",
        ),
    ]
    timeline = ev.merge_events(reports)
    assert len(timeline) == 2
    merged = next(t for t in timeline if t.type == "partnership")
    assert merged.source_count == 4
    assert {s.doc_id for s in merged.sources} == {"a", "b", "c", "d"}
    assert merged.first_reported_at == t1
    assert (merged.date, merged.date_precision) == ("2015-03-14", "day")
    assert merged.confidence == 0.9
    assert [p.entity_id for p in merged.parties] == ["foxconn", "harmony_auto", "tencent"]
    # the id depends on the key, not on the order or the number of reports
    again = ev.merge_events(list(reversed(reports[:3])))
    assert [t.event_id for t in again] == [merged.event_id]
    assert merged.event_id.startswith("ev-")


def test_different_months_or_parties_stay_apart() -> None:
    t = datetime(2025, 1, 1, tzinfo=UTC)
    reports = [
        _report("a", ("xiaomi",), ResolvedDate("2024-03-28", "day", "sentence"), t, "launch"),
        _report("b", ("xiaomi",), ResolvedDate("2025-06-26", "day", "sentence"), t, "launch"),
        _report("c", ("nio",), ResolvedDate("2024-03-28", "day", "sentence"), t, "launch"),
    ]
    assert len(ev.merge_events(reports)) == 3


@pytest.mark.slow
@pytest.mark.parametrize("folder", [ev.EVENTS_DIR, ev.EVENTS_MINILM_DIR], ids=["mpnet", "minilm"])
def test_seed_facts_with_the_bundled_encoder_and_trained_head(folder: Path) -> None:
    from enrich.embeddings import load_encoder

    watchlist = yaml.safe_load((REPO / "config" / "watchlist.yaml").read_text("utf-8"))
    ids = {e["id"] for e in watchlist["entities"]}
    names = {
        "Foxconn": "foxconn",
        "Tencent": "tencent",
        "Harmony Auto": "harmony_auto",
        "Baidu": "baidu",
        "Jiyue": "jiyue",
    }
    assert set(names.values()) <= ids
    model = ev.load_event_model(load_encoder(base=ev.head_base(folder)), folder)
    text = (
        "In March 2015, Foxconn, Tencent and Harmony Auto agreed to build smart electric cars "
        "together. Tencent later left the venture. In 2024 Baidu stopped funding Jiyue."
    )
    found = ev.extract_events(model, text, _mentions(text, names), date(2025, 11, 27))
    formed, stopped = found[0], found[-1]
    assert formed.type in {"partnership", "joint_venture"}
    assert {p.entity_id for p in formed.parties} == {"foxconn", "tencent", "harmony_auto"}
    assert (formed.date.date, formed.date.precision) == ("2015-03", "month")
    # "Tencent later left the venture.", bare of context: an exit, or (the MPNet head, which
    # weighs a short background sentence more cautiously) no event at all; never another type
    assert len(found) in (2, 3)
    for left in found[1:-1]:
        assert left.type == "exit_cancellation"
        assert [p.entity_id for p in left.parties] == ["tencent"]
        # undated, in a paragraph that opened in 2015: background (`date_in_context`)
        assert (left.date.date, left.date.source) == (None, "context")
    assert stopped.type in {"exit_cancellation", "divestment"}
    assert {p.entity_id for p in stopped.parties} == {"baidu", "jiyue"}
    assert (stopped.date.date, stopped.date.precision) == ("2024", "year")


def test_event_data_files_are_separate_and_cover_every_type() -> None:
    from enrich.training.events import EVAL_FILE, TRAIN_FILE, read_jsonl

    train, evaluation = read_jsonl(TRAIN_FILE), read_jsonl(EVAL_FILE)
    assert not {r["text"] for r in train} & {r["text"] for r in evaluation}
    assert len(evaluation) >= 150
    for label in ev.EVENT_TYPES:
        assert sum(r["type"] == label for r in evaluation) >= 8, label
        assert 20 <= sum(r["type"] == label for r in train) <= 40, label
    assert sum(r["type"] == ev.NO_EVENT for r in evaluation) >= 30
    for r in evaluation:
        assert r["precision"] in {"year", "month", "day"}
        assert r["type"] == ev.NO_EVENT or r["stage"] in ev.STAGES
        date.fromisoformat(r["published_at"])


def test_a_watchlist_venture_is_the_venture_wherever_the_sentence_names_it() -> None:
    sentence = "Jidu, the carmaker that Baidu set up with Geely in 2021, stopped paying staff."
    names = {"Jidu": "jiyue", "Baidu": "baidu", "Geely": "geely"}
    spans = [(m.entity_id, m.start, m.end) for m in _mentions(sentence, names)]
    types = {"jiyue": "venture", "baidu": "company", "geely": "company"}
    roles = {p.entity_id: p.role for p in ev.assign_roles(sentence, spans, "joint_venture", types)}
    assert roles == {"jiyue": "venture", "baidu": "partner", "geely": "partner"}
    # without the watchlist's types the first party named counts as a parent, as before
    untyped = {p.entity_id: p.role for p in ev.assign_roles(sentence, spans, "joint_venture")}
    assert untyped["jiyue"] == "partner"


def test_the_seller_of_a_stake_is_named_as_such() -> None:
    assert _roles(
        "Seres bought a 10 percent stake in Yinwang from Huawei.",
        {"Seres": "seres", "Yinwang": "yinwang", "Huawei": "huawei"},
        "investment",
    ) == [("seres", "investor"), ("yinwang", "investee"), ("huawei", "seller")]


@pytest.mark.parametrize(
    ("event_date", "precision", "source", "background"),
    [
        ("2021", "year", "sentence", True),  # "set up in 2021", recalled in 2025
        ("2025-09", "month", "sentence", True),  # September, read on 2025-11-26
        ("2025-11", "month", "sentence", False),  # this month
        ("2025-11-20", "day", "sentence", False),  # 6 days before: near the week
        ("2025-11-14", "day", "sentence", True),  # 12 days before
        ("2026-06", "month", "sentence", False),  # a planned debut: news of its report
        ("2021-03-01", "day", "publication", False),  # dated by its publication: news
        (None, None, "unknown", False),
    ],
)
def test_background_is_an_event_dated_well_before_its_first_report(
    event_date: str | None, precision: str | None, source: str, background: bool
) -> None:
    reported = datetime(2025, 11, 26, 9, tzinfo=UTC)
    assert ev.is_background(event_date, precision, source, reported) is background


def test_merged_events_know_whether_they_are_background() -> None:
    def report(day: str, precision: ev.Precision, doc: str) -> ev.ExtractedEvent:
        return ev.ExtractedEvent(
            type="joint_venture",
            stage="announced",
            parties=(ev.Party("baidu", "partner"), ev.Party("jiyue", "venture")),
            date=ResolvedDate(day, precision, "sentence"),
            evidence="Baidu set up Jiyue.",
            evidence_span=(0, 19),
            confidence=0.9,
            doc_id=doc,
            published_at=datetime(2025, 11, 25, tzinfo=UTC),
        )

    old, new = ev.merge_events([report("2021-03", "month", "a"), report("2025-11-24", "day", "b")])
    assert old.date == "2021-03" and old.background
    assert new.date == "2025-11-24" and not new.background


def test_the_report_words_the_same_new_window_the_timeline_applies() -> None:
    from reports.weekly import NEW_WINDOW_DAYS

    assert NEW_WINDOW_DAYS == ev.NEW_WINDOW_DAYS


def test_it_and_the_carmaker_stand_for_the_last_company_named() -> None:
    text = (
        "Avatr filed for a Hong Kong listing on Friday. It delivered about 90,000 cars in the "
        "period, helped by Huawei's driver-assistance system. It is unclear how much it will "
        "raise. In February, the carmaker took a stake in Yinwang. Analysts were unconvinced."
    )
    names = {"Avatr": "avatr", "Huawei": "huawei", "Yinwang": "yinwang"}
    found = sentence_parties(text, _mentions(text, names))
    sentences = [(text[s:e], [(m[0], text[s:e][m[1] : m[2]]) for m in inside])
                 for s, e, inside in found]  # fmt: skip
    assert sentences == [
        ("Avatr filed for a Hong Kong listing on Friday.", [("avatr", "Avatr")]),
        (
            "It delivered about 90,000 cars in the period, helped by Huawei's driver-assistance "
            "system.",
            [("avatr", "It"), ("huawei", "Huawei")],
        ),
        # "It is unclear" is nobody; "the carmaker" is the last company named: Huawei
        ("In February, the carmaker took a stake in Yinwang.",
         [("huawei", "the carmaker"), ("yinwang", "Yinwang")]),
    ]  # fmt: skip
    assert anaphor("It is unclear whether it will.") is None
    assert anaphor("Italy's regulator fined it.") is None


def test_the_headline_names_the_subject_before_the_text_does() -> None:
    text = "It recalled 1,200 cars in May."
    from enrich.records import Mention as DocumentMention

    title = DocumentMention("waymo", "title", 0, 5, "Waymo", "alias")
    assert sentence_parties(text, [title]) == [(0, len(text), [("waymo", 0, 2)])]
    assert sentence_parties(text, []) == []
    events = ev.extract_events(_rigged("recall_incident"), text, [title], date(2025, 11, 20))
    assert [(e.type, [(p.entity_id, p.text) for p in e.parties]) for e in events] == [
        ("recall_incident", [("waymo", "It")])
    ]


def test_a_head_with_lexical_features_reads_the_words_too() -> None:
    lexical = LexicalFeatures.fit(["Xiaomi recalled cars.", "Tesla recalled cars."], 1.0)
    assert lexical.terms == ["cars", "recalled", "recalled cars"]
    features = lexical.transform(["It recalled cars and cars.", "Nothing here."])
    np.testing.assert_allclose(np.linalg.norm(features, axis=1), [1.0, 0.0], atol=1e-6)
    assert features[0, lexical.vocabulary["cars"]] > features[0, lexical.vocabulary["recalled"]]
    dim = 32
    weight = np.zeros((len(LABELS), dim + 3), dtype=np.float32)
    weight[LABELS.index("recall_incident"), dim + lexical.vocabulary["recalled"]] = 20.0
    head = ev.EventHead(LABELS, weight, np.zeros(len(LABELS), np.float32), "lex", lexical=lexical)
    assert head.embedding_dim == dim
    model = ev.EventModel(tiny_random_encoder(dim=dim), head)
    probabilities = model.classify(["Waymo recalled cars.", "Waymo opened an office."])
    assert [LABELS[i] for i in probabilities.argmax(axis=1)] == ["recall_incident", LABELS[0]]
    with pytest.raises(ValueError, match="pass the sentences"):
        head.probabilities(np.zeros((1, dim), np.float32))


def test_it_and_the_company_never_stand_for_a_person() -> None:
    text = (
        "Lei Jun said Xiaomi would keep its prices. The company repeated its target of 350,000 "
        "cars. Lei Jun thanked the owners. It will open 100 more stores."
    )
    names = {"Lei Jun": "lei_jun", "Xiaomi": "xiaomi"}
    people = {"lei_jun": "person"}
    found = sentence_parties(text, _mentions(text, names), lambda e: people.get(e) != "person")
    subjects = [inside[0][0] for _, _, inside in found]
    # the second and fourth sentences speak of Xiaomi, not of the person named before them
    assert subjects == ["lei_jun", "xiaomi", "lei_jun", "xiaomi"]


def test_a_company_named_only_to_describe_a_partner_is_no_partner() -> None:
    def roles(sentence: str, names: dict[str, str]) -> dict[str, str]:
        mentions = [(e, sentence.index(n), sentence.index(n) + len(n)) for n, e in names.items()]
        return {p.entity_id: p.role for p in ev.assign_roles(sentence, mentions, "partnership")}

    sentence = "Foxtron, Foxconn's car unit with Yulon Motor, will build cars for Mitsubishi."
    names = {"Foxtron": "foxtron", "Foxconn": "foxconn", "Yulon Motor": "yulon",
             "Mitsubishi": "mitsubishi"}  # fmt: skip
    assert roles(sentence, names) == {"foxtron": "partner", "foxconn": "mentioned",
                                      "yulon": "mentioned", "mitsubishi": "partner"}  # fmt: skip
    sentence = "Xiaomi's rival BYD signed a battery deal with CATL."
    assert roles(sentence, {"Xiaomi": "xiaomi", "BYD": "byd", "CATL": "catl"}) == {
        "xiaomi": "mentioned", "byd": "partner", "catl": "partner"}  # fmt: skip
    # a plain list of partners, and a description naming nobody, change nothing
    sentence = "Seres, Huawei and Chery agreed to share a platform."
    assert set(roles(sentence, {"Seres": "seres", "Huawei": "huawei", "Chery": "chery"}).values()) \
        == {"partner"}  # fmt: skip
    sentence = "Nvidia signed a deal with Xiaomi, its largest customer in China, on Monday."
    assert set(roles(sentence, {"Nvidia": "nvidia", "Xiaomi": "xiaomi"}).values()) == {"partner"}


def test_a_described_company_proposes_no_partnership() -> None:
    from enrich.relationships import EventClaim, KnownRelations, propose_relationships

    parties = (ev.Party("foxtron", "partner", "Foxtron"),
               ev.Party("foxconn", "mentioned", "Foxconn"),
               ev.Party("yulon", "mentioned", "Yulon Motor"),
               ev.Party("mitsubishi", "partner", "Mitsubishi"))  # fmt: skip
    event = EventClaim("e1", "partnership", "announced", "2025-11", parties, "...", 0.9)
    types = {p.entity_id: "company" for p in parties}
    proposed = propose_relationships([event], KnownRelations.of([], types))
    assert [(p.subject_id, p.type, p.object_id) for p in proposed] == [
        ("foxtron", "partner", "mitsubishi")
    ]


def test_an_undated_sentence_in_a_paragraph_dated_years_ago_is_background() -> None:
    text = (
        "Jiyue entered pre-reorganisation on Monday.\n\n"
        "In March 2015, Foxconn, Tencent and China Harmony Auto signed an agreement to build "
        "cars. The plan was to combine their strengths. Tencent later left the venture. Tencent "
        "now backs NIO.\n\n"
        "Foxconn said it would build cars for Mitsubishi."
    )
    published = datetime(2025, 11, 27, tzinfo=UTC)

    def dated(sentence: str) -> tuple[str | None, str]:
        start = text.index(sentence)
        found = ev.date_in_context(text, start, start + len(sentence), published)
        return found.date, found.source

    assert dated("The plan was to combine their strengths.") == (None, "context")
    assert dated("Tencent later left the venture.") == (None, "context")
    assert dated("Tencent now backs NIO.") == ("2025-11-27", "publication")  # says it is current
    # a new paragraph starts afresh, and the first paragraph's undated news is news
    assert dated("Foxconn said it would build cars for Mitsubishi.") == (
        "2025-11-27",
        "publication",
    )
    assert dated("Jiyue entered pre-reorganisation on Monday.")[1] == "sentence"
    assert ev.is_background(None, None, "context", published)


def test_a_retrained_card_keeps_the_numbers_measured_by_hand() -> None:
    from enrich.training.events import HAND_MEASURED, measured_by_hand

    card = f"# head\n\n## Data\nx\n\n{HAND_MEASURED}\n\n| fp32 | bf16 |\n\n## Stage and roles\ny\n"
    kept = measured_by_hand(card)
    assert kept.strip().startswith(HAND_MEASURED) and "| fp32 | bf16 |" in kept
    assert "Stage and roles" not in kept
    assert measured_by_hand("# head\n\n## Data\n") == ""
