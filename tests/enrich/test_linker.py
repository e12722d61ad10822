from __future__ import annotations

import pytest

from carintel.config import alias_rows, load_watchlist
from enrich.linker import AliasLinker


def _linker(*aliases: tuple[str, str, bool]) -> AliasLinker:
    return AliasLinker({"entity_id": e, "alias": a, "case_sensitive": cs} for e, a, cs in aliases)


def test_short_case_sensitive_alias_does_not_match_inside_other_words() -> None:
    linker = _linker(("nio", "NIO", True), ("jac", "JAC", True))
    text = "The UNION and a JACKET factory; engineers at a dominion plant talked to NIO and JAC."
    found = [(m.entity_id, m.text) for m in linker.find(text)]
    assert found == [("nio", "NIO"), ("jac", "JAC")]


def test_case_sensitive_alias_ignores_other_case() -> None:
    linker = _linker(("nio", "NIO", True))
    assert linker.find("Nio and nio are not the carmaker") == []


def test_case_insensitive_alias_matches_any_case_with_correct_offsets() -> None:
    linker = _linker(("xiaomi", "Xiaomi", False))
    text = "XIAOMI said xiaomi's plant and Xiaomi-backed firms grow."
    mentions = linker.find(text)
    assert [m.text for m in mentions] == ["XIAOMI", "xiaomi", "Xiaomi"]
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_longest_alias_wins_where_matches_overlap() -> None:
    linker = _linker(("xiaomi", "Xiaomi", False), ("xiaomi_su7", "Xiaomi SU7", False))
    mentions = linker.find("The Xiaomi SU7 sold well for Xiaomi.")
    assert [(m.entity_id, m.text) for m in mentions] == [
        ("xiaomi_su7", "Xiaomi SU7"),
        ("xiaomi", "Xiaomi"),
    ]


def test_chinese_aliases_match_without_spaces_and_offsets_survive_case_folding() -> None:
    linker = _linker(("seres", "赛力斯", True), ("huawei", "Huawei", False))
    text = "İstanbul: 华为与赛力斯合作 (Seres with HUAWEI)"
    mentions = linker.find(text)
    assert [(m.entity_id, m.text) for m in mentions] == [("seres", "赛力斯"), ("huawei", "HUAWEI")]
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_latin_alias_next_to_chinese_characters_still_matches() -> None:
    linker = _linker(("huawei", "Huawei", False))
    assert [m.text for m in linker.find("华为Huawei的")] == ["Huawei"]


def test_version_changes_when_aliases_change() -> None:
    a = _linker(("nio", "NIO", True))
    b = _linker(("nio", "NIO", True), ("nio", "蔚来", True))
    assert a.version != b.version
    assert a.version == _linker(("nio", "NIO", True)).version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lei Jun said the SU7 order book was full.", {"lei_jun"}),
        ("JD.com, GAC and CATL showed their car.", {"jd", "gac", "catl"}),
        ("A union of engineers in Jacksonville ate an apple.", set()),
    ],
)
def test_default_watchlist_links_expected_entities(text: str, expected: set[str]) -> None:
    linker = AliasLinker(alias_rows(load_watchlist()))
    found = {m.entity_id for m in linker.find(text)}
    assert expected <= found
    if not expected:
        assert found == set()
