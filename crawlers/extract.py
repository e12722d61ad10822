"""Article extraction: raw HTML in, an `Article` record (or None) out. Pure functions, no Scrapy.

The body text comes from trafilatura, with fallbacks for what it misses (a JSON-LD `articleBody`,
the paragraphs of the densest container). Metadata comes from our own reading of the page, because
the generic extractor misses or guesses several fields: the canonical URL, the publish date *with
where it came from*, the author and the language.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import htmldate
import lxml.html
import trafilatura
from lxml import etree

from crawlers.urls import canonicalize_url

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
MIN_TEXT_CHARS = 200
_HAN = re.compile(r"[\u3400-\u9fff]")
_WS = re.compile(r"\s+")
_TITLE_SUFFIX = re.compile(r"(?:\s+[-|–—:·]\s+|\s*[_｜]\s*)[^-|–—:·_｜]{2,40}$")
_BYLINE = re.compile(r"^\s*(?:by|written by)\s+(.{3,80}?)\s*$", re.IGNORECASE)
# "Published: 2025-04-12 14:30", "发布时间：2025-04-12 14:30", "2025年4月12日 14:30"
_TEXT_DATE = re.compile(
    r"(?:published|posted|updated|发布时间|发布日期|时间)\s*[:：]?\s*"
    r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?",
    re.IGNORECASE,
)
_META_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    declared: str | None
    declared_was_wrong: bool


@dataclass(frozen=True)
class Article:
    """What one article page says about itself."""

    url: str
    canonical_url: str
    title: str
    text: str
    published_at: datetime | None
    published_at_source: str | None
    author: str | None
    language: str | None
    description: str | None
    declared_encoding_was_wrong: bool = False


def _norm_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)


def decode_html(body: bytes, declared: str | None = None) -> Decoded:
    """Decode a page. Valid UTF-8 wins over a declared 8-bit charset, since real UTF-8 bytes
    almost never decode as UTF-8 by accident; sites that declare iso-8859-1 or windows-1252 while
    serving UTF-8 are common. Otherwise: the declared charset, the <meta> charset, then UTF-8
    with replacement characters."""
    header = _norm_encoding(declared)
    match = _META_CHARSET.search(body[:4096])
    meta = _norm_encoding(match.group(1).decode("ascii", "replace")) if match else None
    claimed = header or meta
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        wrong = claimed is not None and claimed != "utf-8" and any(b > 0x7F for b in body)
        return Decoded(text.lstrip("\ufeff"), "utf-8", claimed, wrong)
    for candidate in (header, meta, "gb18030" if _looks_chinese_declared(claimed) else None):
        if candidate:
            try:
                return Decoded(body.decode(candidate), candidate, claimed, False)
            except (UnicodeDecodeError, LookupError):
                continue
    return Decoded(body.decode("utf-8", errors="replace"), "utf-8", claimed, claimed is not None)


def _looks_chinese_declared(name: str | None) -> bool:
    return bool(name) and name in {"gb2312", "gbk", "gb18030", "hz"}


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = _WS.sub(" ", text).strip()
    return cleaned or None


def parse_datetime(value: str | None, naive_tz: timezone = UTC) -> datetime | None:
    """ISO 8601 and the common variants found in pages and feeds; naive times get `naive_tz`."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    text = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=naive_tz)
    return parsed


def _json_ld_objects(doc: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in doc.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                found.append(node)
                if "@graph" in node:
                    stack.append(node["@graph"])
    return found


def _article_ld(doc: lxml.html.HtmlElement) -> dict[str, Any] | None:
    for node in _json_ld_objects(doc):
        kind = node.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and k.endswith(("Article", "BlogPosting")) for k in kinds):
            return node
    return None


def _ld_author(ld: dict[str, Any]) -> str | None:
    author = ld.get("author")
    if isinstance(author, list):
        names = [_ld_author({"author": a}) for a in author]
        return ", ".join(n for n in names if n) or None
    if isinstance(author, dict):
        return _clean(str(author.get("name") or "")) or None
    if isinstance(author, str):
        return _clean(author)
    return None


def _meta(doc: lxml.html.HtmlElement) -> dict[str, str]:
    out: dict[str, str] = {}
    for el in doc.xpath("//meta[@content]"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key and key not in out:
            out[key] = el.get("content", "").strip()
    return out


def _page_language(doc: lxml.html.HtmlElement, meta: dict[str, str], text: str) -> str | None:
    lang = doc.get("lang") or meta.get("content-language") or meta.get("og:locale")
    for el in doc.xpath("//meta[@http-equiv]"):
        if el.get("http-equiv", "").lower() == "content-language":
            lang = lang or el.get("content")
    if lang:
        return lang.replace("_", "-").split("-")[0].lower()
    if not text:
        return None
    han = len(_HAN.findall(text))
    return "zh" if han > len(text) * 0.2 else "en"


def _published(
    doc: lxml.html.HtmlElement,
    meta: dict[str, str],
    ld: dict[str, Any] | None,
) -> tuple[datetime | None, str | None]:
    if ld:
        found = parse_datetime(str(ld.get("datePublished") or ""))
        if found:
            return found, "jsonld"
    for key in _META_DATE_KEYS:
        found = parse_datetime(meta.get(key))
        if found:
            return found, "meta"
    for el in doc.xpath("//time[@datetime]"):
        classes = (el.get("class") or "") + " " + (el.get("itemprop") or "")
        if "updated" in classes or "modified" in classes:
            continue
        found = parse_datetime(el.get("datetime"))
        if found:
            return found, "time_tag"
    return None, None


def _date_from_text(body_text: str, naive_tz: timezone) -> datetime | None:
    match = _TEXT_DATE.search(body_text)
    if not match:
        return None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=naive_tz)
    except ValueError:
        return None


