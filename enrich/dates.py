"""An event's own date, resolved from its sentence and the publication date. Rules, no model.

`resolve_date(sentence, published_at)` returns a `ResolvedDate`: an ISO 8601 date cut to its
precision (``2015``, ``2015-03``, ``2015-03-14``), where it came from (``source``) and the
characters it was read from. Decisions, so callers can rely on them:

- The first date expression in the sentence is the event's date, except a ``founded in 2010``
  style aside when another expression follows, a comparison (``up 15 percent from a year
  earlier``), and a vague expression followed by a precise one in apposition (``earlier this
  month, on November 7`` is November 7). Two dates joined as ``between <date> and <date>`` make
  a range.
- Quarters and halves have no precision of their own: ``Q3 2025`` / ``the third quarter`` give
  the quarter's first month at month precision with ``end`` set to its last month
  (``2025-07`` … ``2025-09``) and ``note="quarter"`` (``"half"`` for halves).
- Ranges (``between March and May 2024``, ``from 2021 to 2023``, ``March 3-5, 2024``) give the
  start as ``date`` and the end as ``end``, ``note="range"``.
- A day or month without a year takes the year that puts it closest to the publication date,
  looking forward when the sentence speaks of the future ("will", "plans to", "due to") and back
  when it speaks of the past; so ``on December 30`` in a text of 2026-01-05 is 2025-12-30.
- Weekdays (``on Monday``) are the most recent such day on or before the publication date (news
  style: "said on Monday" in Monday's paper is that day), the next one when the verb is future.
- ``last week`` / ``this week`` / ``N weeks ago`` are approximate: the month of that week, at
  month precision, ``note="approximate"``. ``late 2024`` / ``mid-2025`` are the year.
- With no date in the sentence the publication date is returned at day precision with
  ``source="publication"``; with neither, ``date`` is None and ``source="unknown"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

Precision = Literal["year", "month", "day"]
Source = Literal["sentence", "publication", "context", "unknown"]

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    start=1,
):
    MONTHS[_name] = _i
    MONTHS[_name[:3]] = _i
MONTHS["sept"] = 9
WEEKDAYS = {
    name: i
    for i, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3}
ORDINALS["4th"] = 4
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip


@dataclass(frozen=True)
class ResolvedDate:
    """`date` is ISO 8601 cut to `precision`; `text_span` is (start, end) in the sentence."""

    date: str | None
    precision: Precision | None
    source: Source
    text_span: tuple[int, int] | None = None
    text: str | None = None  # the characters the date was read from
    end: str | None = None  # last date of a range or quarter, same precision as `date`
    note: str | None = None  # quarter | half | range | relative | approximate


_MON = (
    r"(?P<{g}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?P<{g}>(?:19[5-9]|20[0-9])[0-9])"
_DAY = r"(?P<{g}>[0-3]?[0-9])(?:st|nd|rd|th)?"
_B = r"(?<![\w$¥€£.,-])"  # no digit/letter/currency/number part before
_E = r"(?![\w%]|[.,][0-9])"  # not followed by more of a word or a number

_FUTURE = re.compile(
    r"\b(will|plans?\s+to|planned|planning|is\s+set\s+to|are\s+set\s+to|aims?\s+to|"
    r"intends?\s+to|expects?\s+to|is\s+expected|are\s+expected|(?:is|are|was|were)\s+due\s+to|"
    r"is\s+to|are\s+to|"
    r"scheduled|upcoming|next|coming|from\s+\w+\s+on)\b",
    re.I,
)
_REPORTED = re.compile(r"\b(said|says|announced|told|reported)\b", re.I)
_ASIDE = re.compile(r"\b(founded|established|set\s+up|created|formed|born)\s+(in|on)\s+$", re.I)


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso_day", _p(_B + r"(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)" + _E)),
    ("iso_month", _p(_B + r"(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)(?![\d-])")),
    ("zh_day", re.compile(r"(?P<y>(?:19|20)\d\d)年(?P<m>[01]?\d)月(?P<d>[0-3]?\d)[日号]")),
    ("zh_month", re.compile(r"(?P<y>(?:19|20)\d\d)年(?P<m>[01]?\d)月")),
    ("zh_year", re.compile(r"(?P<y>(?:19|20)\d\d)年")),
    (
        "day_range",  # March 3-5, 2024 / March 3 to 5
        _p(
            r"\b"
            + _MON.format(g="mon")
            + r"\s+"
            + _DAY.format(g="d")
            + r"\s*(?:-|–|to|and|through)\s*"
            + _DAY.format(g="d2")
            + r"(?:,?\s+"
            + _YEAR.format(g="y")
            + r")?"
            + _E
        ),
    ),
    (
        "month_range",  # between March and May 2024 / from March to May / March-May 2024
        _p(
            r"\b(?:between\s+|from\s+)?"
            + _MON.format(g="mon")
            + r"(?:\s+"
            + _YEAR.format(g="y1")
            + r")?\s*(?:-|–|and|to|through|until)\s*"
            + _MON.format(g="mon2")
            + r"(?:,?\s+(?:of\s+)?"
            + _YEAR.format(g="y")
            + r")?"
            + _E
        ),
    ),
    (
        "year_range",  # between 2019 and 2021 / from 2021 to 2023 / 2021-2023
        _p(
            r"(?:\b(?:between|from)\s+)?"
            + _B
            + _YEAR.format(g="y")
            + r"\s*(?:-|–|and|to|through|until)\s*"
            + _YEAR.format(g="y2")
            + _E
        ),
    ),
    (
        "mdy",  # March 14, 2015 / March 14th / Mar. 14
        _p(
            r"\b"
            + _MON.format(g="mon")
            + r"\s+"
            + _DAY.format(g="d")
            + r"(?:,?\s+"
            + _YEAR.format(g="y")
            + r")?"
            + _E
        ),
    ),
    (
        "dmy",  # 14 March 2015 / 14th of March
        _p(
            _B
            + _DAY.format(g="d")
            + r"\s+(?:of\s+)?"
            + _MON.format(g="mon")
            + r"(?:,?\s+"
            + _YEAR.format(g="y")
            + r")?"
            + _E
        ),
    ),
    (
        "quarter",  # Q3 2025 / 3Q25 / the third quarter (of 2025) / third-quarter
        _p(
            r"\b(?:(?:the\s+)?(?P<qw>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter"
            r"(?:\s+of)?|q(?P<qn>[1-4]))(?:,?\s+(?:fiscal\s+|fy\s*)?"
            + _YEAR.format(g="y")
            + r")?"
            + _E
        ),
    ),
    (
        "half",  # H1 2025 / the first half of 2025 / second-half
        _p(
            r"\b(?:(?:the\s+)?(?P<hw>first|second|1st|2nd)[\s-]+half(?:\s+of)?|h(?P<hn>[12]))"
            r"(?:,?\s+" + _YEAR.format(g="y") + r")?" + _E
        ),
    ),
    (
        "month_year",
        _p(r"\b" + _MON.format(g="mon") + r",?\s+(?:of\s+)?" + _YEAR.format(g="y") + _E),
    ),
    (
        "relative_day",
        _p(
            r"\b(?P<rel>yesterday|today|tomorrow|(?P<n>\d+|"
            + "|".join(NUMBER_WORDS)
            + r")\s+days?\s+(?P<dir>ago|later|earlier))\b"
        ),
    ),
    (
        "relative_week",
        _p(
            r"\b(?P<rel>last\s+week|this\s+week|next\s+week|earlier\s+this\s+week|"
            r"(?P<n>\d+|" + "|".join(NUMBER_WORDS) + r")\s+weeks?\s+ago)\b"
        ),
    ),
    (
        "weekday",
        _p(
            r"\b(?:(?P<which>last|this|next|on|since)\s+)?(?P<wd>monday|tuesday|wednesday|"
            r"thursday|friday|saturday|sunday)\b"
        ),
    ),
    (
        "relative_month",
        _p(
            r"\b(?P<rel>last\s+month|this\s+month|next\s+month|earlier\s+this\s+month|"
            r"later\s+this\s+month|(?P<n>\d+|"
            + "|".join(NUMBER_WORDS)
            + r")\s+months?\s+(?:ago|earlier))\b"
        ),
    ),
    (
        "relative_quarter",
        _p(r"\b(?P<rel>last|this|next|the\s+previous|the\s+current)\s+quarter\b"),
    ),
    (
        "relative_year",
        _p(
            r"\b(?P<rel>last\s+year|this\s+year|next\s+year|earlier\s+this\s+year|"
            r"later\s+this\s+year|a\s+year\s+(?:ago|earlier)|(?P<n>\d+|"
            + "|".join(NUMBER_WORDS)
            + r")\s+years?\s+(?:ago|earlier))\b"
        ),
    ),
    (
        "month_only",
        _p(
            r"\b(?:in|on|by|since|until|from|during|early|late|mid-?|end\s+of)\s+"
            + _MON.format(g="mon")
            + r"(?!\s+\d)\b"
        ),
    ),
    ("year", _p(_B + _YEAR.format(g="y") + r"(?:'s)?" + _E)),
]

_UNIT_AFTER = re.compile(
    r"\s*(?:yuan|dollars?|units|cars|vehicles|km|kilometres|kilometers|kwh|kw|hp|mah|"
    r"employees|people|shares|stores|outlets|models)\b",
    re.I,
)


def _as_date(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    return value


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _month_of(value: str) -> int:
    key = value.lower().rstrip(".")
    return MONTHS.get(key, MONTHS.get(key[:3], 0))


def _infer_year(month: int, day: int, pub: date | None, future: bool) -> int | None:
    """The year that puts (month, day) nearest the publication date, on the side of the
    publication date that the sentence's tense points to."""
    if pub is None:
        return None
    candidates: list[tuple[float, int]] = []
    for year in (pub.year - 1, pub.year, pub.year + 1):
        try:
            when = date(year, month, day)
        except ValueError:
            continue
        delta = (when - pub).days
        # the tense only decides between candidates on opposite sides; a small slack lets
        # "will ... on March 1" printed on March 2 stay in the same year
        penalty = 0.0
        if future and delta < -7:
            penalty = 400.0
        if not future and delta > 31:
            penalty = 400.0
        candidates.append((abs(delta) + penalty, year))
    return min(candidates)[1] if candidates else None


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _quarter_of(pub: date) -> int:
    return (pub.month - 1) // 3 + 1


