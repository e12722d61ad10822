"""Article extraction: raw HTML in, an `Article` record (or None) out. Pure functions, no Scrapy.

The body text comes from trafilatura (default settings, run on the one parse of the page that our
metadata reading shares), with fallbacks for what it misses (a JSON-LD `articleBody`, the
paragraphs of the densest container), then `tidy_body` drops the page furniture it lets through
(title repeated above the text, "Related"/"Read more" blocks, share and newsletter lines).
`benchmarks/extraction_eval.py` measures the result.

Metadata comes from our own reading of the page, because the generic extractor misses or guesses
several fields: the canonical URL, the publish date *with where it came from*, the author and the
language.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
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
_TITLE_SUFFIX = re.compile(r"(?:\s+[-|–—:·]\s+|\s*[_｜]\s*)[^-|–—:·_｜]{2,40}$")
_BYLINE = re.compile(r"^\s*(?:by|written by)\s+(.{3,80}?)\s*$", re.IGNORECASE)

# Body tidying (`tidy_body`). Lines are compared by `_key`: their word tokens, lowercased.
_WORD = re.compile(r"\w+")
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DATE_PART = re.compile(
    r"\b(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2})|\d{1,2}月\d{1,2}日",
    re.IGNORECASE,
)
# A line that heads a block of links to other stories ("Related:", "You may also like...");
# with text after its colon it is itself such a link ("Read more: Another story").
_RELATED = (
    r"related(?: (?:articles?|stories|posts?|news|content|coverage|reading|links?|videos?))?"
    r"|also on [\w.]+|see also|trending(?: now)?|recommended(?: for you)?|popular|most read"
    r"|most popular|don'?t miss|you (?:may|might) (?:also )?(?:like|enjoy)|further reading"
    r"|(?:read|see|view|show|load) (?:more|next)(?: (?:stories|articles|news|videos?|photos))?"
    r"|more (?:stories|news|videos?)|editor'?s picks?|top stories|latest(?: news| stories)?|more"
    r"|相关(?:阅读|新闻|文章|报道|推荐)|推荐阅读|延伸阅读|热门(?:文章|新闻|推荐)"
)
_RELATED_LINE = re.compile(
    rf"^(?:{_RELATED})\s*(?:(?:[:：|>»…!-]|\.\.\.|\.)\s*(?P<rest>.{{0,200}}))?$", re.IGNORECASE
)
_MORE_FROM = re.compile(r"^more (?:from|on|about) .{1,60}$", re.IGNORECASE)
# A whole line that shares, signs up or advertises, in the wording news sites use.
_BOILERPLATE_LINE = re.compile(
    r"^(?:"
    r"(?:share|tweet|email|print|save)(?: (?:this|it|on|via|with|the) .{0,60})?\s*[:!]?"
    r"|(?:sign up|subscribe|join|get)\b.{0,80}\b(?:newsletter|inbox|updates|alerts)\b.{0,80}"
    r"|thanks? (?:you )?for (?:signing up|subscribing)\b.{0,80}|keep an eye on your inbox\b.{0,80}"
    r"|there was an error processing your (?:subscription|request)\.?"
    r"|(?:like|enjoy(?:ed)?) this (?:story|article)\b.{0,80}"
    r"|(?:广告\s*)?advertisement|广告|sponsored(?: content)?|sorry!?|comments?|\d+ comments?"
    r"|click here"
    r"|分享到\S{0,20}|[(（]?(?:责任编辑|编辑|责编)\s*[:：]\s*\S{1,20}?[)）]?"
    r")$",
    re.IGNORECASE,
)
# A short line that asks for a follow or a sign-up wherever the request stands in it.
_PROMO_IN_LINE = re.compile(
    r"\bfollow (?:us|him|her|them|me)\b.{0,30}\b(?:twitter|facebook|instagram|linkedin)\b"
    r"|\b(?:sign up|subscribe)\b.{0,60}\b(?:newsletter|inbox)\b",
    re.IGNORECASE,
)
# trafilatura writes a table row as "| cell | cell |"; data tables have short cells.
_TABLE_ROW = re.compile(r"^\|.*", re.MULTILINE)
_LAYOUT_ROW_CHARS = 500
# Links to other pages (in-page links repeat the headings they point to), with some text.
_LINK_XPATH = "//a[@href][not(starts-with(@href, '#'))][string-length(normalize-space()) > 8]"

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


# An RSS, Atom or RDF feed is a list of articles, never one.
_PROLOG = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", re.S | re.IGNORECASE)
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)\b")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)


def decode_html(body: bytes, declared: str | None = None) -> Decoded:
    """Decode a page. Valid UTF-8 wins over a declared 8-bit charset, since real UTF-8 bytes
    almost never decode as UTF-8 by accident; sites that declare iso-8859-1 or windows-1252 while
    serving UTF-8 are common. Otherwise: the declared charset, the <meta> charset, UTF-8 with
    replacement characters when the bytes are UTF-8 but for a few broken sequences, then a
    guess between GB18030 and windows-1252 (see `_guess_legacy`)."""
    header = _norm_encoding(declared)
    match = _META_CHARSET.search(body[:4096])
    meta = _norm_encoding(match.group(1).decode("ascii", "replace")) if match else None
    claimed = header or meta
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        wrong = claimed is not None and claimed != "utf-8" and not body.isascii()
        return Decoded(text.lstrip("\ufeff"), "utf-8", claimed, wrong)
    for candidate in (header, meta, "gb18030" if _looks_chinese_declared(claimed) else None):
        if candidate:
            try:
                return Decoded(body.decode(candidate), candidate, claimed, False)
            except (UnicodeDecodeError, LookupError):
                continue
    text = body.decode("utf-8", errors="replace")
    if len(_UTF8_SEQUENCE.findall(body)) >= 10 * text.count("\ufffd"):
        return Decoded(text.lstrip("\ufeff"), "utf-8", claimed, claimed not in (None, "utf-8"))
    guess = _guess_legacy(body)
    return Decoded(body.decode(guess, errors="replace"), guess, claimed, claimed is not None)


_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _guess_legacy(body: bytes) -> str:
    """Not UTF-8 and no usable charset: Chinese legacy encodings write every character as two
    (or four) bytes above 0x7F, so their non-ASCII bytes come in runs; Western 8-bit text has
    single accented letters between ASCII ones."""
    runs = _HIGH_RUN.findall(body)
    paired = sum(len(run) for run in runs if len(run) % 2 == 0)
    total = sum(len(run) for run in runs)
    if total and paired >= 0.9 * total:
        try:
            body.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            return "gb18030"
    return "cp1252"


def _is_feed(markup: str) -> bool:
    return bool(_FEED_ROOT.match(_PROLOG.sub("", markup[:4000]).lstrip()))


def _looks_chinese_declared(name: str | None) -> bool:
    return bool(name) and name in {"gb2312", "gbk", "gb18030", "hz"}


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(text.split()) or None  # str.split() splits on exactly what \s matches


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


def _htmldate(doc: lxml.html.HtmlElement, url: str) -> datetime | None:
    """Last resort: htmldate's reading of URL and markup (day precision, no guessing from text)."""
    found = htmldate.find_date(doc, url=url, original_date=True, extensive_search=False)
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

    def candidates() -> Iterator[str | None]:  # in order of trust, computed only when needed
        yield meta.get("og:title")
        yield str(ld.get("headline")) if ld and ld.get("headline") else None
        yield from (h.text_content() for h in doc.xpath("//h1")[:1])
        for el in doc.xpath('//body//*[contains(@class, "title")]'):
            # an element styled as a title whose text the <title> repeats
            if (_clean(el.text_content()) or "\0") in page_title:
                yield el.text_content()
                break
        yield _TITLE_SUFFIX.sub("", page_title)

    for candidate in candidates():
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


