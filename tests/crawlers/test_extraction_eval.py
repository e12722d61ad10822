"""The extraction benchmark's metrics on hand-made examples, and the script on the real datasets
when they are present next to the repository (`../shared/datasets`, or env CARINTEL_DATASETS)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "extraction_eval", REPO / "benchmarks" / "extraction_eval.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


ev = _load()


def test_shingle_metric_on_two_pages_with_known_scores() -> None:
    # gold has 2 four-word shingles, the prediction finds 1 of them: P 1, R 1/2
    first = ev.page_counts("alpha beta gamma delta epsilon", "alpha beta gamma delta")
    assert first == pytest.approx((0.5, 0.0, 0.5))
    # the prediction adds 2 wrong shingles to the only right one: P 1/3, R 1
    second = ev.page_counts("one two three four", "one, two; three four five six")
    assert second == pytest.approx((1 / 3, 2 / 3, 0.0))
    scores = ev.corpus_scores([first, second], [False, False])
    # macro averages: P = (1 + 1/3) / 2 = 2/3, R = (1/2 + 1) / 2 = 3/4, F1 = 12/17
    assert (scores.precision, scores.recall) == pytest.approx((2 / 3, 3 / 4))
    assert scores.f1 == pytest.approx(12 / 17)
    assert scores.accuracy == 0


def test_shingle_metric_edge_cases() -> None:
    assert ev.page_counts("Short text", "short text!") == (0.0, 0.5, 0.5)  # case-sensitive
    assert ev.page_counts("Short text", "Short text") == (1.0, 0.0, 0.0)  # one short shingle
    empty = ev.page_counts("some gold text here", None)  # no output: no precision, recall 0
    assert empty == (0.0, 0.0, 1.0)
    scores = ev.corpus_scores([empty, (1.0, 0.0, 0.0)])
    assert (scores.precision, scores.recall) == (1.0, 0.5)
    assert ev.same_tokens("A, b.\nc", "A b c") and not ev.same_tokens("A b", "a b")


def test_segment_metric_counts_whitespace_normalised_substrings() -> None:
    counts = ev.SegmentCounts()
    counts.add("Foo  bar\nbaz qux", ["Foo bar", "missing"], ["baz", "nav"])
    assert (counts.tp, counts.fn, counts.fp, counts.tn) == (1, 1, 1, 1)
    scores = counts.scores()
    assert (scores.precision, scores.recall, scores.f1, scores.accuracy) == (0.5, 0.5, 0.5, 0.5)


@pytest.fixture
def benchmark_dir() -> Path:
    root = ev.datasets_dir() / ev.SHINGLE_BENCHMARK
    if not (root / "ground-truth.json").exists():
        pytest.skip(f"dataset not found at {root}")
    return Path(root)


def test_metric_reproduces_the_published_trafilatura_score(benchmark_dir: Path) -> None:
    scores = ev.check_published(benchmark_dir, ["trafilatura"])["trafilatura"]
    assert (round(scores.f1, 3), round(scores.precision, 3), round(scores.recall, 3)) == (
        0.958,
        0.938,
        0.978,
    )


def test_script_scores_both_extractors_on_a_few_pages(
    benchmark_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ev.main(["--limit", "3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["pages"] == 3 and set(report["systems"]) == {"carintel", "trafilatura"}
    assert all(0.5 < system["f1"] <= 1 for system in report["systems"].values())
