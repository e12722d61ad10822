"""The weekly report: weeks, queries, the Markdown digest and the rendered HTML page."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from matplotlib.figure import Figure

import reports
from reports import ReportError, weekly
from warehouse import db

HOSTILE_TITLE = "<script>alert(1)</script> & <img src=x onerror=alert(1)> [HIMA]* _x_ `y`"
HOSTILE_URL = 'https://news.example/w2?q="><script>alert(2)</script>'
JAVASCRIPT_URL = "javascript:alert(3)"

ENTITIES = [
    ("hima", "HIMA", "venture"),
    ("seres", "Seres", "company"),
    ("xiaomi", "Xiaomi", "company"),
    ("catl", "CATL", "company"),
    ("afeela", "Afeela", "brand"),
]

# doc_id, title, url, source, published_at (None: unknown), first_seen_at, {entity: mentions}
DOCUMENTS = [
    # 2025-W18, Monday 2025-04-28 .. Sunday 2025-05-04
    (
        "p1",
        "HIMA adds Seres models",
        "https://gasgoo.example/p1",
        "gasgoo",
        "2025-04-29 09:00",
        "2025-04-29 10:00",
        {"hima": 1, "seres": 1},
    ),
    (
        "p2",
        "HIMA deliveries in April",
        "https://cnevpost.example/p2",
        "cnevpost",
        "2025-05-02 12:00",
        "2025-05-02 13:00",
        {"hima": 1},
    ),
    (
        "p3",
        "Seres raises funds",
        "https://cnevpost.example/p3",
        "cnevpost",
        "2025-05-03 08:00",
        "2025-05-03 09:00",
        {"seres": 2},
    ),
    (
        "p4",
        "Xiaomi SU7 recall",
        "https://reuters.example/p4",
        "reuters",
        "2025-05-04 23:30",
        "2025-05-05 00:10",
        {"xiaomi": 1},
    ),
    # 2025-W19, Monday 2025-05-05 .. Sunday 2025-05-11
    (
        "w1",
        "HIMA and Seres launch the M8",
        "https://gasgoo.example/w1",
        "gasgoo",
        "2025-05-05 08:00",
        "2025-05-05 09:00",
        {"hima": 2, "seres": 1},
    ),
    (
        "w2",
        HOSTILE_TITLE,
        HOSTILE_URL,
        "cnevpost",
        "2025-05-06 10:00",
        "2025-05-06 11:00",
        {"hima": 1, "xiaomi": 1},
    ),
    (
        "w3",
        "Xiaomi YU7 orders",
        JAVASCRIPT_URL,
        "reuters",
        "2025-05-07 07:00",
        "2025-05-07 08:00",
        {"xiaomi": 1},
    ),
    (
        "w4",
        "CATL battery swap network",
        "https://gasgoo.example/w4",
        "gasgoo",
        None,
        "2025-05-08 15:00",
        {"catl": 1},
    ),
    (
        "w5",
        "Industry roundup",
        "https://reuters.example/w5",
        "reuters",
        "2025-05-11 23:59",
        "2025-05-12 01:00",
        {},
    ),
]

SAFE_URLS = [url for _, _, url, *_ in DOCUMENTS if url.startswith("https://")]


class Tags(HTMLParser):
    """The tags of an HTML page and their attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: set[str] = set()
        self.found: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        self.found += [(tag, name, value) for name, value in attrs]

    def attributes(self, name: str) -> list[tuple[str, str]]:
        return [(tag, value or "") for tag, attr, value in self.found if attr == name]


def add_document(
    conn: duckdb.DuckDBPyConnection,
    doc_id: str,
    title: str,
    url: str,
    source: str,
    published_at: str | None,
    first_seen_at: str,
    relevant: bool = True,
) -> None:
    """A document, enriched as relevant (a claim document) unless `relevant` is False."""
    conn.execute(
        "INSERT INTO document_relevance VALUES (?, ?, ?, 'test')",
        [doc_id, 0.9 if relevant else 0.1, relevant],
    )
    conn.execute(
        "INSERT INTO documents (doc_id, canonical_url, url, title, text, published_at, source,"
        " kind, content_hash, word_count, first_seen_at, crawl_run_id)"
        " VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMPTZ), ?, 'article', ?, 3, ?, 'run-1')",
        [
            doc_id,
            url,
            url,
            title,
            f"text of {doc_id}",
            published_at,
            source,
            f"hash-{doc_id}",
            first_seen_at,
        ],
    )


