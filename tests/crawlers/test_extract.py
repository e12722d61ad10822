"""parse_article on each of the sample site's page templates and on broken input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from carintel.sample_site import SampleArticle, article_path, render_site
from crawlers.extract import PageFurniture, decode_html, parse_article, tidy_body

BASE = "http://127.0.0.1:8000"
BODY = (
    (
        "p",
        "Seres and Huawei said on Monday that deliveries of the AITO M9 rose again in April, "
        "as the two companies widened their cooperation under the HIMA alliance.",
    ),
    ("h2", "What changes"),
    (
        "p",
        "The companies plan more showrooms in smaller cities and a second factory line. "
        "Analysts expect the partnership to stay the core of Huawei's car business.",
    ),
    ("p", "Seres (赛力斯) is based in Chongqing and builds every AITO model at its plants."),
)
PUBLISHED = datetime(2025, 5, 12, 9, 30, tzinfo=timezone(timedelta(hours=8)))


def _article(template: str, quirk: str = "none", n: int = 1) -> SampleArticle:
    return SampleArticle(
        id=n,
        slug=f"seres-huawei-deliveries-{n}",
        template=template,
        title='Seres & Huawei "AITO" deliveries rise',
        published=PUBLISHED,
        author="Lena Park",
        section="Partnerships",
        tags=("seres", "huawei"),
        summary="Deliveries rose.",
        body=BODY,
        quirk=quirk,
    )


def _page(template: str, quirk: str = "none") -> tuple[bytes, str, str]:
    article = _article(template, quirk)
    pages = render_site([article], base_url=BASE)
    page = pages[article_path(article)]
    return page.body, BASE + article_path(article), page.content_type


@pytest.mark.parametrize(
    ("template", "origin"),
    [("blog", "meta"), ("nextjs", "jsonld"), ("cms", "page_text")],
)
def test_each_template_yields_title_text_date_and_its_origin(template: str, origin: str) -> None:
    body, url, _ = _page(template)
    article = parse_article(body, url)
    assert article is not None
    assert article.title == 'Seres & Huawei "AITO" deliveries rise'
    assert "second factory line" in article.text
    assert "Seres (赛力斯)" in article.text
    assert article.published_at == PUBLISHED
    assert article.published_at_source == origin
    assert article.canonical_url == url


def test_blog_and_nextjs_give_author_and_language() -> None:
    for template in ("blog", "nextjs"):
        body, url, _ = _page(template)
        article = parse_article(body, url)
        assert article is not None
        assert (article.author, article.language) == ("Lena Park", "en")


def test_naive_page_date_in_a_chinese_page_is_beijing_time() -> None:
    body, url, _ = _page("cms")
    article = parse_article(body, url)
    assert article is not None and article.published_at is not None
    assert article.published_at.astimezone(UTC) == datetime(2025, 5, 12, 1, 30, tzinfo=UTC)


def test_page_boilerplate_stays_out_of_the_text() -> None:
    body, url, _ = _page("blog")
    article = parse_article(body, url)
    assert article is not None
    assert "Popular posts" not in article.text and "newsletter" not in article.text.lower()


def test_utf8_page_that_declares_latin1_is_decoded_as_utf8_and_flagged() -> None:
    body, url, content_type = _page("cms", quirk="wrong_encoding")
    assert "iso-8859-1" in content_type
    article = parse_article(body, url, encoding="iso-8859-1")
    assert article is not None
    assert "Seres (赛力斯)" in article.text
    assert article.declared_encoding_was_wrong


def test_legacy_chinese_encoding_is_decoded_as_declared() -> None:
    decoded = decode_html("<p>小米汽车</p>".encode("gbk"), "gbk")
    assert decoded.text == "<p>小米汽车</p>" and not decoded.declared_was_wrong


def test_a_page_without_article_text_gives_none() -> None:
    assert parse_article(b"<html><body><nav>Home</nav><p>Short.</p></body></html>", BASE) is None
    assert parse_article(b"", BASE) is None
    assert parse_article(b"\x00\xff\xfe garbage", BASE) is None


def test_canonical_link_drops_tracking_parameters() -> None:
    html = (
        '<html><head><link rel="canonical" href="/a/1?utm_source=x&id=2#top"><title>T</title>'
        "</head><body><article><h1>A headline</h1>"
        + "<p>Sentence about Xiaomi cars and their sales in China this spring.</p>" * 8
        + "</article></body></html>"
    )
    article = parse_article(html, "https://news.example/a/1?utm_source=feed")
    assert article is not None
    assert article.canonical_url == "https://news.example/a/1?id=2"


LEAD = (
    "Xiaomi said on Tuesday that deliveries of its SU7 sedan rose again in October, "
    "as the phone maker widened its car business with a second plant in Beijing."
)


def _news_page(extra_body: str = "", head: str = "") -> str:
    return (
        "<html><head><title>Xiaomi SU7 deliveries rise | Car News</title>"
        f'<meta property="og:title" content="Xiaomi SU7 deliveries rise">{head}</head><body>'
        '<nav><a href="/">Home</a></nav><article><h1>Xiaomi SU7 deliveries rise</h1>'
        f"<p>By Lena Park</p><p>November 12, 2025 09:30</p><p>{LEAD}</p>{extra_body}"
        "</article></body></html>"
    )


def test_title_byline_and_date_above_the_text_are_dropped() -> None:
    more = "<p>The company expects to deliver more than 300,000 cars this year, it said.</p>"
    article = parse_article(_news_page(more * 2), "https://news.example/a/1")
    assert article is not None
    assert article.title == "Xiaomi SU7 deliveries rise"
    assert article.text.startswith("Xiaomi said on Tuesday")
    assert "Lena Park" not in article.text and "09:30" not in article.text


def test_sharing_newsletter_and_related_links_are_dropped_and_look_alikes_kept() -> None:
    body = (
        "<p>Share prices of the company fell slightly after the numbers were published.</p>"
        "<p>More than 20,000 cars were delivered in the month, the company said.</p>"
        "<p>Share this article</p><p>Sign up for our daily newsletter</p>"
        "<p>Follow us on Twitter and Facebook for more car news.</p>"
        f"<p>{LEAD}</p><h2>Related stories</h2>"
        '<ul><li><a href="/a/2">BYD opens a plant in Hungary this year</a></li>'
        '<li><a href="/a/3">Huawei and Seres widen their HIMA alliance</a></li></ul>'
        '<p>Read more: <a href="/a/4">Nio cuts prices again in China</a></p>'
    )
    article = parse_article(_news_page(body), "https://news.example/a/1")
    assert article is not None
    text = article.text
    assert "Share prices of the company fell" in text and "More than 20,000 cars" in text
    for furniture in ("Share this", "newsletter", "Follow us", "Related", "BYD", "HIMA", "Nio"):
        assert furniture not in text


def test_tidy_body_drops_teaser_links_only_where_they_look_like_teasers() -> None:
    page = PageFurniture(
        titles=frozenset({"seres deliveries rise"}),
        links=frozenset({"byd opens a plant in hungary", "huawei widens hima", "the full report"}),
    )
    text = "\n".join(
        [
            "Seres deliveries rise",
            "Seres said deliveries rose.",
            "The full report",  # a link as a plain line inside the text: kept
            "- BYD opens a plant in Hungary",  # a listed link: dropped
            "HUAWEI WIDENS HIMA",  # a link in capitals: dropped
            "You may also like",
            "Huawei widens HIMA",  # under a "related" heading: dropped
            "Analysts expect more.",
        ]
    )
    assert tidy_body(text, page) == (
        "Seres said deliveries rose.\nThe full report\nAnalysts expect more."
    )


def test_chinese_related_heading_and_editor_line_are_dropped() -> None:
    page = PageFurniture(titles=frozenset(), links=frozenset({"小米汽车交付量再创新高"}))
    text = "小米汽车10月交付量继续增长。\n相关阅读：\n小米汽车交付量再创新高\n（责任编辑：张三）"
    assert tidy_body(text, page) == "小米汽车10月交付量继续增长。"


def test_a_body_that_tidying_would_empty_is_kept_as_extracted() -> None:
    items = "".join(f'<li><a href="/a/{i}">{LEAD} ({i})</a></li>' for i in range(3))
    html = _news_page(f"<ul>{items}</ul>").replace(f"<p>{LEAD}</p>", "")
    article = parse_article(html, "https://news.example/a/1")
    assert article is not None  # every line is a listed link: better all of them than nothing
    assert article.text.count(LEAD) == 3


def test_undeclared_legacy_encodings_are_guessed() -> None:
    western = "<p>Die Fahrzeugübergabe läuft, sagt Müller – schön.</p>"
    decoded = decode_html(western.encode("cp1252"))
    assert decoded.text == western and decoded.encoding == "cp1252"
    chinese = "<p>小米汽车十月交付量继续增长，华为与赛力斯扩大合作。</p>"
    decoded = decode_html(chinese.encode("gbk"))
    assert decoded.text == chinese and decoded.encoding == "gb18030"


def test_utf8_page_with_a_broken_byte_stays_utf8() -> None:
    page = "<p>Seres (赛力斯) und die Fahrzeugübergabe</p>".encode() * 3 + b"<p>\xff</p>"
    decoded = decode_html(page, "utf-8")
    assert decoded.encoding == "utf-8" and "赛力斯" in decoded.text and "\ufffd" in decoded.text


def test_a_page_laid_out_with_a_table_gives_its_paragraphs_not_table_rows() -> None:
    paragraphs = "".join(f"<p>{LEAD} ({i})</p>" for i in range(4))
    html = (
        "<html><head><title>Xiaomi SU7 deliveries rise</title></head><body><table>"
        "<tr><td>China Auto Wire</td><td>广告 Advertisement</td></tr>"
        f"<tr><td>Menu</td><td><h1>Xiaomi SU7 deliveries rise</h1>{paragraphs}</td></tr>"
        "</table></body></html>"
    )
    article = parse_article(html, "https://news.example/a/1")
    assert article is not None
    assert "|" not in article.text and f"{LEAD} (3)" in article.text
    assert "Advertisement" not in article.text


def test_a_feed_is_not_an_article() -> None:
    items = "".join(
        f"<entry><title>Story {i}</title><summary>{LEAD}</summary></entry>" for i in range(5)
    )
    feed = f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">{items}</feed>'
    assert parse_article(feed.encode(), "https://news.example/feed.xml") is None
