"""The notebooks' charts and tables: offline plotly, messages for empty frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.io as pio
import pytest

from reports import charts


def co_mentions(focus: str, others: list[tuple[str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "focus_id": focus,
            "focus_name": focus.upper(),
            "entity_id": [o for o, _ in others],
            "entity_name": [o.title() for o, _ in others],
            "entity_type": "company",
            "documents": [n for _, n in others],
            "mentions": [n * 2 for _, n in others],
            "share": [0.5 for _ in others],
        }
    )


def relationships() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "subject_id": ["seres", "baidu", "hima", "apple"],
            "subject_name": ["Seres", "Baidu", "HIMA", "Apple"],
            "type": ["alliance_member", "jv_parent", "subsidiary_of", "partner"],
            "object_id": ["hima", "hima", "huawei", "hima"],
            "object_name": ["HIMA", "HIMA", "Huawei", "HIMA"],
            "since": ["2021-12", "2021-03", None, "2014"],
            "until": [None, "2024-12", None, "2016"],
            "starts_on": pd.to_datetime(["2021-12-01", "2021-03-01", None, "2014-01-01"]),
            "ends_on": pd.to_datetime([None, "2024-12-31", None, "2016-12-31"]),
            "status": ["active", "ended", "active", "cancelled"],
        }
    )


def test_offline_renderer_never_uses_a_cdn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pio.renderers, "default", "json")
    assert charts.use_offline_plotly() == "plotly_mimetype"
    assert pio.renderers.default == "plotly_mimetype"
    with pytest.raises(ValueError, match="CDN"):
        charts.use_offline_plotly("notebook_connected")


def test_table_shows_a_message_for_an_empty_frame() -> None:
    note = charts.table(pd.DataFrame({"a": []}), "No events yet <b>.")
    assert isinstance(note, charts.Note)
    assert note._repr_html_() == '<p class="carintel-empty"><em>No events yet &lt;b&gt;.</em></p>'
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6]})
    shown = charts.table(frame, "empty", ["b"], rows=2)
    assert isinstance(shown, pd.DataFrame)
    assert list(shown.columns) == ["b"] and list(shown["b"]) == [4, 5]


def test_trend_chart_draws_one_line_per_entity_or_a_message() -> None:
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-05-05", "2025-05-12", "2025-05-05"]),
            "entity_name": ["HIMA", "HIMA", "Jiyue"],
            "share": [0.5, 1.0, 0.5],
        }
    )
    fig = charts.trend_chart(frame, "share", "Share of voice")
    assert [trace.name for trace in fig.data] == ["HIMA", "Jiyue"]
    assert list(fig.data[0].y) == [0.5, 1.0]
    assert fig.layout.yaxis.tickformat == ".0%"
    empty = charts.trend_chart(frame.iloc[:0], "share", "Share", empty="Nothing yet.")
    assert not empty.data
    assert empty.layout.annotations[0].text == "Nothing yet."


def test_network_chart_links_each_focus_to_its_top_co_mentions() -> None:
    fig = charts.network_chart(
        [co_mentions("hima", [("seres", 5), ("huawei", 3), ("catl", 1)]),
         co_mentions("jiyue", [("baidu", 4), ("huawei", 1)]), pd.DataFrame()],
        top=2,
    )  # fmt: skip
    edges = [trace for trace in fig.data if trace.mode == "lines"]
    nodes = next(trace for trace in fig.data if trace.mode == "markers+text")
    assert len(edges) == 4  # catl is beyond the top 2 of hima
    assert sorted(nodes.text) == ["Baidu", "HIMA", "Huawei", "JIYUE", "Seres"]
    assert "No co-mentions" in charts.network_chart([]).layout.annotations[0].text


def test_relationships_chart_draws_dated_relationships() -> None:
    fig = charts.relationships_chart(
        relationships(), "hima", marks=["2024-06-01"], today=date(2025, 6, 1)
    )
    bars = {trace.name: list(trace.y) for trace in fig.data}
    assert bars == {
        "active": ["Seres (alliance_member)"],
        "cancelled": ["Apple (partner)"],
        "ended": ["Baidu (jv_parent)"],
    }  # the undated subsidiary_of is left out
    assert len(fig.layout.shapes) == 1
    empty = charts.relationships_chart(relationships().iloc[2:3], "hima")
    assert empty.layout.annotations[0].text == "No dated relationships."


def test_membership_matrix_marks_the_dates_each_relationship_held() -> None:
    frame = relationships()
    matrix = charts.membership_matrix(
        {"2022-01-01": frame.iloc[[0, 1, 2]], "2025-01-15": frame.iloc[[0, 2]]}, "hima"
    )
    assert isinstance(matrix, pd.DataFrame)
    assert matrix.to_dict("index") == {
        "Seres (alliance_member)": {"2022-01-01": "✓", "2025-01-15": "✓"},
        "Baidu (jv_parent)": {"2022-01-01": "✓", "2025-01-15": ""},
        "→ Huawei (subsidiary_of)": {"2022-01-01": "✓", "2025-01-15": "✓"},
    }
    assert isinstance(charts.membership_matrix({"2020": frame.iloc[:0]}, "hima"), charts.Note)


def test_the_review_chart_stacks_each_kind_of_claim_by_status() -> None:
    counts = pd.DataFrame(
        {"kind": ["event", "mention"], "unreviewed": [3, 10], "confirmed": [1, 0],
         "rejected": [1, 2], "edited": [0, 1]}
    )  # fmt: skip
    figure = charts.review_chart(counts)
    assert [trace.name for trace in figure.data] == [
        "unreviewed",
        "confirmed",
        "edited",
        "rejected",
    ]
    assert list(figure.data[3].y) == [1, 2]
    assert figure.layout.barmode == "stack"
    empty = charts.review_chart(counts.assign(unreviewed=0, confirmed=0, rejected=0, edited=0))
    assert "No claims" in empty.layout.annotations[0].text
