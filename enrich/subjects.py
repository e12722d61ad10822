"""Which companies a sentence names: directly, by a linked mention, or by an opening "it" or
"the carmaker" that stands for the last company named (`sentence_parties`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from enrich.sentences import sentence_spans


class MentionLike(Protocol):
    """An entity mention with character offsets into the document text (`enrich.linker.Mention`
    and `enrich.annotate.LinkedMention` fit). A mention whose `field` is "title" (offsets into
    the title) names no party of a text sentence; it only tells `sentence_parties` who the
    story's subject is before the text names anyone."""

    @property
    def entity_id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


_ANAPHOR = re.compile(
    r"^(?:(?:in|on|by|during|last|this|earlier|later|since|after|before|separately|meanwhile|"
    r"also)\b[^,]{0,40},?\s+)?(it|the\s+(?:company|carmaker|automaker|group|firm|start-?up|"
    r"brand|maker|venture|state-owned\s+(?:carmaker|group)|battery\s+maker|"
    r"electric-car\s+maker|ev\s+maker))\b",
    re.I,
)
_IMPERSONAL = re.compile(
    r"it\s+(?:is|was|will\s+be|would\s+be|has\s+been)\s+"
    r"(?:unclear|not\s+clear|likely|possible|expected|understood|the)\b",
    re.I,
)


def anaphor(sentence: str) -> tuple[int, int] | None:
    """The span of the sentence's opening subject when it names the story's last subject
    instead of a company ("It delivered about 90,000 cars", "In February it took a stake",
    "The carmaker said ..."); None for an impersonal "it is unclear"."""
    found = _ANAPHOR.match(sentence)
    if found is None or _IMPERSONAL.match(sentence, found.start(1)):
        return None
    return found.start(1), found.end(1)


def sentence_parties(
    text: str,
    mentions: Sequence[MentionLike],
    refers: Callable[[str], bool] = lambda entity_id: True,
) -> list[tuple[int, int, list[tuple[str, int, int]]]]:
    """(start, end, mentions as (entity_id, start, end) in the sentence) of each sentence of
    `text` that names a company, directly or by an `anaphor` ("It", "the carmaker"): that
    stands for the first company named by the latest sentence that named one (the headline's
    first, before any). Wire copy names its subject once and then says "it" (on the claims
    dev set this raised event recall by 0.02 at the same precision, article-level
    cross-validation). Mentions whose `field` is "title" seed the subject only. `refers`
    says which entities "it" can stand for: not people ("Lei Jun said ... The company
    repeated its target" is Xiaomi's target)."""
    in_text = [m for m in mentions if getattr(m, "field", "text") == "text"]
    titles = sorted(
        (m for m in mentions if getattr(m, "field", "text") == "title" and refers(m.entity_id)),
        key=lambda m: m.start,
    )
    last = titles[0].entity_id if titles else None
    out = []
    for start, end in sentence_spans(text):
        named = sorted(
            ((m.entity_id, m.start - start, m.end - start)
             for m in in_text if m.start >= start and m.end <= end),
            key=lambda m: m[1],
        )  # fmt: skip
        inside = list(named)
        span = anaphor(text[start:end])
        if span is not None and last is not None and all(m[0] != last for m in named):
            inside.insert(0, (last, *span))
        if inside:
            out.append((start, end, inside))
        last = next((m[0] for m in named if refers(m[0])), last)
    return out
