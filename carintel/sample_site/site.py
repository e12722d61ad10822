"""The bundled offline sample news site: three imitation news sites served on 127.0.0.1.

Articles are Markdown files with YAML front matter in `articles/` (the format is in README.md).
`render_site` turns them into fixed pages (HTML, RSS 2.0, Atom, sitemaps, robots.txt);
`SampleServer` serves those pages over real HTTP, with the breakage real sites have (the quirks),
answers conditional GETs on feeds and sitemaps, and records every request it answers.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import socket
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal, NamedTuple, Self, overload
from urllib.parse import unquote, urlsplit

import yaml

TEMPLATES: Final = ("blog", "nextjs", "cms")
QUIRKS: Final = (
    "none",
    "wrong_encoding",
    "truncated",
    "missing_404",
    "syndicated_copy",
    "tracking_link",
)
SITE_NAMES: Final[Mapping[str, str]] = {
    "blog": "EV Ledger",
    "nextjs": "Volt Daily",
    "cms": "China Auto Wire",
}
TRACKING_QUERY: Final = "utm_source=rss&utm_medium=feed&utm_campaign=sample"
DEFAULT_ARTICLES_DIR: Final = Path(__file__).with_name("articles")
DEFAULT_BASE_URL: Final = "http://127.0.0.1:8000"
BEIJING: Final = timezone(timedelta(hours=8))
FEED_SIZE: Final = 20
TRUNCATE_PERCENT: Final = 55
# Atom `updated` and JSON-LD `dateModified` are this long after the publish time.
MODIFIED_AFTER: Final = timedelta(minutes=90)

BlockKind = Literal["p", "h2"]
Block = tuple[BlockKind, str]


# -- articles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleArticle:
    """One article of the sample site; `body` holds its blocks: ("p", text) or ("h2", text)."""

    id: int
    slug: str
    template: str
    title: str
    published: datetime
    author: str
    section: str
    tags: tuple[str, ...]
    summary: str
    body: tuple[Block, ...] = ()
    quirk: str = "none"
    syndicates: int | None = None

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(text for kind, text in self.body if kind == "p")

    @property
    def subheadings(self) -> tuple[str, ...]:
        return tuple(text for kind, text in self.body if kind == "h2")

    @property
    def plain_text(self) -> str:
        """Every block (paragraphs and subheadings), in order, separated by blank lines."""
        return "\n\n".join(text for _, text in self.body)

    @property
    def site_name(self) -> str:
        return SITE_NAMES[self.template]

    @property
    def modified(self) -> datetime:
        return self.published + MODIFIED_AFTER


_FILE_NAME = re.compile(r"^(\d{3})-(.+)\.md$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED_KEYS: Final = (
    "id",
    "slug",
    "template",
    "title",
    "published",
    "author",
    "section",
    "summary",
)
_OPTIONAL_KEYS: Final = ("tags", "quirk", "syndicates")


def load_articles(directory: Path | None = None) -> list[SampleArticle]:
    """Every `*.md` article of `directory` (default: `articles/` next to this file), oldest first.

    Raises ValueError naming the file when a file is malformed or clashes with another one.
    """
    folder = DEFAULT_ARTICLES_DIR if directory is None else directory
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such articles directory")
    loaded = [(path.name, load_article(path)) for path in sorted(folder.glob("*.md"))]
    _check_collection(loaded)
    return sorted((a for _, a in loaded), key=lambda a: (a.published, a.id))


def load_article(path: Path) -> SampleArticle:
    """Parse one article file; a ValueError names the file and what is wrong."""
    try:
        article = parse_article(path.read_text(encoding="utf-8"))
        _check_file_name(path.name, article)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    return article


def parse_article(text: str) -> SampleArticle:
    """Parse the text of an article file (front matter and body)."""
    meta_text, body_text = _split_front_matter(text)
    meta = _load_meta(meta_text)
    article = SampleArticle(
        id=_integer(meta, "id"),
        slug=_slug(meta),
        template=_choice(meta, "template", TEMPLATES),
        title=_text(meta, "title"),
        published=_published(meta["published"]),
        author=_text(meta, "author"),
        section=_text(meta, "section"),
        tags=_tags(meta.get("tags")),
        summary=_text(meta, "summary"),
        body=_parse_body(body_text),
        quirk=_choice(meta, "quirk", QUIRKS) if "quirk" in meta else "none",
        syndicates=_integer(meta, "syndicates") if meta.get("syndicates") is not None else None,
    )
    _check_syndication_fields(article)
    return article


def _split_front_matter(text: str) -> tuple[str, str]:
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if lines[0].strip() != "---":
        raise ValueError("the file must start with a '---' line that opens the YAML front matter")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :])
    raise ValueError("the YAML front matter is not closed by a '---' line")


def _load_meta(meta_text: str) -> dict[str, Any]:
    meta = yaml.safe_load(meta_text)
    if not isinstance(meta, dict):
        raise ValueError("the front matter must be a YAML mapping (key: value lines)")
    missing = [key for key in _REQUIRED_KEYS if key not in meta]
    if missing:
        raise ValueError(f"front matter lacks {', '.join(missing)}")
    unknown = sorted(str(key) for key in meta if key not in (*_REQUIRED_KEYS, *_OPTIONAL_KEYS))
    if unknown:
        raise ValueError(f"unknown front matter key(s): {', '.join(unknown)}")
    return meta


def _integer(meta: Mapping[str, Any], key: str) -> int:
    value = meta[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key}: {value!r} is not an integer")
    return value


def _text(meta: Mapping[str, Any], key: str) -> str:
    value = meta[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: must be a non-empty text (quote it if it looks like a number)")
    return value.strip()


def _slug(meta: Mapping[str, Any]) -> str:
    slug = _text(meta, "slug")
    if not _SLUG.match(slug):
        raise ValueError(f"slug: {slug!r} must be lowercase letters, digits and single hyphens")
    return slug


def _choice(meta: Mapping[str, Any], key: str, allowed: Sequence[str]) -> str:
    value = meta[key]
    if value not in allowed:
        raise ValueError(f"{key}: {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _tags(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
        raise ValueError("tags: must be a list of texts such as [jd, gac] (quote yes/no/on/off)")
    return tuple(value)


def _published(value: object) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"published: {value!r} is not an ISO 8601 date-time") from None
    if not isinstance(value, datetime):
        raise ValueError("published: needs a date and a time, e.g. 2025-05-12T09:30:00+08:00")
    if value.utcoffset() is None:
        raise ValueError("published: add the UTC offset, e.g. 2025-05-12T09:30:00+08:00")
    return value


def _parse_body(text: str) -> tuple[Block, ...]:
    chunks = [c.strip() for c in re.split(r"\n[ \t]*\n", text.strip())]
    blocks = tuple(_parse_block(chunk) for chunk in chunks if chunk)
    if not any(kind == "p" for kind, _ in blocks):
        raise ValueError("the body has no paragraph")
    return blocks


def _parse_block(chunk: str) -> Block:
    joined = " ".join(line.strip() for line in chunk.split("\n"))
    if chunk.startswith("## ") and "\n" not in chunk:
        return ("h2", chunk[3:].strip())
    if chunk.startswith("#"):
        raise ValueError(f"only '## ' subheadings on a line of their own are allowed: {chunk!r}")
    return ("p", joined)


def _check_syndication_fields(article: SampleArticle) -> None:
    copy = article.quirk == "syndicated_copy"
    if copy and article.syndicates is None:
        raise ValueError("quirk syndicated_copy needs 'syndicates: ID' of the original article")
    if not copy and article.syndicates is not None:
        raise ValueError("'syndicates' is only allowed with quirk: syndicated_copy")


def _check_file_name(name: str, article: SampleArticle) -> None:
    match = _FILE_NAME.match(name)
    if not match:
        raise ValueError("the file name must be NNN-slug.md (NNN: the id in three digits)")
    if int(match.group(1)) != article.id:
        raise ValueError(f"id {article.id} differs from the file name's number {match.group(1)}")
    if match.group(2) != article.slug:
        raise ValueError(f"slug {article.slug!r} differs from the file name's {match.group(2)!r}")


def _check_collection(loaded: Sequence[tuple[str, SampleArticle]]) -> None:
    by_id: dict[int, tuple[str, SampleArticle]] = {}
    by_path: dict[str, str] = {}
    for name, article in loaded:
        if article.id in by_id:
            raise ValueError(f"{name}: id {article.id} is also used by {by_id[article.id][0]}")
        path = article_path(article)
        if path in by_path:
            raise ValueError(f"{name}: URL {path} is also used by {by_path[path]}")
        by_id[article.id] = (name, article)
        by_path[path] = name
    for name, article in loaded:
        if article.syndicates is not None:
            _check_original(name, article, by_id.get(article.syndicates))


def _check_original(
    name: str, article: SampleArticle, original: tuple[str, SampleArticle] | None
) -> None:
    if original is None:
        raise ValueError(f"{name}: syndicates {article.syndicates}, but no article has that id")
    if original[1].template == article.template:
        raise ValueError(f"{name}: a syndicated copy must use another template than {original[0]}")


def article_path(a: SampleArticle) -> str:
    """The URL path of an article's page on its site."""
    if a.template == "blog":
        return f"/blog/{a.published:%Y/%m/%d}/{a.slug}/"
    if a.template == "nextjs":
        return f"/news/{a.slug}"
    return f"/cms/article/{a.id}.html"


