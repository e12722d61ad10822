"""parse_article on each of the sample site's page templates and on broken input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from carintel.sample_site import SampleArticle, article_path, render_site
from crawlers.extract import decode_html, parse_article

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
