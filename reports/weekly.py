"""The weekly report: what the tracked ventures did in one ISO week.

`reports.data.load_weekly` reads a week from the warehouse once into a `WeeklyReport`; the
`*_html` functions here and in `reports.sections` and `reports.figures` turn it into the pieces
the notebook `notebooks/weekly_report.ipynb` displays, and `to_markdown` into the e-mail digest.
`render_weekly` loads the week, hands it to the notebook (executed headless with papermill) and
to `to_markdown`, and writes `weekly-YYYY-Www.html` (self-contained: no scripts, no external
resources) and `weekly-YYYY-Www.md`.

The dependencies go one way: `formatting` <- `data` <- `figures` <- `sections` <- `weekly`.
"""

from __future__ import annotations

import html
import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reports import ReportError, find_notebook, sections
from reports import formatting as fmt
from reports.data import (
    EMERGING_LIMIT,
    EMERGING_MIN_DOCUMENTS,
    MARKDOWN_DOCUMENTS,
    NEW_WINDOW_DAYS,
    SENTIMENT_MIN_DOCUMENTS,
    SENTIMENT_MOVERS,
    SOCIAL_POSTS,
    SPIKE_BASELINE_WEEKS,
    SPIKE_MIN_DOCUMENTS,
    SPIKE_RATIO,
    TOP_ENTITIES,
    TOP_STORIES,
    TREND_ENTITIES,
    TREND_WEEKS,
    ClaimCounts,
    WeeklyChanges,
    WeeklyReport,
    check_week,
    latest_or_raise,
    latest_week,
    load_changes,
    load_weekly,
    open_snapshot,
    parse_week,
    read_weekly,
    save_week,
    week_label,
)
from reports.figures import chart_html, chart_png, mentions_chart
from reports.formatting import safe_url

if TYPE_CHECKING:
    from nbformat import NotebookNode
    from traitlets.config import Config

__all__ = [
    "EMERGING_LIMIT",
    "EMERGING_MIN_DOCUMENTS",
    "MARKDOWN_DOCUMENTS",
    "NEW_WINDOW_DAYS",
    "NOTEBOOK",
    "SENTIMENT_MIN_DOCUMENTS",
    "SENTIMENT_MOVERS",
    "SOCIAL_POSTS",
    "SPIKE_BASELINE_WEEKS",
    "SPIKE_MIN_DOCUMENTS",
    "SPIKE_RATIO",
    "TOP_ENTITIES",
    "TOP_STORIES",
    "TREND_ENTITIES",
    "TREND_WEEKS",
    "ClaimCounts",
    "RenderedReport",
    "WeeklyChanges",
    "WeeklyReport",
    "chart_html",
    "chart_png",
    "documents_html",
    "latest_week",
    "load_changes",
    "load_weekly",
    "mentions_chart",
    "parse_week",
    "read_weekly",
    "render_weekly",
    "safe_url",
    "summary_html",
    "timeline_html",
    "to_markdown",
    "top_entities_html",
    "week_label",
]

log = logging.getLogger(__name__)

NOTEBOOK = "weekly_report.ipynb"
KERNEL = "python3"
CELL_TIMEOUT = 600
"""Seconds one notebook cell may run before the render is abandoned."""

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_TEMPLATE = "carintel_weekly"
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RenderedReport:
    """The files `render_weekly` wrote."""

    week: str
    html: Path
    markdown: Path


# --- HTML --------------------------------------------------------------------------------------


def summary_html(report: WeeklyReport) -> str:
    """The report's heading, dates and totals."""
    return (
        f"<h1>carintel weekly report {html.escape(report.week)}</h1>\n"
        f'<p class="carintel-dates">Monday {report.start.isoformat()} to Sunday '
        f"{report.end.isoformat()}</p>\n"
        f'<p class="carintel-totals"><strong>{fmt.plural(report.total_documents, "document")}'
        f"</strong> from <strong>{fmt.plural(report.total_sources, 'source')}</strong>, "
        f"mentioning <strong>{fmt.plural(report.total_entities, 'entity', 'entities')}"
        "</strong>.</p>"
    )


