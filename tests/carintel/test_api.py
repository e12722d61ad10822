"""The analysts' Python API: DataFrames from short-lived read-only connections to the snapshot."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from carintel import api
from warehouse import db
from warehouse.snapshot import publish

ENTITIES = [
    ("hima", "Harmony Intelligent Mobility Alliance", "venture"),
    ("seres", "Seres Group", "company"),
    ("huawei", "Huawei", "company"),
    ("chery", "Chery", "company"),
    ("jiyue", "Jiyue", "venture"),
    ("jiyue_01", "Jiyue 01", "product"),
    ("baidu", "Baidu", "company"),
    ("xiaomi", "Xiaomi", "company"),
    ("apple", "Apple", "company"),
    ("apple_car", "Apple car project", "venture"),
]
ALIASES = [
    ("hima", "HIMA", True, "en"),
    ("hima", "鸿蒙智行", True, "zh"),
    ("seres", "赛力斯", True, "zh"),
]

# doc_id, published_at (None: unknown), first_seen_at, source, kind, engagement,
# {entity: (mentions, polarity or None)}
DOCUMENTS = [
    ("d1", "2025-05-05 08:00", "2025-05-05 09:00", "gasgoo", "article", None,
     {"hima": (2, 0.6), "seres": (1, 0.2)}),
    ("d2", "2025-05-06 10:00", "2025-05-06 11:00", "cnevpost", "article", None,
     {"hima": (1, -0.2), "huawei": (1, None)}),
    ("d3", "2025-05-13 07:00", "2025-05-13 08:00", "reuters", "article", None,
     {"hima": (1, 0.4), "xiaomi": (3, -0.5)}),
    ("d4", None, "2025-05-31 15:00", "gasgoo", "article", None,
     {"jiyue": (2, -0.8), "baidu": (1, None)}),
    ("d5", "2025-06-01 12:00", "2025-06-01 12:05", "hackernews", "post",
     {"score": 40, "comments": 12}, {"hima": (1, None), "xiaomi": (1, None)}),
    ("d6", "2025-06-02 12:00", "2025-06-02 12:05", "mastodon", "comment",
     {"likes": 3, "reposts": 1}, {"hima": (1, None)}),
]  # fmt: skip

# event_id, type, stage, event_date, precision, first_reported_at, parties, reporting docs
EVENTS = [
    ("e1", "partnership", "announced", "2025-03", "month", "2025-05-05 08:00",
     ["hima", "seres"], ["d1", "d2"]),
    ("e2", "launch", "completed", "2025-05-13", "day", "2025-05-13 07:00", ["hima"], ["d3"]),
    ("e3", "exit_cancellation", "completed", "2024", "year", "2025-05-31 15:00",
     ["jiyue", "baidu"], ["d4"]),
    ("e4", "funding", "rumoured", None, None, "2025-06-01 12:00", ["xiaomi"], ["d5"]),
]  # fmt: skip

# subject, type, object, since, until, status, review_status
RELATIONSHIPS = [
    ("seres", "alliance_member", "hima", "2021-12", None, "active", "accepted"),
    ("chery", "alliance_member", "hima", "2024-03-15", None, "active", "accepted"),
    ("huawei", "partner", "hima", "2021", None, "active", "accepted"),
    ("baidu", "jv_parent", "jiyue", "2021-03", "2024-12", "ended", "accepted"),
    ("huawei", "supplier", "jiyue", "2021", "2022", "ended", "accepted"),
    ("jiyue_01", "product_of", "jiyue", None, None, "active", "accepted"),
    ("apple", "jv_parent", "apple_car", "2014", "2024-02", "cancelled", "accepted"),
    ("xiaomi", "partner", "hima", "2025-05", None, "active", "proposed"),
]

# doc_id, story_id, duplicate_of, similarity
STORIES = [
    ("d1", "s1", None, 1.0),
    ("d2", "s1", "d1", 0.97),
    ("d3", "s2", None, 1.0),
    ("d4", "s3", None, 1.0),
]


def add_document(
    conn: duckdb.DuckDBPyConnection,
    doc_id: str,
    published_at: str | None,
    first_seen_at: str,
    source: str,
    kind: str,
    engagement: dict[str, int] | None,
) -> None:
    url = f"https://{source}.example/{doc_id}"
    conn.execute(
        "INSERT INTO documents (doc_id, canonical_url, url, title, text, published_at, source,"
        " kind, content_hash, word_count, first_seen_at, crawl_run_id, engagement)"
        " VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMPTZ), ?, ?, ?, 3, CAST(? AS TIMESTAMPTZ),"
        " 'run-1', ?)",
        [
            doc_id,
            url,
            url,
            f"Title {doc_id}",
            f"text of {doc_id}",
            published_at,
            source,
            kind,
            f"hash-{doc_id}",
            first_seen_at,
            None if engagement is None else json.dumps(engagement),
        ],
    )


def sentiment_label(polarity: float) -> str:
    if polarity > 0.3:
        return "positive"
    return "negative" if polarity < -0.3 else "neutral"


def build_warehouse(path: Path) -> Path:
    conn = db.connect(path)
    try:
        for entity_id, name, kind in ENTITIES:
            conn.execute(
                "INSERT INTO entities (entity_id, name, type, country, description, in_watchlist)"
                " VALUES (?, ?, ?, 'CN', NULL, true)",
                [entity_id, name, kind],
            )
        for entity_id, alias, case_sensitive, lang in ALIASES:
            conn.execute(
                "INSERT INTO aliases (entity_id, alias, case_sensitive, lang) VALUES (?, ?, ?, ?)",
                [entity_id, alias, case_sensitive, lang],
            )
        for doc_id, published, seen, source, kind, engagement, named in DOCUMENTS:
            add_document(conn, doc_id, published, seen, source, kind, engagement)
            for entity_id, (count, polarity) in named.items():
                for n in range(count):
                    conn.execute(
                        "INSERT INTO mentions (doc_id, entity_id, field, char_start, char_end,"
                        " surface, method) VALUES (?, ?, 'text', ?, ?, ?, 'alias')",
                        [doc_id, entity_id, n * 10, n * 10 + 4, entity_id],
                    )
                if polarity is not None:
                    label = sentiment_label(polarity)
                    conn.execute(
                        "INSERT INTO entity_sentiment (doc_id, entity_id, label, score, model,"
                        " polarity, sentences) VALUES (?, ?, ?, 0.9, 'test', ?, 1)",
                        [doc_id, entity_id, label, polarity],
                    )
        for event_id, kind, stage, day, precision, first, parties, docs in EVENTS:
            conn.execute(
                "INSERT INTO timeline_events (event_id, type, stage, event_date, date_precision,"
                " date_source, confidence, first_reported_at, source_count, parties)"
                " VALUES (?, ?, ?, ?, ?, 'sentence', 0.9, CAST(? AS TIMESTAMPTZ), ?, ?)",
                [
                    event_id,
                    kind,
                    stage,
                    day,
                    precision,
                    first,
                    len(docs),
                    json.dumps([{"entity_id": p, "role": "partner"} for p in parties]),
                ],
            )
            for entity_id in parties:
                conn.execute(
                    "INSERT INTO event_parties (event_id, entity_id, role)"
                    " VALUES (?, ?, 'partner')",
                    [event_id, entity_id],
                )
            for doc_id in docs:
                conn.execute(
                    "INSERT INTO event_reports (doc_id, sentence_start, sentence_end, type, stage,"
                    " confidence, evidence, event_date, date_precision, date_source, parties,"
                    " event_id) VALUES (?, 0, 10, ?, ?, 0.9, ?, ?, ?, 'sentence', '[]', ?)",
                    [doc_id, kind, stage, f"{event_id} reported in {doc_id}.", day, precision,
                     event_id],
                )  # fmt: skip
        for n, (subject, kind, obj, since, until, status, review) in enumerate(RELATIONSHIPS):
            conn.execute(
                "INSERT INTO relationships (rel_id, subject_id, type, object_id, since, until,"
                " status, note, source_url, origin, review_status, evidence)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
                [
                    f"r{n}",
                    subject,
                    kind,
                    obj,
                    since,
                    until,
                    status,
                    "event" if review == "proposed" else "watchlist",
                    review,
                    "Xiaomi and HIMA agreed to cooperate." if review == "proposed" else None,
                ],
            )
        for doc_id, story_id, duplicate_of, similarity in STORIES:
            conn.execute(
                "INSERT INTO document_stories (doc_id, story_id, duplicate_of, similarity)"
                " VALUES (?, ?, ?, ?)",
                [doc_id, story_id, duplicate_of, similarity],
            )
        for n, (doc_id, surface) in enumerate(
            [("d1", "Acme Mobility"), ("d3", "Acme Mobility"), ("d3", "Zeta Motors")]
        ):
            conn.execute(
                "INSERT INTO unlinked_mentions (doc_id, field, char_start, char_end, surface,"
                " name_key, label, score) VALUES (?, 'text', ?, ?, ?, ?, 'ORG', 0.9)",
                [doc_id, 100 + n, 110 + n, surface, surface.lower()],
            )
    finally:
        conn.close()
    return path


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("home")
    build_warehouse(root / "carintel.duckdb")
    return root


@pytest.fixture(autouse=True)
def reads(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test reads `home` through the module setting, unless it says otherwise."""
    monkeypatch.setattr(api, "warehouse", home)


