"""The weekly report: what the tracked ventures did in one ISO week.

`load_weekly` reads a week from the warehouse (the `timeline` view) into a `WeeklyReport`; the
`*_html` functions, `chart_png` and `to_markdown` turn it into the pieces the notebook
`notebooks/weekly_report.ipynb` displays; `render_weekly` executes that notebook headless with
papermill and writes `weekly-YYYY-Www.html` (self-contained: no scripts, no external resources)
and `weekly-YYYY-Www.md` (a digest for e-mail).

Titles, URLs and source names are scraped from the web and treated as hostile: every value is
escaped for the format it goes into, and only http(s) URLs become links.
"""

from __future__ import annotations

import base64
import html
import io
import logging
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import duckdb
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reports import ReportError, find_notebook
from warehouse import weekly as reads
from warehouse.db import WarehouseError, connect_read_only
from warehouse.snapshot import readable_path

if TYPE_CHECKING:
    from nbformat import NotebookNode
    from traitlets.config import Config

__all__ = [
    "NOTEBOOK",
    "TOP_ENTITIES",
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
TOP_ENTITIES = 15
"""How many entities the chart and the Markdown digest show."""
SPIKE_MIN_DOCUMENTS = 3
SPIKE_RATIO = 2.0
SPIKE_BASELINE_WEEKS = 4
"""A volume spike: an entity with at least SPIKE_MIN_DOCUMENTS documents this week and at least
SPIKE_RATIO times its mean weekly documents over the SPIKE_BASELINE_WEEKS weeks before (weeks
without documents count as 0, so a first appearance with 3 documents is a spike)."""
SENTIMENT_MIN_DOCUMENTS = 2
SENTIMENT_MOVERS = 5
"""Sentiment movers: the SENTIMENT_MOVERS entities whose mean polarity changed most (absolute
change) against the week before, among those with at least SENTIMENT_MIN_DOCUMENTS documents
carrying a sentiment score in both weeks."""
EMERGING_MIN_DOCUMENTS = 2
EMERGING_LIMIT = 10
"""Emerging organisations: outside the watchlist, named in at least EMERGING_MIN_DOCUMENTS
documents this week and in more than the week before; at most EMERGING_LIMIT."""
TOP_STORIES = 10
NEW_WINDOW_DAYS = 7
"""An event dated more than this many days before its first report is background (the rule
lives in enrich.events.is_background and is stored as timeline_events.background; this copy
only words the report's note, and a test keeps the two equal)."""
TREND_WEEKS = 8
TREND_ENTITIES = 6
SOCIAL_POSTS = 10
MARKDOWN_DOCUMENTS = 100
"""How many of the week's documents the Markdown digest lists (the HTML report lists all)."""
KERNEL = "python3"
CELL_TIMEOUT = 600
"""Seconds one notebook cell may run before the render is abandoned."""

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_TEMPLATE = "carintel_weekly"
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_WEEK = re.compile(r"(\d{4})-[Ww](\d{2})")
_WEEK_HINT = "use YYYY-Www, e.g. 2025-W19"
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_URL_SAFE_CHARS = "/:?#[]@!$&'*+,;=%~-._"


# --- weeks -------------------------------------------------------------------------------------


def parse_week(text: str) -> tuple[date, date]:
    """The Monday and Sunday of the ISO week `text` ("2025-W19")."""
    match = _WEEK.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"invalid week {text!r}: {_WEEK_HINT}")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
        sunday = monday + timedelta(days=6)
    except (ValueError, OverflowError):
        raise ValueError(
            f"invalid week {text!r}: {year} has no ISO week {week}; {_WEEK_HINT}"
        ) from None
    return monday, sunday


def week_label(day: date) -> str:
    """The ISO week that contains `day`, as "2025-W19" (the ISO year can differ from day.year)."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def latest_week(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The ISO week of the newest document's publication day, or None without documents."""
    day = reads.latest_day(conn)
    return None if day is None else week_label(day)


