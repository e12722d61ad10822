"""The bundled offline sample news site: three imitation news sites served on 127.0.0.1.

Articles are Markdown files with YAML front matter in `articles/` (`articles.py`, the format is in
README.md). `render_site` turns them into fixed pages (HTML from `templates.py`; RSS 2.0, Atom,
sitemaps and robots.txt from `feeds.py`); `server.SampleServer` serves those pages over real HTTP,
with the breakage real sites have (the quirks), answers conditional GETs on feeds and sitemaps,
and records every request it answers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Final

from carintel.sample_site.articles import (
    DEFAULT_BASE_URL,
    TRUNCATE_PERCENT,
    SampleArticle,
    article_path,
)
from carintel.sample_site.feeds import atom_feed, news_sitemap, robots_txt, rss_feed, sitemap_index
from carintel.sample_site.pages import ATOM, Page, Site, charset
from carintel.sample_site.templates import (
    blog_article_html,
    blog_index_html,
    cms_article_html,
    cms_index_html,
    home_html,
    next_article_html,
    next_index_html,
)

_XML: Final = "application/xml"


def render_site(
    articles: Iterable[SampleArticle], base_url: str = DEFAULT_BASE_URL
) -> dict[str, Page]:
    """Every path of the site (no query strings) and its page; links are absolute on `base_url`."""
    site = Site(base_url.rstrip("/"), tuple(articles))
    pages: dict[str, Page] = {
        "/": _html_page(home_html(site)),
        "/robots.txt": Page(200, "text/plain; charset=utf-8", robots_txt(site).encode()),
        "/sitemap.xml": _xml_page(sitemap_index(site), _XML, site.newest("cms")),
        "/blog/feed/": _xml_page(rss_feed(site), "application/rss+xml", site.newest("blog")),
        "/news/atom.xml": _xml_page(atom_feed(site), ATOM, site.newest("nextjs")),
        "/cms/sitemap-news.xml": _xml_page(news_sitemap(site), _XML, site.newest("cms")),
        "/blog/": _html_page(blog_index_html(site)),
        "/news/": _html_page(next_index_html(site)),
        "/cms/": _html_page(cms_index_html(site)),
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


def _article_page(site: Site, a: SampleArticle) -> Page:
    if a.quirk == "missing_404":
        return not_found_page()
    renderers = {"blog": blog_article_html, "nextjs": next_article_html, "cms": cms_article_html}
    page = _html_page(renderers[a.template](site, a), charset(a))
    if a.quirk == "truncated":
        cut = len(page.body) * TRUNCATE_PERCENT // 100
        return Page(page.status, page.content_type, page.body[:cut], declared_length=len(page.body))
    return page