# --- the warehouse -----------------------------------------------------------------------------


def test_connections_are_closed_after_each_call(home: Path) -> None:
    api.timeline("hima")
    api.alliances("2024-06-01")
    writer = db.connect(home / "carintel.duckdb")  # fails while a reader holds the file
    writer.close()


def test_readers_open_the_published_snapshot_not_the_writers_file(tmp_path: Path) -> None:
    path = build_warehouse(tmp_path / "carintel.duckdb")
    writer = db.connect(path)
    try:
        publish(writer, path)
        add_document(writer, "late", "2025-06-03 09:00", "2025-06-03 09:00", "x", "article", None)
        writer.execute(
            "INSERT INTO mentions (doc_id, entity_id, field, char_start, char_end, surface, method)"
            " VALUES ('late', 'hima', 'text', 0, 4, 'HIMA', 'alias')"
        )
        assert api.warehouse_path(tmp_path) == tmp_path / "carintel-read.duckdb"
        assert "late" not in set(api.mentions("hima", home=tmp_path)["doc_id"])
    finally:
        writer.close()


def test_home_argument_accepts_a_folder_or_a_file_and_env_is_the_default(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert len(api.mentions("hima", home=home / "carintel.duckdb")) == 5
    monkeypatch.setattr(api, "warehouse", None)
    monkeypatch.setenv("CARINTEL_HOME", str(home))
    assert len(api.mentions("hima")) == 5
    monkeypatch.setenv("CARINTEL_HOME", str(tmp_path / "nowhere"))
    with pytest.raises(db.WarehouseError, match="carintel run"):
        api.mentions("hima")


# --- entities ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entity_id"),
    [("hima", "hima"), ("HIMA", "hima"), ("鸿蒙智行", "hima"), ("seres group", "seres"),
     ("赛力斯", "seres"), (" Jiyue ", "jiyue")],
)  # fmt: skip
def test_resolve_entity_by_id_name_or_alias(text: str, entity_id: str) -> None:
    assert api.resolve_entity(text) == entity_id