# -- pages ------------------------------------------------------------------------------------


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


def _esc(text: str) -> str:
    """Escape for HTML text and attributes; the result is also valid XML."""
    return html.escape(text, quote=True)


def _iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def _rfc822(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC))


def _http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC), usegmt=True)


def _utc_millis(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _human_date(dt: datetime) -> str:
    return f"{dt:%B} {dt.day}, {dt.year}"


def _beijing_minutes(dt: datetime) -> str:
    return dt.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _name_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _script_json(data: object) -> str:
    """JSON safe to embed in a <script> element (as Next.js does it)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _charset(a: SampleArticle) -> str:
    return "iso-8859-1" if a.quirk == "wrong_encoding" else "utf-8"


@dataclass(frozen=True)
class _Site:
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


_XML: Final = "application/xml"
_ATOM: Final = "application/atom+xml"


def render_site(
    articles: Iterable[SampleArticle], base_url: str = DEFAULT_BASE_URL
) -> dict[str, Page]:
    """Every path of the site (no query strings) and its page; links are absolute on `base_url`."""
    site = _Site(base_url.rstrip("/"), tuple(articles))
    pages: dict[str, Page] = {
        "/": _html_page(_home_html(site)),
        "/robots.txt": Page(200, "text/plain; charset=utf-8", _robots_txt(site).encode()),
        "/sitemap.xml": _xml_page(_sitemap_index(site), _XML, site.newest("cms")),
        "/blog/feed/": _xml_page(_rss_feed(site), "application/rss+xml", site.newest("blog")),
        "/news/atom.xml": _xml_page(_atom_feed(site), _ATOM, site.newest("nextjs")),
        "/cms/sitemap-news.xml": _xml_page(_news_sitemap(site), _XML, site.newest("cms")),
        "/blog/": _html_page(_blog_index_html(site)),
        "/news/": _html_page(_next_index_html(site)),
        "/cms/": _html_page(_cms_index_html(site)),
    }
    pages["/cms/index.html"] = pages["/cms/"]
    for article in site.articles:
        pages[article_path(article)] = _article_page(site, article)
    return pages


def not_found_page() -> Page:
    body = (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>Page not found</title></head>\n<body><h1>Page not found</h1>\n"
        '<p>Sorry, there is nothing at this address.</p>\n<p><a href="/">Home</a></p>\n'
        "</body>\n</html>\n"
    )
    return Page(404, "text/html; charset=utf-8", body.encode())


def _html_page(text: str, charset: str = "utf-8") -> Page:
    return Page(200, f"text/html; charset={charset}", text.encode("utf-8"))


def _xml_page(text: str, media_type: str, entries: Sequence[SampleArticle]) -> Page:
    body = text.encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    modified = max((a.modified for a in entries), default=None)
    return Page(200, f"{media_type}; charset=utf-8", body, etag=etag, last_modified=modified)


def _article_page(site: _Site, a: SampleArticle) -> Page:
    if a.quirk == "missing_404":
        return not_found_page()
    renderers = {"blog": _blog_article_html, "nextjs": _next_article_html, "cms": _cms_article_html}
    page = _html_page(renderers[a.template](site, a), _charset(a))
    if a.quirk == "truncated":
        cut = len(page.body) * TRUNCATE_PERCENT // 100
        return Page(page.status, page.content_type, page.body[:cut], declared_length=len(page.body))
    return page


# -- listings: robots, sitemaps, feeds ----------------------------------------------------------


def _robots_txt(site: _Site) -> str:
    return f"User-agent: *\nDisallow: /private/\nAllow: /\n\nSitemap: {site.base}/sitemap.xml\n"


def _sitemap_index(site: _Site) -> str:
    newest = site.newest("cms")
    lastmod = f"<lastmod>{_iso(newest[0].published)}</lastmod>" if newest else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"  <sitemap><loc>{_esc(site.base)}/cms/sitemap-news.xml</loc>{lastmod}</sitemap>\n"
        "</sitemapindex>\n"
    )


def _news_sitemap(site: _Site) -> str:
    urls = "".join(_news_sitemap_url(site, a) for a in site.newest("cms"))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"\n'
        '        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{urls}</urlset>\n"
    )


def _news_sitemap_url(site: _Site, a: SampleArticle) -> str:
    return (
        "  <url>\n"
        f"    <loc>{_esc(site.listed_url(a))}</loc>\n"
        "    <news:news>\n"
        "      <news:publication>\n"
        f"        <news:name>{_esc(a.site_name)}</news:name>\n"
        "        <news:language>en</news:language>\n"
        "      </news:publication>\n"
        f"      <news:publication_date>{_iso(a.published.astimezone(BEIJING))}"
        "</news:publication_date>\n"
        f"      <news:title>{_esc(a.title)}</news:title>\n"
        "    </news:news>\n"
        "  </url>\n"
    )


_BLOG_TAGLINE: Final = "Electric cars, batteries and the companies behind them"
_NEXT_TAGLINE: Final = "Fast news on the business of electric mobility"


def _rss_feed(site: _Site) -> str:
    items = site.newest("blog")[:FEED_SIZE]
    build = f"    <lastBuildDate>{_rfc822(items[0].published)}</lastBuildDate>\n" if items else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom">\n'
        "  <channel>\n"
        f"    <title>{SITE_NAMES['blog']}</title>\n"
        f'    <atom:link href="{_esc(site.base)}/blog/feed/" rel="self"'
        ' type="application/rss+xml"/>\n'
        f"    <link>{_esc(site.base)}/blog/</link>\n"
        f"    <description>{_BLOG_TAGLINE}</description>\n"
        f"{build}"
        "    <language>en-US</language>\n"
        "    <generator>https://wordpress.org/?v=6.5.2</generator>\n"
        f"{''.join(_rss_item(site, a) for a in items)}"
        "  </channel>\n"
        "</rss>\n"
    )


def _rss_item(site: _Site, a: SampleArticle) -> str:
    categories = "".join(f"      <category>{_esc(tag)}</category>\n" for tag in a.tags)
    return (
        "    <item>\n"
        f"      <title>{_esc(a.title)}</title>\n"
        f"      <link>{_esc(site.listed_url(a))}</link>\n"
        f"      <dc:creator>{_esc(a.author)}</dc:creator>\n"
        f"      <pubDate>{_rfc822(a.published)}</pubDate>\n"
        f"{categories}"
        f'      <guid isPermaLink="false">{_esc(site.base)}/blog/?p={a.id}</guid>\n'
        f"      <description>{_esc(a.summary)}</description>\n"
        "    </item>\n"
    )


def _atom_feed(site: _Site) -> str:
    entries = site.newest("nextjs")
    updated = max((a.modified for a in entries), default=datetime(2025, 1, 1, tzinfo=UTC))
    base = _esc(site.base)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n'
        "  <id>tag:volt-daily.example,2024:feed</id>\n"
        f"  <title>{SITE_NAMES['nextjs']}</title>\n"
        f"  <subtitle>{_NEXT_TAGLINE}</subtitle>\n"
        f'  <link rel="self" type="application/atom+xml" href="{base}/news/atom.xml"/>\n'
        f'  <link rel="alternate" type="text/html" href="{base}/news/"/>\n'
        f"  <updated>{_iso(updated)}</updated>\n"
        f"{''.join(_atom_entry(site, a) for a in entries)}"
        "</feed>\n"
    )


def _atom_entry(site: _Site, a: SampleArticle) -> str:
    categories = "".join(f'    <category term="{_esc(tag)}"/>\n' for tag in a.tags)
    return (
        "  <entry>\n"
        f"    <id>tag:volt-daily.example,2024:article-{a.id}</id>\n"
        f'    <title type="text">{_esc(a.title)}</title>\n'
        f'    <link rel="alternate" type="text/html" href="{_esc(site.listed_url(a))}"/>\n'
        f"    <published>{_iso(a.published)}</published>\n"
        f"    <updated>{_iso(a.modified)}</updated>\n"
        f"    <author><name>{_esc(a.author)}</name></author>\n"
        f"{categories}"
        f'    <summary type="text">{_esc(a.summary)}</summary>\n'
        "  </entry>\n"
    )


# -- the home page ------------------------------------------------------------------------------


def _home_html(site: _Site) -> str:
    rows = [
        ("/blog/", SITE_NAMES["blog"], "a WordPress blog", "/blog/feed/"),
        ("/news/", SITE_NAMES["nextjs"], "a Next.js news app", "/news/atom.xml"),
        ("/cms/", SITE_NAMES["cms"], "an older portal CMS", "/cms/sitemap-news.xml"),
    ]
    items = "".join(
        f'<li><a href="{path}">{name}</a>: {kind} (<a href="{listing}">{listing}</a>)</li>\n'
        for path, name, kind, listing in rows
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>carintel sample sites</title></head>\n<body>\n<h1>carintel sample sites</h1>\n"
        f"<p>{len(site.articles)} articles on three imitation news sites.</p>\n"
        f"<ul>\n{items}</ul>\n</body>\n</html>\n"
    )


# -- blog: a WordPress theme ------------------------------------------------------------------

_BLOG_CSS: Final = (
    "body{font-family:Georgia,serif;margin:0}.site{max-width:1080px;margin:auto}"
    ".site-content{display:flex;gap:32px}.site-main{flex:3}.widget-area{flex:1}"
)
_BLOG_MENU: Final = ("Partnerships", "Batteries", "Software", "Markets")
_COMMENTERS: Final = ("Marco T.", "Aiko S.", "Jonas Weber", "Priya R.", "Tomás G.")
_COMMENTS: Final = (
    "Interesting move. I wonder who carries the warranty cost when two companies build one car.",
    "Curious whether this ever reaches Europe or stays a China-only product.",
    "The battery side of this story is the part nobody talks about enough.",
    "Good summary, thanks. Would love a follow-up once deliveries actually start.",
    "Another tech company building cars. Let's see how many survive the price war.",
)


def _meta_property(prop: str, content: str) -> str:
    return f'<meta property="{prop}" content="{_esc(content)}">'


def _meta_name(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{_esc(content)}">'


def _blog_document(
    site: _Site, title: str, head: str, main: str, current: SampleArticle | None, charset: str
) -> str:
    name = SITE_NAMES["blog"]
    body_class = "home blog"
    if current is not None:
        body_class = f"post-template-default single single-post postid-{current.id}"
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="{charset}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n{head}\n"
        f'<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed"'
        f' href="{_esc(site.base)}/blog/feed/">\n'
        f'<meta name="generator" content="WordPress 6.5.2">\n<style>{_BLOG_CSS}</style>\n'
        f'</head>\n<body class="{body_class}">\n<div id="page" class="site">\n'
        '<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>\n'
        f'{_blog_masthead(site)}\n<div id="content" class="site-content">\n'
        f'<main id="primary" class="site-main">\n{main}\n</main>\n'
        f"{_blog_sidebar(site, current)}\n</div>\n"
        f'<footer id="colophon" class="site-footer"><div class="site-info">&copy; {site.year} '
        f"{name}. Proudly powered by WordPress.</div></footer>\n</div>\n</body>\n</html>\n"
    )


def _blog_masthead(site: _Site) -> str:
    home = f"{_esc(site.base)}/blog/"
    menu = "".join(
        f'<li class="menu-item"><a href="{home}?cat={_name_slug(item)}">{item}</a></li>'
        for item in _BLOG_MENU
    )
    return (
        '<header id="masthead" class="site-header">\n<div class="site-branding">'
        f'<p class="site-title"><a href="{home}" rel="home">{SITE_NAMES["blog"]}</a></p>'
        f'<p class="site-description">{_BLOG_TAGLINE}</p></div>\n'
        '<nav id="site-navigation" class="main-navigation" aria-label="Primary menu">'
        f'<ul id="primary-menu" class="menu"><li class="menu-item current-menu-item">'
        f'<a href="{home}">Home</a></li>{menu}</ul></nav>\n</header>'
    )


def _blog_sidebar(site: _Site, current: SampleArticle | None) -> str:
    popular = [a for a in site.newest("blog") if a is not current][:5]
    links = "".join(f'<li><a href="{_esc(site.url(a))}">{_esc(a.title)}</a></li>' for a in popular)
    return (
        '<aside id="secondary" class="widget-area">\n'
        '<section id="popular-posts-2" class="widget widget_popular_posts">'
        f'<h2 class="widget-title">Popular posts</h2><ul>{links}</ul></section>\n'
        '<section id="newsletter-3" class="widget widget_newsletter">'
        '<h2 class="widget-title">Newsletter</h2>'
        "<p>The week in electric-car business news, every Friday. No spam.</p>"
        f'<form action="{_esc(site.base)}/blog/?newsletter=1" method="post">'
        '<input type="email" name="email" placeholder="Your email address">'
        '<button type="submit">Subscribe</button></form></section>\n</aside>'
    )


def _blog_article_html(site: _Site, a: SampleArticle) -> str:
    url = site.url(a)
    head = "\n".join(
        [
            f'<link rel="canonical" href="{_esc(url)}">',
            _meta_name("description", a.summary),
            _meta_property("og:site_name", SITE_NAMES["blog"]),
            _meta_property("og:title", a.title),
            _meta_property("og:type", "article"),
            _meta_property("og:url", url),
            _meta_property("og:description", a.summary),
            _meta_property("article:published_time", _iso(a.published)),
            _meta_property("article:section", a.section),
            _meta_name("author", a.author),
        ]
    )
    main = "\n".join([_blog_post(site, a), _blog_related(site, a), _blog_comments(a)])
    title = f"{a.title} – {SITE_NAMES['blog']}"
    return _blog_document(site, title, head, main, a, _charset(a))


def _blog_post(site: _Site, a: SampleArticle) -> str:
    url = _esc(site.url(a))
    author_url = f"{_esc(site.base)}/blog/?author={_name_slug(a.author)}"
    tags = ", ".join(
        f'<a href="{_esc(site.base)}/blog/?tag={_esc(t)}" rel="tag">{_esc(t)}</a>' for t in a.tags
    )
    tag_classes = "".join(f" tag-{_name_slug(t)}" for t in a.tags)
    return (
        f'<article id="post-{a.id}" class="post-{a.id} post type-post status-publish '
        f'format-standard hentry category-{_name_slug(a.section)}{tag_classes}">\n'
        f'<header class="entry-header">\n<h1 class="entry-title">{_esc(a.title)}</h1>\n'
        '<div class="entry-meta"><span class="posted-on">Posted on '
        f'<a href="{url}" rel="bookmark"><time class="entry-date published" '
        f'datetime="{_iso(a.published)}">{_human_date(a.published)}</time></a></span> '
        f'<span class="byline">By <a class="url fn n" rel="author" href="{author_url}">'
        f"{_esc(a.author)}</a></span></div>\n</header>\n"
        f'<div class="entry-content">\n{_plain_blocks(a.body)}</div>\n'
        f'<footer class="entry-footer"><span class="cat-links">Posted in '
        f'<a href="{_esc(site.base)}/blog/?cat={_name_slug(a.section)}" rel="category tag">'
        f'{_esc(a.section)}</a></span> <span class="tags-links">Tagged {tags}</span></footer>\n'
        "</article>"
    )


def _plain_blocks(body: Sequence[Block]) -> str:
    return "".join(f"<{kind}>{_esc(text)}</{kind}>\n" for kind, text in body)


def _blog_related(site: _Site, a: SampleArticle) -> str:
    links = "".join(
        f'<li class="jp-relatedposts-post"><a href="{_esc(site.url(o))}">{_esc(o.title)}</a>'
        f"<p>{_esc(o.section)}</p></li>"
        for o in site.related(a, 3)
    )
    return (
        '<div id="jp-relatedposts" class="jp-relatedposts">'
        f'<h3 class="jp-relatedposts-headline">Related posts</h3><ul>{links}</ul></div>'
    )


def _blog_comments(a: SampleArticle) -> str:
    count = 1 + a.id % 2
    items = "".join(_blog_comment(a, n) for n in range(count))
    noun = "thought" if count == 1 else "thoughts"
    return (
        '<div id="comments" class="comments-area">\n'
        f'<h2 class="comments-title">{count} {noun} on &ldquo;{_esc(a.title)}&rdquo;</h2>\n'
        f'<ol class="comment-list">\n{items}</ol>\n'
        '<div id="respond" class="comment-respond">'
        '<h3 id="reply-title" class="comment-reply-title">'
        'Leave a Reply</h3><form action="/blog/wp-comments-post.php" method="post" '
        'id="commentform"><textarea id="comment" name="comment"></textarea>'
        '<input name="submit" type="submit" value="Post Comment"></form></div>\n</div>'
    )


def _blog_comment(a: SampleArticle, n: int) -> str:
    when = a.published + timedelta(days=1, hours=3 + 5 * n, minutes=17)
    clock = f"{when:%I:%M}".lstrip("0") + (" am" if when.hour < 12 else " pm")
    name = _COMMENTERS[(a.id + n) % len(_COMMENTERS)]
    text = _COMMENTS[(a.id * 3 + n) % len(_COMMENTS)]
    comment_id = a.id * 100 + n + 1
    return (
        f'<li id="comment-{comment_id}" class="comment even thread-even depth-1">'
        f'<article id="div-comment-{comment_id}" class="comment-body">'
        '<footer class="comment-meta"><div class="comment-author vcard">'
        f'<b class="fn">{_esc(name)}</b> <span class="says">says:</span></div>'
        f'<div class="comment-metadata">{_human_date(when)} at {clock}</div></footer>'
        f'<div class="comment-content"><p>{_esc(text)}</p></div></article></li>\n'
    )


def _blog_index_html(site: _Site) -> str:
    posts = "\n".join(_blog_teaser(site, a) for a in site.newest("blog"))
    head = f'<link rel="canonical" href="{_esc(site.base)}/blog/">'
    title = f"{SITE_NAMES['blog']} – {_BLOG_TAGLINE}"
    return _blog_document(site, title, head, posts, None, "utf-8")


def _blog_teaser(site: _Site, a: SampleArticle) -> str:
    return (
        f'<article id="post-{a.id}" class="post-{a.id} post type-post status-publish">'
        f'<header class="entry-header"><h2 class="entry-title"><a href="{_esc(site.url(a))}" '
        f'rel="bookmark">{_esc(a.title)}</a></h2><div class="entry-meta">'
        f'<time class="entry-date published" datetime="{_iso(a.published)}">'
        f"{_human_date(a.published)}</time></div></header>"
        f'<div class="entry-summary"><p>{_esc(a.summary)}</p></div></article>'
    )


# -- nextjs: a Next.js news app with CSS-module class names -------------------------------------

_NEXT_BUILD_ID: Final = "k3Jx9vQm2Lr8TzYb0aWcE"


def _next_document(
    site: _Site, title: str, head: str, main: str, next_data: object, charset: str
) -> str:
    name = SITE_NAMES["nextjs"]
    nav = "".join(
        f'<a class="Header_link__pQ3nV" href="/news/?topic={_name_slug(topic)}">{topic}</a>'
        for topic in ("Cars", "Batteries", "Tech", "Policy")
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charSet="{charset}"/>'
        '<meta name="viewport" content="width=device-width"/>'
        f"<title>{_esc(title)}</title>{head}"
        f'<link rel="alternate" type="{_ATOM}" href="{_esc(site.base)}/news/atom.xml"/>'
        '</head><body><div id="__next"><div class="Layout_wrapper__k2Lp9">'
        '<header class="Header_header__3vQxe"><a class="Header_logo__Zp1c4" href="/news/">'
        f'{name}</a><nav class="Header_nav__fW2qa">{nav}</nav></header>'
        f'<main class="Layout_main__q8TdP">{main}</main>'
        f'<footer class="Footer_footer__Wd2Kk"><p class="Footer_copy__Bn4Lz">© {site.year} '
        f"{name}. All rights reserved.</p></footer></div></div>"
        '<script id="__NEXT_DATA__" type="application/json">'
        f"{_script_json(next_data)}</script></body></html>\n"
    )


def _next_data(page: str, props: Mapping[str, object], query: Mapping[str, str]) -> object:
    return {
        "props": {"pageProps": dict(props), "__N_SSP": True},
        "page": page,
        "query": dict(query),
        "buildId": _NEXT_BUILD_ID,
        "isFallback": False,
        "gssp": True,
        "scriptLoader": [],
    }


def _next_article_html(site: _Site, a: SampleArticle) -> str:
    url = site.url(a)
    head = (
        f'<meta name="description" content="{_esc(a.summary)}"/>'
        f'<link rel="canonical" href="{_esc(url)}"/>'
        f'<meta property="og:title" content="{_esc(a.title)}"/>'
        '<meta property="og:type" content="article"/>'
        f'<meta property="og:site_name" content="{SITE_NAMES["nextjs"]}"/>'
        f'<meta property="og:url" content="{_esc(url)}"/>'
        f'<script type="application/ld+json">{_script_json(_news_article_ld(site, a))}</script>'
    )
    main = _next_article_body(a) + _next_newsletter() + _next_more(site, a)
    data = _next_data("/news/[slug]", {"article": _next_article_props(a)}, {"slug": a.slug})
    title = f"{a.title} | {SITE_NAMES['nextjs']}"
    return _next_document(site, title, head, main, data, _charset(a))


def _news_article_ld(site: _Site, a: SampleArticle) -> dict[str, object]:
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.summary,
        "datePublished": _iso(a.published),
        "dateModified": _iso(a.modified),
        "author": {"@type": "Person", "name": a.author},
        "publisher": {"@type": "Organization", "name": SITE_NAMES["nextjs"], "url": site.base},
        "mainEntityOfPage": {"@type": "WebPage", "@id": site.url(a)},
        "articleSection": a.section,
        "keywords": list(a.tags),
    }


def _next_article_props(a: SampleArticle) -> dict[str, object]:
    return {
        "id": a.id,
        "slug": a.slug,
        "title": a.title,
        "standfirst": a.summary,
        "section": a.section,
        "publishedAt": _utc_millis(a.published),
        "author": a.author,
        "tags": list(a.tags),
        "body": list(a.paragraphs),
    }


def _next_article_body(a: SampleArticle) -> str:
    blocks = "".join(_next_block(kind, text) for kind, text in a.body)
    return (
        '<article class="Article_article__Hn4sX"><div class="Article_header__v9JtQ">'
        f'<span class="Article_kicker__p0Wm2">{_esc(a.section)}</span>'
        f'<h1 class="Headline_title__Rt5aB">{_esc(a.title)}</h1>'
        f'<p class="Headline_standfirst__d3Kx8">{_esc(a.summary)}</p>'
        '<div class="Byline_byline__m2VbQ"><span class="Byline_by__cL0sd">By </span>'
        f'<span class="Byline_name__Vx7Lp">{_esc(a.author)}</span></div></div>'
        '<div class="ArticleBody_body__x7Qa2"><div class="ArticleBody_column__u3RtN">'
        f"{blocks}</div></div></article>"
    )


def _next_block(kind: BlockKind, text: str) -> str:
    if kind == "h2":
        return f'<h2 class="ArticleBody_subhead__T4rWs">{_esc(text)}</h2>'
    return f'<div class="RichText_block__P0a1c"><p class="RichText_p__Yk3sd">{_esc(text)}</p></div>'


def _next_newsletter() -> str:
    return (
        '<aside class="NewsletterPromo_promo__F9sAa"><div class="NewsletterPromo_inner__a1Bq7">'
        f'<h3 class="NewsletterPromo_title__Mx2Ld">Get {SITE_NAMES["nextjs"]} in your inbox</h3>'
        '<p class="NewsletterPromo_text__Wk7Ue">One email each morning with the EV stories '
        'that matter.</p><form class="NewsletterPromo_form__Zr5Tn"><input type="email" '
        'placeholder="you@example.com"/><button type="submit">Sign up</button></form></div></aside>'
    )


def _next_more(site: _Site, a: SampleArticle) -> str:
    links = "".join(
        f'<li class="MoreFrom_item__Gh6Yc"><a class="MoreFrom_link__Pq8Rs" '
        f'href="{article_path(o)}">{_esc(o.title)}</a></li>'
        for o in site.related(a, 4)
    )
    return (
        f'<section class="MoreFrom_section__h1UeC"><h2 class="MoreFrom_heading__Jq0xm">More from '
        f'{SITE_NAMES["nextjs"]}</h2><ul class="MoreFrom_list__s3NbR">{links}</ul></section>'
    )


def _next_index_html(site: _Site) -> str:
    cards = "".join(
        f'<div class="Card_card__Lm3Xz"><a class="Card_link__Rt9Wq" href="{article_path(a)}">'
        f'<h2 class="Card_title__Nb2Kc">{_esc(a.title)}</h2></a>'
        f'<p class="Card_summary__Ae5Tg">{_esc(a.summary)}</p></div>'
        for a in site.newest("nextjs")
    )
    main = (
        '<section class="Home_grid__Q4sPd"><h1 class="Home_title__Vx1Ry">Latest</h1>'
        f"{cards}</section>"
    )
    stories = [{"slug": a.slug, "title": a.title} for a in site.newest("nextjs")]
    data = _next_data("/news", {"stories": stories}, {})
    head = f'<link rel="canonical" href="{_esc(site.base)}/news/"/>'
    name = SITE_NAMES["nextjs"]
    return _next_document(site, f"{name}: {_NEXT_TAGLINE}", head, main, data, "utf-8")


# -- cms: an older table-layout portal ----------------------------------------------------------

_CMS_CSS: Final = (
    "body{margin:0;font:12px/1.8 SimSun,Arial}td{vertical-align:top}"
    ".art_title{font-size:22px;font-weight:bold;text-align:center}"
    ".ad{border:1px solid #ccc;background:#f6f6f6;text-align:center}"
)
_CMS_CHANNELS: Final = (
    ("industry", "产业 Industry"),
    ("ev", "新能源 New energy"),
    ("tech", "科技 Tech"),
    ("finance", "财经 Finance"),
)


def _cms_document(site: _Site, title: str, head: str, content: str, root: str, charset: str) -> str:
    """`root` is the relative way back to /cms/ from the page ("" or "../")."""
    name = SITE_NAMES["cms"]
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html>\n<head>\n'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
        f'<title>{_esc(title)}</title>\n{head}<style type="text/css">{_CMS_CSS}</style>\n'
        '</head>\n<body>\n<table width="960" border="0" cellspacing="0" cellpadding="0" '
        'align="center" class="top">\n<tr><td class="logo" width="300">'
        f'<a href="{root}index.html">{name} 中国汽车通讯</a></td>'
        f'<td class="topad">{_cms_ad("960x90", root)}</td></tr>\n</table>\n'
        '<table width="960" border="0" cellspacing="0" cellpadding="0" align="center" '
        f'class="main">\n<tr>\n<td width="180" class="leftnav">{_cms_nav(root)}</td>\n'
        f'<td width="780" class="content">\n{content}\n</td>\n</tr>\n</table>\n'
        '<table width="960" border="0" align="center" class="footer"><tr><td align="center">'
        f"Copyright &copy; 2008-{site.year} {name}. All rights reserved. "
        "版权所有 京ICP备00000000号</td></tr></table>\n</body>\n</html>\n"
    )


def _cms_nav(root: str) -> str:
    items = "".join(
        f'<li><a href="{root}index.html?channel={key}">{label}</a></li>'
        for key, label in _CMS_CHANNELS
    )
    return (
        f'<ul class="nav"><li><a href="{root}index.html">首页 Home</a></li>{items}</ul>'
        f"{_cms_ad('180x250', root)}"
    )


def _cms_ad(size: str, root: str) -> str:
    return (
        f'<div class="ad ad_{size}">广告 Advertisement<br>'
        f'<a href="{root}index.html?ad={size}" target="_blank">Fleet leasing from 1.99% — '
        "apply today</a></div>"
    )


def _cms_article_html(site: _Site, a: SampleArticle) -> str:
    head = (
        f'<meta name="keywords" content="{_esc(",".join(a.tags))}">\n'
        f'<meta name="description" content="{_esc(a.summary)}">\n'
    )
    related = "".join(
        f'<li><a href="{o.id}.html">{_esc(o.title)}</a></li>' for o in site.related(a, 5)
    )
    content = (
        f'<div class="crumbs">您的位置 You are here: <a href="../index.html">首页 Home</a> &gt; '
        f'<a href="../index.html?channel={_name_slug(a.section)}">{_esc(a.section)}</a> &gt; '
        '正文 Article</div>\n<table width="100%" border="0" cellspacing="0" cellpadding="0">\n'
        f'<tr><td class="art_title">{_esc(a.title)}</td></tr>\n'
        f'<tr><td class="art_info" align="center">来源 Source: {SITE_NAMES["cms"]}&nbsp;&nbsp;'
        f"发布时间 Published: {_beijing_minutes(a.published)}</td></tr>\n</table>\n"
        f'<div id="artibody">\n{_cms_body(a)}</div>\n'
        f'<p class="editor" align="right">责任编辑 Editor: {_esc(a.author)}</p>\n'
        f"{_cms_ad('640x80', '../')}\n"
        f'<div class="related"><h3>相关新闻 Related</h3><ul>{related}</ul></div>'
    )
    title = f"{a.title}_{SITE_NAMES['cms']}"
    return _cms_document(site, title, head, content, "../", _charset(a))


def _cms_body(a: SampleArticle) -> str:
    parts: list[str] = []
    for index, (kind, text) in enumerate(a.body):
        if kind == "h2":
            parts.append(f"<p><strong>{_esc(text)}</strong></p>\n")
        else:
            parts.append(f"<p>{_esc(text)}</p>\n")
        if index == 1:
            parts.append(_cms_ad("300x250", "../") + "\n")
    return "".join(parts)


def _cms_index_html(site: _Site) -> str:
    rows = "".join(
        f'<tr><td><a href="article/{a.id}.html">{_esc(a.title)}</a></td>'
        f'<td width="90" class="date">{a.published.astimezone(BEIJING):%Y-%m-%d}</td></tr>\n'
        for a in site.newest("cms")
    )
    content = (
        '<div class="crumbs">您的位置 You are here: 首页 Home</div>\n'
        '<h3 class="list_title">最新新闻 Latest news</h3>\n'
        f'<table width="100%" class="list">\n{rows}</table>'
    )
    return _cms_document(site, f"{SITE_NAMES['cms']} 中国汽车通讯", "", content, "", "utf-8")


# -- the server -------------------------------------------------------------------------------


class LoggedRequest(NamedTuple):
    method: str
    path: str  # as requested, with the query string
    status: int


class RequestLog:
    """A thread-safe, append-only list of the requests the server answered, in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[LoggedRequest] = []

    def append(self, item: LoggedRequest) -> None:
        with self._lock:
            self._items.append(item)

    def snapshot(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._items)

    def paths(self) -> list[str]:
        return [item.path for item in self.snapshot()]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __iter__(self) -> Iterator[LoggedRequest]:
        return iter(self.snapshot())

    @overload
    def __getitem__(self, index: int) -> LoggedRequest: ...
    @overload
    def __getitem__(self, index: slice) -> list[LoggedRequest]: ...
    def __getitem__(self, index: int | slice) -> LoggedRequest | list[LoggedRequest]:
        with self._lock:
            return self._items[index]

    def __repr__(self) -> str:
        return f"RequestLog({self.snapshot()!r})"


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def _parse_http_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def is_not_modified(page: Page, headers: Message) -> bool:
    """True when a conditional GET should get 304 (If-None-Match wins over If-Modified-Since)."""
    if page.status != 200:
        return False
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        return page.etag is not None and _etag_matches(if_none_match, page.etag)
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since is None or page.last_modified is None:
        return False
    since = _parse_http_date(if_modified_since)
    return since is not None and page.last_modified.replace(microsecond=0) <= since


class _SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, latency: float = 0.0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.pages: dict[str, Page] = {}
        self.request_log = RequestLog()
        self.latency = latency

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """Clients that hang up are normal for a crawler target: no traceback for them."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "carintel-sample/0.1"
    timeout = 15  # an idle keep-alive connection is closed after this many seconds
    server: _SiteHTTPServer

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log replaces the per-request stderr line."""

    def _respond(self, send_body: bool) -> None:
        if self.server.latency:
            time.sleep(self.server.latency)
        path = unquote(urlsplit(self.path).path)
        page = self.server.pages.get(path) or not_found_page()
        status = 304 if is_not_modified(page, self.headers) else page.status
        self.server.request_log.append(LoggedRequest(self.command, self.path, status))
        self.send_response(status)
        if page.etag is not None:
            self.send_header("ETag", page.etag)
        if page.last_modified is not None:
            self.send_header("Last-Modified", _http_date(page.last_modified))
        if status == 304:
            self.end_headers()
            return
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(page.content_length))
        self.end_headers()
        if send_body:
            self.wfile.write(page.body)
        if page.declared_length is not None:
            self.close_connection = True  # the rest never comes: hang up


