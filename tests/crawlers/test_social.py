from __future__ import annotations

import pytest

from crawlers.social import html_to_text


def test_paragraphs_are_separated_by_a_blank_line() -> None:
    # Hacker News writes paragraphs as unclosed <p> tags after the first one.
    html = "Xiaomi&#x27;s SU7 ships.<p>Deliveries start in Beijing.<p>Huawei is next."
    assert html_to_text(html) == (
        "Xiaomi's SU7 ships.\n\nDeliveries start in Beijing.\n\nHuawei is next."
    )


def test_closed_paragraphs_and_divs_are_blocks() -> None:
    html = "<div><p>Sony and Honda</p><p>launch Afeela.</p></div><blockquote>A quote</blockquote>"
    assert html_to_text(html) == "Sony and Honda\n\nlaunch Afeela.\n\nA quote"


def test_br_is_a_newline_and_two_make_a_blank_line() -> None:
    assert html_to_text("JD.com<br>GAC<br/>CATL") == "JD.com\nGAC\nCATL"
    assert html_to_text("one<br><br>two") == "one\n\ntwo"


def test_links_become_their_text() -> None:
    html = (
        'See <a href="https:&#x2F;&#x2F;example.com&#x2F;jiyue" rel="nofollow">'
        'the Jiyue story</a> and <span class="h-card"><a href="https://m.example/@x">'
        "@<span>x</span></a></span>"
    )
    assert html_to_text(html) == "See the Jiyue story and @x"


def test_entities_are_decoded() -> None:
    assert html_to_text("IM&nbsp;Motors &amp; SAIC &quot;L6&quot; &#8212; &lt;50k") == (
        'IM Motors & SAIC "L6" \u2014 <50k'
    )


def test_whitespace_is_collapsed_outside_pre() -> None:
    assert html_to_text("<p>  Seres \n\t  Aito   M9 </p>") == "Seres Aito M9"


def test_pre_keeps_its_lines_and_indentation() -> None:
    html = "<pre><code>  def range_km():\n      return 800\n</code></pre><p>after"
    assert html_to_text(html) == "  def range_km():\n      return 800\n\nafter"


def test_list_items_are_lines() -> None:
    assert html_to_text("<ul><li>HIMA</li><li>Foxtron</li></ul>tail") == "HIMA\nFoxtron\n\ntail"


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(document.cookie)</script>Nice car",
        "<SCRIPT type='text/javascript'>fetch('//evil')</SCRIPT>Nice car",
        "<style>body{display:none}</style>Nice car",
        '<iframe src="https://evil.example/"></iframe>Nice car',
        '<img src=x onerror="alert(1)">Nice car',
        "<!-- <script>alert(1)</script> -->Nice car",
    ],
)
def test_hostile_markup_does_not_survive(html: str) -> None:
    text = html_to_text(html)
    assert text == "Nice car"
    assert "<" not in text and "alert" not in text


def test_markup_spelled_as_text_is_decoded_to_plain_characters() -> None:
    # The author typed these characters: they are text, never rendered.
    assert html_to_text("&lt;script&gt;alert(1)&lt;/script&gt;") == "<script>alert(1)</script>"


def test_plain_text_and_empty_input() -> None:
    assert html_to_text("no tags at all") == "no tags at all"
    assert html_to_text("") == ""
    assert html_to_text("   ") == ""
    assert html_to_text("<p></p><br>") == ""


def test_control_markers_in_the_input_cannot_forge_breaks() -> None:
    assert html_to_text("a\x00b\x01c\x02d") == "abcd"


def test_unbalanced_markup_is_tolerated() -> None:
    assert html_to_text("<p>BYD <b>and <i>Baidu</p> partner") == "BYD and Baidu\n\npartner"
