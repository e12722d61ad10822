"""Formatting helpers shared by every part of the weekly report: scraped values made safe for
HTML and Markdown, links that only ever point at http(s) URLs, counts in words, tables.

Titles, URLs and source names are scraped from the web and treated as hostile: every value is
escaped for the format it goes into, and only http(s) URLs become links.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pandas as pd

_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_URL_SAFE_CHARS = "/:?#[]@!$&'*+,;=%~-._"


def safe_url(url: object) -> str | None:
    """`url` if it is a plain http(s) URL, else None (javascript:, data:, relative, spaces...)."""
    if isinstance(url, str) and _SAFE_URL.fullmatch(url):
        return url
    return None


def text(value: object) -> str:
    """A table value as one line of text; missing values are empty."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    return " ".join(str(value).split())


def day(value: object) -> str:
    """A date or timestamp as YYYY-MM-DD; missing values are empty."""
    if value is None or bool(pd.isna(value)):
        return ""
    return str(pd.Timestamp(value).strftime("%Y-%m-%d"))


def e(value: object) -> str:
    """`text(value)` escaped for HTML (attributes included)."""
    return html.escape(text(value), quote=True)


def link_html(title: object, url: object) -> str:
    """A link to `url` named by `title`; an unsafe URL is shown as text, never linked."""
    shown_text = text(title) or text(url) or "(untitled)"
    href = safe_url(url)
    if href is None:
        shown = e(url)
        return html.escape(shown_text) + (
            f' <span class="carintel-url">({shown})</span>' if shown else ""
        )
    return (
        f'<a href="{html.escape(href, quote=True)}" rel="noopener noreferrer nofollow">'
        f"{html.escape(shown_text)}</a>"
    )


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 document", "2 documents" ("2 entities" with `nouns`)."""
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


def signed(value: int) -> str:
    """+3, 0, -2."""
    return f"+{value}" if value > 0 else str(value)


def table(headers: list[tuple[str, str]], rows: list[list[tuple[str, str]]]) -> str:
    """An HTML table from (css class, already escaped HTML) cells."""
    head = "".join(
        f'<th class="{cls}">{label}</th>' if cls else f"<th>{label}</th>" for cls, label in headers
    )
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<td class="{cls}">{cell}</td>' if cls else f"<td>{cell}</td>" for cls, cell in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def empty(message: str) -> str:
    """The paragraph an empty section shows instead of its content."""
    return f'<p class="carintel-empty">{html.escape(message)}</p>'


def md(value: object) -> str:
    """Text safe to place in Markdown (CommonMark/GFM): one line, punctuation backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text(value))


def md_link(title: object, url: object) -> str:
    """A Markdown link to `url` named by `title`; an unsafe URL is shown as text."""
    shown_text = md(title) or md(url) or "(untitled)"
    href = safe_url(url)
    if href is None:
        shown = md(url)
        return f"{shown_text} ({shown})" if shown else shown_text
    return f"[{shown_text}]({quote(href, safe=_URL_SAFE_CHARS)})"
