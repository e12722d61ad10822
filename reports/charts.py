"""Interactive charts and small display helpers for the analysts' notebooks.

The notebooks in `notebooks/` stay thin: they fetch DataFrames with `carintel.api` and hand them
to these functions. Charts are plotly figures drawn offline: `use_offline_plotly` selects the
`plotly_mimetype` renderer, which sends the figure as JSON that JupyterLab draws with the plotly.js
bundled in its plotly extension; nothing is loaded from a CDN. Every function accepts an empty
frame and then shows a short message instead of a chart or a table.

This module imports neither `carintel` nor the warehouse: it takes the frames `carintel.api`
documents (column names are the contract).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
import pandas as pd
import plotly.graph_objects as go  # type: ignore[import-untyped]
import plotly.io as pio  # type: ignore[import-untyped]

__all__ = [
    "OFFLINE_RENDERER",
    "Note",
    "membership_matrix",
    "network_chart",
    "relationships_chart",
    "table",
    "trend_chart",
    "use_offline_plotly",
]

OFFLINE_RENDERER = "plotly_mimetype"
"""Figures as `application/vnd.plotly.v1+json`: JupyterLab (and Notebook 7, VS Code) draw them
with their bundled plotly.js. The `*_connected` renderers load plotly.js from a CDN instead."""

_FONT = {"family": "system-ui, sans-serif", "size": 12}
_MUTED = "#59636e"
_EDGE = "#9aa4ae"
_PALETTE = ["#3b6fb6", "#d1495b", "#edae49", "#00798c", "#6a4c93", "#66a182", "#8d6a9f"]


def use_offline_plotly(renderer: str = OFFLINE_RENDERER) -> str:
    """Make plotly figures render with no network access; returns the renderer chosen.

    >>> charts.use_offline_plotly()
    'plotly_mimetype'
    """
    if "connected" in renderer:
        raise ValueError(
            f"renderer {renderer!r} loads plotly.js from a CDN; use {OFFLINE_RENDERER!r} "
            "(JupyterLab) or 'notebook' (embeds plotly.js in the notebook)"
        )
    pio.renderers.default = renderer
    return renderer


@dataclass(frozen=True)
class Note:
    """A short message that a notebook displays in place of an empty table or chart."""

    text: str

    def _repr_html_(self) -> str:
        return f'<p class="carintel-empty"><em>{html.escape(self.text)}</em></p>'

    def __repr__(self) -> str:
        return self.text


def table(
    frame: pd.DataFrame,
    empty: str,
    columns: Sequence[str] | None = None,
    rows: int | None = None,
) -> pd.DataFrame | Note:
    """`frame` (only `columns`, at most `rows` rows), or the message `empty` when it has no rows.

    >>> charts.table(api.timeline("hima"), "No events yet.", ["event_date", "type", "parties"])
    """
    if frame.empty:
        return Note(empty)
    shown = frame if columns is None else frame.loc[:, list(columns)]
    return shown.head(rows) if rows is not None else shown


def _empty_figure(title: str, message: str) -> Any:
    fig = go.Figure()
    fig.add_annotation(
        text=html.escape(message),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"color": _MUTED, "size": 14},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _styled(fig, title, height=240)


def _styled(fig: Any, title: str, height: int = 420) -> Any:
    fig.update_layout(
        title={"text": html.escape(title), "x": 0, "xanchor": "left"},
        template="plotly_white",
        font=_FONT,
        height=height,
        margin={"l": 50, "r": 20, "t": 60, "b": 40},
        legend={"title": {"text": ""}},
    )
    return fig


REVIEW_STATUSES: Mapping[str, str] = {
    "unreviewed": "#b0b7c3",
    "confirmed": "#2e7d32",
    "edited": "#f9a825",
    "rejected": "#c62828",
}
"""The review statuses in the order `review_chart` stacks them, with their colours."""


def review_chart(counts: pd.DataFrame, title: str = "Claims by review status") -> Any:
    """A stacked bar per kind of claim of `counts` (`carintel.api.review.status_counts`: a
    `kind` column and one column per status), or a note-like empty figure when it has none.

    >>> charts.review_chart(api.review.status_counts(week="2025-W48"))
    """
    present = [s for s in REVIEW_STATUSES if s in counts.columns]
    if counts.empty or not present or int(counts[present].to_numpy().sum()) == 0:
        return _empty_figure(title, "No claims in this period.")
    fig = go.Figure()
    for status in present:
        fig.add_bar(
            name=status,
            x=[html.escape(str(kind)) for kind in counts["kind"]],
            y=counts[status].tolist(),
            marker_color=REVIEW_STATUSES[status],
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="claims")
    return _styled(fig, title, height=360)


def trend_chart(
    frame: pd.DataFrame,
    value: str,
    title: str,
    empty: str = "No data for this period yet.",
    x: str = "period",
    series: str = "entity_name",
) -> Any:
    """One line per entity: `value` (e.g. "documents", "share", "mean_polarity") by `x`.

    Takes the frames of `api.share_of_voice`, `api.sentiment_trend` or `api.entity_daily`
    (with x="day").

    >>> charts.trend_chart(api.share_of_voice(["hima", "jiyue"]), "share", "Share of voice")
    """
    if frame.empty:
        return _empty_figure(title, empty)
    fig = go.Figure()
    for number, (name, group) in enumerate(frame.groupby(series, sort=True)):
        data = group.sort_values(x)
        fig.add_trace(
            go.Scatter(
                x=list(data[x]),
                y=[None if pd.isna(v) else float(v) for v in data[value]],
                mode="lines+markers",
                name=str(name),
                line={"color": _PALETTE[number % len(_PALETTE)], "width": 2},
                hovertemplate=f"{html.escape(str(name))}<br>%{{x}}: %{{y:.3g}}<extra></extra>",
            )
        )
    fig.update_yaxes(title_text=value.replace("_", " "))
    if value == "share":
        fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    elif value == "mean_polarity":
        fig.update_yaxes(range=[-1.05, 1.05], zeroline=True)
    else:
        fig.update_yaxes(rangemode="tozero")
    return _styled(fig, title)


def network_chart(
    co_mentions: pd.DataFrame | Sequence[pd.DataFrame],
    title: str = "Named together",
    top: int = 15,
    empty: str = "No co-mentions yet.",
    seed: int = 7,
) -> Any:
    """A co-mention network: the entities asked about, linked to the `top` entities named with
    each (frames of `api.co_mentions`); line width and node size follow shared documents.

    >>> charts.network_chart([api.co_mentions(e) for e in ["hima", "jiyue"]])
    """
    frames = [co_mentions] if isinstance(co_mentions, pd.DataFrame) else list(co_mentions)
    frames = [f for f in frames if not f.empty]
    if not frames:
        return _empty_figure(title, empty)
    graph = nx.Graph()
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    focus: set[str] = set()
    for frame in frames:
        for row in frame.head(top).itertuples(index=False):
            focus.add(str(row.focus_id))
            names.setdefault(str(row.focus_id), str(row.focus_name or row.focus_id))
            names[str(row.entity_id)] = str(row.entity_name)
            kinds[str(row.entity_id)] = str(row.entity_type)
            graph.add_edge(str(row.focus_id), str(row.entity_id), weight=int(row.documents))
    positions = nx.spring_layout(graph, weight="weight", seed=seed)
    heaviest = max(int(w) for _, _, w in graph.edges(data="weight"))
    fig = go.Figure()
    for a, b, weight in graph.edges(data="weight"):
        (x0, y0), (x1, y1) = positions[a], positions[b]
        fig.add_trace(
            go.Scatter(
                x=[float(x0), float(x1)],
                y=[float(y0), float(y1)],
                mode="lines",
                line={"color": _EDGE, "width": 1 + 5 * int(weight) / heaviest},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    nodes = list(graph.nodes)
    degree = {n: sum(int(w) for _, _, w in graph.edges(n, data="weight")) for n in nodes}
    biggest = max(degree.values())
    fig.add_trace(
        go.Scatter(
            x=[float(positions[n][0]) for n in nodes],
            y=[float(positions[n][1]) for n in nodes],
            mode="markers+text",
            text=[html.escape(names.get(n, n)) for n in nodes],
            textposition="top center",
            hovertext=[
                f"{html.escape(names.get(n, n))} ({html.escape(kinds.get(n, 'focus'))}): "
                f"{degree[n]} shared documents"
                for n in nodes
            ],
            hoverinfo="text",
            marker={
                "size": [12 + 28 * degree[n] / biggest for n in nodes],
                "color": [_PALETTE[1] if n in focus else _PALETTE[0] for n in nodes],
                "line": {"color": "white", "width": 1},
            },
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _styled(fig, title, height=560)


def _as_day(value: object) -> date | None:
    if value is None or bool(pd.isna(value)):
        return None
    return pd.Timestamp(value).date()  # type: ignore[no-any-return]


def _label(row: Any, entity_id: str) -> str:
    """The other side of a relationship of `entity_id`: "Seres Group (alliance_member)" when it
    is the subject ("Seres Group is alliance_member of HIMA"), "→ Huawei (subsidiary_of)" when
    `entity_id` is ("HIMA is subsidiary_of Huawei")."""
    if row.object_id == entity_id:
        return f"{row.subject_name or row.subject_id} ({row.type})"
    return f"→ {row.object_name or row.object_id} ({row.type})"


def relationships_chart(
    frame: pd.DataFrame,
    entity_id: str,
    marks: Sequence[date | str] = (),
    title: str = "Relationships over time",
    empty: str = "No dated relationships.",
    today: date | None = None,
) -> Any:
    """Bars from each relationship's start to its end (open ones to `today`), one row per
    relationship of `entity_id` (a frame of `api.relationships`), with dotted lines at `marks`.
    Relationships without a start date are left out; cancelled ones are drawn hatched.

    >>> charts.relationships_chart(api.relationships("hima"), "hima", ["2024-06-01"])
    """
    end_default = today or date.today()
    bars = []
    for row in frame.itertuples(index=False):
        start = _as_day(row.starts_on)
        if start is None:
            continue
        end = _as_day(row.ends_on) or end_default
        bars.append((_label(row, entity_id), start, max(end, start), str(row.status), row))
    if not bars:
        return _empty_figure(title, empty)
    bars.sort(key=lambda bar: (bar[1], bar[0]))
    fig = go.Figure()
    statuses = sorted({bar[3] for bar in bars})
    for number, status in enumerate(statuses):
        chosen = [bar for bar in bars if bar[3] == status]
        fig.add_trace(
            go.Bar(
                base=[bar[1].isoformat() for bar in chosen],
                x=[(bar[2] - bar[1]).days * 86_400_000 for bar in chosen],
                y=[html.escape(bar[0]) for bar in chosen],
                orientation="h",
                name=status,
                marker={
                    "color": _PALETTE[number % len(_PALETTE)],
                    "pattern": {"shape": "/" if status == "cancelled" else ""},
                },
                hovertext=[
                    f"{html.escape(bar[0])}: {bar[4].since or '?'} to {bar[4].until or 'now'}"
                    for bar in chosen
                ],
                hoverinfo="text",
            )
        )
    for mark in marks:
        fig.add_vline(x=pd.Timestamp(mark).timestamp() * 1000, line_dash="dot", line_color=_MUTED)
    fig.update_xaxes(type="date")
    fig.update_yaxes(
        autorange="reversed", categoryorder="array", categoryarray=[b[0] for b in bars]
    )
    return _styled(fig, title, height=max(260, 80 + 26 * len(bars)))


def membership_matrix(held: Mapping[str, pd.DataFrame], entity_id: str) -> pd.DataFrame | Note:
    """Who was linked to `entity_id` on each date: one row per relationship, one column per date
    ("✓" when it held), from `{as_of: api.alliances(as_of, entity=entity_id)}`.

    >>> charts.membership_matrix({d: api.alliances(d, entity="hima") for d in dates}, "hima")
    """
    seen: dict[str, set[str]] = {}
    order: list[str] = []
    for as_of, frame in held.items():
        for row in frame.itertuples(index=False):
            label = _label(row, entity_id)
            if label not in seen:
                seen[label] = set()
                order.append(label)
            seen[label].add(str(as_of))
    if not order:
        return Note(f"No relationship of {entity_id} held on any of these dates.")
    dates = [str(d) for d in held]
    return pd.DataFrame(
        [[("✓" if d in seen[label] else "") for d in dates] for label in order],
        index=pd.Index(order, name="relationship"),
        columns=dates,
    )