def test_unknown_entity_error_lists_close_names() -> None:
    with pytest.raises(api.UnknownEntityError) as caught:
        api.resolve_entity("Jiyu")
    message = str(caught.value)
    assert "unknown entity 'Jiyu'" in message
    assert "Jiyue (jiyue)" in message and "Jiyue 01 (jiyue_01)" in message
    assert "api.entities()" in message
    assert isinstance(caught.value, LookupError)
    assert caught.value.candidates[0] == "Jiyue (jiyue)"


def test_unknown_entity_fails_every_function_that_takes_one() -> None:
    for call in (
        lambda: api.timeline("hmia"),
        lambda: api.mentions(["hima", "hmia"]),
        lambda: api.sentiment_trend("hmia"),
        lambda: api.share_of_voice(["hmia"]),
        lambda: api.co_mentions("hmia"),
        lambda: api.alliances(entity="hmia"),
        lambda: api.stories("all", entity="hmia"),
        lambda: api.social_buzz("hmia"),
    ):
        with pytest.raises(api.UnknownEntityError, match=r"HIMA|hima"):
            call()


def test_entities_lists_every_entity_or_one_type() -> None:
    assert len(api.entities()) == len(ENTITIES)
    assert set(api.entities("venture")["entity_id"]) == {"hima", "jiyue", "apple_car"}


# --- timeline ----------------------------------------------------------------------------------


