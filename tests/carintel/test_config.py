"""The configuration files: the shipped defaults load, and bad files fail with a useful message.

A ConfigError message must name the file, the entry and the problem, because that message is all
the user sees (the CLI prints it instead of a traceback).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from carintel.config import (
    Alias,
    Sources,
    Watchlist,
    alias_rows,
    entity_rows,
    load_sources,
    load_watchlist,
    not_organisation_rows,
    relationship_rows,
)
from carintel.errors import ConfigError
from carintel.paths import default_config_dir

# fmt: off
REQUIRED_IDS = {
    # companies
    "jd", "gac", "catl", "xiaomi", "huawei", "seres", "chery", "baic", "jac", "saic", "baidu",
    "geely", "alibaba", "tencent", "foxconn", "sony", "honda", "apple", "nio", "xpeng",
    "li_auto", "meituan", "didi", "changan", "byd", "volkswagen", "yulon",
    # ventures and brands
    "hima", "aito", "luxeed", "stelato", "maextro", "shangjie", "jiyue", "im_motors",
    "sony_honda_mobility", "afeela", "foxtron", "aion", "avatr", "yinwang", "apple_car",
    "xiaomi_auto",
    # products
    "xiaomi_su7", "xiaomi_yu7", "aito_m9", "luxeed_s7", "maextro_s800", "jiyue_07", "im_l6",
    "afeela_1", "foxtron_model_c", "huawei_qiankun_ads",
    # people
    "lei_jun", "richard_yu", "robin_li", "li_shufu", "richard_liu", "young_liu",
    "yasuhide_mizuno", "robin_zeng", "he_xiaopeng", "william_li", "li_xiang",
}
# fmt: on

# Ordinary words and bare surnames that must never link an article to an entity
# whatever their case (they may only appear as exact-case aliases).
COMMON_WORDS = {"apple", "aion", "seres", "mona", "honor", "li", "liu", "yu", "titan", "harmony"}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def config_error(loader: Callable[[Path], object], path: Path) -> str:
    """Run the loader on a bad file; return the ConfigError message, which must name the file."""
    with pytest.raises(ConfigError) as info:
        loader(path)
    message = str(info.value)
    assert str(path) in message, "the message must name the file"
    return message


# -- the shipped defaults ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist(default_config_dir() / "watchlist.yaml")


@pytest.fixture(scope="module")
def sources() -> Sources:
    return load_sources(default_config_dir() / "sources.yaml")


def test_default_paths_are_the_shipped_files() -> None:
    assert load_watchlist() == load_watchlist(default_config_dir() / "watchlist.yaml")
    assert load_sources() == load_sources(default_config_dir() / "sources.yaml")


def test_shipped_watchlist_covers_the_tracked_ventures(watchlist: Watchlist) -> None:
    ids = {e.id for e in watchlist.entities}
    assert len(watchlist.entities) >= 40
    assert not REQUIRED_IDS - ids, f"missing: {sorted(REQUIRED_IDS - ids)}"
    assert len(watchlist.relationships) >= 40
    types = {e.type for e in watchlist.entities}
    assert types == {"company", "venture", "brand", "product", "person"}


def test_shipped_entities_are_described(watchlist: Watchlist) -> None:
    for entity in watchlist.entities:
        assert entity.description, entity.id
        if entity.country is not None:
            assert len(entity.country) == 2 and entity.country.isupper(), entity.id


def test_every_relationship_endpoint_exists(watchlist: Watchlist) -> None:
    by_id = watchlist.by_id()
    for rel in watchlist.relationships:
        assert rel.subject in by_id, rel
        assert rel.object in by_id, rel
        assert rel.subject != rel.object, rel


def test_shipped_relationship_dates_are_ordered_and_statuses_consistent(
    watchlist: Watchlist,
) -> None:
    for rel in watchlist.relationships:
        if rel.since and rel.until:
            # Partial ISO dates compare correctly as strings at their common precision.
            width = min(len(rel.since), len(rel.until))
            assert rel.since[:width] <= rel.until[:width], rel
        if rel.until:
            assert rel.status in {"ended", "cancelled"}, rel
        assert rel.note, rel


def test_shipped_watchlist_records_the_key_facts(watchlist: Watchlist) -> None:
    rels = {(r.subject, r.type, r.object): r for r in watchlist.relationships}
    for member in ("seres", "chery", "baic", "jac", "saic"):
        assert (member, "alliance_member", "hima") in rels
    for parent in ("baidu", "geely"):
        jiyue = rels[(parent, "jv_parent", "jiyue")]
        assert jiyue.since == "2021-03"
        assert jiyue.status == "ended"
    for parent in ("saic", "alibaba", "zhangjiang_hitech"):
        assert rels[(parent, "jv_parent", "im_motors")].since == "2020"
    for parent in ("sony", "honda"):
        assert (parent, "jv_parent", "sony_honda_mobility") in rels
    assert rels[("apple_car", "product_of", "apple")].status == "cancelled"
    assert rels[("tencent", "partner", "foxconn")].since == "2015-03"
    assert ("jd", "partner", "gac") in rels and ("jd", "partner", "catl") in rels
    assert ("lei_jun", "founder_of", "xiaomi") in rels


def test_shipped_aliases_avoid_common_words(watchlist: Watchlist) -> None:
    for row in alias_rows(watchlist):
        if not row["case_sensitive"]:
            assert row["alias"].casefold() not in COMMON_WORDS, row


def test_shipped_common_word_aliases_are_exact_case(watchlist: Watchlist) -> None:
    rows = {(r["entity_id"], r["alias"]): r for r in alias_rows(watchlist)}
    assert rows[("apple", "Apple")]["case_sensitive"] is True
    assert rows[("aion", "Aion")]["case_sensitive"] is True
    assert rows[("seres", "Seres")]["case_sensitive"] is True


def test_shipped_chinese_aliases(watchlist: Watchlist) -> None:
    rows = {(r["entity_id"], r["alias"]): r for r in alias_rows(watchlist)}
    for key in [
        ("jd", "京东"),
        ("gac", "广汽"),
        ("catl", "宁德时代"),
        ("xiaomi_auto", "小米汽车"),
        ("huawei", "华为"),
        ("hima", "鸿蒙智行"),
        ("aito", "问界"),
        ("luxeed", "智界"),
        ("stelato", "享界"),
        ("maextro", "尊界"),
        ("shangjie", "尚界"),
        ("jiyue", "极越"),
        ("jiyue", "集度"),
        ("im_motors", "智己"),
        ("yinwang", "引望"),
        ("lei_jun", "雷军"),
    ]:
        assert rows[key]["lang"] == "zh", key
        assert rows[key]["case_sensitive"] is True, key


def test_shipped_aliases_are_unique_ignoring_case(watchlist: Watchlist) -> None:
    """Stricter than the loader: no text may link to two entities under any case rule."""
    owners: dict[str, str] = {}
    for row in alias_rows(watchlist):
        owner = owners.setdefault(row["alias"].casefold(), row["entity_id"])
        assert owner == row["entity_id"], row


def test_rows_for_other_packages_are_plain_dicts(watchlist: Watchlist) -> None:
    entities = entity_rows(watchlist)
    assert {"id", "name", "type", "country", "description"} <= set(entities[0])
    rels = relationship_rows(watchlist)
    assert len(rels) == len(watchlist.relationships)
    assert set(rels[0]) == {
        "subject",
        "type",
        "object",
        "since",
        "until",
        "status",
        "note",
        "source_url",
    }


def test_shipped_sources_load(sources: Sources) -> None:
    names = [s.name for s in sources.all()]
    assert len(sources.feeds) >= 8
    assert len(names) == len(set(names))
    assert {"cnevpost", "carnewschina", "electrive", "electrek"} <= set(names)
    listed = [*sources.feeds, *sources.sitemaps]
    assert all(s.url.startswith("https://") for s in listed)
    assert all(s.language == "en" for s in listed)
    assert not any("news.google.com" in s.url for s in listed if s.enabled)
    assert len(list(sources.enabled())) >= 8
    assert sources.gdelt and sources.hackernews  # API sources ship enabled too


# -- aliases: case and language ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["NIO", "GAC", "BYD", "CATL", "HIMA", "Nio", "Aito", "SU7"])
def test_short_aliases_and_acronyms_are_case_sensitive(text: str) -> None:
    assert Alias(text=text).resolved_case_sensitive() is True


@pytest.mark.parametrize("text", ["Xiaomi", "Huawei", "Li Auto", "Sony Honda Mobility"])
def test_longer_mixed_case_aliases_ignore_case(text: str) -> None:
    assert Alias(text=text).resolved_case_sensitive() is False


def test_explicit_case_flag_wins() -> None:
    assert Alias(text="Apple", case_sensitive=True).resolved_case_sensitive() is True
    assert Alias(text="NIO", case_sensitive=False).resolved_case_sensitive() is False


def test_chinese_aliases_get_lang_zh_and_others_en() -> None:
    assert Alias(text="小米汽车").resolved_lang() == "zh"
    assert Alias(text="小米SU7").resolved_lang() == "zh"
    assert Alias(text="Xiaomi").resolved_lang() == "en"
    assert Alias(text="ソニー", lang="ja").resolved_lang() == "ja"


def test_plain_string_aliases_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "watchlist.yaml",
        """
        entities:
          - id: xiaomi
            name: Xiaomi
            type: company
            aliases: [小米, {text: Mi, case_sensitive: true}]
        """,
    )
    rows = alias_rows(load_watchlist(path))
    assert [(r["alias"], r["case_sensitive"], r["lang"]) for r in rows] == [
        ("Xiaomi", False, "en"),
        ("小米", True, "zh"),
        ("Mi", True, "en"),
    ]


# -- bad watchlists ---------------------------------------------------------------------------


def test_bad_entity_names_the_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "watchlist.yaml",
        """
        entities:
          - {id: nio, name: NIO, type: company}
          - {id: xiaomi, name: Xiaomi, type: compnay}
        """,
    )
    message = config_error(load_watchlist, path)
    assert "entities[1] (xiaomi).type" in message
    assert "'company'" in message


def test_bad_entity_id_is_explained(tmp_path: Path) -> None:
    path = write(tmp_path, "w.yaml", "entities:\n  - {id: Li Auto, name: Li Auto, type: company}\n")
    message = config_error(load_watchlist, path)
    assert "entities[0] (Li Auto).id" in message
    assert "lowercase slug" in message


def test_unknown_entity_in_relationship(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "watchlist.yaml",
        """
        entities:
          - {id: baidu, name: Baidu, type: company}
        relationships:
          - {subject: baidu, type: jv_parent, object: jidu, since: "2021-03"}
        """,
    )
    message = config_error(load_watchlist, path)
    assert "relationships[0] (baidu jv_parent jidu)" in message
    assert "unknown entity 'jidu'" in message


def test_duplicate_entity_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "watchlist.yaml",
        """
        entities:
          - {id: nio, name: NIO, type: company}
          - {id: nio, name: NIO Inc., type: company}
        """,
    )
    assert "entity ids used more than once: nio" in config_error(load_watchlist, path)


def test_duplicate_alias_across_two_entities(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "watchlist.yaml",
        """
        entities:
          - {id: jiyue, name: Jiyue, type: venture, aliases: [Jidu Auto]}
          - {id: baidu, name: Baidu, type: company, aliases: [jidu auto]}
        """,
    )
    message = config_error(load_watchlist, path)
    assert "alias 'jidu auto' belongs to both 'jiyue' and 'baidu'" in message


def test_not_organisations_become_rows_by_normalised_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "watchlist.yaml",
        """
        entities:
          - {id: nio, name: NIO, type: company}
        not_organisations: [Robotaxi, robotaxi, "AI's", Intelligence Ltd.]
        """,
    )
    assert not_organisation_rows(load_watchlist(path)) == [
        {"name_key": "robotaxi", "name": "Robotaxi"},
        {"name_key": "ai", "name": "AI's"},
        {"name_key": "intelligence", "name": "Intelligence Ltd."},
    ]


def test_a_watchlist_name_cannot_also_be_a_not_organisation(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "watchlist.yaml",
        """
        entities:
          - {id: seres, name: Seres Group, type: company, aliases: [Seres]}
        not_organisations: [AI, SERES]
        """,
    )
    message = config_error(load_watchlist, path)
    assert "not_organisations entry 'SERES' is also a name of 'seres'" in message


def test_shipped_not_organisations_are_generic_words(watchlist: Watchlist) -> None:
    names = {row["name_key"] for row in not_organisation_rows(watchlist)}
    assert {"ai", "robotaxi", "max"} <= names


def test_same_short_alias_in_different_case_is_allowed(tmp_path: Path) -> None:
    """Short aliases match by exact case, so "NIO" and "Nio" do not collide."""
    path = write(
        tmp_path,
        "watchlist.yaml",
        """
        entities:
          - {id: nio, name: NIO, type: company}
          - {id: other, name: Other, type: company, aliases: [nio]}
        """,
    )
    assert len(load_watchlist(path).entities) == 2


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2021-13", "month"),
        ("2021-02-30", "day"),
        ("March 2021", "is not a date like 2021, 2021-04 or 2021-04-17"),
    ],
)
def test_bad_relationship_date(tmp_path: Path, value: str, problem: str) -> None:
    path = write(
        tmp_path,
        "watchlist.yaml",
        f"""
        entities:
          - {{id: sony, name: Sony, type: company}}
          - {{id: honda, name: Honda, type: company}}
        relationships:
          - {{subject: sony, type: partner, object: honda, since: "{value}"}}
        """,
    )
    message = config_error(load_watchlist, path)
    assert "relationships[0].since" in message
    assert problem in message


def test_unquoted_dates_are_accepted(tmp_path: Path) -> None:
    """YAML reads 2022 as an int and 2022-03-04 as a date; both are kept as text."""
    path = write(
        tmp_path,
        "watchlist.yaml",
        """
        entities:
          - {id: sony, name: Sony, type: company}
          - {id: honda, name: Honda, type: company}
        relationships:
          - {subject: sony, type: partner, object: honda, since: 2022-03-04, until: 2030}
        """,
    )
    rel = load_watchlist(path).relationships[0]
    assert (rel.since, rel.until) == ("2022-03-04", "2030")


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "w.yaml", "entities:\n  - {id: nio, name: NIO, type: company, ceo: x}\n")
    assert "entities[0] (nio).ceo" in config_error(load_watchlist, path)


def test_missing_watchlist_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert "file not found" in config_error(load_watchlist, path)


def test_invalid_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "watchlist.yaml", "entities: [\n  - {id: nio\n")
    assert "not valid YAML" in config_error(load_watchlist, path)


def test_empty_watchlist_file_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "watchlist.yaml", "")
    assert "empty" in config_error(load_watchlist, path)


# -- sources ----------------------------------------------------------------------------------


def test_sources_with_only_feeds_of_name_and_url(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources.yaml",
        """
        feeds:
          - name: cnevpost
            url: https://cnevpost.com/feed/
          - name: electrek
            url: https://electrek.co/feed/
        """,
    )
    sources = load_sources(path)
    assert [s.name for s in sources.enabled()] == ["cnevpost", "electrek"]
    assert sources.sitemaps == []
    assert sources.feeds[0].language is None


def test_disabled_sources_are_kept_but_not_enabled(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources.yaml",
        """
        feeds:
          - {name: a, url: "https://a.example/feed"}
        sitemaps:
          - {name: b, url: "https://b.example/news-sitemap.xml", enabled: false}
        """,
    )
    sources = load_sources(path)
    assert [s.name for s in sources.all()] == ["a", "b"]
    assert [s.name for s in sources.enabled()] == ["a"]


def test_empty_sources_file_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "sources.yaml", "")
    config_error(load_sources, path)


def test_sources_without_entries_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "sources.yaml", "feeds: []\nsitemaps: []\n")
    assert "no sources" in config_error(load_sources, path)


def test_duplicate_source_names_across_lists(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources.yaml",
        """
        feeds:
          - {name: techcrunch, url: "https://techcrunch.com/feed/"}
        sitemaps:
          - {name: techcrunch, url: "https://techcrunch.com/news-sitemap.xml"}
        """,
    )
    assert "source names used more than once: techcrunch" in config_error(load_sources, path)


def test_bad_source_url_names_the_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources.yaml",
        """
        feeds:
          - {name: ok, url: "https://ok.example/feed"}
          - {name: pandaily, url: "pandaily.com/feed/"}
        """,
    )
    message = config_error(load_sources, path)
    assert "feeds[1] (pandaily).url" in message
    assert "must be an http(s) URL" in message


def test_missing_sources_file(tmp_path: Path) -> None:
    assert "file not found" in config_error(load_sources, tmp_path / "sources.yaml")


QUERY_RULE_BREAKERS = """
feeds:
  - {name: ok, url: "https://ok.example/feed"}
