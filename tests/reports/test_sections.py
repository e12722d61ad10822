"""The weekly report's "what changed" lead and later sections, from a two-week warehouse."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from reports import sections, weekly
from tests.reports.test_weekly import HOSTILE_TITLE, add_document, build_warehouse
from warehouse import db

HOSTILE_EVIDENCE = (
    "<b>HIMA</b> & Seres *partner* [x](javascript:alert(4)) <script>alert(5)</script>"
)
HOSTILE_ORG = "<i>Evil</i> Corp"
HOSTILE_POST = "<img src=x onerror=alert(6)> HIMA rocks"

# doc_id, kind, title, text, url, source, published_at, engagement, {entity: mentions}
POSTS = [
    (
        "s1",
        "post",
        "HIMA M8 first drive",
        "first drive",
        "https://hn.example/s1",
        "hackernews",
        "2025-05-09 10:00",
        {"score": 10, "comments": 5},
        {"hima": 1},
    ),
    (
        "s2",
        "comment",
        None,
        HOSTILE_POST,
        "https://social.example/s2",
        "mastodon",
        "2025-05-10 10:00",
        {"likes": 40},
        {"hima": 1},
    ),
]

# event_id, type, stage, event_date, precision, first_reported_at, [(doc_id, evidence)], parties
EVENTS = [
    (
        "ev-old",
        "launch",
        "announced",
        "2025-04-29",
        "day",
        "2025-04-29 09:00",
        [("p1", "HIMA adds Seres models.")],
        [("hima", "subject")],
    ),
    (
        "ev-2",
        "recall_incident",
        "completed",
        "2025-05",
        "month",
        "2025-05-07 07:00",
        [("w3", "Xiaomi recalls the YU7.")],
        [("xiaomi", "subject")],
    ),
    (
        "ev-1",
        "partnership",
        "announced",
        "2025-05-05",
        "day",
        "2025-05-05 08:00",
        [("w1", HOSTILE_EVIDENCE), ("w2", "HIMA and Seres deepen ties.")],
        [("hima", "partner"), ("seres", "partner")],
    ),
]

# Beside them, claims the report must not list as new: a joint venture of 2021 that a W19
# document recalls (background), and a launch below the report's confidence threshold.
# event_id, type, event_date, precision, first_reported_at, doc_id, evidence, confidence,
# background, parties
CLAIM_THRESHOLD = 0.5
QUIET_EVENTS = [
    ("ev-bg", "joint_venture", "2021-03", "month", "2025-05-06 09:00", "w2",
     "Baidu and Geely set up Jiyue in March 2021.", 0.9, True,
     [("baidu", "partner"), ("geely", "partner"), ("jiyue", "venture")]),
    ("ev-low", "launch", "2025-05-06", "day", "2025-05-06 10:00", "w3",
     "Seres may show a wagon.", 0.3, False, [("seres", "subject")]),
]  # fmt: skip
OFF_TOPIC = ("w9", "Xiaomi's new phone sells out", "https://gasgoo.example/w9", "gasgoo")

# (doc_id, entity_id, polarity): HIMA falls from +0.4 (W18) to -0.3 (W19); Seres has one
# scored document in W19, too few to move.
SENTIMENT = [
    ("p1", "hima", 0.5),
    ("p2", "hima", 0.3),
    ("w1", "hima", -0.2),
    ("w2", "hima", -0.4),
    ("p1", "seres", 0.1),
    ("p3", "seres", 0.1),
    ("w1", "seres", 0.9),
]

STORIES = {"w1": "story-a", "w2": "story-a", "s1": "story-a", "s2": "story-b", "p1": "story-0"}

# (doc_id, surface, name_key)
UNLINKED = [
    ("p1", "Acme Mobility", "acme mobility"),
    ("w1", "Acme Mobility", "acme mobility"),
    ("w3", "ACME Mobility", "acme mobility"),
    ("w4", HOSTILE_ORG, "evil corp"),
    ("w5", HOSTILE_ORG, "evil corp"),
    ("w4", "Lone Org", "lone org"),
    ("p2", "Old Org", "old org"),
    ("p3", "Old Org", "old org"),
    # no candidates: on the not_organisations list, or tagged a place more often than not
    ("w1", "Robotaxi", "robotaxi"),
    ("w3", "Robotaxi", "robotaxi"),
    ("w1", "Hong Kong", "hong kong"),
    ("w3", "Hong Kong", "hong kong"),
]
UNLINKED_PLACES = [("w4", "Hong Kong", "hong kong")] * 3
NOT_ORGANISATIONS = [("robotaxi", "Robotaxi")]

# run_id, source, finished_at, items, new_documents, errors, skipped
SOURCE_RUNS = [
    ("r1", "cnevpost", "2025-04-30 06:00", 2, 0, 0, {}),
    ("r2", "cnevpost", "2025-05-05 06:00", 2, 0, 0, {}),
    ("r2", "gasgoo", "2025-05-05 06:00", 3, 2, 1, {"http_404": 1}),
    ("r3", "cnevpost", "2025-05-08 06:00", 2, 0, 0, {}),
    ("r3", "reuters", "2025-05-08 06:00", 1, 0, 3, {"timeout": 2, "http_404": 1}),
    ("r4", "cnevpost", "2025-05-13 06:00", 2, 5, 0, {}),  # W20: after the report's week
]


def build_rich_warehouse(path: Path) -> Path:
    build_warehouse(path)
    conn = db.connect(path)
    try:
        for doc_id, kind, title, text, url, source, published, engagement, named in POSTS:
            conn.execute("INSERT INTO document_relevance VALUES (?, 0.9, true, 'test')", [doc_id])
            conn.execute(
                "INSERT INTO documents (doc_id, canonical_url, url, title, text, published_at,"
                " source, kind, content_hash, word_count, first_seen_at, crawl_run_id, engagement)"
                " VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMPTZ), ?, ?, ?, 2,"
                " CAST(? AS TIMESTAMPTZ), 'run-1', ?)",
                [
                    doc_id,
                    url,
                    url,
                    title,
                    text,
                    published,
                    source,
                    kind,
                    f"h-{doc_id}",
                    published,
                    json.dumps(engagement),
                ],
            )
            for entity_id in named:
                conn.execute(
                    "INSERT INTO mentions (doc_id, entity_id, field, char_start, char_end,"
                    " surface, method) VALUES (?, ?, 'text', 0, 4, 'HIMA', 'alias')",
                    [doc_id, entity_id],
                )
        for event_id, kind, stage, when, precision, first, reports, parties in EVENTS:
            conn.execute(
                "INSERT INTO timeline_events (event_id, type, stage, event_date,"
                " date_precision, date_source, confidence, first_reported_at, source_count,"
                " parties) VALUES (?, ?, ?, ?, ?, 'sentence', 0.9, CAST(? AS TIMESTAMPTZ), ?, ?)",
                [
                    event_id,
                    kind,
                    stage,
                    when,
                    precision,
                    first,
                    len(reports),
                    json.dumps([{"entity_id": e, "role": r} for e, r in parties]),
                ],
            )
            for doc_id, evidence in reports:
                conn.execute(
                    "INSERT INTO event_reports VALUES (?, 0, 10, ?, ?, 0.9, ?, ?, ?, 'sentence',"
                    " '[]', ?)",
                    [doc_id, kind, stage, evidence, when, precision, event_id],
                )
            for entity_id, role in parties:
                conn.execute(
                    "INSERT INTO event_parties VALUES (?, ?, ?)", [event_id, entity_id, role]
                )
        for (event_id, kind, when, precision, first, doc_id, evidence, confidence, background,
             parties) in QUIET_EVENTS:  # fmt: skip
            conn.execute(
                "INSERT INTO timeline_events (event_id, type, stage, event_date,"
                " date_precision, date_source, confidence, first_reported_at, source_count,"
                " parties, background) VALUES (?, ?, 'announced', ?, ?, 'sentence', ?,"
                " CAST(? AS TIMESTAMPTZ), 1, ?, ?)",
                [event_id, kind, when, precision, confidence, first,
                 json.dumps([{"entity_id": e, "role": r} for e, r in parties]), background],
            )  # fmt: skip
            conn.execute(
                "INSERT INTO event_reports VALUES (?, 20, 40, ?, 'announced', ?, ?, ?, ?,"
                " 'sentence', '[]', ?)",
                [doc_id, kind, confidence, evidence, when, precision, event_id],
            )
        conn.execute("INSERT INTO claim_thresholds VALUES ('event', ?, 'test')", [CLAIM_THRESHOLD])
        add_document(conn, *OFF_TOPIC, "2025-05-08 08:00", "2025-05-08 09:00", relevant=False)
        relationships = [
            ("rel-1", "seres", "partner", "hima", "event", "proposed", HOSTILE_EVIDENCE, "ev-1"),
            ("rel-2", "hima", "partner", "seres", "event", "proposed", HOSTILE_EVIDENCE, "ev-1"),
            ("rel-0", "hima", "partner", "seres", "event", "proposed", "old", "ev-old"),
            ("rel-w", "seres", "alliance_member", "hima", "watchlist", "accepted", None, None),
        ]
        for rel_id, subject, kind, obj, origin, review, evidence, event_id in relationships:
            conn.execute(
                "INSERT INTO relationships (rel_id, subject_id, type, object_id, since, status,"
                " origin, review_status, evidence, event_id)"
                " VALUES (?, ?, ?, ?, '2025-05', 'active', ?, ?, ?, ?)",
                [rel_id, subject, kind, obj, origin, review, evidence, event_id],
            )
        for doc_id, entity_id, polarity in SENTIMENT:
            label = "positive" if polarity > 0 else "negative"
            conn.execute(
                "INSERT INTO entity_sentiment VALUES (?, ?, ?, 0.8, 'tiny', ?, 1)",
                [doc_id, entity_id, label, polarity],
            )
        for doc_id, story_id in STORIES.items():
            conn.execute(
                "INSERT INTO document_stories VALUES (?, ?, NULL, 1.0)", [doc_id, story_id]
            )
        unlinked = [(*row, "ORG") for row in UNLINKED] + [(*r, "LOC") for r in UNLINKED_PLACES]
        for n, (doc_id, surface, key, label) in enumerate(unlinked):
            conn.execute(
                "INSERT INTO unlinked_mentions VALUES (?, 'text', ?, ?, ?, ?, ?, 0.9)",
                [doc_id, n * 20, n * 20 + 5, surface, key, label],
            )
        conn.executemany("INSERT INTO not_organisations VALUES (?, ?)", NOT_ORGANISATIONS)
        for run_id, source, finished, items, new, errors, skipped in SOURCE_RUNS:
            conn.execute(
                "INSERT INTO source_runs VALUES (?, 'feeds', ?, CAST(? AS TIMESTAMPTZ), ?, ?, ?,"
                " 0, 0, ?, ?)",
                [run_id, source, finished, items + errors, items, errors, json.dumps(skipped), new],
            )
    finally:
        conn.close()
    return path


@pytest.fixture(scope="module")
def rich_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_rich_warehouse(tmp_path_factory.mktemp("rich") / "carintel.duckdb")


@pytest.fixture
def conn(rich_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = db.connect_read_only(rich_path)
    yield connection
    connection.close()


@pytest.fixture
def report(conn: duckdb.DuckDBPyConnection) -> weekly.WeeklyReport:
    return weekly.load_weekly(conn, "2025-W19")


@pytest.fixture
def quiet(conn: duckdb.DuckDBPyConnection) -> weekly.WeeklyReport:
    return weekly.load_weekly(conn, "2025-W30")


def all_html(report: weekly.WeeklyReport) -> str:
    return "\n".join(
        [
            sections.what_changed_html(report),
            sections.top_stories_html(report),
            sections.entities_html(report),
            sections.trend_chart_html(report),
            sections.social_buzz_html(report),
            sections.coverage_html(report),
        ]
    )


def test_new_events_are_those_first_reported_this_week_most_sources_first(
    report: weekly.WeeklyReport,
) -> None:
    events = report.changes.new_events
    assert list(events["event_id"]) == ["ev-1", "ev-2"]
    first = events.iloc[0]
    assert first["parties"] == "HIMA (partner), Seres (partner)"
    assert first["source_count"] == 2
    assert first["evidence"] == HOSTILE_EVIDENCE  # the earliest report's sentence
    assert list(first["titles"]) == ["HIMA and Seres launch the M8", HOSTILE_TITLE]


def test_new_events_html_shows_type_date_precision_stage_and_links(
    report: weekly.WeeklyReport,
) -> None:
    page = sections.new_events_html(report)
    assert "<strong>partnership</strong>" in page and "<strong>recall incident</strong>" in page
    assert "2025-05-05 (day)" in page and "2025-05 (month)" in page
    assert "announced" in page and "completed" in page and "2 sources" in page
    assert 'href="https://gasgoo.example/w1"' in page
    assert page.index("partnership") < page.index("recall incident")


def test_proposed_relationships_come_from_this_weeks_events_only(
    report: weekly.WeeklyReport,
) -> None:
    rels = report.changes.proposed_relationships
    assert list(rels["rel_id"]) == ["rel-2", "rel-1"]  # by subject name
    page = sections.proposed_relationships_html(report)
    assert "proposed" in page and "<strong>Seres</strong> partner of <strong>HIMA</strong>" in page
    # One item per event: the two relationships share its evidence, shown once.
    assert page.count("<li>") == 1 and page.count("carintel-evidence") == 1
    assert page.index("<strong>HIMA</strong> partner of") < page.index(
        "<strong>Seres</strong> partner"
    )


def test_sentiment_movers_need_scored_documents_in_both_weeks(
    report: weekly.WeeklyReport,
) -> None:
    movers = report.changes.sentiment_movers
    assert list(movers["entity_id"]) == ["hima"]
    assert movers.iloc[0]["sentiment_change"] == pytest.approx(-0.7)
    page = sections.sentiment_movers_html(report)
    assert "<strong>HIMA</strong> -0.70" in page
    # The week's document with the strongest sentiment toward HIMA (w2, -0.4) is linked.
    assert movers.iloc[0]["strongest_title"] == HOSTILE_TITLE
    assert "strongest: <a href=" in page and "&lt;script&gt;alert(1)" in page
    assert "<script>" not in page


def test_without_sentiment_the_report_says_it_is_not_available(
    report: weekly.WeeklyReport,
) -> None:
    changes = dataclasses.replace(report.changes, sentiment_available=False)
    bare = dataclasses.replace(report, changes=changes)
    assert sections.NO_SENTIMENT in sections.sentiment_movers_html(bare)
    assert "Sentiment</th>" not in sections.entities_html(bare)
    assert sections.NO_SENTIMENT in "\n".join(sections.changes_markdown(bare))


def test_volume_spike_names_the_story_with_most_of_the_entitys_documents(
    report: weekly.WeeklyReport,
) -> None:
    spikes = report.changes.volume_spikes
    assert list(spikes["entity_id"]) == ["hima"]  # 4 documents against a mean of 0.5
    spike = spikes.iloc[0]
    assert spike["documents"] == 4 and spike["baseline"] == pytest.approx(0.5)
    assert spike["story_id"] == "story-a"
    assert spike["story_url"] == "https://gasgoo.example/w1"
    assert 'href="https://gasgoo.example/w1"' in sections.volume_spikes_html(report)


def test_emerging_organisations_gain_documents_outside_the_watchlist(
    report: weekly.WeeklyReport,
) -> None:
    emerging = report.changes.emerging
    # not "robotaxi" (not_organisations) or "hong kong" (tagged LOC 3 times, ORG twice); two
    # documents each: the one named with more watchlist organisations first
    assert list(emerging["name_key"]) == ["acme mobility", "evil corp"]
    assert list(emerging["new"]) == [False, True]
    assert emerging.iloc[0]["name"] == "ACME Mobility"  # spellings tie 1:1, first by sort order
    assert list(emerging.iloc[0]["named_with"]) == ["HIMA", "Seres", "Xiaomi"]
    assert list(emerging.iloc[1]["named_with"]) == ["CATL"]
    page = sections.emerging_html(report)
    assert "&lt;i&gt;Evil&lt;/i&gt; Corp" in page and "<i>Evil</i>" not in page
    assert "named with HIMA, Seres, Xiaomi" in page


def test_top_stories_order_by_the_weeks_documents(report: weekly.WeeklyReport) -> None:
    stories = report.changes.top_stories
    assert list(stories["story_id"]) == ["story-a", "story-b"]
    assert list(stories["week_documents"]) == [3, 1]
    assert stories.iloc[1]["title"] == HOSTILE_POST  # an untitled comment: its text names it
    page = sections.top_stories_html(report)
    assert "3 documents this week, 3 in all from 3 sources" in page


def test_entities_table_has_share_of_voice_and_sentiment(report: weekly.WeeklyReport) -> None:
    entities = report.changes.entities
    assert entities.iloc[0]["entity_id"] == "hima"
    assert entities["share_of_voice"].sum() == pytest.approx(1.0)
    page = sections.entities_html(report)
    assert "Share of voice" in page and "Sentiment change" in page


def test_social_buzz_ranks_posts_by_engagement(report: weekly.WeeklyReport) -> None:
    posts = report.changes.social_buzz
    assert list(posts["doc_id"]) == ["s2", "s1"]
    assert list(posts["engagement"]) == [40, 15]
    page = sections.social_buzz_html(report)
    assert "&lt;img src=x onerror=alert(6)&gt;" in page and "<img src=x" not in page


def test_coverage_counts_the_weeks_runs_failures_and_quiet_sources(
    report: weekly.WeeklyReport,
) -> None:
    changes = report.changes
    assert list(changes.coverage["source"]) == ["cnevpost", "gasgoo", "reuters"]
    assert list(changes.failures["reason"]) == ["http_404", "timeout"]
    assert list(changes.failures["count"]) == [2, 2]
    # cnevpost's new documents came in W20, after the week: quiet as of W19's Sunday.
    assert list(changes.quiet_sources["source"]) == ["cnevpost"]
    assert "cnevpost" in sections.coverage_html(report)


def test_trend_chart_covers_eight_weeks_with_zeros(report: weekly.WeeklyReport) -> None:
    trend = report.changes.entity_trend
    assert trend.groupby("entity_id").size().eq(weekly.TREND_WEEKS).all()
    hima = trend[trend["entity_id"] == "hima"]["documents"].tolist()
    assert hima[-2:] == [2, 4] and sum(hima[:-2]) == 0
    assert sections.trend_chart_png(report) == sections.trend_chart_png(report)
    assert 'src="data:image/png;base64,' in sections.trend_chart_html(report)


def test_sections_escape_hostile_text_and_link_only_http(report: weekly.WeeklyReport) -> None:
    page = all_html(report)
    for raw in ["<script>", "<b>HIMA</b>", "<i>Evil</i>", "<img src=x"]:
        assert raw not in page, raw
    assert "&lt;b&gt;HIMA&lt;/b&gt; &amp; Seres" in page
    assert 'href="javascript' not in page


def test_markdown_leads_with_what_changed_and_escapes(report: weekly.WeeklyReport) -> None:
    text = weekly.to_markdown(report)
    assert text.index("## What changed since last week") < text.index("## Top stories")
    assert text.index("## Top stories") < text.index("## Top entities")
    assert "\\<b\\>HIMA\\</b\\> \\& Seres \\*partner\\*" in text
    assert "\\[x\\](javascript:alert(4))" in text  # shown as text, not a link
    assert re.search(r"(?<!\\)\]\(javascript", text) is None and "<script>" not in text
    assert "**Seres** partner of **HIMA**" in text
    assert "[HIMA and Seres launch the M8](https://gasgoo.example/w1)" in text


def test_a_quiet_week_says_each_section_is_empty(quiet: weekly.WeeklyReport) -> None:
    page = all_html(quiet)
    for message in [
        sections.NO_EVENTS,
        sections.NO_RELATIONSHIPS,
        sections.NO_SENTIMENT,
        sections.NO_SPIKES,
        sections.NO_EMERGING,
        sections.NO_STORIES,
        sections.NO_ENTITIES,
        sections.NO_POSTS,
        sections.NO_RUNS,
        sections.NO_FAILURES,
    ]:
        assert html.escape(message) in page, message
    text = weekly.to_markdown(quiet)
    assert sections.NO_EVENTS in text and sections.NO_STORIES in text


def test_loading_a_week_twice_renders_identically(conn: duckdb.DuckDBPyConnection) -> None:
    first = weekly.load_weekly(conn, "2025-W19")
    second = weekly.load_weekly(conn, "2025-W19")
    assert all_html(first) == all_html(second)
    assert weekly.to_markdown(first) == weekly.to_markdown(second)


@pytest.mark.slow
def test_rendered_report_leads_with_what_changed(rich_path: Path, tmp_path: Path) -> None:
    first = weekly.render_weekly(rich_path, "2025-W19", tmp_path / "a")
    second = weekly.render_weekly(rich_path, "2025-W19", tmp_path / "b")
    page = first.html.read_text(encoding="utf-8")
    assert page.index("What changed since last week") < page.index("Top stories")
    assert "<script" not in page and "&lt;b&gt;HIMA&lt;/b&gt;" in page
    assert first.html.read_bytes() == second.html.read_bytes()
    assert first.markdown.read_bytes() == second.markdown.read_bytes()


def test_background_that_the_weeks_documents_recall_is_listed_apart_collapsed(
    report: weekly.WeeklyReport,
) -> None:
    assert "ev-bg" not in set(report.changes.new_events["event_id"])
    assert list(report.changes.background_events["event_id"]) == ["ev-bg"]
    page = sections.new_events_html(report)
    details = page[page.index("<details") :]
    assert "Background cited this week (1 event)" in details
    assert "2021-03 (month)" in details and "2021-03" not in page[: page.index("<details")]
    markdown = "\n".join(sections.changes_markdown(report))
    assert "Background cited this week: 1 event" in markdown


def test_claims_below_the_confidence_threshold_are_counted_not_shown(
    report: weekly.WeeklyReport,
) -> None:
    counts = report.changes.claim_counts
    assert counts.lower_confidence_events == 1 and counts.min_confidence == CLAIM_THRESHOLD
    assert "ev-low" not in set(report.changes.new_events["event_id"])
    page = sections.new_events_html(report)
    assert "Seres may show a wagon" not in page
    assert "1 lower-confidence event (confidence below 0.50) in the warehouse." in page


def test_off_topic_documents_feed_no_claim_and_are_counted(report: weekly.WeeklyReport) -> None:
    assert report.changes.claim_counts.off_topic_documents == 1
    lead = sections.what_changed_html(report)
    assert "1 off-topic document of this week left out" in lead
    assert "w9" not in lead and OFF_TOPIC[2] not in lead
    assert OFF_TOPIC[0] in set(report.documents["doc_id"])  # still in the warehouse and listed