def _key(text: str) -> str:
    """Word tokens, lowercased: what two renderings of the same line have in common."""
    return " ".join(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class PageFurniture:
    """What a page says about itself outside the article text, as `_key`s: the forms of its
    title and the texts of its links to other pages."""

    titles: frozenset[str]
    links: frozenset[str]


def page_furniture(
    doc: lxml.html.HtmlElement,
    meta: dict[str, str],
    ld: dict[str, Any] | None = None,
    title: str | None = None,
) -> PageFurniture:
    page_title = " ".join(t.text_content() for t in doc.xpath("//title")[:1])
    titles: list[Any] = [title, page_title, _TITLE_SUFFIX.sub("", page_title)]
    titles += [h.text_content() for h in doc.xpath("//h1")[:2]]
    titles += [meta.get(k) for k in ("og:title", "twitter:title", "title")]
    if ld:
        titles += [ld.get(k) for k in ("headline", "name")]
    links = set()
    for anchor in doc.xpath(_LINK_XPATH):
        key = _key(anchor.text_content())
        if key.count(" ") >= 2:  # three words or more
            links.add(key)
    keys = (_key(t) for t in titles if isinstance(t, str))
    return PageFurniture(frozenset(k for k in keys if k), frozenset(links))


def tidy_body(text: str, page: PageFurniture) -> str:
    """Drop the lines of an extracted body that are page furniture rather than article:
    above the text, the title (a field of its own), a URL, byline or date line;
    anywhere, sharing, newsletter and advert lines; teaser links (a whole line that is the text
    of a link) when listed, in capitals, or under a "Related"/"More" heading."""
    kept: list[str] = []
    top, under_related = True, False
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        item = line[2:] if line.startswith("- ") else line
        key = _key(item)
        if top:
            if key in page.titles or _is_top_furniture(line, key):
                continue
            top = False
        related = _RELATED_LINE.match(line) or _MORE_FROM.match(line)
        if related:
            under_related = not related.groupdict().get("rest")
            continue
        if _BOILERPLATE_LINE.match(line) or (len(line) < 250 and _PROMO_IN_LINE.search(line)):
            continue
        is_link = key in page.links
        if is_link and (line.startswith("- ") or under_related or item.isupper()):
            continue
        under_related = False
        kept.append(line)
    return "\n".join(kept)


def _is_top_furniture(line: str, key: str) -> bool:
    if not key or _URL_LINE.match(line) or _BYLINE.match(line):
        return True
    # a date line: a year, a month or time, and few other words
    return key.count(" ") < 10 and bool(_YEAR.search(key)) and bool(_DATE_PART.search(line))


def _parse_html(markup: str) -> lxml.html.HtmlElement | None:
    """One parse serves both trafilatura and our metadata: trafilatura's own loader (so its
    extraction sees exactly the tree it would build itself), else lxml's document parser."""
    tree = trafilatura.load_html(markup)
    if isinstance(tree, lxml.html.HtmlElement):
        return tree
    try:
        return lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None


def _densest_paragraphs(doc: lxml.html.HtmlElement) -> str | None:
    best: tuple[int, list[str]] = (0, [])
    for container in doc.xpath("//*[p]"):
        paras = [_clean(p.text_content()) or "" for p in container.xpath("./p")]
        size = sum(len(p) for p in paras)
        if size > best[0]:
            best = (size, [p for p in paras if p])
    return "\n".join(best[1]) or None


def _fallback_text(doc: lxml.html.HtmlElement, ld: dict[str, Any] | None) -> str | None:
    body = ld.get("articleBody") if ld else None
    if isinstance(body, str) and len(body) >= MIN_TEXT_CHARS:
        return body.strip()
    return _densest_paragraphs(doc)


def body_text(
    doc: lxml.html.HtmlElement,
    url: str | None = None,
    *,
    meta: dict[str, str] | None = None,
    ld: dict[str, Any] | None = None,
    title: str | None = None,
) -> str | None:
    """The article body of a parsed page, or None when it holds less than `MIN_TEXT_CHARS`.

    trafilatura with its default settings (tables included, comments not; tables left out when
    the page is laid out with one), then our fallbacks when it finds too little, then
    `tidy_body` with what the page says about itself.
    """
    text = trafilatura.extract(doc, url=url, include_comments=False)
    if text and any(len(row) > _LAYOUT_ROW_CHARS for row in _TABLE_ROW.findall(text)):
        # a table whose cells hold paragraphs lays out the page: read it as plain blocks
        text = trafilatura.extract(doc, url=url, include_comments=False, include_tables=False)
    if not text or len(text) < MIN_TEXT_CHARS:
        text = _fallback_text(doc, ld) or text
    if not text:
        return None
    meta = _meta(doc) if meta is None else meta
    tidied = tidy_body(text, page_furniture(doc, meta, ld, title))
    if len(tidied) >= MIN_TEXT_CHARS:
        return tidied
    return text.strip() if len(text.strip()) >= MIN_TEXT_CHARS else None


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
    if not markup.strip() or _is_feed(markup):
        return None
    doc = _parse_html(markup)
    if doc is None:
        return None
    meta = _meta(doc)
    ld = _article_ld(doc)
    title = _title(doc, meta, ld)
    if not title:
        return None
    text = body_text(doc, url, meta=meta, ld=ld, title=title)
    if not text:
        return None

    raw_visible = doc.text_content()
    chinese_page = bool(_HAN.search(raw_visible))
    tz = naive_tz or (BEIJING if chinese_page else UTC)
    published, origin = _published(doc, meta, ld)
    if published is None:
        published = _date_from_text(_clean(raw_visible) or "", tz)
        origin = "page_text" if published else None
    if published is None:
        published = _htmldate(doc, url)
        origin = "htmldate" if published else None

    canonical = None
    for link in doc.xpath('//link[@rel="canonical"][@href]'):
        canonical = canonicalize_url(link.get("href"), base=url)
        break
    return Article(
        url=url,
        canonical_url=canonical or canonicalize_url(url),
        title=title,
        text=text,
        published_at=published,
        published_at_source=origin,
        author=_author(doc, meta, ld),
        language=_page_language(doc, meta, text),
        description=_clean(meta.get("og:description") or meta.get("description")),
        declared_encoding_was_wrong=wrong_encoding,
    )
