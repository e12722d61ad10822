"""Body-text quality of `crawlers.extract.parse_article`, next to plain `trafilatura.extract`.

    python benchmarks/extraction_eval.py                      # 181 pages, shingle metric
    python benchmarks/extraction_eval.py --dataset trafilatura-eval
    python benchmarks/extraction_eval.py --limit 10 --json

Datasets are read where they are stored (`../shared/datasets` next to the repository, or the
directory in env `CARINTEL_DATASETS`); nothing is copied into the repository.

* `article-extraction-benchmark` (Scrapinghub/Zyte, 181 news pages, one gold body per page). Its
  metric, re-implemented from the description in the dataset's SOURCE.md: `\\w+` tokens, 4-token
  shingles as a multiset, per-page tp/fp/fn normalised to sum to one, precision and recall averaged
  over pages (each over the pages where it is defined), F1 = harmonic mean of the two averages.
  The baseline is the benchmark's own trafilatura call: `trafilatura.extract(html,
  include_comments=False)` on the page decoded as UTF-8. `--check-published` scores the
  stored `output/*.json` predictions, to compare with the published table.
* `trafilatura-eval` (990 multilingual pages, "with"/"without" text segments): a segment counts
  when it is a substring of the whitespace-normalised output; counts are summed over the corpus.

Both extractors run on each page in the same process, one right after the other (alternating which
goes first), so that a busy shared CPU slows both alike; times are wall-clock per page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

SHINGLE_BENCHMARK = "article-extraction-benchmark"
SEGMENT_BENCHMARK = "trafilatura-eval"
_TOKEN = re.compile(r"\w+")
_WS = re.compile(r"\s+")

# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------

PageCounts = tuple[float, float, float]  # normalised (tp, fp, fn) of one page


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of the n-token windows of a text; a text shorter than n tokens is one window."""
    tokens = _TOKEN.findall(text or "")
    if len(tokens) <= n:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_counts(true: str | None, pred: str | None, n: int = 4) -> PageCounts:
    """Shingle tp/fp/fn of one page, divided by their sum so that every page weighs the same."""
    gold, got = shingles(true, n), shingles(pred, n)
    tp = float(sum((gold & got).values()))
    fp = float(sum((got - gold).values()))
    fn = float(sum((gold - got).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return 0.0 if tp == 0 and fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return 0.0 if tp == 0 and fn == 0 else tp / (tp + fn)


@dataclass(frozen=True)
class Scores:
    f1: float
    precision: float
    recall: float
    accuracy: float | None = None


def corpus_scores(pages: Sequence[PageCounts], exact: Sequence[bool] | None = None) -> Scores:
    """Macro-averaged precision and recall over pages, F1 as their harmonic mean."""
    precisions = [_precision(*p) for p in pages if p[0] + p[1] > 0]
    recalls = [_recall(*p) for p in pages if p[0] + p[2] > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = statistics.fmean(exact) if exact else None
    return Scores(f1, precision, recall, accuracy)


def same_tokens(true: str | None, pred: str | None) -> bool:
    return bool(_TOKEN.findall(true or "") == _TOKEN.findall(pred or ""))


@dataclass
class SegmentCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, output: str | None, with_: Iterable[str], without: Iterable[str]) -> None:
        text = _WS.sub(" ", output or "").strip()
        for segment in with_:
            if _WS.sub(" ", segment).strip() in text:
                self.tp += 1
            else:
                self.fn += 1
        for segment in without:
            if _WS.sub(" ", segment).strip() in text:
                self.fp += 1
            else:
                self.tn += 1

    def scores(self) -> Scores:
        tp, fp, fn, tn = self.tp, self.fp, self.fn, self.tn
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
        total = tp + fp + fn + tn
        return Scores(f1, precision, recall, (tp + tn) / total if total else None)


# --------------------------------------------------------------------------------------------
# Datasets
# --------------------------------------------------------------------------------------------


def datasets_dir() -> Path:
    return Path(os.environ.get("CARINTEL_DATASETS") or REPO.parent / "shared" / "datasets")


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    html: bytes
    gold: str | None = None  # shingle benchmark
    with_: tuple[str, ...] = ()  # segment benchmark
    without: tuple[str, ...] = ()


def shingle_pages(root: Path, limit: int | None = None) -> Iterator[Page]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for n, (item_id, item) in enumerate(sorted(truth.items())):
        if limit is not None and n >= limit:
            return
        html = gzip.decompress((root / "html" / f"{item_id}.html.gz").read_bytes())
        yield Page(item_id, item.get("url", ""), html, gold=item.get("articleBody") or "")


def segment_pages(root: Path, limit: int | None = None) -> Iterator[Page]:
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    for n, (url, item) in enumerate(data.items()):
        if limit is not None and n >= limit:
            return
        for folder in ("eval", "cache"):
            path = root / folder / f"{item['file']}.gz"
            if path.exists():
                html = gzip.decompress(path.read_bytes())
                break
        else:
            print(f"missing page {item['file']}", file=sys.stderr)
            continue
        yield Page(
            item["file"], url, html, with_=tuple(item["with"]), without=tuple(item["without"])
        )


def stored_outputs(root: Path, names: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """The published predictions in `output/` ({item_id: articleBody}) by system name."""
    wanted = set(names) if names is not None else None
    systems: dict[str, dict[str, Any]] = {}
    for path in sorted((root / "output").glob("*.json")):
        if wanted is not None and path.stem not in wanted:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data["output"] if "output" in data and "version" in data else data
        systems[path.stem] = {key: (value or {}).get("articleBody") for key, value in items.items()}
    return systems


def check_published(root: Path, names: Iterable[str] | None = None) -> dict[str, Scores]:
    """Scores of the stored predictions, to set against the benchmark's published table."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    results = {}
    for name, predicted in stored_outputs(root, names).items():
        pairs = [(item.get("articleBody"), predicted.get(key)) for key, item in truth.items()]
        results[name] = corpus_scores(
            [page_counts(true, pred) for true, pred in pairs],
            [same_tokens(true, pred) for true, pred in pairs],
        )
    return results


# --------------------------------------------------------------------------------------------
# Extractors
# --------------------------------------------------------------------------------------------

Extractor = Callable[[Page], str | None]


def ours(page: Page) -> str | None:
    from crawlers.extract import parse_article

    article = parse_article(page.html, page.url)
    return article.text if article else None


def trafilatura_baseline(page: Page) -> str | None:
    """The call the shingle benchmark's trafilatura row was made with (page decoded as UTF-8)."""
    import trafilatura

    html: str | bytes = page.html
    if page.gold is not None:
        html = page.html.decode("utf-8")
    result: str | None = trafilatura.extract(html, include_comments=False)
    return result


EXTRACTORS: dict[str, Extractor] = {"carintel": ours, "trafilatura": trafilatura_baseline}


@dataclass
class Result:
    name: str
    pages: int
    scores: Scores
    seconds_per_page: float  # wall clock
    cpu_seconds_per_page: float  # this process's CPU time: steadier on a shared machine
    failures: int


def run(dataset: str, limit: int | None = None) -> list[Result]:
    """Both extractors on every page, interleaved (alternating which goes first)."""
    root = datasets_dir() / dataset
    if not root.exists():
        raise SystemExit(f"dataset not found: {root} (set CARINTEL_DATASETS to its parent folder)")
    shingled = dataset == SHINGLE_BENCHMARK
    pages = shingle_pages(root, limit) if shingled else segment_pages(root, limit)
    names = list(EXTRACTORS)
    wall: dict[str, float] = dict.fromkeys(names, 0.0)
    cpu: dict[str, float] = dict.fromkeys(names, 0.0)
    failures: dict[str, int] = dict.fromkeys(names, 0)
    counts: dict[str, list[PageCounts]] = {name: [] for name in names}
    exact: dict[str, list[bool]] = {name: [] for name in names}
    segments = {name: SegmentCounts() for name in names}
    n = 0
    for n, page in enumerate(pages, start=1):
        if n == 1:  # imports and lazy initialisation stay out of the timings
            for extractor in EXTRACTORS.values():
                extractor(page)
        for name in names if n % 2 else names[::-1]:
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            try:
                output = EXTRACTORS[name](page)
            except Exception as error:  # a crash counts as an empty output
                print(f"{name} failed on {page.id}: {error!r}", file=sys.stderr)
                output, failures[name] = None, failures[name] + 1
            wall[name] += time.perf_counter() - start_wall
            cpu[name] += time.process_time() - start_cpu
            if shingled:
                counts[name].append(page_counts(page.gold, output))
                exact[name].append(same_tokens(page.gold, output))
            else:
                segments[name].add(output, page.with_, page.without)
    return [
        Result(
            name,
            n,
            corpus_scores(counts[name], exact[name]) if shingled else segments[name].scores(),
            wall[name] / max(n, 1),
            cpu[name] / max(n, 1),
            failures[name],
        )
        for name in names
    ]


def _ratio(ours: float, base: float) -> float:
    return ours / base if base else float("nan")


def _table(rows: Sequence[tuple[str, Scores, str]]) -> str:
    head = f"{'system':<20} {'F1':>6} {'prec':>6} {'recall':>6} {'acc':>6}"
    lines = [f"{head}  {'ms/page wall, cpu' if rows[0][2] else ''}"]
    for name, s, timing in rows:
        acc = f"{s.accuracy:.3f}" if s.accuracy is not None else "-"
        lines.append(
            f"{name:<20} {s.f1:>6.3f} {s.precision:>6.3f} {s.recall:>6.3f} {acc:>6}  {timing}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", choices=[SHINGLE_BENCHMARK, SEGMENT_BENCHMARK])
    parser.add_argument("--limit", type=int, help="only the first N pages (sorted by id)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--check-published",
        action="store_true",
        help="score the stored outputs of the shingle benchmark instead of running extractors",
    )
    args = parser.parse_args(argv)
    dataset = args.dataset or SHINGLE_BENCHMARK
    if args.check_published:
        published = check_published(datasets_dir() / SHINGLE_BENCHMARK)
        if args.json:
            print(json.dumps({k: asdict(v) for k, v in published.items()}, indent=2))
        else:
            rows = sorted(published.items(), key=lambda kv: -kv[1].f1)
            print(_table([(name, s, "") for name, s in rows]))
        return 0
    results = run(dataset, args.limit)
    ours_result, base = results
    wall_ratio = _ratio(ours_result.seconds_per_page, base.seconds_per_page)
    cpu_ratio = _ratio(ours_result.cpu_seconds_per_page, base.cpu_seconds_per_page)
    if args.json:
        payload: dict[str, Any] = {
            "dataset": dataset,
            "pages": ours_result.pages,
            "time_ratio_wall": wall_ratio,
            "time_ratio_cpu": cpu_ratio,
            "systems": {r.name: {**asdict(r.scores), "seconds_per_page": r.seconds_per_page,
                                 "cpu_seconds_per_page": r.cpu_seconds_per_page,
                                 "failures": r.failures} for r in results},
        }  # fmt: skip
        print(json.dumps(payload, indent=2))
    else:
        print(f"{dataset}: {ours_result.pages} pages, both extractors interleaved in one process")
        timings = [
            f"{r.seconds_per_page * 1e3:6.1f}, {r.cpu_seconds_per_page * 1e3:6.1f}" for r in results
        ]
        print(_table([(r.name, r.scores, t) for r, t in zip(results, timings, strict=True)]))
        print(f"time carintel / trafilatura: {wall_ratio:.2f}x wall, {cpu_ratio:.2f}x cpu")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
