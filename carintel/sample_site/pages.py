"""What every page of the sample site is made of: the `Page` a request gets, the `Site` that every
renderer reads (base URL and articles), and the escaping and date formats the pages share."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Final

from carintel.sample_site.articles import BEIJING, TRACKING_QUERY, SampleArticle, article_path

ATOM: Final = "application/atom+xml"


@dataclass(frozen=True)
class Page:
    """One response of the site.

    `body` is exactly what the server writes. `declared_length`, when set, is the Content-Length
    the server announces instead of len(body) (the `truncated` quirk). Pages with an `etag` or
    `last_modified` (feeds, sitemaps) answer conditional GETs with 304.
    """

    status: int
    content_type: str
    body: bytes
    declared_length: int | None = None
    etag: str | None = None
    last_modified: datetime | None = None

    @property
    def content_length(self) -> int:
        return len(self.body) if self.declared_length is None else self.declared_length


def esc(text: str) -> str:
    """Escape for HTML text and attributes; the result is also valid XML."""
    return html.escape(text, quote=True)


def iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def rfc822(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC))


def http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC), usegmt=True)


def utc_millis(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def human_date(dt: datetime) -> str:
    return f"{dt:%B} {dt.day}, {dt.year}"


def beijing_minutes(dt: datetime) -> str:
    return dt.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def name_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def script_json(data: object) -> str:
    """JSON safe to embed in a <script> element (as Next.js does it)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def charset(a: SampleArticle) -> str:
    return "iso-8859-1" if a.quirk == "wrong_encoding" else "utf-8"


@dataclass(frozen=True)
class Site:
    """What every renderer needs: the absolute base URL and all articles."""

    base: str
    articles: tuple[SampleArticle, ...]

    def url(self, a: SampleArticle) -> str:
        return self.base + article_path(a)

    def listed_url(self, a: SampleArticle) -> str:
        """The URL a feed or sitemap gives: with tracking parameters for `tracking_link`."""
        return self.url(a) + ("?" + TRACKING_QUERY if a.quirk == "tracking_link" else "")

    def newest(self, template: str) -> list[SampleArticle]:
        chosen = [a for a in self.articles if a.template == template]
        return sorted(chosen, key=lambda a: (a.published, a.id), reverse=True)

    def related(self, a: SampleArticle, limit: int) -> list[SampleArticle]:
        """Other articles of the same site: shared tags first, then the nearest in time."""
        others = [o for o in self.articles if o.template == a.template and o.id != a.id]
        others.sort(
            key=lambda o: (
                -len(set(o.tags) & set(a.tags)),
                abs((o.published - a.published).total_seconds()),
                o.id,
            )
        )
        return others[:limit]

    @property
    def year(self) -> int:
        return max((a.published.year for a in self.articles), default=2025)
