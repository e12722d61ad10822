"""The enrichment pipeline: aliases, NER spans, sentiment and relevance, with tiny models."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import torch

from enrich.linker import AliasLinker
from enrich.models import tiny_random_model
from enrich.ner import EntitySpan
from enrich.pipeline import Enricher, enrich_documents, entity_targets, sentiment_targets
from enrich.records import InputDocument
from enrich.relevance import THRESHOLD, relevance
from enrich.resolve import EntityResolver, name_key
from enrich.sentences import sentence_spans
from enrich.sentiment import TITLE_WEIGHT, Target, classify, weighted_mean

ALIASES = [
    {"entity_id": "huawei", "alias": "Huawei", "case_sensitive": False},
    {"entity_id": "seres", "alias": "Seres", "case_sensitive": False},
    {"entity_id": "seres", "alias": "Seres Group", "case_sensitive": False},
    {"entity_id": "xpeng", "alias": "XPeng", "case_sensitive": False},
    {"entity_id": "li_auto", "alias": "Li Auto", "case_sensitive": False},
]
TYPES = {"huawei": "company", "seres": "company", "xpeng": "company", "li_auto": "company"}
DOC = InputDocument(
    id="d1",
    title="Huawei and Seres widen their car partnership",
    text=(
        "Huawei said deliveries of cars it designs with Seres rose in May. "
        "Seres Group Co., Ltd. shares gained. XPENG Inc did not comment. "
        "Analysts at Acme Mobility Research expect more electric vehicles."
    ),
)


def _enricher(ner: bool, sentiment: bool) -> Enricher:
    return Enricher(
        linker=AliasLinker(ALIASES),
        resolver=EntityResolver(ALIASES),
        entity_types=TYPES,
        ner=tiny_random_model("ner", ["O", "B-ORG", "I-ORG", "B-PER", "I-PER"]) if ner else None,
        sentiment=tiny_random_model("sentiment", ["negative", "neutral", "positive"])
        if sentiment
        else None,
    )


def test_alias_only_pipeline_links_and_scores_relevance() -> None:
    [result] = enrich_documents(_enricher(False, False), [DOC])
    linked = {(m.entity_id, m.field) for m in result.linked}
    assert {
        ("huawei", "title"),
        ("seres", "title"),
        ("huawei", "text"),
        ("seres", "text"),
    } <= linked
    assert result.sentiment is None and result.entity_sentiment == ()
    assert result.relevant and result.relevance >= THRESHOLD
    for m in result.mentions:
        source = DOC.title if m.field == "title" else DOC.text
        assert source[m.start : m.end] == m.text


def test_sentiment_covers_each_linked_entity_and_the_document() -> None:
    enricher = _enricher(ner=True, sentiment=True)
    results = enrich_documents(enricher, [DOC, InputDocument(id="d2", text="No names here.")])
    first, second = results
    assert {t.entity_id for t in first.entity_sentiment} == {"huawei", "seres", "xpeng"} & {
        m.entity_id for m in first.linked
    }
    assert (
        first.sentiment is not None and abs(sum(first.sentiment.probabilities.values()) - 1) < 1e-4
    )
    assert second.entity_sentiment == () and second.sentiment is not None
    assert "|" in enricher.version() and "tiny-random-ner" in enricher.version()


def test_results_do_not_depend_on_batch_composition() -> None:
    enricher = _enricher(ner=True, sentiment=True)
    alone = enrich_documents(enricher, [DOC])[0]
    together = enrich_documents(enricher, [InputDocument(id="x", text="Other text. " * 40), DOC])[1]
    assert alone.mentions == together.mentions
    assert alone.sentiment is not None and together.sentiment is not None
    assert alone.sentiment.label == together.sentiment.label


def test_ner_spans_link_by_normalised_name_and_the_rest_stay_unlinked() -> None:
    from enrich.pipeline import _link_spans

    text = DOC.text
    spans = [
        EntitySpan(
            text.index("Seres Group Co."),
            text.index(" shares"),
            "ORG",
            "Seres Group Co., Ltd.",
            0.9,
        ),
        EntitySpan(text.index("XPENG Inc"), text.index("XPENG Inc") + 9, "ORG", "XPENG Inc", 0.9),
        EntitySpan(
            text.index("Acme"), text.index(" expect"), "ORG", "Acme Mobility Research", 0.95
        ),
        EntitySpan(0, 6, "ORG", "Huawei", 0.99),  # already an alias match: not repeated
        EntitySpan(text.index("Analysts"), text.index("Analysts") + 8, "ORG", "Analysts", 0.3),
    ]
    linked = _link_spans("text", spans, [(0, 6)], EntityResolver(ALIASES))
    assert [(m.entity_id, m.text) for m in linked] == [
        ("seres", "Seres Group Co., Ltd."),
        ("xpeng", "XPENG Inc"),
        (None, "Acme Mobility Research"),
    ]


def test_model_designations_are_not_kept_as_organisations() -> None:
    from enrich.pipeline import _link_spans

    text = "Seres 7 and the Aito M9 beat the ES8 and Qwen3-Max; Counterpoint counted."
    names = ["Seres 7", "Aito M9", "ES8", "Qwen3-Max", "Counterpoint"]
    spans = [EntitySpan(text.index(n), text.index(n) + len(n), "ORG", n, 0.9) for n in names]
    linked = _link_spans("text", spans, [], EntityResolver(ALIASES))
    assert [(m.entity_id, m.text) for m in linked] == [(None, "Counterpoint")]


def test_people_and_places_outside_the_watchlist_are_kept_and_other_types_are_not() -> None:
    from enrich.pipeline import _link_spans

    text = "Lei Jun flew from Hong Kong to see the Model Y at Acme."
    found = [("Lei Jun", "PER"), ("Hong Kong", "LOC"), ("Model Y", "MISC"), ("Acme", "ORG")]
    spans = [EntitySpan(text.index(n), text.index(n) + len(n), t, n, 0.9) for n, t in found]
    kept = _link_spans("text", spans, [], EntityResolver(ALIASES))
    assert [(m.entity_id, m.text, m.label) for m in kept] == [
        (None, "Lei Jun", "PER"),
        (None, "Hong Kong", "LOC"),
        (None, "Acme", "ORG"),
    ]


@pytest.mark.parametrize(
    ("name", "key"),
    [("Huawei Technologies Co., Ltd.", "huawei technologies"), ("Seres Group's", "seres"),
     ("XPENG Inc.", "xpeng"), ("Li Auto", "li auto")],
)  # fmt: skip
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


def test_short_names_never_link_fuzzily() -> None:
    resolver = EntityResolver(ALIASES)
    assert resolver.resolve("Li") is None
    assert resolver.resolve("Huawey") is None  # 6 letters, but 0.83 similar
    found = resolver.resolve("Li Autos")
    assert found is not None and found.entity_id == "li_auto" and found.method == "fuzzy"


@pytest.mark.parametrize(
    "name", ["Li Autos", "Li Auto Inc.", "Xiaomi Autos", "Xiaom Auto", "Huawei Tech", "Seres Grp"]
)
def test_fuzzy_linking_answers_as_scoring_every_alias_would(name: str) -> None:
    import difflib

    from enrich.resolve import FUZZY_CUTOFF

    resolver = EntityResolver(ALIASES)
    key = name_key(name)
    owners = {name_key(a["alias"]): a["entity_id"] for a in ALIASES}
    scored = sorted(
        ((difflib.SequenceMatcher(None, key, k).ratio(), k) for k in owners if len(k) >= 6),
        reverse=True,
    )
    found = resolver.resolve(name)
    if key in owners:
        assert found is not None and found.method == "key"
    elif scored and scored[0][0] >= FUZZY_CUTOFF:
        assert found is not None and found.entity_id == owners[scored[0][1]]
        assert found.score == round(scored[0][0], 3)
    else:
        assert found is None
    assert resolver.resolve(name) == found  # remembered


def test_relevance_separates_car_news_from_phone_news() -> None:
    car = "Xiaomi delivered 40,000 cars in October. The SU7 sedan leads its EV range."
    phone = "Xiaomi launched a phone with a large battery. Sales start on Friday in China."
    assert relevance("Xiaomi car deliveries", car, ["company"]) >= THRESHOLD
    assert relevance("Xiaomi launches a phone", phone, ["company"]) < THRESHOLD


def test_sentence_spans_trim_and_cover_chinese_punctuation() -> None:
    text = "  First one. 第二句。Third?\nFourth"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "First one.",
        "第二句。",
        "Third?",
        "Fourth",
    ]


def test_entity_sentiment_reads_the_title_first_and_weighs_it_twice() -> None:
    doc = InputDocument(id="t", title="Li Auto cuts prices", text="Huawei said little. Huawei won.")
    enricher = _enricher(ner=False, sentiment=True)
    [result] = enrich_documents(enricher, [doc])
    tones = {t.entity_id: t for t in result.entity_sentiment}
    assert tones["li_auto"].sentences == 1  # named in the title only
    assert tones["huawei"].sentences == 2
    assert enricher.sentiment is not None
    [headline] = classify(enricher.sentiment, [Target(doc.title, 0, 7)])
    assert tones["li_auto"].sentiment.probabilities == pytest.approx(headline.probabilities)

    both = InputDocument(id="b", title="Huawei gains", text="Huawei fell. Huawei rose.")
    sensitive = tiny_random_model("sentiment", ["negative", "neutral", "positive"])
    with torch.no_grad():  # larger weights: different sentences get clearly different answers
        for param in sensitive.model.parameters():
            if param.dim() == 2:
                param.mul_(25)
    enricher = replace(enricher, sentiment=sensitive)
    [enriched] = enrich_documents(enricher, [both])
    mentions = [m for m in enriched.mentions if m.entity_id]
    targets = entity_targets(both.title, both.text, mentions)["huawei"]
    assert [(t.sentence, w) for t, w in targets] == [
        ("Huawei gains", TITLE_WEIGHT),
        ("Huawei fell.", 1.0),
        ("Huawei rose.", 1.0),
    ]
    found = classify(sensitive, [t for t, _ in targets])
    expected = weighted_mean(found, [w for _, w in targets])
    assert weighted_mean(found, [1.0] * 3).probabilities != pytest.approx(expected.probabilities)
    [tone] = enriched.entity_sentiment
    assert tone.sentiment.probabilities == pytest.approx(expected.probabilities)


def test_sentiment_targets_list_entity_targets_then_the_documents() -> None:
    doc = InputDocument(id="s", title=" Huawei gains\n", text="Seres fell. Huawei rose. Rain.")
    [enriched] = enrich_documents(_enricher(ner=False, sentiment=False), [doc])
    assert enriched.sentiment is None and enriched.entity_sentiment == ()
    plan = sentiment_targets(doc.title, doc.text, list(enriched.mentions))
    assert [(t.sentence, t.sentence[t.start : t.end]) for t in plan.all()] == [
        ("Huawei gains", "Huawei"),
        ("Huawei rose.", "Huawei"),
        ("Seres fell.", "Seres"),
        ("Huawei gains", "Huawei gains"),
        ("Seres fell.", "Seres fell."),
        ("Huawei rose.", "Huawei rose."),
        ("Rain.", "Rain."),
    ]
    assert plan.document_weights == (TITLE_WEIGHT, 1.0, 1.0, 1.0)
    # each entity target's sentence is, character for character, one the document reads, so
    # the sentiment model encodes it once for both (the title too, stripped as a whole target)
    assert {t.sentence for t in plan.all()} == {t.sentence for t in plan.document}


def test_an_off_topic_document_states_no_event_and_the_threshold_decides() -> None:
    from tests.enrich.test_events import _rigged

    enricher = replace(_enricher(False, False), events=_rigged("launch"))
    phone = InputDocument(
        id="p", title="Huawei launches a phone", text="Huawei launched a phone on Tuesday."
    )
    car, off = enrich_documents(enricher, [DOC, phone])
    assert car.relevant and car.events and {e.type for e in car.events} == {"launch"}
    assert not off.relevant and off.events == ()
    strict = replace(enricher, relevance_threshold=0.999)
    assert enrich_documents(strict, [DOC])[0].events == ()
    assert strict.version() != enricher.version()  # a new threshold re-enriches


def test_organisations_outside_the_watchlist_get_sentiment_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import enrich.pipeline as pipeline
    from enrich.records import Mention

    text = DOC.text
    start = text.index("Acme")
    acme = Mention(None, "text", start, text.index(" expect"), "Acme Mobility Research", "ner",
                   "ORG", 0.95)  # fmt: skip
    place = Mention(None, "text", 0, 6, "Huawei", "ner", "LOC", 0.9)  # not an organisation
    found = pipeline.find_mentions(_enricher(False, True), [DOC])[0]
    monkeypatch.setattr(pipeline, "find_mentions", lambda e, docs: [[*found, acme, place]])
    [result] = pipeline.enrich_documents(_enricher(False, True), [DOC])
    [tone] = result.organisation_sentiment
    assert (tone.name_key, tone.name, tone.sentences) == (
        "acme mobility research",
        "Acme Mobility Research",
        1,
    )
    assert {t.entity_id for t in result.entity_sentiment} == {"huawei", "seres", "xpeng"}
    plan = sentiment_targets(DOC.title, DOC.text, [*found, acme])
    [(target, weight)] = plan.organisations["acme mobility research"]
    assert target.sentence[target.start : target.end] == "Acme Mobility Research" and weight == 1


def test_document_sentiment_is_the_tone_toward_the_headlines_organisations() -> None:
    [result] = enrich_documents(_enricher(False, True), [DOC])
    subjects = [t for t in result.entity_sentiment if t.entity_id in {"huawei", "seres"}]
    assert len(subjects) == 2 and result.sentiment is not None
    expected = weighted_mean([t.sentiment for t in subjects], [1.0, 1.0])
    assert result.sentiment.label == expected.label
    for label, p in expected.probabilities.items():
        assert abs(result.sentiment.probabilities[label] - p) < 1e-9
    # a headline that names no organisation: the sentence rule
    from enrich.sentiment import document_sentiment

    enricher = _enricher(False, True)
    plain = replace(DOC, id="p", title="A week in cars")
    [other] = enrich_documents(enricher, [plain])
    assert enricher.sentiment is not None and other.sentiment is not None
    rule = document_sentiment(enricher.sentiment, plain.text, plain.title)
    assert rule is not None and other.sentiment.label == rule.label
    for label, p in rule.probabilities.items():
        assert abs(other.sentiment.probabilities[label] - p) < 1e-5


def test_entity_tone_reads_where_the_entity_stands_and_refuses_a_stale_calibration(
    tmp_path: Path,
) -> None:
    import json

    from enrich.sentiment import (
        TONE_FEATURES,
        TONE_FILE,
        Sentiment,
        TonePlace,
        load_tone_calibration,
        tone_features,
    )

    good = Sentiment("positive", 0.8, {"negative": 0.1, "neutral": 0.1, "positive": 0.8})
    place = TonePlace(document_targets=10, organisations=4, watchlisted=True)
    headline = tone_features([good, good], [TITLE_WEIGHT, 1.0], place)
    aside = tone_features([good], [1.0], replace(place, watchlisted=False))
    assert len(headline) == len(aside) == len(TONE_FEATURES)
    named = dict(zip(TONE_FEATURES, headline, strict=True))
    other = dict(zip(TONE_FEATURES, aside, strict=True))
    assert (named["in_title"], other["in_title"]) == (1.0, 0.0)
    assert (named["target_share"], other["target_share"]) == (0.2, 0.1)
    assert (named["watchlisted"], other["watchlisted"]) == (1.0, 0.0)
    assert other["title_log_mean_positive"] == 0.0  # the title interaction is off
    # a calibration fitted on other features (an older carintel) is not applied
    stale = {"features": list(TONE_FEATURES[:5]), "weight": [[0.0] * 5] * 3, "bias": [0.0] * 3,
             "mean": [0.0] * 5, "scale": [1.0] * 5, "model_version": "v1"}  # fmt: skip
    (tmp_path / TONE_FILE).write_text(json.dumps(stale), "utf-8")
    assert load_tone_calibration(tmp_path, "v1") is None
    fresh = {**stale, "features": list(TONE_FEATURES), "weight": [[0.0] * len(TONE_FEATURES)] * 3,
             "mean": [0.0] * len(TONE_FEATURES), "scale": [1.0] * len(TONE_FEATURES)}  # fmt: skip
    (tmp_path / TONE_FILE).write_text(json.dumps(fresh), "utf-8")
    calibration = load_tone_calibration(tmp_path, "v1")
    assert calibration is not None
    assert calibration.tone([good], [1.0], place).label in {"negative", "neutral", "positive"}