def test_timeline_has_the_documented_columns_and_party_names() -> None:
    events = api.timeline()
    assert list(events.columns)[:10] == [
        "event_id", "event_date", "date_precision", "type", "stage", "parties", "source_count",
        "first_reported_at", "evidence", "source_urls",
    ]  # fmt: skip
    assert list(events["event_id"]) == ["e3", "e1", "e2", "e4"]  # by event date, undated last
    e1 = events.set_index("event_id").loc["e1"]
    assert e1["parties"] == ["Harmony Intelligent Mobility Alliance", "Seres Group"]
    assert e1["source_urls"] == ["https://cnevpost.example/d2", "https://gasgoo.example/d1"]
    assert e1["source_count"] == 2
    assert e1["evidence"] == "e1 reported in d1."


def test_timeline_filters_by_entity_id_name_or_list() -> None:
    assert list(api.timeline("hima")["event_id"]) == ["e1", "e2"]
    assert list(api.timeline("Seres Group")["event_id"]) == ["e1"]
    assert list(api.timeline(["seres", "baidu"])["event_id"]) == ["e3", "e1"]


def test_timeline_filters_by_type() -> None:
    assert list(api.timeline(types="launch")["event_id"]) == ["e2"]
    assert list(api.timeline("hima", types=["launch", "partnership"])["event_id"]) == ["e1", "e2"]


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("2025-03-15", None, ["e1", "e2"]),  # "2025-03" overlaps the second half of March
        ("2025-04", None, ["e2"]),
        (None, "2025-02-28", ["e3"]),  # "2024" lies before; "2025-03" after
        (None, "2025-03-01", ["e3", "e1"]),
        ("2024-06-30", "2024-07-01", ["e3"]),  # a year-precision event spans the whole year
        ("2025", "2025", ["e1", "e2"]),  # a partial until runs to the end of its period
        (date(2025, 5, 13), date(2025, 5, 13), ["e2"]),
        ("2025-05-14", None, []),  # the undated event is left out when a bound is given
    ],
)
def test_timeline_compares_partial_dates_by_prefix(
    since: str | date | None, until: str | date | None, expected: list[str]
) -> None:
    assert list(api.timeline(since=since, until=until)["event_id"]) == expected


def test_bad_dates_and_periods_say_what_to_write() -> None:
    with pytest.raises(ValueError, match="YYYY, YYYY-MM or YYYY-MM-DD"):
        api.timeline(since="May 2025")
    with pytest.raises(ValueError, match="YYYY, YYYY-MM or YYYY-MM-DD"):
        api.alliances("2025-13")
    with pytest.raises(ValueError, match="D, W, M, Q or Y"):
        api.sentiment_trend("hima", freq="fortnight")


# --- mentions and trends -----------------------------------------------------------------------


def test_mentions_are_timeline_rows_of_the_entity_and_dates() -> None:
    rows = api.mentions("hima")
    assert list(rows["doc_id"]) == ["d1", "d2", "d3", "d5", "d6"]
    assert set(rows["entity_name"]) == {"Harmony Intelligent Mobility Alliance"}
    assert rows.set_index("doc_id").loc["d1", "mention_count"] == 2
    may = api.mentions(since="2025-05", until="2025-05")  # the whole of May, d4 by first-seen day
    assert sorted(set(may["doc_id"])) == ["d1", "d2", "d3", "d4"]
    assert bool(may.set_index("doc_id").loc["d4", "date_is_first_seen"].all())
    assert api.mentions(until="2025-05-04").empty


def test_entity_daily_reads_the_view() -> None:
    days = api.entity_daily("xiaomi")
    assert [str(d)[:10] for d in days["day"]] == ["2025-05-13", "2025-06-01"]
    assert list(days["mentions"]) == [3, 1]
    assert days["mean_sentiment"].iloc[0] == pytest.approx(-0.5)


def test_sentiment_trend_averages_polarity_per_week_and_month() -> None:
    weekly = api.sentiment_trend("hima")
    assert [str(p)[:10] for p in weekly["period"]] == ["2025-05-05", "2025-05-12"]
    assert list(weekly["mean_polarity"]) == pytest.approx([0.2, 0.4])
    assert list(weekly["documents"]) == [2, 1]
    assert list(weekly["positive"]) == [1, 1] and list(weekly["neutral"]) == [1, 0]
    monthly = api.sentiment_trend(["hima", "xiaomi"], freq="M")
    by_entity = monthly.set_index("entity_id")
    assert by_entity.loc["hima", "mean_polarity"] == pytest.approx((0.6 - 0.2 + 0.4) / 3)
    assert by_entity.loc["xiaomi", "documents"] == 1
    assert api.sentiment_trend("hima", since="2025-05-12")["documents"].tolist() == [1]