def add_mentions(conn: duckdb.DuckDBPyConnection, doc_id: str, entity_id: str, count: int) -> None:
    for n in range(count):
        conn.execute(
            "INSERT INTO mentions (doc_id, entity_id, field, char_start, char_end, surface, method)"
            " VALUES (?, ?, 'text', ?, ?, ?, 'alias')",
            [doc_id, entity_id, n * 10, n * 10 + 4, entity_id],
        )


def build_warehouse(path: Path, documents: list[tuple] = DOCUMENTS) -> Path:  # type: ignore[type-arg]
    conn = db.connect(path)
    try:
        for entity_id, name, kind in ENTITIES:
            conn.execute(
                "INSERT INTO entities VALUES (?, ?, ?, NULL, NULL, true)", [entity_id, name, kind]
            )
        for doc_id, title, url, source, published_at, first_seen_at, mentions in documents:
            add_document(conn, doc_id, title, url, source, published_at, first_seen_at)
            for entity_id, count in mentions.items():
                add_mentions(conn, doc_id, entity_id, count)
    finally:
        conn.close()
    return path


@pytest.fixture(scope="module")
def warehouse_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("warehouse") / "carintel.duckdb")


@pytest.fixture
def conn(warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = db.connect_read_only(warehouse_path)
    yield connection
    connection.close()


@pytest.fixture
def report(conn: duckdb.DuckDBPyConnection) -> weekly.WeeklyReport:
    return weekly.load_weekly(conn, "2025-W19")


# --- weeks -------------------------------------------------------------------------------------


def test_parse_week_gives_monday_to_sunday() -> None:
    assert weekly.parse_week("2025-W19") == (date(2025, 5, 5), date(2025, 5, 11))
    assert weekly.parse_week(" 2025-w19 ") == (date(2025, 5, 5), date(2025, 5, 11))


def test_parse_week_handles_iso_years_that_differ_from_calendar_years() -> None:
    assert weekly.parse_week("2025-W01") == (date(2024, 12, 30), date(2025, 1, 5))
    assert weekly.parse_week("2020-W53") == (date(2020, 12, 28), date(2021, 1, 3))


@pytest.mark.parametrize(
    "text", ["2025-19", "2025-W5", "2025W19", "25-W19", "2025-W19-1", "", "2025-05-05"]
)
def test_parse_week_rejects_other_formats_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match=r"use YYYY-Www, e\.g\. 2025-W19"):
        weekly.parse_week(text)


@pytest.mark.parametrize("text", ["2025-W00", "2025-W54", "2021-W53"])
def test_parse_week_rejects_weeks_the_year_does_not_have(text: str) -> None:
    with pytest.raises(ValueError, match="has no ISO week"):
        weekly.parse_week(text)


def test_week_label_uses_the_iso_year() -> None:
    assert weekly.week_label(date(2024, 12, 30)) == "2025-W01"
    assert weekly.week_label(date(2021, 1, 3)) == "2020-W53"


