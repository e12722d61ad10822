"""News sitemaps (and sitemap indexes leading to them), followed to their article pages."""

from __future__ import annotations

from collections.abc import Iterable

import scrapy
from scrapy.http import Response

from crawlers.listings import Listing
from crawlers.spiders.base import ArticleSpider

MAX_INDEX_DEPTH = 2


class SitemapsSpider(ArticleSpider):
    """`scrapy crawl sitemaps -a sources='[{"name": "x", "url": "https://x/news-sitemap.xml"}]'`"""

    name = "sitemaps"
    source_kind = "sitemap"

    def follow_listing(self, response: Response, listing: Listing) -> Iterable[scrapy.Request]:
        depth = response.meta.get("index_depth", 0)
        if listing.sitemaps and depth < MAX_INDEX_DEPTH:
            for url in listing.sitemaps:
                request = self.listing_request(response.urljoin(url), response.meta["source"])
                request.meta["index_depth"] = depth + 1
                yield request
        yield from super().follow_listing(response, listing)
