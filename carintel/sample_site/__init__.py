"""The bundled offline sample news site (three imitation news sites with real-world quirks).

In rooms: `articles` (the Markdown files and their records), `pages` (what every page is made
of), `templates` (the three sites' HTML), `feeds` (RSS, Atom, sitemaps, robots.txt), `site`
(every path and its page) and `server` (HTTP on 127.0.0.1)."""

from carintel.sample_site.articles import (
    DEFAULT_ARTICLES_DIR,
    QUIRKS,
    SITE_NAMES,
    TEMPLATES,
    TRACKING_QUERY,
    SampleArticle,
    article_path,
    load_article,
    load_articles,
    parse_article_file,
)
from carintel.sample_site.pages import Page
from carintel.sample_site.server import (
    LoggedRequest,
    RequestLog,
    SampleServer,
    sample_sources,
    serve,
)
from carintel.sample_site.site import render_site

__all__ = [
    "DEFAULT_ARTICLES_DIR",
    "QUIRKS",
    "SITE_NAMES",
    "TEMPLATES",
    "TRACKING_QUERY",
    "LoggedRequest",
    "Page",
    "RequestLog",
    "SampleArticle",
    "SampleServer",
    "article_path",
    "load_article",
    "load_articles",
    "parse_article_file",
    "render_site",
    "sample_sources",
    "serve",
]
