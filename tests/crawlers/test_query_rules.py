"""What each API accepts as a query: problems found before anything is sent, worded as fixes."""

from __future__ import annotations

import pytest

from crawlers.query_rules import (
    bluesky_query_problems,
    gdelt_query_problems,
    mastodon_tag_problems,
    reddit_query_problems,
    reddit_subreddit_problems,
    source_problems,
)


@pytest.mark.parametrize(
    "query",
    [
        "Xiaomi SU7",
        '(Xiaomi OR Huawei OR "JD.com") "electric vehicle"',
        '("Harmony Intelligent Mobility" OR Jiyue OR "IM Motors")',
        "Xiaomi sourcelang:english -Apple",
        'near20:"Xiaomi carmaker" domain:cnevpost.com',
    ],
)
def test_gdelt_queries_that_gdelt_accepts(query: str) -> None:
    assert gdelt_query_problems(query) == []


def test_gdelt_short_terms_are_named_inside_or_groups_too() -> None:
    [problem] = gdelt_query_problems('(Xiaomi OR Huawei) (EV OR "electric vehicle" OR carmaker)')
    assert "shorter than 3 characters" in problem and "'EV'" in problem
    assert "The specified phrase is too short." in problem
    assert '"electric vehicle", not EV' in problem
    assert "'JD'" in gdelt_query_problems('(Xiaomi OR "JD") car')[0]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("Xiaomi OR Huawei", "OR only inside parentheses"),
        ("(Xiaomi) carmaker", "parentheses only around OR'd terms"),
        ("((Xiaomi OR Huawei) OR Baidu)", "cannot nest"),
        ("(Xiaomi OR Huawei", "do not balance"),
        ('"Xiaomi SU7', "not closed"),
    ],
)
def test_gdelt_syntax_rules(query: str, says: str) -> None:
    assert any(says in p for p in gdelt_query_problems(query))


def test_bluesky_or_is_split_into_one_entry_per_alternative() -> None:
    [problem] = bluesky_query_problems("Xiaomi SU7 OR Afeela OR HIMA")
    assert "no OR" in problem and "'OR' included" in problem
    assert "'Xiaomi SU7', 'Afeela', 'HIMA'" in problem
    assert "AND operator" in bluesky_query_problems("Xiaomi AND SU7")[0]
    for fine in ('"Xiaomi SU7"', "Afeela", "HIMA Huawei", "Oregon ORCA or orange"):
        assert bluesky_query_problems(fine) == []


def test_mastodon_tags_and_reddit_names() -> None:
    assert mastodon_tag_problems("#XiaomiSU7") == mastodon_tag_problems("electric_cars") == []
    assert "did you mean 'electricvehicles'" in mastodon_tag_problems("electric vehicles")[0]
    assert mastodon_tag_problems("2025") != []
    assert reddit_subreddit_problems("r/electricvehicles") == []
    assert "not a subreddit name" in reddit_subreddit_problems("electric vehicles")[0]
    assert reddit_query_problems("x" * 513) and not reddit_query_problems("Xiaomi OR Huawei")


def test_problems_by_section() -> None:
    assert source_problems("gdelt", {"query": "EV"})
    assert source_problems("bluesky", {"query": "a OR b"})
    assert source_problems("feeds", {"url": "https://x.example/feed"}) == []
    assert source_problems("hackernews", {"query": "EV"}) == []  # Algolia takes anything
