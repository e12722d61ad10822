from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawlers.listings import ListingError, parse_listing

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>EV</title>
<item><title>Xiaomi &amp; the YU7</title><link>https://ev.example/2025/05/22/yu7/</link>
<guid isPermaLink="false">https://ev.example/?p=12</guid>
<pubDate>Thu, 22 May 2025 12:00:00 +0000</pubDate></item>
<item><title>No link</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Volt</title>
<entry><title>Afeela 1 orders</title><id>tag:volt,2025:1</id>
<link rel="alternate" href="https://volt.example/news/afeela"/>
<link rel="replies" href="https://volt.example/news/afeela#comments"/>
<published>2025-05-01T09:00:00+09:00</published><updated>2025-05-02T09:00:00Z</updated></entry>
</feed>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://wire.example/cms/article/7.html</loc>
<news:news><news:publication><news:name>Wire</news:name><news:language>en</news:language>
</news:publication><news:publication_date>2025-04-12T14:30:00+08:00</news:publication_date>
<news:title>JAC and Huawei show the Maextro</news:title></news:news></url>
</urlset>"""


def test_rss_entries_use_link_and_pubdate() -> None:
    listing = parse_listing(RSS)
    assert listing.kind == "rss"
    [entry] = listing.entries
    assert entry.url == "https://ev.example/2025/05/22/yu7/"
    assert entry.title == "Xiaomi & the YU7"
    assert entry.published_at == datetime(2025, 5, 22, 12, tzinfo=UTC)


def test_atom_entries_use_the_alternate_link_and_published_not_updated() -> None:
    [entry] = parse_listing(ATOM).entries
    assert entry.url == "https://volt.example/news/afeela"
    assert entry.published_at == datetime(2025, 5, 1, 0, tzinfo=UTC)


def test_news_sitemap_keeps_the_news_fields() -> None:
    [entry] = parse_listing(NEWS_SITEMAP).entries
    assert entry.title == "JAC and Huawei show the Maextro"
    assert entry.language == "en"
    assert entry.published_at == datetime(2025, 4, 12, 6, 30, tzinfo=UTC)


def test_sitemap_index_lists_child_sitemaps() -> None:
    body = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://wire.example/news.xml</loc></sitemap></sitemapindex>"
    )
    assert parse_listing(body).sitemaps == ("https://wire.example/news.xml",)


def test_malformed_feed_is_recovered_and_flagged() -> None:
    broken = RSS.replace(b"</channel></rss>", b"<item><title>cut")
    listing = parse_listing(broken)
    assert listing.recovered
    assert listing.entries[0].url == "https://ev.example/2025/05/22/yu7/"


@pytest.mark.parametrize(
    "body", [b"", b"<html><body>Not a feed</body></html>", b"\x1f\x8bnot gzip"]
)
def test_what_is_not_a_listing_raises_listing_error(body: bytes) -> None:
    with pytest.raises(ListingError):
        parse_listing(body)


def test_external_entities_are_not_expanded() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><item><title>&x;</title><link>https://a.example/1</link></item>"
        b"</channel></rss>"
    )
    [entry] = parse_listing(body).entries
    assert "root:" not in (entry.title or "")
