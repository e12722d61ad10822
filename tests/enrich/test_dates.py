"""Event dates from sentences: every supported form, its precision, and the fallback."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from enrich.dates import resolve_date

PUB = date(2025, 11, 27)  # a Thursday


@pytest.mark.parametrize(
    ("sentence", "published", "expected", "precision"),
    [
        ("In March 2015, Foxconn and Tencent signed a deal.", PUB, "2015-03", "month"),
        ("Xiaomi launched the SU7 on March 28, 2024.", PUB, "2024-03-28", "day"),
        ("Sony and Honda said on 4 March 2022 they would team up.", PUB, "2022-03-04", "day"),
        ("The venture was registered on 2024-05-12.", PUB, "2024-05-12", "day"),
        ("In 2024 Baidu stopped funding Jiyue.", PUB, "2024", "year"),
        ("Byton stalled in late 2024.", PUB, "2024", "year"),
        ("The car will be unveiled on November 9.", date(2025, 10, 14), "2025-11-09", "day"),
        ("Sales fell last month.", PUB, "2025-10", "month"),
        ("Production starts next month.", PUB, "2025-12", "month"),
        ("Earlier this year the company raised money.", PUB, "2025", "year"),
        ("Last year it sold 10,000 cars.", PUB, "2024", "year"),
        ("Xiaomi opened orders yesterday.", PUB, "2025-11-26", "day"),
        ("Seres said on Monday it had priced its shares.", PUB, "2025-11-24", "day"),
        ("Jiyue filed two days ago.", PUB, "2025-11-25", "day"),
        ("The court accepted the filing on November 21 this year.", PUB, "2025-11-21", "day"),
        ("京东于2025年10月14日宣布与广汽合作。", PUB, "2025-10-14", "day"),
        ("JAC finished the plant in May.", PUB, "2025-05", "month"),
    ],
)
def test_explicit_and_relative_dates_resolve_with_their_precision(
    sentence: str, published: date, expected: str, precision: str
) -> None:
    resolved = resolve_date(sentence, published)
    assert (resolved.date, resolved.precision, resolved.source) == (
        expected,
        precision,
        "sentence",
    )
    assert resolved.text_span is not None
    start, end = resolved.text_span
    assert sentence[start:end] == resolved.text


def test_a_quarter_is_its_first_month_with_the_last_month_as_range_end() -> None:
    explicit = resolve_date("CATL's profit rose 41 percent in Q3 2025.", PUB)
    assert (explicit.date, explicit.precision, explicit.end, explicit.note) == (
        "2025-07",
        "month",
        "2025-09",
        "quarter",
    )
    implicit = resolve_date("Its profit rose in the third quarter.", PUB)
    assert (implicit.date, implicit.end) == ("2025-07", "2025-09")
    # published in February, "the fourth quarter" is the one that ended weeks ago
    previous = resolve_date("Deliveries rose in the fourth quarter.", date(2026, 2, 10))
    assert (previous.date, previous.end) == ("2025-10", "2025-12")


@pytest.mark.parametrize(
    ("sentence", "start", "end", "precision"),
    [
        ("Between March and May 2024 sales rose.", "2024-03", "2024-05", "month"),
        ("From 2021 to 2023 the venture lost money.", "2021", "2023", "year"),
        ("Test drives run March 3-5, 2024.", "2024-03-03", "2024-03-05", "day"),
        ("Between November 2024 and February 2025 orders fell.", "2024-11", "2025-02", "month"),
    ],
)
def test_ranges_give_start_and_end(sentence: str, start: str, end: str, precision: str) -> None:
    resolved = resolve_date(sentence, PUB)
    assert (resolved.date, resolved.end, resolved.precision, resolved.note) == (
        start,
        end,
        precision,
        "range",
    )


def test_year_of_a_day_without_year_is_inferred_across_a_year_boundary() -> None:
    # early January: "December 30" is last year's
    assert resolve_date("The recall began on December 30.", date(2026, 1, 5)).date == "2025-12-30"
    # late December: a future "January 8" is next year's
    assert (
        resolve_date("The car will go on sale on January 8.", date(2025, 12, 20)).date
        == "2026-01-08"
    )
    assert resolve_date("Sales fell last month.", date(2026, 1, 5)).date == "2025-12"
    assert resolve_date("It will open next month.", date(2025, 12, 5)).date == "2026-01"
    assert resolve_date("Xiaomi said so yesterday.", date(2026, 1, 1)).date == "2025-12-31"
    assert resolve_date("Orders opened in December.", date(2026, 1, 9)).date == "2025-12"


def test_weekday_is_the_most_recent_before_publication_or_the_next_for_the_future() -> None:
    wednesday = date(2025, 11, 26)
    assert resolve_date("Seres listed on Monday.", wednesday).date == "2025-11-24"
    assert resolve_date("Seres listed on Friday.", wednesday).date == "2025-11-21"
    assert resolve_date("Seres will list on Friday.", wednesday).date == "2025-11-28"
    # same-day wire copy: "on Wednesday" in Wednesday's paper is that day
    assert resolve_date("Seres listed on Wednesday.", wednesday).date == "2025-11-26"


def test_without_a_date_in_the_sentence_the_publication_date_is_used_and_said() -> None:
    resolved = resolve_date(
        "Tencent later left the venture.", datetime(2025, 11, 27, 10, tzinfo=UTC)
    )
    assert (resolved.date, resolved.precision, resolved.source) == (
        "2025-11-27",
        "day",
        "publication",
    )
    assert resolved.text_span is None


def test_without_any_date_the_result_is_unknown_and_relative_forms_need_a_publication_date() -> (
    None
):
    assert resolve_date("Tencent later left the venture.", None).source == "unknown"
    assert resolve_date("Sales fell last month.", None).date is None
    assert resolve_date("In March 2015 they signed.", None).date == "2015-03"


@pytest.mark.parametrize(
    "sentence",
    ["Xiaomi sold 2000 cars.", "The SU7 costs 215,900 yuan.", "Xiaomi may launch a third model."],
)
def test_numbers_and_words_that_look_like_dates_are_not_dates(sentence: str) -> None:
    assert resolve_date(sentence, PUB).source == "publication"


def test_a_founding_aside_does_not_hide_the_event_date() -> None:
    resolved = resolve_date("Xiaomi, founded in 2010, said on Monday it would build cars.", PUB)
    assert resolved.date == "2025-11-24"


def test_comparisons_appositions_and_full_date_ranges() -> None:
    compared = resolve_date(
        "Revenue rose 15 percent from a year earlier in the third quarter.", PUB
    )
    assert (compared.date, compared.note) == ("2025-07", "quarter")
    precise = resolve_date("Earlier this month, on November 7, Li Auto began its recall.", PUB)
    assert (precise.date, precise.precision) == ("2025-11-07", "day")
    spanning = resolve_date(
        "The recall covers cars built between February 6, 2024 and August 30, 2025.", PUB
    )
    assert (spanning.date, spanning.end, spanning.note) == ("2024-02-06", "2025-08-30", "range")