class _Unresolvable(Exception):
    """The expression needs a publication date that is missing."""


def _resolve(
    kind: str, m: re.Match[str], pub: date | None, future: bool
) -> tuple[str, Precision, str | None, str | None]:
    """(date, precision, end, note) for one match; raises _Unresolvable."""
    g = m.groupdict()

    def need_pub() -> date:
        if pub is None:
            raise _Unresolvable
        return pub

    if kind in ("iso_day", "zh_day"):
        y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
        date(y, mo, d)  # ValueError on 2024-13-45
        return _iso(y, mo, d), "day", None, None
    if kind in ("iso_month", "zh_month"):
        y, mo = int(g["y"]), int(g["m"])
        if not 1 <= mo <= 12:
            raise ValueError(mo)
        return _iso(y, mo), "month", None, None
    if kind == "zh_year" or kind == "year":
        return _iso(int(g["y"])), "year", None, None
    if kind in ("mdy", "dmy", "day_range"):
        mo, d = _month_of(g["mon"]), int(g["d"])
        maybe = int(g["y"]) if g.get("y") else _infer_year(mo, d, pub, future)
        if maybe is None:
            raise _Unresolvable
        y = maybe
        date(y, mo, d)
        if kind == "day_range":
            d2 = int(g["d2"])
            date(y, mo, d2)
            if d2 <= d:
                raise ValueError(d2)
            return _iso(y, mo, d), "day", _iso(y, mo, d2), "range"
        return _iso(y, mo, d), "day", None, None
    if kind == "month_year":
        return _iso(int(g["y"]), _month_of(g["mon"])), "month", None, None
    if kind == "month_only":
        mo = _month_of(g["mon"])
        inferred_year = _infer_year(mo, 15, pub, future)
        if inferred_year is None:
            raise _Unresolvable
        return _iso(inferred_year, mo), "month", None, None
    if kind == "month_range":
        m1, m2 = _month_of(g["mon"]), _month_of(g["mon2"])
        y2 = int(g["y"]) if g.get("y") else None
        y1 = int(g["y1"]) if g.get("y1") else None
        if y2 is None and y1 is None:
            inferred = _infer_year(m1, 15, pub, future)
            if inferred is None:
                raise _Unresolvable
            y1 = inferred
            y2 = inferred if m2 >= m1 else inferred + 1
        elif y2 is None:
            assert y1 is not None
            y2 = y1 if m2 >= m1 else y1 + 1
        elif y1 is None:
            y1 = y2 if m1 <= m2 else y2 - 1
        return _iso(y1, m1), "month", _iso(y2, m2), "range"
    if kind == "year_range":
        y1, y2 = int(g["y"]), int(g["y2"])
        if y2 <= y1:
            raise ValueError(y2)
        return _iso(y1), "year", _iso(y2), "range"
    if kind in ("quarter", "half"):
        if kind == "quarter":
            q = int(g["qn"]) if g.get("qn") else ORDINALS[g["qw"].lower()]
            first, span, note = (q - 1) * 3 + 1, 2, "quarter"
        else:
            h = int(g["hn"]) if g.get("hn") else ORDINALS[g["hw"].lower()]
            first, span, note = (h - 1) * 6 + 1, 5, "half"
        if g.get("y"):
            y = int(g["y"])
        else:
            p = need_pub()
            # the most recent such period that has begun (or the next one, for the future)
            y = p.year if first <= p.month else p.year - 1
            if future and first + span < p.month:
                y = p.year + 1
        return _iso(y, first), "month", _iso(y, first + span), note
    if kind == "relative_day":
        p = need_pub()
        rel = g["rel"].lower()
        if rel == "yesterday":
            when = p - timedelta(days=1)
        elif rel == "today":
            when = p
        elif rel == "tomorrow":
            when = p + timedelta(days=1)
        else:
            n = int(g["n"]) if g["n"].isdigit() else NUMBER_WORDS[g["n"].lower()]
            when = p + timedelta(days=n if g["dir"].lower() == "later" else -n)
        return when.isoformat(), "day", None, "relative"
    if kind == "relative_week":
        p = need_pub()
        rel = " ".join(g["rel"].lower().split())
        if rel.startswith("last"):
            when = p - timedelta(days=7)
        elif rel.startswith("next"):
            when = p + timedelta(days=7)
        elif g.get("n"):
            n = int(g["n"]) if g["n"].isdigit() else NUMBER_WORDS[g["n"].lower()]
            when = p - timedelta(days=7 * n)
        else:
            when = p
        return _iso(when.year, when.month), "month", None, "approximate"
    if kind == "weekday":
        p = need_pub()
        before = m.string[max(0, m.start() - 40) : m.start()]
        future = bool(_FUTURE.search(before)) and not _REPORTED.search(before)
        target = WEEKDAYS[g["wd"].lower()]
        which = (g.get("which") or "").lower()
        back = (p.weekday() - target) % 7
        if which == "next" or (future and which != "last"):
            ahead = (target - p.weekday()) % 7 or 7
            when = p + timedelta(days=ahead)
        elif which == "last" and back == 0:
            when = p - timedelta(days=7)
        else:
            when = p - timedelta(days=back)
        return when.isoformat(), "day", None, "relative"
    if kind == "relative_month":
        p = need_pub()
        rel = " ".join(g["rel"].lower().split())
        if rel.startswith("last"):
            y, mo = _add_months(p.year, p.month, -1)
        elif rel.startswith("next"):
            y, mo = _add_months(p.year, p.month, 1)
        elif g.get("n"):
            n = int(g["n"]) if g["n"].isdigit() else NUMBER_WORDS[g["n"].lower()]
            y, mo = _add_months(p.year, p.month, -n)
        else:
            y, mo = p.year, p.month
        return _iso(y, mo), "month", None, "relative"
    if kind == "relative_quarter":
        p = need_pub()
        rel = " ".join(g["rel"].lower().split())
        q = _quarter_of(p)
        y = p.year
        if rel in ("last", "the previous"):
            q -= 1
        elif rel == "next":
            q += 1
        if q == 0:
            q, y = 4, y - 1
        elif q == 5:
            q, y = 1, y + 1
        first = (q - 1) * 3 + 1
        return _iso(y, first), "month", _iso(y, first + 2), "quarter"
    if kind == "relative_year":
        p = need_pub()
        rel = " ".join(g["rel"].lower().split())
        if rel.startswith("last") or rel.startswith("a year"):
            y = p.year - 1
        elif rel.startswith("next"):
            y = p.year + 1
        elif g.get("n"):
            y = p.year - (int(g["n"]) if g["n"].isdigit() else NUMBER_WORDS[g["n"].lower()])
        else:
            y = p.year
        return _iso(y), "year", None, "relative"
    raise AssertionError(kind)  # pragma: no cover


