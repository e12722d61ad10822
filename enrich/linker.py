"""Watchlist entity linking by alias: multi-pattern matching over title and text.

One Aho-Corasick automaton for the case-sensitive aliases (short names and acronyms such as
"NIO", "GAC", Chinese names) and one over a lower-cased copy of the text for the rest
("Xiaomi", "xiaomi", "XIAOMI"). A match counts only at word boundaries for Latin-script
aliases, so "NIO" never matches inside "UNION" and "JAC" never inside "JACKET". Chinese aliases
match anywhere (Chinese has no spaces between words). Overlapping matches resolve to the longest
("Xiaomi SU7" the product, not "Xiaomi" the company, at that place). Offsets are Python
character offsets into the original string.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import ahocorasick

LINKER_VERSION = "alias-1"


@dataclass(frozen=True)
class AliasEntry:
    entity_id: str
    alias: str
    case_sensitive: bool


@dataclass(frozen=True)
class Mention:
    entity_id: str
    text: str
    start: int
    end: int


def _is_word_char(ch: str) -> bool:
    """Letters and digits of alphabetic scripts; CJK characters are not word characters here."""
    if not ch:
        return False
    if "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uac00" <= ch <= "\ud7af":
        return False
    return ch.isalnum() or ch == "_"


def _fold(text: str) -> str:
    """Lower-case, one character for one character, so offsets stay valid."""
    return "".join((c.lower() or c)[0] for c in text)


class AliasLinker:
    """Finds watchlist aliases in text. Build once per watchlist; `find` is thread-safe."""

    def __init__(self, aliases: Iterable[Mapping[str, Any] | AliasEntry]) -> None:
        entries = [
            a if isinstance(a, AliasEntry)
            else AliasEntry(str(a["entity_id"]), str(a["alias"]), bool(a["case_sensitive"]))
            for a in aliases
        ]  # fmt: skip
        self.entries = tuple(sorted(set(entries), key=lambda e: (e.entity_id, e.alias)))
        self._exact = ahocorasick.Automaton()
        self._folded = ahocorasick.Automaton()
        for entry in self.entries:
            automaton, key = (
                (self._exact, entry.alias) if entry.case_sensitive
                else (self._folded, _fold(entry.alias))
            )  # fmt: skip
            existing = automaton.get(key, ())
            automaton.add_word(key, (*existing, entry))
        for automaton in (self._exact, self._folded):
            if len(automaton):
                automaton.make_automaton()
        digest = hashlib.sha256(
            "\n".join(
                f"{e.entity_id}\t{e.alias}\t{e.case_sensitive}" for e in self.entries
            ).encode()
        ).hexdigest()[:12]
        self.version = f"{LINKER_VERSION}+{digest}"

    def _candidates(self, text: str) -> list[tuple[int, int, AliasEntry]]:
        found: list[tuple[int, int, AliasEntry]] = []
        for automaton, haystack in ((self._exact, text), (self._folded, _fold(text))):
            if not len(automaton) or automaton.kind != ahocorasick.AHOCORASICK:
                continue
            for end_index, entries in automaton.iter(haystack):
                for entry in entries:
                    start, end = end_index - len(entry.alias) + 1, end_index + 1
                    if self._at_boundaries(text, start, end):
                        found.append((start, end, entry))
        return found

    @staticmethod
    def _at_boundaries(text: str, start: int, end: int) -> bool:
        before = text[start - 1] if start > 0 else ""
        after = text[end] if end < len(text) else ""
        if _is_word_char(text[start]) and _is_word_char(before):
            return False
        return not (_is_word_char(text[end - 1]) and _is_word_char(after))

    def find(self, text: str) -> list[Mention]:
        """Non-overlapping mentions, longest match first, in text order."""
        if not text:
            return []
        chosen: list[tuple[int, int, AliasEntry]] = []
        taken = bytearray(len(text))
        by_length = sorted(
            self._candidates(text), key=lambda c: (-(c[1] - c[0]), c[0], c[2].entity_id)
        )
        for start, end, entry in by_length:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, entry))
        chosen.sort(key=lambda c: c[0])
        return [Mention(e.entity_id, text[s:t], s, t) for s, t, e in chosen]
