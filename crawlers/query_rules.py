"""What each API accepts as a query, checked before anything is sent. Pure functions.

A query an API refuses (or reads differently from what its author meant) fails on every run, and
often quietly: GDELT answers a refused query with HTTP 200 and one line of text, and Bluesky runs
a literal "OR" as one more word that every post must contain. Each function here returns the
problems of one query as sentences that say what to change (empty: nothing known to be wrong).
`carintel.config` rejects a sources file with such a problem when it loads, and
`carintel sources check` reports it as `query-rejected`.

The rules are the APIs' documented or observed behaviour:

- GDELT DOC 2.0: every keyword or quoted phrase must be at least 3 characters ("The specified
  phrase is too short.", inside OR groups too); OR only inside parentheses ("Boolean OR's may only
  appear inside of a () clause"); parentheses only around OR'd terms ("Parentheses may only be
  used around OR'd statements."); OR groups cannot be nested.
- Bluesky `app.bsky.feed.searchPosts`: no boolean operators; every word is required, so "OR" and
  "AND" are searched as words. One source per alternative.
- Mastodon: a hashtag is letters, digits and underscores (not only digits), no spaces.
- Reddit: a subreddit name is 2-21 letters, digits or underscores; a search query is at most 512
  characters.
"""

from __future__ import annotations

import re
from typing import Any

GDELT_MIN_TERM = 3
REDDIT_MAX_QUERY = 512
_OPERATOR = re.compile(r"^-?[A-Za-z]+\d*[:<>=]")  # sourcelang:english, domain:x, tone<-5, near20:
_SUBREDDIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
_HASHTAG = re.compile(r"^\w+$")
_BLUESKY_OPERATOR = re.compile(r'(?<![\w"])(OR|AND|\|\||&&)(?![\w"])')


def _gdelt_tokens(query: str) -> list[str]:
    """Quoted phrases (with their quotes), parentheses and bare words, in order."""
    return re.findall(r'"[^"]*"?|[()]|[^\s()"]+', query)


def gdelt_query_problems(query: str) -> list[str]:
    """Why GDELT would refuse `query` (or an empty list)."""
    problems: list[str] = []
    if query.count('"') % 2:
        problems.append('a quotation mark is not closed: quote whole phrases, "like this"')
    short: list[str] = []
    depth = 0
    group_has_or: list[bool] = []
    nested = unbalanced = bare_or = empty_group = False
    for part in _gdelt_tokens(query):
        if part == "(":
            depth += 1
            nested = nested or depth > 1
            group_has_or.append(False)
        elif part == ")":
            if depth == 0:
                unbalanced = True
                continue
            depth -= 1
            empty_group = empty_group or not group_has_or.pop()
        elif part == "OR":
            if depth == 0:
                bare_or = True
            elif group_has_or:
                group_has_or[-1] = True
        elif not _OPERATOR.match(part):
            term = part.strip('"').lstrip("-").strip()
            if len(term) < GDELT_MIN_TERM and term not in short:
                short.append(term or part)
    if depth:
        unbalanced = True
    if short:
        problems.append(
            "GDELT refuses terms shorter than 3 characters, inside OR groups too ('The specified "
            f"phrase is too short.'): {', '.join(repr(t) for t in short)}; drop them or write "
            'the words out ("electric vehicle", not EV)'
        )
    if unbalanced:
        problems.append("the parentheses do not balance: each '(' needs its ')'")
    if nested:
        problems.append("GDELT cannot nest OR groups: write one flat (A OR B OR C) group")
    if bare_or:
        problems.append(
            "GDELT accepts OR only inside parentheses ('Boolean OR's may only appear inside of a "
            "() clause'): write (A OR B)"
        )
    if empty_group:
        problems.append(
            "GDELT accepts parentheses only around OR'd terms ('Parentheses may only be used "
            "around OR'd statements.'): remove the parentheses around a single term"
        )
    return problems


def bluesky_query_problems(query: str) -> list[str]:
    """Bluesky search has no boolean operators: every word, 'OR' included, is required."""
    operators = sorted(set(_BLUESKY_OPERATOR.findall(query)))
    if not operators:
        return []
    if "OR" in operators or "||" in operators:
        parts = [p.strip() for p in re.split(r'(?<![\w"])(?:OR|\|\|)(?![\w"])', query)]
        alternatives = ", ".join(repr(p) for p in parts if p)
        return [
            "Bluesky search has no OR: every word is required, 'OR' included, so this query "
            f"finds almost nothing; make one bluesky entry per alternative: {alternatives}"
        ]
    return [
        f"Bluesky search has no {' or '.join(operators)} operator: every word is required "
        "already; remove it"
    ]


def mastodon_tag_problems(tag: str) -> list[str]:
    name = tag.strip().lstrip("#")
    if _HASHTAG.match(name) and not name.isdigit():
        return []
    suggestion = re.sub(r"\W", "", name)
    hint = f"; did you mean {suggestion!r}?" if suggestion and not suggestion.isdigit() else ""
    return [
        f"{tag!r} is not a Mastodon hashtag: letters, digits and underscores only, no spaces, "
        f"not only digits{hint}"
    ]


def reddit_subreddit_problems(subreddit: str) -> list[str]:
    name = subreddit.strip().removeprefix("/").removeprefix("r/").strip("/")
    if _SUBREDDIT.match(name):
        return []
    return [
        f"{subreddit!r} is not a subreddit name: 2-21 letters, digits or underscores "
        "(the part after r/)"
    ]


def reddit_query_problems(query: str | None) -> list[str]:
    if query is not None and len(query) > REDDIT_MAX_QUERY:
        return [f"Reddit search queries are at most {REDDIT_MAX_QUERY} characters: shorten it"]
    return []


def source_problems(section: str, source: dict[str, Any]) -> list[str]:
    """The problems of one entry of the sources file, by its section (gdelt, bluesky, ...)."""
    if section == "gdelt":
        return gdelt_query_problems(str(source.get("query") or ""))
    if section == "bluesky":
        return bluesky_query_problems(str(source.get("query") or ""))
    if section == "mastodon":
        return mastodon_tag_problems(str(source.get("tag") or ""))
    if section == "reddit":
        subreddit = str(source.get("subreddit") or "")
        return reddit_subreddit_problems(subreddit) + reddit_query_problems(source.get("query"))
    return []
