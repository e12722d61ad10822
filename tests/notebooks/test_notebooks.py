"""The analysts' notebooks: committed thin and clean, and runnable headless on a real warehouse."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.carintel.test_api import build_warehouse
from tests.conftest import REPO, run_cli

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
NAMES = [path.name for path in NOTEBOOKS]
CDN = re.compile(r"cdn\.plot\.ly|cdn\.jsdelivr|unpkg\.com|cdnjs\.", re.IGNORECASE)
DEFINITION = re.compile(r"^\s*(async\s+def|def|class)\s", re.MULTILINE)


def read(name: str) -> Any:
    return nbformat.read(REPO / "notebooks" / name, as_version=4)


def code_cells(notebook: Any) -> list[Any]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def defines_something(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax (magics): fall back to the text
        return DEFINITION.search(source) is not None
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return any(isinstance(node, kinds) for node in ast.walk(tree))


def test_the_analysts_notebooks_are_there() -> None:
    assert {"weekly_report.ipynb", "01_timeline_explorer.ipynb", "02_venture_deep_dive.ipynb"} <= (
        set(NAMES)
    )


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebooks_have_no_outputs(name: str) -> None:
    for cell in code_cells(read(name)):
        assert cell.get("outputs") == [], f"{name}: cell {cell.get('id')} has outputs"
        assert cell.get("execution_count") is None, f"{name}: cell {cell.get('id')} was run"


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebooks_define_no_functions_or_classes(name: str) -> None:
    for cell in code_cells(read(name)):
        assert not defines_something(cell.source), (
            f"{name}: cell {cell.get('id')} defines a function or class; move it to a package"
        )


@pytest.mark.parametrize("name", NAMES)
def test_first_cell_is_the_parameters_cell_with_a_warehouse(name: str) -> None:
    notebook = read(name)
    first = notebook.cells[0]
    assert first.cell_type == "code"
    assert "parameters" in first.metadata.get("tags", [])
    assert re.search(r"^warehouse = None$", first.source, re.MULTILINE)
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_defines_something_sees_functions_and_classes() -> None:
    assert defines_something("def f():\n    pass")
    assert defines_something("if True:\n    class A: ...")
    assert defines_something("%matplotlib inline\ndef f(): ...")
    assert not defines_something("frame = api.timeline('hima')\nfn = lambda x: x")


# --- executed headless -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse filled by the real job on the bundled sample site, once per session."""
    home = tmp_path_factory.mktemp("notebooks-sample")
    run_cli("run", "--sample", home=home)
    return home


RUNS = [(name, {}) for name in NAMES] + [("02_venture_deep_dive.ipynb", {"venture": "jiyue"})]


def execute(name: str, parameters: dict[str, Any], cwd: Path) -> list[Any]:
    """Run notebook `name` headless in a fresh python3 kernel; its outputs, checked for errors."""
    import papermill

    executed = papermill.execute_notebook(
        str(REPO / "notebooks" / name),
        str(cwd / name),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(cwd),
        progress_bar=False,
        log_output=False,
        execution_timeout=300,
    )
    outputs = [output for cell in code_cells(executed) for output in cell.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, f"{name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    tracebacks = [o for o in outputs if o.get("name") == "stderr" and "Traceback" in o["text"]]
    assert not tracebacks, tracebacks[0]["text"]
    assert not CDN.search(json.dumps(executed)), f"{name} loads something from a CDN"
    assert any(o.get("data") for o in outputs), f"{name} displayed nothing"
    return outputs


def shown(outputs: list[Any]) -> str:
    return "\n".join(
        str(o.get("data", {}).get("text/html", "")) + str(o.get("data", {}).get("text/plain", ""))
        for o in outputs
    )


def plotly_figures(outputs: list[Any]) -> list[Any]:
    return [
        o["data"]["application/vnd.plotly.v1+json"]
        for o in outputs
        if "application/vnd.plotly.v1+json" in o.get("data", {})
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "extra"), RUNS, ids=[f"{n}-{'-'.join(e.values()) or 'defaults'}" for n, e in RUNS]
)
def test_notebook_runs_headless_on_the_sample_warehouse(
    name: str, extra: dict[str, str], sample_home: Path, tmp_path: Path
) -> None:
    parameters = {"warehouse": str(sample_home / "carintel.duckdb"), **extra}
    outputs = execute(name, parameters, tmp_path)
    if name != "weekly_report.ipynb":
        assert plotly_figures(outputs)


@pytest.mark.slow
def test_explorer_shows_events_sentiment_and_the_network(tmp_path: Path) -> None:
    build_warehouse(tmp_path / "carintel.duckdb")
    parameters = {"warehouse": str(tmp_path), "entities": ["HIMA", "jiyue"], "freq": "M"}
    outputs = execute("01_timeline_explorer.ipynb", parameters, tmp_path)
    page = shown(outputs)
    assert "e1 reported in d1." in page and "No events yet" not in page
    traces = [trace for figure in plotly_figures(outputs) for trace in figure["data"]]
    assert any(trace.get("mode") == "markers+text" for trace in traces)  # the network
    assert "No sentiment scores yet" not in json.dumps(plotly_figures(outputs))


@pytest.mark.slow
def test_deep_dive_shows_partners_stories_and_social_buzz(tmp_path: Path) -> None:
    build_warehouse(tmp_path / "carintel.duckdb")
    parameters = {"warehouse": str(tmp_path), "venture": "hima", "as_of": ["2021-06", "2024-06"]}
    page = shown(execute("02_venture_deep_dive.ipynb", parameters, tmp_path))
    assert "Seres Group (alliance_member)" in page
    assert "Xiaomi and HIMA agreed to cooperate." in page  # proposed, in the review table
    assert "Title d1" in page  # the top story
    assert "hackernews" in page and "mastodon" in page  # posts and comments