def top_entities_html(report: WeeklyReport) -> str:
    """The entities of the week with their mentions and week-over-week change in documents."""
    heading = "<h2>Top entities</h2>\n"
    if report.top_entities.empty:
        return heading + fmt.empty("No entity was mentioned this week.")
    rows = []
    for row in report.top_entities.itertuples(index=False):
        change = int(row.change)
        trend = "num up" if change > 0 else "num down" if change < 0 else "num"
        rows.append(
            [
                ("", fmt.e(row.entity)),
                ("", fmt.e(row.type)),
                ("num", str(int(row.mentions))),
                ("num", str(int(row.documents))),
                ("num", str(int(row.previous_documents))),
                (trend, fmt.signed(change)),
            ]
        )
    headers = [
        ("", "Entity"),
        ("", "Type"),
        ("num", "Mentions"),
        ("num", "Documents"),
        ("num", "Previous week"),
        ("num", "Change"),
    ]
    return heading + fmt.table(headers, rows)


def documents_html(report: WeeklyReport) -> str:
    """The week's documents, oldest first, each title linking to its source article."""
    heading = "<h2>Documents</h2>\n"
    if report.documents.empty:
        return heading + fmt.empty("No documents were published this week.")
    rows = [
        [
            ("", fmt.day(row.day)),
            ("", fmt.link_html(row.title, row.url)),
            ("", fmt.e(row.source)),
            ("", fmt.e(row.entities)),
        ]
        for row in report.documents.itertuples(index=False)
    ]
    headers = [("", "Day"), ("", "Title"), ("", "Source"), ("", "Entities")]
    return heading + fmt.table(headers, rows)


def timeline_html(report: WeeklyReport) -> str:
    """One row per (document, entity) pair of the week, oldest first."""
    heading = "<h2>Timeline</h2>\n"
    if report.timeline.empty:
        return heading + fmt.empty("No document linked an entity this week.")
    rows = [
        [
            ("", fmt.day(row.day)),
            ("", fmt.e(row.entity)),
            ("", fmt.link_html(row.title, row.url)),
            ("", fmt.e(row.source)),
        ]
        for row in report.timeline.itertuples(index=False)
    ]
    headers = [("", "Day"), ("", "Entity"), ("", "Title"), ("", "Source")]
    return heading + fmt.table(headers, rows)


# --- Markdown ----------------------------------------------------------------------------------