def test_share_of_voice_divides_by_documents_naming_any_of_them() -> None:
    voice = api.share_of_voice(["hima", "xiaomi"], freq="M")
    table = {
        (str(row.period)[:7], row.entity_id): (row.documents, row.total_documents, row.share)
        for row in voice.itertuples()
    }
    assert table == {
        ("2025-05", "hima"): (3, 3, 1.0),
        ("2025-05", "xiaomi"): (1, 3, pytest.approx(1 / 3)),
        ("2025-06", "hima"): (2, 2, 1.0),
        ("2025-06", "xiaomi"): (1, 2, 0.5),
    }
    weekly = api.share_of_voice("jiyue")
    assert list(weekly["documents"]) == [1] and list(weekly["share"]) == [1.0]


def test_co_mentions_count_shared_documents() -> None:
    together = api.co_mentions("HIMA")
    assert list(together["entity_id"]) == ["xiaomi", "huawei", "seres"]
    assert list(together["documents"]) == [2, 1, 1]
    assert set(together["focus_id"]) == {"hima"}
    assert together.set_index("entity_id").loc["xiaomi", "share"] == pytest.approx(2 / 5)
    assert list(api.co_mentions("hima", min_documents=2)["entity_id"]) == ["xiaomi"]
    assert api.co_mentions("apple").empty


# --- stories and posts -------------------------------------------------------------------------


def test_stories_of_a_week_with_titles_sources_and_near_copies() -> None:
    week = api.stories("2025-W19")
    assert list(week["story_id"]) == ["s1"]
    s1 = week.iloc[0]
    assert (s1["documents"], s1["sources"], s1["near_copies"]) == (2, 2, 1)
    assert s1["title"] == "Title d1"
    assert s1["titles"] == ["Title d1", "Title d2"]
    assert s1["source_names"] == ["cnevpost", "gasgoo"]
    assert list(api.stories("2025-W20")["story_id"]) == ["s2"]


def test_stories_default_to_the_latest_week_and_all_means_every_week() -> None:
    assert api.stories().empty  # 2025-W23 (d6) has no story
    assert list(api.stories("2025-W22")["story_id"]) == ["s3"]  # d4 by its first-seen day
    assert list(api.stories("all")["story_id"]) == ["s1", "s2", "s3"]
    assert list(api.stories("all", entity="xiaomi")["story_id"]) == ["s2"]
    with pytest.raises(ValueError, match="2025-W19"):
        api.stories("May")


def test_social_buzz_lists_posts_and_comments_with_engagement() -> None:
    buzz = api.social_buzz("hima")
    assert list(buzz["doc_id"]) == ["d5", "d6"]  # articles are left out; most engagement first
    d5 = buzz.iloc[0]
    assert (d5["score"], d5["comments"], d5["engagement"]) == (40, 12, 52)
    assert buzz.iloc[1]["likes"] == 3
    assert api.social_buzz("hima", until="2025-06-01")["doc_id"].tolist() == ["d5"]


def test_emerging_reads_the_view() -> None:
    found = api.emerging()
    assert list(found["name_key"]) == ["acme mobility", "zeta motors"]
    assert list(api.emerging(min_documents=2)["name"]) == ["Acme Mobility"]
    assert len(api.emerging(limit=1)) == 1


# --- alliances ---------------------------------------------------------------------------------


def held(as_of: str | date, entity: str | None = None, **options: bool) -> set[tuple[str, str]]:
    frame = api.alliances(as_of, entity=entity, **options)
    return {(row.subject_id, row.object_id) for row in frame.itertuples()}


def test_alliances_return_the_membership_that_held_on_each_date() -> None:
    assert held("2024-06-01", "hima") == {("seres", "hima"), ("chery", "hima"), ("huawei", "hima")}
    assert held("2024-06-01", "jiyue") == {("baidu", "jiyue"), ("jiyue_01", "jiyue")}
    assert held("2025-01-15", "jiyue") == {("jiyue_01", "jiyue")}


