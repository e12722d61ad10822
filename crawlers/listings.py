"""Parsing listings (RSS, Atom and news sitemaps) into entries. Pure functions, bytes in.

Scrapy's own sitemap parser drops the `news:` fields (publication date, title, language), and a
feed parser must cope with the malformed XML real feeds serve, so both live here.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from crawlers.extract import parse_datetime


class ListingError(ValueError):
    """The listing could not be read at all (the reason is the message)."""


@dataclass(frozen=True)
class Entry:
    url: str
    title: str | None
    published_at: datetime | None
    language: str | None = None


@dataclass(frozen=True)
class Listing:
    kind: str  # rss | atom | rdf | urlset | sitemapindex
    entries: tuple[Entry, ...]
    sitemaps: tuple[str, ...] = ()  # for a sitemap index: the child sitemaps
    recovered: bool = False  # the XML was malformed and read in recovery mode


def _parser(recover: bool) -> etree.XMLParser:
    # No entity expansion, no network: feeds are hostile input.
    return etree.XMLParser(
        recover=recover, resolve_entities=False, no_network=True, huge_tree=False
    )


def _root(body: bytes) -> tuple[etree._Element, bool]:
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except OSError as exc:
            raise ListingError(f"bad gzip data: {exc}") from exc
    if not body.strip():
        raise ListingError("empty document")
    try:
        return etree.fromstring(body, parser=_parser(False)), False
    except etree.XMLSyntaxError:
        pass
    try:
        root = etree.fromstring(body, parser=_parser(True))
    except etree.XMLSyntaxError as exc:
        raise ListingError(f"malformed XML: {exc}") from exc
    if root is None:
        raise ListingError("malformed XML: nothing could be recovered")
    return root, True


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c) == name]


def _text(el: etree._Element, *names: str) -> str | None:
    for name in names:
        for child in _children(el, name):
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return None


def parse_feed_date(value: str | None) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, dc:date)."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return parse_datetime(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _rss_entry(item: etree._Element) -> Entry | None:
    link = _text(item, "link")
    if not link:
        for guid in _children(item, "guid"):
            if guid.get("isPermaLink", "true") == "true" and (guid.text or "").startswith("http"):
                link = guid.text.strip() if guid.text else None
    if not link:
        return None
    date = parse_feed_date(_text(item, "pubDate", "date", "published", "updated"))
    return Entry(url=link, title=_text(item, "title"), published_at=date)


def _atom_entry(entry: etree._Element) -> Entry | None:
    link = None
    for el in _children(entry, "link"):
        if el.get("rel", "alternate") == "alternate" and el.get("href"):
            link = el.get("href")
            break
    if not link:
        return None
    date = parse_feed_date(_text(entry, "published", "issued", "updated", "modified"))
    return Entry(url=link.strip(), title=_text(entry, "title"), published_at=date)


def _sitemap_entry(url: etree._Element) -> Entry | None:
    loc = _text(url, "loc")
    if not loc:
        return None
    title = date = lang = None
    for news in _children(url, "news"):
        title = _text(news, "title")
        date = parse_feed_date(_text(news, "publication_date"))
        for pub in _children(news, "publication"):
            lang = _text(pub, "language")
    if date is None:
        date = parse_feed_date(_text(url, "lastmod"))
    return Entry(url=loc, title=title, published_at=date, language=lang)


def parse_listing(body: bytes) -> Listing:
    """Entries of an RSS 2.0, RSS 1.0 (RDF), Atom feed, news sitemap or sitemap index."""
    root, recovered = _root(body)
    kind = _local(root)
    if kind == "sitemapindex":
        locs = tuple(t for s in _children(root, "sitemap") if (t := _text(s, "loc")))
        return Listing("sitemapindex", (), locs, recovered)
    if kind == "urlset":
        entries = tuple(e for u in _children(root, "url") if (e := _sitemap_entry(u)))
        return Listing("urlset", entries, (), recovered)
    if kind == "feed":
        entries = tuple(e for x in _children(root, "entry") if (e := _atom_entry(x)))
        return Listing("atom", entries, (), recovered)
    if kind in ("rss", "RDF"):
        items = [i for i in root.iter() if _local(i) == "item"]
        entries = tuple(e for i in items if (e := _rss_entry(i)))
        return Listing("rss" if kind == "rss" else "rdf", entries, (), recovered)
    raise ListingError(f"not a feed or sitemap: root element <{kind}>")
