"""The weekly report's charts, drawn with matplotlib and embedded as PNG data URIs: the
entities of the week (`chart_html`) and their weekly documents over the last weeks
(`trend_chart_html`). PNGs are identical for identical data (no timestamp or version)."""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reports import formatting as fmt
from reports.data import TOP_ENTITIES, TREND_WEEKS, WeeklyReport

__all__ = [
    "chart_html",
    "chart_png",
    "mentions_chart",
    "say_nothing_mentioned",
    "trend_chart",
    "trend_chart_html",
    "trend_chart_png",
]


def chart_label(name: object, width: int = 40) -> str:
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
    labels = [chart_label(name) for name in data["entity"]]
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
        f"{fmt.text(row.entity)} {int(row.documents)}" for row in data.itertuples(index=False)
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


def trend_chart(report: WeeklyReport) -> Figure:
    """Small multiples: weekly documents of each of the week's top entities over the last
    TREND_WEEKS weeks (one panel each, shared scale; this week's bar highlighted)."""
    data = report.changes.entity_trend
    groups = [rows.sort_values("week_start") for _, rows in data.groupby("rank", sort=True)]
    columns = 3
    panels = max(len(groups), 1)
    nrows = -(-panels // columns)
    fig = Figure(figsize=(8.0, 0.6 + 2.1 * nrows), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    if not groups:
        ax = fig.add_subplot()
        say_nothing_mentioned(ax)
        return fig
    fig.suptitle(
        f"Weekly documents of the top entities, last {TREND_WEEKS} weeks",
        x=0.01,
        ha="left",
        fontsize=12,
    )
    axes = fig.subplots(nrows, columns, sharex=True, sharey=True, squeeze=False).flatten()
    top = max(int(value) for value in data["documents"])
    for ax, rows in zip(axes, groups, strict=False):
        weeks = [pd.Timestamp(value).date() for value in rows["week_start"]]
        values = [int(value) for value in rows["documents"]]
        colours = ["#9ab5dc"] * (len(values) - 1) + ["#3b6fb6"]
        ax.bar(range(len(values)), values, color=colours, width=0.75)
        ax.set_title(chart_label(rows["entity"].iloc[0], 26), loc="left", fontsize=10)
        ax.set_xticks(
            range(len(weeks)),
            labels=[f"W{day.isocalendar().week:02d}" for day in weeks],
            fontsize=7,
        )
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, top * 1.15 + 0.5)
        ax.tick_params(axis="y", labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(groups) :]:
        ax.set_axis_off()
    return fig


def trend_chart_png(report: WeeklyReport) -> bytes:
    """`trend_chart` as PNG bytes: identical for identical data (no timestamp or version)."""
    buffer = io.BytesIO()
    trend_chart(report).savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def trend_chart_html(report: WeeklyReport) -> str:
    """The trend chart as an inline PNG with a text alternative."""
    data = report.changes.entity_trend
    heading = "<h2>Trends</h2>\n"
    if data.empty:
        return heading + fmt.empty("No entity was mentioned this week.")
    parts = []
    for _, rows in data.groupby("rank", sort=True):
        counts = ", ".join(str(int(value)) for value in rows.sort_values("week_start")["documents"])
        parts.append(f"{fmt.text(rows['entity'].iloc[0])}: {counts}")
    alt = f"Weekly documents over {TREND_WEEKS} weeks, oldest first. " + "; ".join(parts) + "."
    png = base64.b64encode(trend_chart_png(report)).decode("ascii")
    return (
        f'{heading}<div class="carintel-chart"><img alt="{html.escape(alt, quote=True)}" '
        f'src="data:image/png;base64,{png}"></div>'
    )
