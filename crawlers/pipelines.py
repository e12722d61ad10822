"""Item pipelines. Each does one job and rejects with `DropItem` and a reason."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.items import ArticleItem
from crawlers.stats import SKIPPED


class DuplicateCanonicalPipeline:
    """Drops a second item with the same canonical URL within one crawl run (a feed that links
    an article twice, or with and without tracking parameters)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DuplicateCanonicalPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            if item.canonical_url in self.seen:
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value(f"{SKIPPED}duplicate_in_run")
                raise DropItem(f"duplicate canonical URL in this run: {item.canonical_url}")
            self.seen.add(item.canonical_url)
        return item


class RequireTextPipeline:
    """Drops an article whose text is shorter than `CARINTEL_MIN_TEXT_CHARS` (a stub or a
    paywall). Posts and comments are short by nature and pass."""

    def __init__(self, crawler: Crawler, min_chars: int) -> None:
        self.crawler = crawler
        self.min_chars = min_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequireTextPipeline:
        return cls(crawler, crawler.settings.getint("CARINTEL_MIN_TEXT_CHARS", 200))

    def process_item(self, item: Any) -> Any:
        if (
            isinstance(item, ArticleItem)
            and item.kind == "article"
            and len(item.text) < self.min_chars
        ):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"{SKIPPED}text_too_short")
            raise DropItem(f"text has {len(item.text)} characters, fewer than {self.min_chars}")
        return item