def to_markdown(
    report: WeeklyReport, top: int = TOP_ENTITIES, max_documents: int = MARKDOWN_DOCUMENTS
) -> str:
    """A Markdown digest that fits an e-mail: totals, what changed since last week (see
    `reports.sections.changes_markdown`), top stories, top entities and the week's documents."""
    entities = fmt.plural(report.total_entities, "entity", "entities")
    lines = [
        f"# carintel weekly report {report.week}",
        "",
        f"Monday {report.start.isoformat()} to Sunday {report.end.isoformat()}: "
        f"**{fmt.plural(report.total_documents, 'document')}** from "
        f"**{fmt.plural(report.total_sources, 'source')}**, mentioning **{entities}**.",
        "",
        *sections.changes_markdown(report),
        "",
        "## Top entities",
        "",
    ]
    if report.top_entities.empty:
        lines.append("No entity was mentioned this week.")
    else:
        lines += [
            "| Entity | Type | Mentions | Documents | Previous week | Change |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for row in report.top_entities.head(top).itertuples(index=False):
            lines.append(
                f"| {fmt.md(row.entity)} | {fmt.md(row.type)} | {int(row.mentions)} | "
                f"{int(row.documents)} | {int(row.previous_documents)} | "
                f"{fmt.signed(int(row.change))} |"
            )
        more = len(report.top_entities) - top
        if more > 0:
            lines += ["", f"…and {fmt.plural(more, 'more entity', 'more entities')}."]
    lines += ["", "## Documents", ""]
    if report.documents.empty:
        lines.append("No documents were published this week.")
    else:
        for row in report.documents.head(max_documents).itertuples(index=False):
            lines.append(
                f"- {fmt.md_link(row.title, row.url)} — {fmt.md(row.source)}, {fmt.day(row.day)}"
            )
        more = len(report.documents) - max_documents
        if more > 0:
            lines += ["", f"…and {fmt.plural(more, 'more document')} in the HTML report."]
    lines += ["", f"_{fmt.md(sections.reviews_text(report))}_"]
    return "\n".join(lines) + "\n"


# --- rendering ---------------------------------------------------------------------------------


def render_weekly(warehouse_path: Path, week: str | None, out_dir: Path) -> RenderedReport:
    """Execute the weekly notebook headless and write `weekly-WEEK.html` and `weekly-WEEK.md`.

    `week` defaults to the week of the newest document. Raises ReportError when the warehouse
    is missing or empty, the week is malformed, or a notebook cell fails.
    """
    began = time.perf_counter()
    warehouse = Path(warehouse_path).resolve()
    if week is None:
        conn = open_snapshot(warehouse)
        try:
            label = latest_or_raise(conn, warehouse)
        finally:
            conn.close()
    else:
        label = check_week(week)
    report = read_weekly(warehouse, label)  # the week's queries run here, once per render

    with tempfile.TemporaryDirectory(prefix="carintel-week-") as tmp:
        data = save_week(report, Path(tmp) / f"week-{label}.pickle")
        executed = _execute_notebook(
            find_notebook(NOTEBOOK),
            {"warehouse": str(warehouse), "week": label, "data": str(data)},
        )
    page = _export_html(executed, title=f"carintel weekly report {label}")

    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"weekly-{label}.html"
    markdown_path = out_dir / f"weekly-{label}.md"
    _write_atomically(html_path, page)
    _write_atomically(markdown_path, to_markdown(report))
    log.info(
        "rendered weekly report %s in %.1fs: %s, %s",
        label,
        time.perf_counter() - began,
        html_path,
        markdown_path,
    )
    return RenderedReport(week=label, html=html_path, markdown=markdown_path)


def _execute_notebook(notebook: Path, parameters: dict[str, Any]) -> NotebookNode:
    """Run `notebook` with papermill in a fresh kernel; the executed copy goes to a temp dir."""
    import papermill

    with tempfile.TemporaryDirectory(prefix="carintel-report-") as tmp:
        try:
            executed: NotebookNode = papermill.execute_notebook(
                str(notebook),
                str(Path(tmp) / notebook.name),
                parameters=parameters,
                kernel_name=KERNEL,
                # The kernel imports `reports` from the same place this module came from.
                cwd=str(_PACKAGE_ROOT),
                progress_bar=False,
                log_output=False,
                execution_timeout=CELL_TIMEOUT,
                config=_kernel_config(),
            )
        except papermill.PapermillExecutionError as exc:
            raise ReportError(
                f"the report notebook {notebook} failed in cell {exc.exec_count}: "
                f"{exc.ename}: {exc.evalue}. Fix the error (or the data that caused it) and render "
                "again; run the notebook in JupyterLab to see the full traceback."
            ) from exc
        except Exception as exc:
            raise ReportError(
                f"could not execute the report notebook {notebook}: {type(exc).__name__}: {exc}. "
                f"Check that the {KERNEL!r} Jupyter kernel is installed in this environment "
                "(python -m ipykernel install --user) and can import the reports package."
            ) from exc
    return executed


def _kernel_config() -> Config:
    """Encrypt the kernel's local channels (CurveZMQ) when pyzmq supports it, and keep the
    kernel's own log out of the weekly job's log.

    Encryption keeps the notebook's data private to this process and silences ipykernel's
    "running over TCP without encryption" warning. jupyter_client interrupts a kernel (SIGINT)
    before it asks it to shut down, and now and then the signal lands while the kernel handles
    a message: it then logs "ERROR | KeyboardInterrupt caught in kernel" although the report
    rendered. A cell that fails still fails the render, through papermill, with its error.
    """
    import zmq
    from traitlets.config import Config

    config = Config()
    if zmq.has("curve"):
        config.KernelManager.transport_encryption = "auto"
    config.NotebookClient.extra_arguments = ["--IPKernelApp.log_level=CRITICAL"]
    return config


def _export_html(notebook: NotebookNode, title: str) -> str:
    """The executed notebook as one self-contained HTML page: outputs only, no scripts."""
    from nbconvert import HTMLExporter

    _keep_report_outputs(notebook)
    notebook.metadata = {"title": title}  # NotebookNode turns dicts into nodes
    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        template_name=_TEMPLATE,
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


def _keep_report_outputs(notebook: NotebookNode) -> None:
    """Drop what the reader need not see and what would differ between two renders.

    Warnings on stderr go to the log instead of the page; cells without outputs (parameters,
    imports) are removed; cell ids (papermill gives its injected cell a random one) are
    renumbered.
    """
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        outputs = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                log.warning("weekly report notebook wrote to stderr: %s", output.get("text", ""))
                continue
            outputs.append(output)
        cell.outputs = outputs
        if outputs:
            cells.append(cell)
    for number, cell in enumerate(cells, start=1):
        cell.id = f"report-{number}"
        cell.metadata = {}
    notebook.cells = cells


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