def _htmldate(markup: str, url: str) -> datetime | None:
    """Last resort: htmldate's reading of URL and markup (day precision, no guessing from text)."""
    found = htmldate.find_date(markup, url=url, original_date=True, extensive_search=False)
    if not found:
        return None
    try:
        return datetime.strptime(found, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def _title(
    doc: lxml.html.HtmlElement, meta: dict[str, str], ld: dict[str, Any] | None
) -> str | None:
    page_title = " ".join(t.text_content() for t in doc.xpath("//title")[:1])
    titled = [  # an element styled as a title whose text the <title> repeats
        el.text_content()
        for el in doc.xpath('//body//*[contains(@class, "title")]')
        if (_clean(el.text_content()) or "\0") in page_title
    ]
    candidates = [
        meta.get("og:title"),
        str(ld.get("headline")) if ld and ld.get("headline") else None,
        *(h.text_content() for h in doc.xpath("//h1")[:1]),
        *titled[:1],
        _TITLE_SUFFIX.sub("", page_title),
    ]
    for candidate in candidates:
        cleaned = _clean(candidate)
        if cleaned:
            return cleaned
    return None


def _author(
    doc: lxml.html.HtmlElement, meta: dict[str, str], ld: dict[str, Any] | None
) -> str | None:
    if ld:
        found = _ld_author(ld)
        if found:
            return found
    if meta.get("author") and not meta["author"].startswith("http"):
        return _clean(meta["author"])
    for el in doc.xpath('//*[@rel="author"]'):
        found = _clean(el.text_content())
        if found:
            return found
    for el in doc.xpath('//*[contains(@class, "byline") or contains(@class, "author")]')[:3]:
        match = _BYLINE.match(el.text_content())
        if match:
            return _clean(match.group(1))
    return None


def _fallback_text(doc: lxml.html.HtmlElement, ld: dict[str, Any] | None) -> str | None:
    if ld and isinstance(ld.get("articleBody"), str) and len(ld["articleBody"]) >= MIN_TEXT_CHARS:
        return str(ld["articleBody"]).strip()
    best: tuple[int, list[str]] = (0, [])
    for container in doc.xpath("//*[p]"):
        paras = [_clean(p.text_content()) or "" for p in container.xpath("./p")]
        size = sum(len(p) for p in paras)
        if size > best[0]:
            best = (size, [p for p in paras if p])
    return "\n".join(best[1]) or None


def parse_article(
    html: str | bytes,
    url: str,
    *,
    encoding: str | None = None,
    naive_tz: timezone | None = None,
) -> Article | None:
    """Extract an article from a page, or None when the page holds no article text.

    `encoding` is the charset the HTTP response declared (may be wrong; see `decode_html`).
    `naive_tz` is the time zone for dates that carry none; by default Beijing time when the page
    is in Chinese or states its dates in Chinese, else UTC.
    """
    if isinstance(html, bytes):
        decoded = decode_html(html, encoding)
        markup, wrong_encoding = decoded.text, decoded.declared_was_wrong
    else:
        markup, wrong_encoding = html, False
    if not markup.strip():
        return None
    try:
        doc = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None
    meta = _meta(doc)
    ld = _article_ld(doc)

    text = trafilatura.extract(
        markup, url=url, include_comments=False, include_tables=False, deduplicate=False
    )
    if not text or len(text) < MIN_TEXT_CHARS:
        text = _fallback_text(doc, ld) or text
    if not text or len(text) < MIN_TEXT_CHARS:
        return None

    visible = _clean(doc.text_content()) or ""
    chinese_page = bool(_HAN.search(visible))
    tz = naive_tz or (BEIJING if chinese_page else UTC)
    published, origin = _published(doc, meta, ld)
    if published is None:
        published = _date_from_text(visible, tz)
        origin = "page_text" if published else None
    if published is None:
        published = _htmldate(markup, url)
        origin = "htmldate" if published else None

    canonical = None
    for link in doc.xpath('//link[@rel="canonical"][@href]'):
        canonical = canonicalize_url(link.get("href"), base=url)
        break
    title = _title(doc, meta, ld)
    if not title:
        return None
    return Article(
        url=url,
        canonical_url=canonical or canonicalize_url(url),
        title=title,
        text=text.strip(),
        published_at=published,
        published_at_source=origin,
        author=_author(doc, meta, ld),
        language=_page_language(doc, meta, text),
        description=_clean(meta.get("og:description") or meta.get("description")),
        declared_encoding_was_wrong=wrong_encoding,
    )