def _candidates(sentence: str) -> list[tuple[int, int, str, re.Match[str]]]:
    """Non-overlapping date expressions, earliest first; at one place the longest wins."""
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            if kind == "year" and _UNIT_AFTER.match(sentence, m.end()):
                continue  # "2000 cars", "2024 yuan"
            found.append((m.start(), m.end(), kind, m))
    found.sort(key=lambda c: (c[0], -(c[1] - c[0]), _PRIORITY[c[2]]))
    chosen: list[tuple[int, int, str, re.Match[str]]] = []
    taken = bytearray(len(sentence) + 1)
    for start, end, kind, m in found:
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, kind, m))
    chosen.sort(key=lambda c: c[0])
    return chosen


_PRIORITY = {kind: i for i, (kind, _) in enumerate(_PATTERNS)}


def _trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    while start < end and sentence[start].isspace():
        start += 1
    while end > start and sentence[end - 1] in " ,.":
        end -= 1
    return start, end


_COMPARISON = re.compile(r"\b(from|than|with|over|versus|vs\.?|on)\s+$", re.I)
_RANGE_OPEN = re.compile(r"\b(between|from)\s+$", re.I)
_RANGE_JOIN = re.compile(r"^\s*(and|to|until|through|-|–)\s*$", re.I)
_APPOSITION = re.compile(r"^\s*,?\s*(on|in)?\s*$", re.I)
_RANK = {"year": 0, "month": 1, "day": 2}