class SampleServer:
    """The sample site on 127.0.0.1, served from a daemon thread; use as a context manager.

    Pages are rendered once, at start, with the real base URL (`base_url`, e.g.
    "http://127.0.0.1:54321"). `request_log` records (method, path_with_query, status) per request.
    """

    def __init__(
        self,
        articles: Iterable[SampleArticle] | None = None,
        port: int = 0,
        *,
        articles_dir: Path | None = None,
        latency: float = 0.0,
    ) -> None:
        """`latency`: seconds each response waits, to imitate a slower site in tests."""
        chosen = list(articles) if articles is not None else load_articles(articles_dir)
        self._httpd = _SiteHTTPServer(port, latency)
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.articles: tuple[SampleArticle, ...] = tuple(chosen)
        self.pages = render_site(self.articles, self.base_url)
        self._httpd.pages = self.pages
        self._closed = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"sample-site-{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def request_log(self) -> RequestLog:
        return self._httpd.request_log

    def url(self, path: str) -> str:
        """The absolute URL of a path such as "/blog/feed/"."""
        return self.base_url + path

    def article_url(self, article: SampleArticle) -> str:
        return self.base_url + article_path(article)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def serve(
    articles: Iterable[SampleArticle] | None = None,
    port: int = 0,
    *,
    articles_dir: Path | None = None,
) -> SampleServer:
    """Start the sample site; `with serve() as server:` stops it on leaving the block."""
    return SampleServer(articles, port, articles_dir=articles_dir)


def sample_sources(base_url: str) -> dict[str, list[dict[str, str]]]:
    """A sources config (the schema of carintel.config.Sources) for the sample site at base_url."""
    base = base_url.rstrip("/")
    return {
        "feeds": [
            {"name": "ev-ledger", "url": f"{base}/blog/feed/", "language": "en"},
            {"name": "volt-daily", "url": f"{base}/news/atom.xml", "language": "en"},
        ],
        "sitemaps": [
            {"name": "china-auto-wire", "url": f"{base}/cms/sitemap-news.xml", "language": "en"},
        ],
    }