def test_latest_week_is_the_week_of_the_newest_publication_day(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    assert weekly.latest_week(conn) == "2025-W19"


def test_latest_week_is_none_without_documents(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "empty.duckdb")
    try:
        assert weekly.latest_week(conn) is None
    finally:
        conn.close()


def test_latest_week_crosses_into_the_next_iso_year(tmp_path: Path) -> None:
    doc = (
        "n1",
        "New year",
        "https://x.example/n1",
        "x",
        "2024-12-30 12:00",
        "2024-12-30 13:00",
        {},
    )
    path = build_warehouse(tmp_path / "carintel.duckdb", [doc])
    conn = db.connect_read_only(path)
    try:
        assert weekly.latest_week(conn) == "2025-W01"
    finally:
        conn.close()


# --- loading -----------------------------------------------------------------------------------


def test_load_weekly_counts_the_weeks_documents_sources_and_entities(
    report: weekly.WeeklyReport,
) -> None:
    assert (report.week, report.start, report.end) == (
        "2025-W19",
        date(2025, 5, 5),
        date(2025, 5, 11),
    )
    assert (report.total_documents, report.total_sources, report.total_entities) == (5, 3, 4)


def test_load_weekly_lists_documents_in_time_order_with_their_entities(
    report: weekly.WeeklyReport,
) -> None:
    docs = report.documents
    assert list(docs["doc_id"]) == ["w1", "w2", "w3", "w4", "w5"]
    assert list(docs["entities"]) == ["HIMA, Seres", "HIMA, Xiaomi", "Xiaomi", "CATL", ""]
    assert list(docs["source"]) == ["gasgoo", "cnevpost", "reuters", "gasgoo", "reuters"]
    assert docs.loc[1, "title"] == HOSTILE_TITLE
    # w4 has no publication time: it is placed on the day it was first seen.
    assert str(docs.loc[3, "day"])[:10] == "2025-05-08"


def test_load_weekly_compares_entities_with_the_previous_week(
    report: weekly.WeeklyReport,
) -> None:
    top = report.top_entities
    assert list(top.columns) == [
        "entity",
        "type",
        "mentions",
        "documents",
        "previous_documents",
        "change",
    ]
    rows = [tuple(row) for row in top.itertuples(index=False)]
    assert rows == [
        ("HIMA", "venture", 3, 2, 2, 0),
        ("Xiaomi", "company", 2, 2, 1, 1),
        ("CATL", "company", 1, 1, 0, 1),
        ("Seres", "company", 1, 1, 2, -1),
    ]


def test_load_weekly_timeline_has_one_row_per_document_and_entity(
    report: weekly.WeeklyReport,
) -> None:
    pairs = [(row.title[:10], row.entity) for row in report.timeline.itertuples(index=False)]
    assert len(pairs) == 6
    assert [entity for _, entity in pairs] == ["HIMA", "Seres", "HIMA", "Xiaomi", "Xiaomi", "CATL"]
    assert list(report.timeline.columns) == ["day", "entity", "title", "url", "source"]


def test_load_weekly_of_a_quiet_week_is_empty(conn: duckdb.DuckDBPyConnection) -> None:
    report = weekly.load_weekly(conn, "2025-W30")
    assert report.documents.empty and report.top_entities.empty and report.timeline.empty
    assert (report.total_documents, report.total_sources, report.total_entities) == (0, 0, 0)
    assert "No documents were published this week." in weekly.to_markdown(report)
    assert "No entity was mentioned this week." in weekly.top_entities_html(report)
    assert weekly.chart_png(report).startswith(b"\x89PNG")


def test_read_weekly_defaults_to_the_latest_week(warehouse_path: Path) -> None:
    assert weekly.read_weekly(warehouse_path).week == "2025-W19"
    assert weekly.read_weekly(str(warehouse_path), "2025-W18").total_documents == 4


def test_read_weekly_explains_a_missing_warehouse(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no warehouse at"):
        weekly.read_weekly(tmp_path / "nothing.duckdb")


# --- chart, HTML pieces, Markdown --------------------------------------------------------------


def test_mentions_chart_draws_one_bar_per_top_entity(report: weekly.WeeklyReport) -> None:
    fig = weekly.mentions_chart(report)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == [
        "HIMA",
        "Xiaomi",
        "CATL",
        "Seres",
    ]
    assert [patch.get_width() for patch in ax.patches] == [2, 2, 1, 1]
    assert weekly.chart_png(report) == weekly.chart_png(report)


def test_html_pieces_escape_hostile_titles_and_urls(report: weekly.WeeklyReport) -> None:
    page = weekly.documents_html(report) + weekly.timeline_html(report)
    assert "<script" not in page and "<img" not in page
    assert html.escape(HOSTILE_TITLE) in page
    assert f'href="{html.escape(HOSTILE_URL, quote=True)}"' in page
    # A javascript: URL is shown as text, never as a link.
    assert 'href="javascript' not in page
    assert "(javascript:alert(3))" in page


def test_safe_url_accepts_only_http_and_https() -> None:
    assert weekly.safe_url("https://a.example/x") == "https://a.example/x"
    assert weekly.safe_url("HTTP://a.example/") == "HTTP://a.example/"
    for url in [
        JAVASCRIPT_URL,
        " https://a.example",
        "java\nscript:x",
        "data:text/html,x",
        "//a.example/x",
        "/relative",
        "https://a.example/a b",
        None,
        float("nan"),
    ]:
        assert weekly.safe_url(url) is None, url


def test_to_markdown_has_heading_totals_table_and_linked_documents(
    report: weekly.WeeklyReport,
) -> None:
    text = weekly.to_markdown(report)
    lines = text.splitlines()
    assert lines[0] == "# carintel weekly report 2025-W19"
    assert (
        "Monday 2025-05-05 to Sunday 2025-05-11: **5 documents** from **3 sources**, "
        "mentioning **4 entities**."
    ) in text
    assert "| HIMA | venture | 3 | 2 | 2 | 0 |" in lines
    assert "| Seres | company | 1 | 1 | 2 | -1 |" in lines
    assert (
        "- [HIMA and Seres launch the M8](https://gasgoo.example/w1) — gasgoo, 2025-05-05" in lines
    )
    assert "![" not in text  # no images
    assert not re.search(r"(?<!\\)[<>]", text)  # no raw HTML


def test_to_markdown_escapes_hostile_titles_and_urls(report: weekly.WeeklyReport) -> None:
    text = weekly.to_markdown(report)
    hostile = next(line for line in text.splitlines() if "alert(1)" in line)
    assert hostile == (
        r"- [\<script\>alert(1)\</script\> \& \<img src=x onerror=alert(1)\> \[HIMA\]\* \_x\_ "
        r"\`y\`](https://news.example/w2?q=%22%3E%3Cscript%3Ealert%282%29%3C/script%3E)"
        " — cnevpost, 2025-05-06"
    )
    assert "<script>" not in text and not re.search(r"(?<!\\)<img", text)
    assert r"- Xiaomi YU7 orders (javascript:alert(3)) — reuters, 2025-05-07" in text
    assert "](javascript" not in text


def test_untitled_documents_and_markdown_in_names_are_shown_safely(
    report: weekly.WeeklyReport,
) -> None:
    documents = report.documents.head(1).copy()
    documents["title"] = [None]
    documents["source"] = ["a|b *c*"]
    odd = dataclasses.replace(report, documents=documents)
    assert "- [https://gasgoo.example/w1](https://gasgoo.example/w1) — a\\|b \\*c\\*," in (
        weekly.to_markdown(odd)
    )
    assert ">https://gasgoo.example/w1</a></td><td>a|b *c*</td>" in weekly.documents_html(odd)


def test_find_notebook_prefers_the_source_checkout() -> None:
    path = reports.find_notebook("weekly_report.ipynb")
    assert path == Path(reports.__file__).resolve().parent.parent / "notebooks" / path.name
    with pytest.raises(ReportError, match="not found"):
        reports.find_notebook("no_such_report.ipynb")


def test_committed_notebook_is_thin_and_stripped() -> None:
    notebook = json.loads(reports.find_notebook(weekly.NOTEBOOK).read_text(encoding="utf-8"))
    cells = notebook["cells"]
    assert cells[0]["metadata"]["tags"] == ["parameters"]
    for cell in cells:
        source = "".join(cell["source"])
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None
        assert not re.search(r"^\s*(def|class)\s", source, re.MULTILINE)


# --- rendering ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(
    warehouse_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[weekly.RenderedReport, weekly.RenderedReport]:
    first = weekly.render_weekly(warehouse_path, None, tmp_path_factory.mktemp("first"))
    second = weekly.render_weekly(warehouse_path, "2025-W19", tmp_path_factory.mktemp("second"))
    return first, second


@pytest.mark.slow
def test_render_weekly_writes_html_and_markdown_for_the_latest_week(
    rendered: tuple[weekly.RenderedReport, weekly.RenderedReport],
) -> None:
    result = rendered[0]
    assert result.week == "2025-W19"
    assert result.html.name == "weekly-2025-W19.html"
    assert result.markdown.name == "weekly-2025-W19.md"
    page = result.html.read_text(encoding="utf-8")
    assert "<title>carintel weekly report 2025-W19</title>" in page
    assert "carintel weekly report 2025-W19</h1>" in page
    assert "HIMA and Seres launch the M8" in page
    assert "Top entities" in page and "Timeline" in page
    assert result.markdown.read_text(encoding="utf-8").startswith(
        "# carintel weekly report 2025-W19\n"
    )


@pytest.mark.slow
def test_rendered_html_escapes_hostile_titles(
    rendered: tuple[weekly.RenderedReport, weekly.RenderedReport],
) -> None:
    page = rendered[0].html.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x onerror=alert(1)>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript' not in page


@pytest.mark.slow
def test_rendered_html_embeds_the_chart_and_hides_code(
    rendered: tuple[weekly.RenderedReport, weekly.RenderedReport],
) -> None:
    page = rendered[0].html.read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 2  # entities by documents; trends
    for code in ["read_weekly", "display(", "import ", "In&nbsp;[", "Out["]:
        assert code not in page, code
    assert "jp-InputArea" not in page


@pytest.mark.slow
def test_rendered_html_makes_no_external_requests(
    rendered: tuple[weekly.RenderedReport, weekly.RenderedReport],
) -> None:
    page = rendered[0].html.read_text(encoding="utf-8")
    tags = Tags()
    tags.feed(page)
    assert not {"script", "link", "iframe", "object", "embed", "base"} & tags.names
    assert all(src.startswith("data:image/png;base64,") for _, src in tags.attributes("src"))
    hrefs = {(tag, href) for tag, href in tags.attributes("href")}
    assert hrefs and hrefs <= {("a", url) for url in SAFE_URLS}
    assert "@import" not in page and "url(" not in page
    # The only "http" left on the page is inside the links to the source articles.
    rest = re.sub(r"""\bhref=("[^"]*"|'[^']*')""", "", page)
    assert "http" not in rest.lower()


@pytest.mark.slow
def test_rendering_the_same_week_twice_gives_identical_files(
    rendered: tuple[weekly.RenderedReport, weekly.RenderedReport],
) -> None:
    first, second = rendered
    assert first.markdown.read_text(encoding="utf-8") == second.markdown.read_text(encoding="utf-8")
    assert first.html.read_bytes() == second.html.read_bytes()


def test_render_weekly_on_an_empty_warehouse_says_what_to_do(tmp_path: Path) -> None:
    db.connect(tmp_path / "carintel.duckdb").close()
    with pytest.raises(ReportError, match=r"has no documents yet.*carintel run"):
        weekly.render_weekly(tmp_path / "carintel.duckdb", None, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_render_weekly_rejects_a_malformed_week(warehouse_path: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="use YYYY-Www"):
        weekly.render_weekly(warehouse_path, "2025-19", tmp_path / "out")


@pytest.mark.slow
def test_render_weekly_reports_the_error_of_a_failing_cell(
    warehouse_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notebook = json.loads(reports.find_notebook(weekly.NOTEBOOK).read_text(encoding="utf-8"))
    notebook["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "boom",
            "metadata": {},
            "outputs": [],
            "source": "raise RuntimeError('the chart broke')",
        }
    )
    broken = tmp_path / "notebooks" / weekly.NOTEBOOK
    broken.parent.mkdir()
    broken.write_text(json.dumps(notebook), encoding="utf-8")
    monkeypatch.setattr(weekly, "find_notebook", lambda name: broken)
    with pytest.raises(ReportError, match="RuntimeError: the chart broke"):
        weekly.render_weekly(warehouse_path, "2025-W19", tmp_path / "out")
    assert list(broken.parent.iterdir()) == [broken]  # no executed copy next to the source
    assert not (tmp_path / "out").exists()


def test_previous_week_boundaries_are_inclusive(conn: duckdb.DuckDBPyConnection) -> None:
    # p4 was published on Sunday 23:30 UTC: it belongs to W18, not W19.
    w18 = weekly.load_weekly(conn, "2025-W18")
    assert list(w18.documents["doc_id"]) == ["p1", "p2", "p3", "p4"]
    assert w18.end + timedelta(days=1) == date(2025, 5, 5)


def _notebook(tmp_path: Path, *sources: str) -> Path:
    import nbformat

    path = tmp_path / "report.ipynb"
    notebook = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    notebook.cells = [nbformat.v4.new_code_cell(s) for s in sources]  # type: ignore[no-untyped-call]
    nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
    return path


def test_a_failing_cell_fails_the_render_with_its_error(tmp_path: Path) -> None:
    path = _notebook(tmp_path, "x = 1", "raise ValueError('bad week')")
    with pytest.raises(ReportError, match=r"failed in cell 2: ValueError: bad week"):
        weekly._execute_notebook(path, {})


def test_the_kernels_own_log_stays_out_of_the_jobs_log(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # jupyter_client interrupts the kernel before shutting it down, and ipykernel may log
    # "ERROR | KeyboardInterrupt caught in kernel" for it: an error line for a report that
    # rendered. The kernel runs with its log level at CRITICAL.
    path = _notebook(
        tmp_path,
        "from ipykernel.kernelapp import IPKernelApp\n"
        "IPKernelApp.instance().log.error('kernel noise')\n"
        "print('rendered')",
    )
    executed = weekly._execute_notebook(path, {})
    assert "rendered" in executed.cells[-1].outputs[0]["text"]
    assert "kernel noise" not in capfd.readouterr().err
