"""Helpers shared by the social and aggregator spiders (Hacker News, Mastodon, Reddit, Bluesky).

Pure functions, no Scrapy. Text from these platforms is written by anyone and is hostile: it is
parsed, never evaluated or rendered.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import CData, NavigableString, Tag

# What an authenticated, token-based API (Reddit, Bluesky) needs from Scrapy, as the spiders'
# `custom_settings`: robots.txt is for crawlers of web pages (the API is used under its own
# terms, its rate-limit headers honoured by crawlers.throttle), and no cookie rides from one
# answer to the next request (nor from the login endpoint to the API).
TOKEN_API_SETTINGS: dict[str, Any] = {"ROBOTSTXT_OBEY": False, "COOKIES_ENABLED": False}


TITLE_CHARS = 120
"""How long a post's title (its first line, see make_title) may be."""


def make_title(text: str, limit: int = TITLE_CHARS) -> str:
    """A post has no title: its first line, cut at a word boundary."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0] or first[:limit]
    return cut.rstrip(" ,;:.") + "…"


def api_datetime(value: Any) -> datetime | None:
    """An API's ISO 8601 timestamp as an aware UTC datetime (naive means UTC); None when it is
    missing or malformed."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def api_count(value: Any) -> int:
    """An engagement count from an API answer: an int, else 0 (booleans are no counts)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


# Elements whose content is never text for a reader (and must never survive as markup).
_DROPPED = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object",
        "embed", "applet", "svg", "math", "head", "title", "meta", "link", "base", "canvas",
        "audio", "video", "source", "track", "img", "input", "button", "select", "textarea",
    }
)  # fmt: skip
# Elements that start and end a paragraph.
_BLOCKS = frozenset(
    {
        "p", "div", "blockquote", "pre", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "section", "article", "header", "footer", "aside", "main", "nav", "figure",
        "figcaption", "address", "hr", "form", "fieldset", "details", "summary", "body", "html",
    }
)  # fmt: skip
# Elements that start and end a line (within a paragraph).
_LINES = frozenset({"li", "dt", "dd", "tr", "caption"})
_CELLS = frozenset({"td", "th"})

# Private markers, removed from the input text first so that they cannot be forged.
_PARA, _LINE, _SPACE = "\x00", "\x01", "\x02"
_MARKERS = re.compile("[\x00\x01\x02]")
_WS = re.compile(r"\s+")
_SPACES = re.compile(" {2,}")  # spaces in <pre> are markers until the end
_AROUND_BREAK = re.compile(" *([\x00\x01]) *")
_BREAKS = re.compile("[\x00\x01]+")


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (a post, a comment, a self-text), for storage and NLP.

    - paragraphs and other blocks (`<p>`, `<div>`, `<blockquote>`, lists, headings, ...) are
      separated by one blank line; `<br>`, list items and table rows start a new line (two
      `<br>` in a row make a blank line);
    - links become their text (the `href` is dropped); other inline markup is unwrapped;
    - entities are decoded (`&amp;` -> `&`, `&#x27;` -> `'`); whitespace is collapsed except
      inside `<pre>`;
    - `<script>`, `<style>`, `<iframe>`, media, form controls and comments are dropped with their
      content, so no markup of the input survives. Text that *spells* markup (`&lt;script&gt;`)
      is decoded to the characters `<script>`: the result is text, to be escaped wherever it is
      ever displayed, never rendered as HTML.

    Input without tags is returned with entities decoded and whitespace collapsed; "" gives "".
    """
    if not html or not html.strip():
        return ""
    soup = BeautifulSoup(html, "html.parser")
    parts: list[str] = []
    _walk(soup, parts, in_pre=False)
    text = _AROUND_BREAK.sub(r"\1", _SPACES.sub(" ", "".join(parts)))
    text = _BREAKS.sub(_break, text)
    return text.strip().replace(_SPACE, " ")


def _break(match: re.Match[str]) -> str:
    run = match.group()
    return "\n\n" if _PARA in run else "\n" * min(len(run), 2)


def _walk(node: Tag, parts: list[str], *, in_pre: bool) -> None:
    for child in node.children:
        if isinstance(child, Tag):
            name = (child.name or "").lower()
            if name in _DROPPED:
                continue
            if name == "br":
                parts.append(_LINE)
            elif name in _BLOCKS:
                parts.append(_PARA)
                _walk(child, parts, in_pre=in_pre or name == "pre")
                parts.append(_PARA)
            elif name in _LINES:
                parts.append(_LINE)
                _walk(child, parts, in_pre=in_pre)
            elif name in _CELLS:
                parts.append(" ")
                _walk(child, parts, in_pre=in_pre)
                parts.append(" ")
            else:
                _walk(child, parts, in_pre=in_pre)
        elif isinstance(child, NavigableString) and (
            type(child) is NavigableString or isinstance(child, CData)
        ):
            # Comments, doctypes, declarations and processing instructions are subclasses: dropped.
            text = _MARKERS.sub("", str(child))
            if in_pre:
                parts.append(text.replace(" ", _SPACE).replace("\n", _LINE))
            else:
                parts.append(_WS.sub(" ", text))
