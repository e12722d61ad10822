"""The landing record: one JSON object per line in `landing/RUN/items-SPIDER.jsonl`.

This dataclass is the landing schema, documented once here and in the README. The warehouse
loader reads these files as plain JSON; it does not import this module.
"""

from __future__ import annotations

from dataclasses import dataclass

LANDING_SCHEMA_VERSION = 2


@dataclass(frozen=True)
class ArticleItem:
    url: str  # fetched URL, after redirects
    canonical_url: str  # rel=canonical or the URL, tracking parameters removed
    source: str  # the source's name in sources.yaml
    source_kind: str  # feed | sitemap
    kind: str  # article | post | comment (posts and comments are not deduplicated by content)
    title: str
    text: str
    published_at: str | None  # ISO 8601 with offset
    published_at_source: (
        str | None
    )  # feed | sitemap | jsonld | meta | time_tag | page_text | htmldate
    author: str | None
    language: str | None
    fetched_at: str  # ISO 8601, UTC
    http_status: int
    content_hash: str  # sha256 of the whitespace-normalised, case-folded text
    crawl_run_id: str
    warc_file: str | None  # relative to the landing directory
    warc_record_id: str | None
    warc_payload_digest: str | None
    # Since schema version 2, for social posts and aggregator results (None for articles):
    external_id: str | None = None  # the platform's id: HN objectID, Mastodon status id, ...
    parent_url: str | None = None  # a comment's parent post (or the story a post links to)
    engagement: dict[str, int] | None = None  # e.g. {"score": 12, "comments": 4, "reposts": 2}
    first_seen_at: str | None = None  # when an aggregator first saw it (GDELT seendate)
    schema_version: int = LANDING_SCHEMA_VERSION
