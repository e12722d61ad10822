"""Sentence splitting for news prose, in one place: NER targets, sentiment and events all cut
text here.

A boundary is end punctuation followed by space (not after an abbreviation such as "Co." or
"U.S.", an initial, or before a lower-case word), Chinese end punctuation, or a line break.
Decimals ("5.5") and domains ("JD.com") never split.

Every line break ends a sentence because extracted article text (trafilatura) puts each
paragraph, heading, list item and caption on a line of its own, with a single newline between
them: a heading without end punctuation must not run into the paragraph under it.
"""

from __future__ import annotations

import re

_ABBREV = {
    "inc", "co", "corp", "ltd", "llc", "plc", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs",
    "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "e.g", "i.e", "u.s", "u.k", "approx", "est", "dept", "gen", "gov",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)]*\s+|[。！？]+|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of `text`, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        cut = m.end()
        if m.group()[:1] in ".!?" and "\n" not in m.group():
            following = text[m.end() : m.end() + 1]
            if following and following.islower():
                continue  # 'he asked "why?" and left', "e.g. this"
            word = re.search(r"([\w.]+)$", text[start : m.start()])
            if (
                m.group().lstrip()[:1] == "."
                and word
                and (
                    word.group(1).lower().rstrip(".") in _ABBREV
                    or re.fullmatch(r"[A-Z]", word.group(1))
                )
            ):
                continue  # "Co. Ltd", "U.S. Market", "J. Smith"
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def sentences(text: str) -> list[str]:
    """The sentences of `text` as strings."""
    return [text[s:e] for s, e in sentence_spans(text)]