gdelt:
  - {name: fine, query: '(Xiaomi OR Huawei) carmaker'}
  - {name: tech_ev, query: '(Xiaomi OR Huawei) (EV OR "electric vehicle")'}
bluesky:
  - {name: crossover, query: Xiaomi SU7 OR Afeela OR HIMA}
mastodon:
  - {name: spaced, instance: mastodon.social, tag: electric vehicles}
reddit:
  - {name: sub, subreddit: r/electric vehicles}
"""


def test_queries_an_api_would_refuse_fail_the_load_naming_entry_and_fix(tmp_path: Path) -> None:
    message = config_error(load_sources, write(tmp_path, "sources.yaml", QUERY_RULE_BREAKERS))
    assert "4 problem(s)" in message
    assert "gdelt[1] (tech_ev).query: GDELT refuses terms shorter than 3 characters" in message
    assert '"electric vehicle", not EV' in message and "Value error" not in message
    assert "bluesky[0] (crossover).query: Bluesky search has no OR" in message
    assert "one bluesky entry per alternative: 'Xiaomi SU7', 'Afeela', 'HIMA'" in message
    assert "mastodon[0] (spaced).tag" in message and "'electricvehicles'" in message
    assert "reddit[0] (sub).subreddit" in message


def test_the_source_check_loads_such_queries_to_report_them(tmp_path: Path) -> None:
    path = write(tmp_path, "sources.yaml", QUERY_RULE_BREAKERS)
    sources = load_sources(path, query_rules=False)
    assert [s.name for s in sources.gdelt] == ["fine", "tech_ev"]


def test_shipped_queries_follow_the_api_rules(sources: Sources) -> None:
    from crawlers.query_rules import source_problems

    for section, entries in sources.sections().items():
        for entry in entries:
            assert source_problems(section, entry.model_dump()) == [], entry.name
    assert len(sources.bluesky) >= 2  # one entry per alternative: Bluesky has no OR
    krasia = next(s for s in sources.feeds if s.name == "krasia")
    assert krasia.url == "https://kr-asia.com/feed/"


# -- alias precedence and clashes -----------------------------------------------------------


def test_explicit_alias_overrides_the_name_case_rule() -> None:
    watchlist = Watchlist.model_validate(
        {
            "entities": [
                {
                    "id": "apple",
                    "name": "Apple",
                    "type": "company",
                    "aliases": [{"text": "Apple", "case_sensitive": True}],
                }
            ]
        }
    )
    assert alias_rows(watchlist)[0]["case_sensitive"] is True


def test_alias_clash_between_exact_case_and_any_case_is_rejected() -> None:
    with pytest.raises(ValueError, match="belongs to both"):
        Watchlist.model_validate(
            {
                "entities": [
                    {"id": "a", "name": "Alpha", "type": "company", "aliases": ["Seres Motors"]},
                    {"id": "b", "name": "Beta", "type": "company", "aliases": ["SERES MOTORS"]},
                ]
            }
        )