# --- loading -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class WeeklyReport:
    """One ISO week of the warehouse, ready to display.

    `documents`: day, published_at, title, url, source, entities (names joined by ", "), doc_id;
    oldest first. `top_entities`: entity, type, mentions, documents (this week),
    previous_documents (the week before), change; most documents first. `timeline`: day, entity,
    title, url, source; one row per (document, entity) pair, oldest first.
    """

    week: str
    start: date
    end: date
    documents: pd.DataFrame
    top_entities: pd.DataFrame
    timeline: pd.DataFrame
    total_documents: int
    total_sources: int
    total_entities: int
    changes: WeeklyChanges = field(default_factory=lambda: WeeklyChanges())


def _no_rows() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass(frozen=True, eq=False)
class WeeklyChanges:
    """What changed in the week, and the sections that follow it; each frame comes from the
    `warehouse/queries/weekly_*.sql` file of the same name (read by `warehouse.weekly`),
    whose header documents its rule and order.

    `new_events`: new developments first reported this week; `background_events`: events dated
    well before their first report that this week's documents recall (both at or above the
    report's confidence threshold). `proposed_relationships`: relationships that the week's
    confident events propose (origin 'event'). `claim_counts`: what the claims leave out
    (off-topic documents, lower-confidence events and relationships; see ClaimCounts).
    `entities`: one row per watchlist entity of the week
    with share of voice and mean sentiment against the week before. `sentiment_movers`: rows of
    `entities` (see SENTIMENT_MOVERS). `volume_spikes`: see SPIKE_*. `emerging`: see EMERGING_*.
    `top_stories`, `entity_trend` (weekly documents of the top entities), `social_buzz` (posts
    and comments by engagement), `coverage` (per source, crawl runs finished this week),
    `failures` (their failed requests by reason) and `quiet_sources` (as of the week's end).
    `sentiment_available`: whether any entity sentiment exists for the two weeks.
    """

    new_events: pd.DataFrame = field(default_factory=_no_rows)
    background_events: pd.DataFrame = field(default_factory=_no_rows)
    proposed_relationships: pd.DataFrame = field(default_factory=_no_rows)
    entities: pd.DataFrame = field(default_factory=_no_rows)
    sentiment_movers: pd.DataFrame = field(default_factory=_no_rows)
    volume_spikes: pd.DataFrame = field(default_factory=_no_rows)
    emerging: pd.DataFrame = field(default_factory=_no_rows)
    top_stories: pd.DataFrame = field(default_factory=_no_rows)
    entity_trend: pd.DataFrame = field(default_factory=_no_rows)
    social_buzz: pd.DataFrame = field(default_factory=_no_rows)
    coverage: pd.DataFrame = field(default_factory=_no_rows)
    failures: pd.DataFrame = field(default_factory=_no_rows)
    quiet_sources: pd.DataFrame = field(default_factory=_no_rows)
    sentiment_available: bool = False
    claim_counts: ClaimCounts = field(default_factory=lambda: ClaimCounts())


@dataclass(frozen=True)
class ClaimCounts:
    """What the week's claims leave out (warehouse/queries/weekly_claim_counts.sql): documents
    judged off-topic, which feed no claim, and new events and proposed relationships below the
    report's confidence threshold `min_confidence`, which stay in the warehouse."""

    off_topic_documents: int = 0
    lower_confidence_events: int = 0
    lower_confidence_relationships: int = 0
    min_confidence: float = 0.0


@dataclass(frozen=True)
class RenderedReport:
    """The files `render_weekly` wrote."""

    week: str
    html: Path
    markdown: Path


def _sentiment_movers(entities: pd.DataFrame) -> pd.DataFrame:
    if entities.empty:
        return entities.copy()
    both = entities[
        (entities["sentiment_documents"] >= SENTIMENT_MIN_DOCUMENTS)
        & (entities["previous_sentiment_documents"] >= SENTIMENT_MIN_DOCUMENTS)
        & entities["sentiment_change"].notna()
    ].copy()
    both["_move"] = both["sentiment_change"].abs().round(9)
    both = both.sort_values(
        ["_move", "entity", "entity_id"], ascending=[False, True, True], kind="mergesort"
    )
    return both.drop(columns="_move").head(SENTIMENT_MOVERS).reset_index(drop=True)


