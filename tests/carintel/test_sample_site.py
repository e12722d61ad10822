"""The offline sample news site: article files, rendering, and the server over real HTTP."""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree
from lxml import html as lxml_html

from carintel.config import Sources
from carintel.sample_site import (
    TRACKING_QUERY,
    SampleArticle,
    SampleServer,
    article_path,
    load_articles,
    render_site,
    sample_sources,
    serve,
)

TRICKY_TITLE = 'Sony & Honda "Afeela" <b>'
CST = timezone(timedelta(hours=8))

# (file name, front matter, body); bodies have 2+ paragraphs and one subheading.
ARTICLES: list[tuple[str, str, str]] = [
    (
        "001-afeela-opens-orders.md",
        f"""id: 1
slug: afeela-opens-orders
template: blog
title: '{TRICKY_TITLE}'
published: 2025-01-07T10:15:00+08:00
author: "Lena Park"
section: "Partnerships"
tags: [sony, honda, afeela]
summary: "Sony & Honda's joint brand opens orders in California."
""",
        "Sony and Honda opened orders for their first car.\n\n"
        "The car is built in Ohio.\nDeliveries start later.\n\n"
        "## What comes next\n\nA second model is planned.",
    ),
    (
        "002-xiaomi-su7-deliveries.md",
        """id: 2
slug: xiaomi-su7-deliveries
template: blog
title: "Xiaomi passes a delivery milestone"
published: 2025-02-03T09:00:00+08:00
author: "Marta Oyelaran"
section: "Markets"
tags: [xiaomi]
summary: "The phone maker's car unit keeps growing."
quirk: tracking_link
""",
        "Xiaomi said deliveries passed a milestone.\n\nThe SU7 remains its only model.",
    ),
    (
        "003-huawei-hima-brands.md",
        """id: 3
slug: huawei-hima-brands
template: blog
title: "Huawei’s HIMA adds a fifth brand – für Europa?"
published: 2025-03-01T20:45:00+08:00
author: "Lena Park"
section: "Software"
tags: [huawei, hima]
summary: "HIMA grows again."
quirk: wrong_encoding
""",
        "Huawei’s alliance added a brand.\n\nPartners build the cars; Huawei sells them.",
    ),
    (
        "004-baidu-geely-jiyue.md",
        """id: 4
slug: baidu-geely-jiyue
template: nextjs
title: "Baidu and Geely reshape Jiyue"
published: 2025-01-20T08:30:00+08:00
author: "Sam Whitfield"
section: "Cars"
tags: [baidu, geely, jiyue]
summary: "The joint venture changes course."
""",
        "Baidu and Geely changed the venture's plans.\n\n## Why\n\nSales were slow.",
    ),
    (
        "005-apple-car-cancelled.md",
        """id: 5
slug: apple-car-cancelled
template: nextjs
title: "Apple's car project, a look back"
published: 2025-02-14T23:10:00+08:00
author: "Sam Whitfield"
section: "Tech"
tags: [apple]
summary: "A decade of work, ended."
quirk: truncated
""",
        "Apple ended its car project.\n\n" + "It had run for about ten years. " * 40,
    ),
    (
        "006-afeela-opens-orders-copy.md",
        """id: 6
slug: afeela-opens-orders-copy
template: nextjs
title: 'Afeela "orders" open </script> & more'
published: 2025-01-07T15:00:00+08:00
author: "Wire staff"
section: "Cars"
tags: [sony, honda]
summary: "A syndicated version."
quirk: syndicated_copy
syndicates: 1
""",
        "Sony and Honda's brand took its first orders.\n\nThe car is built in Ohio.",
    ),
    (
        "007-catl-jd-gac-car.md",
        """id: 7
slug: catl-jd-gac-car
template: cms
title: "JD.com, GAC & CATL show their car"
published: 2025-04-12T14:30:00+08:00
author: "Wang Lei"
section: "Industry"
tags: [jd, gac, catl]
summary: "Three companies, one car."
""",
        "JD.com, GAC and CATL showed a car.\n\n## Battery swap\n\nIt takes a CATL battery.",
    ),
    (
        "008-seres-aito-plant.md",
        """id: 8
slug: seres-aito-plant
template: cms
title: "Seres opens a plant for Aito"
published: 2025-04-09T20:05:00+00:00
author: "Zhao Min"
section: "Industry"
tags: [seres, aito]
summary: "A new factory."
quirk: missing_404
""",
        "Seres opened a plant.\n\nIt builds Aito cars.",
    ),
]

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def write_articles(folder: Path, articles: list[tuple[str, str, str]] = ARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, front, body in articles:
        (folder / name).write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def articles_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_articles(tmp_path_factory.mktemp("sample") / "articles")


@pytest.fixture(scope="module")
def articles(articles_dir: Path) -> list[SampleArticle]:
    return load_articles(articles_dir)


@pytest.fixture(scope="module")
def by_id(articles: list[SampleArticle]) -> dict[int, SampleArticle]:
    return {a.id: a for a in articles}


@pytest.fixture(scope="module")
def server(articles: list[SampleArticle]) -> Iterator[SampleServer]:
    with serve(articles) as running:
        yield running


class Response:
    def __init__(self, status: int, headers: Message, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(url: str, headers: dict[str, str] | None = None) -> Response:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return Response(reply.status, reply.headers, reply.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def page_of(server: SampleServer, article: SampleArticle) -> Response:
    return fetch(server.base_url + article_path(article))


def without_scripts(text: str) -> str:
    return re.sub(r"<script\b.*?</script>", "", text, flags=re.DOTALL)


# -- loading article files --------------------------------------------------------------------


def test_load_articles_reads_front_matter_and_body(by_id: dict[int, SampleArticle]) -> None:
    first = by_id[1]
    assert first.title == TRICKY_TITLE
    assert first.published == datetime(2025, 1, 7, 2, 15, tzinfo=UTC)
    assert first.published.utcoffset() == timedelta(hours=8)
    assert first.tags == ("sony", "honda", "afeela")
    assert first.quirk == "none" and first.syndicates is None
    assert first.body == (
        ("p", "Sony and Honda opened orders for their first car."),
        ("p", "The car is built in Ohio. Deliveries start later."),
        ("h2", "What comes next"),
        ("p", "A second model is planned."),
    )
    assert first.paragraphs[1] == "The car is built in Ohio. Deliveries start later."
    assert first.subheadings == ("What comes next",)
    assert first.plain_text.split("\n\n") == [text for _, text in first.body]
    assert by_id[6].quirk == "syndicated_copy" and by_id[6].syndicates == 1


def test_load_articles_sorts_by_published(articles: list[SampleArticle]) -> None:
    assert [a.id for a in articles] == [1, 6, 4, 2, 5, 3, 8, 7]


GOOD_FRONT = {
    "id": "9",
    "slug": "x",
    "template": "blog",
    "title": "T",
    "published": "2025-04-12T14:30:00+08:00",
    "author": "A",
    "section": "S",
    "summary": "S.",
}


def front(**changes: str | None) -> str:
    """Valid front matter for 009-x.md; a change to None drops the key."""
    fields = {**GOOD_FRONT, **changes}
    return "".join(f"{key}: {value}\n" for key, value in fields.items() if value is not None)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("009-x.md", "id: 9\n", "front matter"),
        ("009-x.md", "---\nid: 9\n", "not closed"),
        ("009-x.md", "---\nid: [\n---\nBody.\n", "while parsing"),
        ("009-x.md", f"---\n{front(summary=None)}---\nBody.\n", "lacks summary"),
        ("009-x.md", f"---\n{front(template='wiki')}---\nBody.\n", "template"),
        ("009-x.md", f"---\n{front(published='2025-04-12T14:30:00')}---\nBody.\n", "offset"),
        ("009-x.md", f"---\n{front(published='2025-04-12')}---\nBody.\n", "time"),
        ("009-x.md", f"---\n{front(color='red')}---\nBody.\n", "unknown"),
        ("009-x.md", f"---\n{front(tags='[nio, on]')}---\nBody.\n", "tags"),
        ("009-x.md", f"---\n{front(slug='X y')}---\nBody.\n", "slug"),
        ("010-x.md", f"---\n{front()}---\nBody.\n", "differs"),
        ("009-x.md", f"---\n{front(quirk='syndicated_copy')}---\nBody.\n", "syndicates"),
        ("009-x.md", f"---\n{front(quirk='broken')}---\nBody.\n", "quirk"),
        ("009-x.md", f"---\n{front()}---\n# Big heading\n\nBody.\n", "subheadings"),
        ("009-x.md", f"---\n{front()}---\n\n", "no paragraph"),
    ],
)
def test_malformed_article_is_reported_with_file_name(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(name)) as info:
        load_articles(tmp_path)
    assert expected in str(info.value)


def test_collection_errors_name_the_file(tmp_path: Path) -> None:
    write_articles(tmp_path, [ARTICLES[5]])
    with pytest.raises(ValueError, match=r"006-afeela-opens-orders-copy\.md.*no article"):
        load_articles(tmp_path)
    write_articles(tmp_path, [ARTICLES[0]])
    duplicate = ARTICLES[1][1].replace("id: 2", "id: 1")
    (tmp_path / "001-xiaomi-su7-deliveries.md").write_text(f"---\n{duplicate}---\nText.\n")
    with pytest.raises(ValueError, match="id 1 is also used by"):
        load_articles(tmp_path)


def test_article_path_per_template(by_id: dict[int, SampleArticle]) -> None:
    assert article_path(by_id[1]) == "/blog/2025/01/07/afeela-opens-orders/"
    assert article_path(by_id[4]) == "/news/baidu-geely-jiyue"
    assert article_path(by_id[7]) == "/cms/article/7.html"


def test_render_site_without_server_has_every_path(articles: list[SampleArticle]) -> None:
    pages = render_site(articles, "http://example.test:9")
    expected = {"/robots.txt", "/sitemap.xml", "/blog/feed/", "/news/atom.xml"}
    expected |= {"/cms/sitemap-news.xml", "/blog/", "/news/", "/cms/"}
    expected |= {article_path(a) for a in articles}
    assert expected <= set(pages)
    assert b"http://example.test:9/blog/feed/" in pages["/blog/feed/"].body
    truncated = pages["/news/apple-car-cancelled"]
    assert truncated.declared_length is not None
    assert len(truncated.body) < truncated.declared_length


# -- listings ---------------------------------------------------------------------------------


def test_robots_and_sitemap_index(server: SampleServer) -> None:
    robots = fetch(server.url("/robots.txt"))
    assert robots.headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /private/" in robots.text
    assert f"Sitemap: {server.base_url}/sitemap.xml" in robots.text
    index = etree.fromstring(fetch(server.url("/sitemap.xml")).body)
    assert index.xpath("/sm:sitemapindex/sm:sitemap/sm:loc/text()", namespaces=NS) == [
        f"{server.base_url}/cms/sitemap-news.xml"
    ]


def test_rss_feed_lists_blog_articles(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    reply = fetch(server.url("/blog/feed/"))
    assert reply.headers["Content-Type"].startswith("application/rss+xml")
    items = etree.fromstring(reply.body).findall("channel/item")
    assert [i.findtext("title") for i in items] == [
        by_id[3].title,
        by_id[2].title,
        TRICKY_TITLE,
    ]
    links = [i.findtext("link") for i in items]
    assert links[1] == server.article_url(by_id[2]) + "?" + TRACKING_QUERY
    assert links[2] == server.article_url(by_id[1])
    first = items[2]
    assert parsedate_to_datetime(first.findtext("pubDate") or "") == by_id[1].published
    assert first.findtext("dc:creator", namespaces=NS) == "Lena Park"
    assert [c.text for c in first.findall("category")] == ["sony", "honda", "afeela"]
    assert first.findtext("description") == by_id[1].summary
    assert first.findtext("guid")


def test_atom_feed_lists_nextjs_articles(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    reply = fetch(server.url("/news/atom.xml"))
    assert reply.headers["Content-Type"].startswith("application/atom+xml")
    entries = etree.fromstring(reply.body).findall("atom:entry", NS)
    assert len(entries) == 3
    entry = entries[0]  # newest: the truncated one, still listed
    assert entry.findtext("atom:title", namespaces=NS) == by_id[5].title
    link = entry.find("atom:link[@rel='alternate']", NS)
    assert link is not None and link.get("href") == server.article_url(by_id[5])
    published = entry.findtext("atom:published", namespaces=NS) or ""
    assert datetime.fromisoformat(published) == by_id[5].published
    assert entry.findtext("atom:author/atom:name", namespaces=NS) == "Sam Whitfield"
    assert entry.findtext("atom:summary", namespaces=NS) == by_id[5].summary
    assert entry.findtext("atom:id", namespaces=NS)
    assert entry.findtext("atom:updated", namespaces=NS)


def test_news_sitemap_lists_cms_articles(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    reply = fetch(server.url("/cms/sitemap-news.xml"))
    root = etree.fromstring(reply.body)
    urls = root.findall("sm:url", NS)
    assert [u.findtext("sm:loc", namespaces=NS) for u in urls] == [
        server.article_url(by_id[7]),
        server.article_url(by_id[8]),  # listed although the page is a 404
    ]
    news = urls[1].find("news:news", NS)
    assert news is not None
    assert news.findtext("news:publication/news:name", namespaces=NS) == "China Auto Wire"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:publication_date", namespaces=NS) == "2025-04-10T04:05:00+08:00"
    assert news.findtext("news:title", namespaces=NS) == by_id[8].title


def test_sample_sources_match_the_config_schema(server: SampleServer) -> None:
    sources = Sources.model_validate(sample_sources(server.base_url + "/"))
    assert [s.name for s in sources.all()] == ["ev-ledger", "volt-daily", "china-auto-wire"]
    for source in sources.all():
        assert fetch(source.url).status == 200


# -- article pages ----------------------------------------------------------------------------


def test_blog_page_has_dates_in_meta_and_time(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    article = by_id[1]
    reply = page_of(server, article)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    doc = lxml_html.fromstring(reply.body)
    assert doc.get("lang") == "en"
    iso = "2025-01-07T10:15:00+08:00"
    assert doc.xpath("//meta[@property='article:published_time']/@content") == [iso]
    assert doc.xpath("//time[contains(@class,'published')]/@datetime") == [iso]
    assert doc.xpath("//link[@rel='canonical']/@href") == [server.article_url(article)]
    assert doc.xpath("//meta[@name='author']/@content") == ["Lena Park"]
    assert doc.xpath("//meta[@property='og:type']/@content") == ["article"]
    assert doc.xpath("string(//span[@class='byline']//a[@rel='author'])") == "Lena Park"
    assert doc.xpath("//div[@class='entry-content']/h2/text()") == ["What comes next"]
    assert len(doc.xpath("//div[@class='entry-content']/p")) == 3
    assert doc.xpath("//li[contains(@class,'comment')]")
    assert "Popular posts" in reply.text and "Related posts" in reply.text
    assert doc.findtext(".//title") == f"{TRICKY_TITLE} – EV Ledger"


def test_nextjs_page_has_dates_only_in_scripts(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    article = by_id[4]
    reply = page_of(server, article)
    doc = lxml_html.fromstring(reply.body)
    assert doc.get("lang") == "en"
    assert doc.xpath("//link[@rel='canonical']/@href") == [server.article_url(article)]
    assert doc.xpath("string(//h1[starts-with(@class,'Headline_title__')])") == article.title
    assert "ArticleBody_body__x7Qa2" in reply.text
    ld = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert ld["@type"] == "NewsArticle"
    assert ld["datePublished"] == "2025-01-20T08:30:00+08:00"
    assert ld["author"] == {"@type": "Person", "name": "Sam Whitfield"}
    assert ld["mainEntityOfPage"]["@id"] == server.article_url(article)
    next_data = json.loads(doc.xpath("//script[@id='__NEXT_DATA__']/text()")[0])
    props = next_data["props"]["pageProps"]["article"]
    assert datetime.fromisoformat(props["publishedAt"]) == article.published
    assert props["body"] == list(article.paragraphs)
    visible = without_scripts(reply.text)
    assert "2025-01-20" not in visible and "2025-01-19" not in visible
    assert "<time" not in reply.text and "published_time" not in reply.text
    assert "More from Volt Daily" in reply.text


def test_cms_page_has_naive_beijing_time_in_text(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    article = by_id[7]
    reply = page_of(server, article)
    doc = lxml_html.fromstring(reply.body)
    assert doc.get("lang") is None
    assert doc.xpath("//meta[@http-equiv='Content-Type']/@content") == ["text/html; charset=utf-8"]
    assert doc.xpath("string(//td[@class='art_title'])") == article.title
    info = doc.xpath("string(//td[@class='art_info'])")
    assert "来源 Source: China Auto Wire" in info
    assert "发布时间 Published: 2025-04-12 14:30" in info
    assert reply.text.count("2025-04-12") == 1
    assert "+08:00" not in reply.text and "canonical" not in reply.text
    assert doc.xpath("//div[@id='artibody']/p")
    assert "Editor: Wang Lei" in reply.text and "相关新闻 Related" in reply.text


def test_cms_time_is_converted_to_beijing(articles: list[SampleArticle]) -> None:
    pages = render_site(articles)
    body = pages["/cms/"].body.decode()
    assert "2025-04-10" in body and "2025-04-09" not in body  # 20:05 UTC is 04:05 next day


def test_titles_are_escaped_everywhere(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    escaped = "Sony &amp; Honda &quot;Afeela&quot; &lt;b&gt;"
    for url in (server.article_url(by_id[1]), server.url("/blog/"), server.url("/blog/feed/")):
        text = fetch(url).text
        assert escaped in text
        assert "<b>" not in text
    cms = page_of(server, by_id[7]).text
    assert "JD.com, GAC &amp; CATL show their car" in cms
    copy = page_of(server, by_id[6])  # its title has "</script>": JSON must escape it
    doc = lxml_html.fromstring(copy.body)
    assert doc.xpath("string(//h1)") == by_id[6].title
    ld = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    next_data = json.loads(doc.xpath("//script[@id='__NEXT_DATA__']/text()")[0])
    assert ld["headline"] == next_data["props"]["pageProps"]["article"]["title"] == by_id[6].title


def test_syndicated_copy_is_its_own_article(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    reply = page_of(server, by_id[6])
    assert reply.status == 200
    doc = lxml_html.fromstring(reply.body)
    assert doc.xpath("//link[@rel='canonical']/@href") == [server.article_url(by_id[6])]


# -- quirks on the wire -----------------------------------------------------------------------


def test_wrong_encoding_declares_latin1_but_sends_utf8(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    reply = page_of(server, by_id[3])
    assert reply.headers["Content-Type"] == "text/html; charset=iso-8859-1"
    assert b'<meta charset="iso-8859-1">' in reply.body
    assert "Huawei’s HIMA adds a fifth brand – für Europa?" in reply.body.decode("utf-8")


def test_truncated_page_raises_incomplete_read(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    host, port = urlsplit(server.base_url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.request("GET", article_path(by_id[5]))
        response = connection.getresponse()
        assert response.status == 200
        declared = int(response.headers["Content-Length"])
        with pytest.raises(http.client.IncompleteRead) as info:
            response.read()
    finally:
        connection.close()
    received = len(info.value.partial)
    assert 0.5 * declared < received < 0.6 * declared


def test_missing_page_and_unknown_paths_answer_404(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    for url in (server.article_url(by_id[8]), server.url("/nope"), server.url("/private/x")):
        reply = fetch(url)
        assert reply.status == 404
        assert reply.headers["Content-Type"].startswith("text/html")
        assert "Page not found" in reply.text


def test_tracking_url_serves_the_page_with_clean_canonical(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    reply = fetch(server.article_url(by_id[2]) + "?" + TRACKING_QUERY)
    assert reply.status == 200
    doc = lxml_html.fromstring(reply.body)
    assert doc.xpath("//link[@rel='canonical']/@href") == [server.article_url(by_id[2])]


@pytest.mark.parametrize("path", ["/blog/feed/", "/news/atom.xml", "/cms/sitemap-news.xml"])
def test_conditional_get_answers_304(server: SampleServer, path: str) -> None:
    first = fetch(server.url(path))
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    assert fetch(server.url(path), {"If-None-Match": etag}).status == 304
    assert fetch(server.url(path), {"If-Modified-Since": modified}).status == 304
    assert fetch(server.url(path), {"If-None-Match": '"other"'}).status == 200
    older = parsedate_to_datetime(modified) - timedelta(days=1)
    since = older.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert fetch(server.url(path), {"If-Modified-Since": since}).status == 200


def test_request_log_records_method_path_and_status(
    server: SampleServer, by_id: dict[int, SampleArticle]
) -> None:
    server.request_log.clear()
    tracked = article_path(by_id[2]) + "?" + TRACKING_QUERY
    fetch(server.url(tracked))
    fetch(server.url("/missing"))
    request = urllib.request.Request(server.url("/cms/"), method="HEAD")
    with urllib.request.urlopen(request, timeout=5) as reply:
        assert reply.read() == b""
    assert list(server.request_log) == [
        ("GET", tracked, 200),
        ("GET", "/missing", 404),
        ("HEAD", "/cms/", 200),
    ]


def test_client_hanging_up_prints_nothing(
    server: SampleServer, capsys: pytest.CaptureFixture[str]
) -> None:
    host, port = urlsplit(server.base_url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET /blog/ HTTP/1.1\r\nHost: x\r\n")  # unfinished request
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.3)  # the close above is a reset; give the handler thread time to see it
    assert fetch(server.url("/blog/")).status == 200
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_server_uses_its_real_port_and_closes(articles_dir: Path) -> None:
    with SampleServer(articles_dir=articles_dir) as server:
        port = urlsplit(server.base_url).port
        assert port and port != 0 and server.base_url == f"http://127.0.0.1:{port}"
        assert f"{server.base_url}/blog/".encode() in fetch(server.url("/blog/feed/")).body
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_module_entry_point_serves_until_stopped(articles_dir: Path) -> None:
    command = [sys.executable, "-m", "carintel.sample_site", "--articles-dir", str(articles_dir)]
    repo = Path(__file__).resolve().parents[2]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=repo) as process:
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            match = re.search(r"(http://127\.0\.0\.1:\d+)/", first)
            assert match, first
            assert fetch(match.group(1) + "/news/").status == 200
        finally:
            process.terminate()
            process.wait(timeout=5)
