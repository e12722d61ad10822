"""The HTML report in a real browser: headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reports.weekly import render_weekly
from tests.reports.test_sections import HOSTILE_EVIDENCE, build_rich_warehouse
from tests.reports.test_weekly import HOSTILE_TITLE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    warehouse = build_rich_warehouse(tmp / "w.duckdb")  # every section has content
    return render_weekly(warehouse, "2025-W19", tmp / "out").html


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _open(browser: Any, html: Path, width: int, height: int) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": width, "height": height})
    seen: dict[str, list[str]] = {"requests": [], "console": [], "errors": [], "dialogs": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.route("http*://**", lambda route: route.abort())  # nothing may leave the machine
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    return {"page": page, **seen}


def test_report_renders_with_visible_chart_and_no_errors_or_outside_requests(
    browser: Any, report_html: Path
) -> None:
    opened = _open(browser, report_html, 1280, 900)
    page = opened["page"]
    assert page.title().startswith("carintel weekly report")
    chart = page.locator("img[src^='data:image/png']").first
    assert chart.is_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 100")
    assert opened["errors"] == [] and opened["dialogs"] == []
    assert [c for c in opened["console"] if c.startswith("error")] == []
    assert all(url.startswith(("file:", "data:")) for url in opened["requests"]), opened["requests"]


def test_hostile_scraped_title_is_shown_as_text_and_never_runs(
    browser: Any, report_html: Path
) -> None:
    opened = _open(browser, report_html, 1280, 900)
    page = opened["page"]
    assert page.get_by_text(HOSTILE_TITLE, exact=False).first.is_visible()
    assert page.evaluate("document.querySelectorAll('script, img[onerror]').length") == 0
    assert opened["dialogs"] == []  # alert(1) never fired


def test_report_is_readable_on_a_phone(browser: Any, report_html: Path) -> None:
    page = _open(browser, report_html, 390, 844)["page"]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than a phone screen"
    font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font >= 14


def test_report_leads_with_what_changed_and_shows_hostile_evidence_as_text(
    browser: Any, report_html: Path
) -> None:
    opened = _open(browser, report_html, 390, 844)
    page = opened["page"]
    heading = page.get_by_role("heading", name="What changed since last week")
    assert heading.is_visible()
    assert page.get_by_text(HOSTILE_EVIDENCE, exact=False).first.is_visible()
    assert page.evaluate("document.querySelectorAll('b, i').length") == 0
    assert opened["dialogs"] == []