@pytest.mark.parametrize(
    ("as_of", "holds"),
    [("2021-11-30", False), ("2021-12-01", True), ("2030-01-01", True)],
)
def test_a_month_since_holds_from_the_first_of_the_month(as_of: str, holds: bool) -> None:
    assert (("seres", "hima") in held(as_of)) is holds


@pytest.mark.parametrize(
    ("as_of", "holds"),
    [("2021-02-28", False), ("2021-03-01", True), ("2024-12-31", True), ("2025-01-01", False)],
)
def test_a_month_until_holds_through_the_last_day_of_the_month(as_of: str, holds: bool) -> None:
    assert (("baidu", "jiyue") in held(as_of)) is holds


@pytest.mark.parametrize(
    ("as_of", "holds"),
    [("2020-12-31", False), ("2021-01-01", True), ("2022-12-31", True), ("2023-01-01", False)],
)
def test_year_precision_covers_the_whole_year(as_of: str, holds: bool) -> None:
    assert (("huawei", "jiyue") in held(as_of)) is holds


def test_day_precision_and_partial_as_of() -> None:
    assert ("chery", "hima") not in held("2024-03-14")
    assert ("chery", "hima") in held("2024-03-15")
    assert ("chery", "hima") not in held("2024-03")  # a partial as_of means its first day
    assert ("chery", "hima") in held(date(2024, 3, 15))


def test_unknown_since_counts_as_started() -> None:
    assert ("jiyue_01", "jiyue") in held("1990-01-01")


def test_cancelled_relationships_never_hold() -> None:
    for day in ("2014-06-01", "2020-01-01", "2024-01-31"):
        assert held(day, "apple_car") == set()
    assert "cancelled" in set(api.relationships("apple_car")["status"])


def test_proposed_relationships_only_when_asked() -> None:
    assert ("xiaomi", "hima") not in held("2025-06-01")
    assert ("xiaomi", "hima") in held("2025-06-01", include_proposed=True)
    proposed = api.alliances("2025-06-01", entity="hima", include_proposed=True)
    row = proposed.set_index("subject_id").loc["xiaomi"]
    assert row["review_status"] == "proposed"
    assert row["evidence"] == "Xiaomi and HIMA agreed to cooperate."


def test_alliances_carry_names_types_and_the_dates_they_mean() -> None:
    frame = api.alliances("2024-06-01", entity="jiyue").set_index("subject_id")
    baidu = frame.loc["baidu"]
    assert (baidu["subject_name"], baidu["subject_type"]) == ("Baidu", "company")
    assert (baidu["object_name"], baidu["object_type"]) == ("Jiyue", "venture")
    assert (baidu["since"], baidu["until"]) == ("2021-03", "2024-12")
    assert str(baidu["starts_on"])[:10] == "2021-03-01"
    assert str(baidu["ends_on"])[:10] == "2024-12-31"


def test_alliances_default_to_today() -> None:
    assert held(date.today()) == {(s, o) for s, o in held(None)}  # type: ignore[arg-type]


def test_relationships_list_every_dated_relationship() -> None:
    assert len(api.relationships()) == len(RELATIONSHIPS)
    assert len(api.relationships(include_proposed=False)) == len(RELATIONSHIPS) - 1
    assert set(api.relationships("Jiyue")["subject_id"]) == {"baidu", "huawei", "jiyue_01"}


def test_an_empty_warehouse_gives_empty_frames(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "carintel.duckdb")
    conn.execute(
        "INSERT INTO entities (entity_id, name, type, country, description, in_watchlist)"
        " VALUES ('hima', 'HIMA', 'venture', NULL, NULL, true)"
    )
    conn.close()
    for frame in (
        api.timeline("hima", home=tmp_path),
        api.mentions(home=tmp_path),
        api.entity_daily(home=tmp_path),
        api.sentiment_trend("hima", home=tmp_path),
        api.share_of_voice(["hima"], home=tmp_path),
        api.co_mentions("hima", home=tmp_path),
        api.stories(home=tmp_path),
        api.stories("all", home=tmp_path),
        api.social_buzz("hima", home=tmp_path),
        api.emerging(home=tmp_path),
        api.alliances(home=tmp_path),
        api.relationships(home=tmp_path),
    ):
        assert frame.empty
        assert len(frame.columns) >= 6