def resolve_date(sentence: str, published_at: date | datetime | None) -> ResolvedDate:
    """The date of the event a sentence reports; see the module docstring for the rules."""
    pub = _as_date(published_at)
    future = bool(_FUTURE.search(sentence))
    candidates = [
        c
        for c in _candidates(sentence)
        # "up 15 percent from a year earlier" compares, it does not date the event
        if not (c[2] == "relative_year" and _COMPARISON.search(sentence[max(0, c[0] - 12) : c[0]]))
    ]
    if len(candidates) > 1:
        kept = [c for c in candidates if not _ASIDE.search(sentence[max(0, c[0] - 20) : c[0]])]
        candidates = kept or candidates
    resolved: list[tuple[int, int, str, str, Precision, str | None, str | None]] = []
    for start, end, kind, match in candidates:
        try:
            value, precision, range_end, note = _resolve(kind, match, pub, future)
        except (_Unresolvable, ValueError, KeyError):
            continue
        start, end = _trim(sentence, start, end)
        resolved.append((start, end, kind, value, precision, range_end, note))
    if not resolved:
        if pub is not None:
            return ResolvedDate(pub.isoformat(), "day", "publication")
        return ResolvedDate(None, None, "unknown")
    start, end, _, value, precision, range_end, note = resolved[0]
    if len(resolved) > 1:
        n_start, n_end, _, n_value, n_precision, n_range_end, n_note = resolved[1]
        between = sentence[end:n_start]
        if _RANGE_JOIN.match(between) and _RANGE_OPEN.search(sentence[max(0, start - 10) : start]):
            # "between February 6, 2024 and August 30, 2025"
            range_end, note, end = n_range_end or n_value, "range", n_end
        elif _APPOSITION.match(between) and _RANK[n_precision] > _RANK[precision]:
            # "earlier this month, on November 7": the precise one
            start, end, value, precision = n_start, n_end, n_value, n_precision
            range_end, note = n_range_end, n_note
    return ResolvedDate(
        date=value,
        precision=precision,
        source="sentence",
        text_span=(start, end),
        text=sentence[start:end],
        end=range_end,
        note=note,
    )


def cut(value: str, precision: Precision) -> str:
    """An ISO date cut to a precision: cut("2015-03-14", "month") == "2015-03"."""
    return value[: {"year": 4, "month": 7, "day": 10}[precision]]