def load_changes(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> WeeklyChanges:
    """What changed in the week from Monday `start` to Sunday `end`, and the sections after it."""
    entities = reads.entities(conn, start, end)
    counts = reads.claim_counts(conn, start, end)
    return WeeklyChanges(
        new_events=reads.events(conn, start, end, background=False),
        background_events=reads.events(conn, start, end, background=True),
        proposed_relationships=reads.proposed_relationships(conn, start, end),
        entities=entities,
        sentiment_movers=_sentiment_movers(entities),
        volume_spikes=reads.volume_spikes(
            conn,
            start,
            end,
            weeks=SPIKE_BASELINE_WEEKS,
            min_documents=SPIKE_MIN_DOCUMENTS,
            ratio=SPIKE_RATIO,
        ),
        emerging=reads.emerging(
            conn, start, end, min_documents=EMERGING_MIN_DOCUMENTS, limit=EMERGING_LIMIT
        ),
        top_stories=reads.top_stories(conn, start, end, limit=TOP_STORIES),
        entity_trend=reads.entity_trend(conn, start, end, weeks=TREND_WEEKS, top=TREND_ENTITIES),
        social_buzz=reads.social_buzz(conn, start, end, limit=SOCIAL_POSTS),
        coverage=reads.coverage(conn, start, end),
        failures=reads.failures(conn, start, end),
        quiet_sources=reads.quiet_sources(conn, end),
        sentiment_available=reads.sentiment_scores(conn, start, end) > 0,
        claim_counts=ClaimCounts(*counts) if counts is not None else ClaimCounts(),
    )


def load_weekly(conn: duckdb.DuckDBPyConnection, week: str) -> WeeklyReport:
    """The report for ISO week `week` ("2025-W19"); a week without documents gives empty tables."""
    start, end = parse_week(week)
    documents, sources, entities = reads.totals(conn, start, end)
    return WeeklyReport(
        week=week_label(start),
        start=start,
        end=end,
        documents=reads.documents(conn, start, end),
        top_entities=reads.top_entities(conn, start, end),
        timeline=reads.timeline(conn, start, end),
        total_documents=documents,
        total_sources=sources,
        total_entities=entities,
        changes=load_changes(conn, start, end),
    )


def default_warehouse() -> Path:
    """$CARINTEL_HOME/carintel.duckdb, else the repository's data/carintel.duckdb (what
    `carintel lab` and a notebook opened from notebooks/ should read)."""
    home = os.environ.get("CARINTEL_HOME")
    root = Path(home) if home else Path(__file__).resolve().parents[1] / "data"
    return root / "carintel.duckdb"


def _open(warehouse: Path) -> duckdb.DuckDBPyConnection:
    try:
        return connect_read_only(readable_path(warehouse))
    except WarehouseError as exc:
        raise ReportError(str(exc)) from exc


def _latest_or_raise(conn: duckdb.DuckDBPyConnection, warehouse: Path) -> str:
    week = latest_week(conn)
    if week is None:
        raise ReportError(
            f"the warehouse at {warehouse} has no documents yet, so there is no latest week to "
            "report on. Run 'carintel run' (or 'carintel run --sample') to crawl and load some "
            "news first, or name a week such as 2025-W19."
        )
    return week


def read_weekly(warehouse: str | Path | None = None, week: str | None = None) -> WeeklyReport:
    """Open the warehouse's read snapshot, load `week` (default: the latest week) and close it
    again. `warehouse` defaults to `default_warehouse()`."""
    path = Path(warehouse) if warehouse is not None else default_warehouse()
    if week is not None:
        _check_week(week)
    conn = _open(path)
    try:
        return load_weekly(conn, week if week is not None else _latest_or_raise(conn, path))
    finally:
        conn.close()


def _check_week(week: str) -> str:
    try:
        return week_label(parse_week(week)[0])
    except ValueError as exc:
        raise ReportError(str(exc)) from exc


# --- chart -------------------------------------------------------------------------------------


def _chart_label(name: object, width: int = 40) -> str:
    text = " ".join(str(name).split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.replace("$", r"\$")  # a "$" would otherwise start matplotlib's mathtext


def say_nothing_mentioned(ax: Any) -> None:
    """An empty chart's message, in place of axes."""
    ax.text(
        0.5,
        0.5,
        "No entity was mentioned this week.",
        ha="center",
        va="center",
        transform=ax.transAxes,
        color="#59636e",
    )
    ax.set_axis_off()


def mentions_chart(report: WeeklyReport, top: int = TOP_ENTITIES) -> Figure:
    """Horizontal bars: the `top` entities by documents this week, most mentioned at the top."""
    data = report.top_entities.head(top)
    fig = Figure(figsize=(8.0, 1.4 + 0.36 * max(len(data), 2)), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title(f"Entities by documents, {report.week}", loc="left", fontsize=12)
    if data.empty:
        say_nothing_mentioned(ax)
        return fig
    labels = [_chart_label(name) for name in data["entity"]]
    values = [int(value) for value in data["documents"]]
    positions = list(range(len(labels)))
    bars = ax.barh(positions, values, color="#3b6fb6", height=0.7)
    ax.set_yticks(positions, labels=labels, fontsize=10)
    ax.invert_yaxis()
    ax.bar_label(bars, padding=3, fontsize=9)
    ax.set_xlabel("Documents this week")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, max(values) * 1.12 + 0.5)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def chart_png(report: WeeklyReport, top: int = TOP_ENTITIES) -> bytes:
    """`mentions_chart` as PNG bytes: identical for identical data (no timestamp or version)."""
    buffer = io.BytesIO()
    mentions_chart(report, top).savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def chart_html(report: WeeklyReport, top: int = TOP_ENTITIES) -> str:
    """`mentions_chart` as an <img> with the PNG inline (a data URI) and a text alternative."""
    data = report.top_entities.head(top)
    counts = ", ".join(
        f"{_text(row.entity)} {int(row.documents)}" for row in data.itertuples(index=False)
    )
    alt = (
        f"Bar chart of documents per entity in {report.week}: {counts}."
        if counts
        else f"No entity was mentioned in {report.week}."
    )
    png = base64.b64encode(chart_png(report, top)).decode("ascii")
    return (
        f'<div class="carintel-chart"><img alt="{html.escape(alt, quote=True)}" '
        f'src="data:image/png;base64,{png}"></div>'
    )


# --- HTML --------------------------------------------------------------------------------------


def safe_url(url: object) -> str | None:
    """`url` if it is a plain http(s) URL, else None (javascript:, data:, relative, spaces...)."""
    if isinstance(url, str) and _SAFE_URL.fullmatch(url):
        return url
    return None


def _text(value: object) -> str:
    """A table value as one line of text; missing values are empty."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    return " ".join(str(value).split())


def _day(value: object) -> str:
    if value is None or bool(pd.isna(value)):
        return ""
    return str(pd.Timestamp(value).strftime("%Y-%m-%d"))


def _e(value: object) -> str:
    return html.escape(_text(value), quote=True)


def _link_html(title: object, url: object) -> str:
    text = _text(title) or _text(url) or "(untitled)"
    href = safe_url(url)
    if href is None:
        shown = _e(url)
        return html.escape(text) + (
            f' <span class="carintel-url">({shown})</span>' if shown else ""
        )
    return (
        f'<a href="{html.escape(href, quote=True)}" rel="noopener noreferrer nofollow">'
        f"{html.escape(text)}</a>"
    )


def _plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def _table(headers: list[tuple[str, str]], rows: list[list[tuple[str, str]]]) -> str:
    """An HTML table from (css class, already escaped HTML) cells."""
    head = "".join(
        f'<th class="{cls}">{label}</th>' if cls else f"<th>{label}</th>" for cls, label in headers
    )
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<td class="{cls}">{cell}</td>' if cls else f"<td>{cell}</td>" for cls, cell in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _empty(message: str) -> str:
    return f'<p class="carintel-empty">{html.escape(message)}</p>'


def summary_html(report: WeeklyReport) -> str:
    """The report's heading, dates and totals."""
    return (
        f"<h1>carintel weekly report {html.escape(report.week)}</h1>\n"
        f'<p class="carintel-dates">Monday {report.start.isoformat()} to Sunday '
        f"{report.end.isoformat()}</p>\n"
        f'<p class="carintel-totals"><strong>{_plural(report.total_documents, "document")}'
        f"</strong> from <strong>{_plural(report.total_sources, 'source')}</strong>, "
        f"mentioning <strong>{_plural(report.total_entities, 'entity', 'entities')}"
        "</strong>.</p>"
    )


def top_entities_html(report: WeeklyReport) -> str:
    """The entities of the week with their mentions and week-over-week change in documents."""
    heading = "<h2>Top entities</h2>\n"
    if report.top_entities.empty:
        return heading + _empty("No entity was mentioned this week.")
    rows = []
    for row in report.top_entities.itertuples(index=False):
        change = int(row.change)
        trend = "num up" if change > 0 else "num down" if change < 0 else "num"
        rows.append(
            [
                ("", _e(row.entity)),
                ("", _e(row.type)),
                ("num", str(int(row.mentions))),
                ("num", str(int(row.documents))),
                ("num", str(int(row.previous_documents))),
                (trend, _signed(change)),
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
    return heading + _table(headers, rows)


def documents_html(report: WeeklyReport) -> str:
    """The week's documents, oldest first, each title linking to its source article."""
    heading = "<h2>Documents</h2>\n"
    if report.documents.empty:
        return heading + _empty("No documents were published this week.")
    rows = [
        [
            ("", _day(row.day)),
            ("", _link_html(row.title, row.url)),
            ("", _e(row.source)),
            ("", _e(row.entities)),
        ]
        for row in report.documents.itertuples(index=False)
    ]
    headers = [("", "Day"), ("", "Title"), ("", "Source"), ("", "Entities")]
    return heading + _table(headers, rows)


def timeline_html(report: WeeklyReport) -> str:
    """One row per (document, entity) pair of the week, oldest first."""
    heading = "<h2>Timeline</h2>\n"
    if report.timeline.empty:
        return heading + _empty("No document linked an entity this week.")
    rows = [
        [
            ("", _day(row.day)),
            ("", _e(row.entity)),
            ("", _link_html(row.title, row.url)),
            ("", _e(row.source)),
        ]
        for row in report.timeline.itertuples(index=False)
    ]
    headers = [("", "Day"), ("", "Entity"), ("", "Title"), ("", "Source")]
    return heading + _table(headers, rows)


# --- Markdown ----------------------------------------------------------------------------------


def _md(value: object) -> str:
    """Text safe to place in Markdown (CommonMark/GFM): one line, punctuation backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _text(value))


def _md_link(title: object, url: object) -> str:
    text = _md(title) or _md(url) or "(untitled)"
    href = safe_url(url)
    if href is None:
        shown = _md(url)
        return f"{text} ({shown})" if shown else text
    return f"[{text}]({quote(href, safe=_URL_SAFE_CHARS)})"


def to_markdown(
    report: WeeklyReport, top: int = TOP_ENTITIES, max_documents: int = MARKDOWN_DOCUMENTS
) -> str:
    """A Markdown digest that fits an e-mail: totals, what changed since last week (see
    `reports.sections.changes_markdown`), top stories, top entities and the week's documents."""
    from reports import sections  # sections imports this module

    entities = _plural(report.total_entities, "entity", "entities")
    lines = [
        f"# carintel weekly report {report.week}",
        "",
        f"Monday {report.start.isoformat()} to Sunday {report.end.isoformat()}: "
        f"**{_plural(report.total_documents, 'document')}** from "
        f"**{_plural(report.total_sources, 'source')}**, mentioning **{entities}**.",
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
                f"| {_md(row.entity)} | {_md(row.type)} | {int(row.mentions)} | "
                f"{int(row.documents)} | {int(row.previous_documents)} | "
                f"{_signed(int(row.change))} |"
            )
        more = len(report.top_entities) - top
        if more > 0:
            lines += ["", f"…and {_plural(more, 'more entity', 'more entities')}."]
    lines += ["", "## Documents", ""]
    if report.documents.empty:
        lines.append("No documents were published this week.")
    else:
        for row in report.documents.head(max_documents).itertuples(index=False):
            lines.append(f"- {_md_link(row.title, row.url)} — {_md(row.source)}, {_day(row.day)}")
        more = len(report.documents) - max_documents
        if more > 0:
            lines += ["", f"…and {_plural(more, 'more document')} in the HTML report."]
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
        conn = _open(warehouse)
        try:
            label = _latest_or_raise(conn, warehouse)
        finally:
            conn.close()
    else:
        label = _check_week(week)
    report = read_weekly(warehouse, label)

    executed = _execute_notebook(
        find_notebook(NOTEBOOK), {"warehouse": str(warehouse), "week": label}
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
