"""RSS and Atom feeds, followed to their article pages."""

from __future__ import annotations

from crawlers.spiders.base import ArticleSpider


class FeedsSpider(ArticleSpider):
    """`scrapy crawl feeds -a sources='[{"name": "x", "url": "https://x/feed/"}]'`"""

    name = "feeds"
    source_kind = "feed"
