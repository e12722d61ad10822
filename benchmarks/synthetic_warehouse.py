"""How the weekly report and the analysts' queries scale: a synthetic warehouse of 1M documents,
10M mentions and 100k events, next to the same queries on one 10x smaller (same process, same
machine: compare the ratios; cost that grows 10x with 10x data is linear, less is better).

    python benchmarks/synthetic_warehouse.py [--documents 1000000] [--keep DIR] [--enrich N]

`--enrich N` also times `carintel enrich` (its own function, `enrich_warehouse`, writes and
timeline included) on N synthetic-but-realistic documents (`synthetic_documents.py`) in the
configured precision, and projects documents per hour and the hours a backfill of 100k and 1M
documents takes on this machine (`--enrich-only` skips the warehouse queries).

The warehouse is built with the real migrations (warehouse.connect), the default watchlist's
entities and relationships, and SQL-generated rows spread over two years; then published as the
read snapshot, as the weekly job does.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from carintel import api  # noqa: E402
from carintel.config import alias_rows, entity_rows, load_watchlist, relationship_rows  # noqa: E402
from warehouse import connect  # noqa: E402
from warehouse.loader import sync_watchlist  # noqa: E402
from warehouse.snapshot import publish  # noqa: E402

DAYS = 730


def build(path: Path, documents: int) -> None:
    watchlist = load_watchlist()
    conn = connect(path)
    sync_watchlist(
        conn, entity_rows(watchlist), alias_rows(watchlist), relationship_rows(watchlist)
    )
    ids = [e.id for e in watchlist.entities]
    conn.execute(
        "CREATE TEMP TABLE ids AS SELECT unnest($ids) AS entity_id, generate_subscripts($ids, 1) - 1 AS n",
        {"ids": ids},
    )
    n_entities = len(ids)
    conn.execute(
        """
        INSERT INTO documents (doc_id, canonical_url, url, title, text, published_at, source, kind,
            content_hash, word_count, first_seen_at, crawl_run_id)
        SELECT printf('%016x', i), 'https://news.example/' || i, 'https://news.example/' || i,
               'Synthetic headline ' || i, 'Synthetic text about carmaking ventures ' || i,
               TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(CAST((i * 7919) % ($days * 86400) AS BIGINT)),
               'source' || (i % 40),
               CASE WHEN i % 10 = 0 THEN 'post' ELSE 'article' END,
               md5(i::VARCHAR), 40,
               TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(CAST((i * 7919) % ($days * 86400) AS BIGINT)),
               'synthetic'
        FROM range($n) t(i)
        """,
        {"n": documents, "days": DAYS},
    )
    # 10 mentions per document, entities skewed toward the first ids (a few dominate, as in news)
    conn.execute(
        """
        INSERT INTO mentions (doc_id, entity_id, field, char_start, char_end, surface, method)
        SELECT printf('%016x', i), ids.entity_id, 'text', k * 20, k * 20 + 6, ids.entity_id, 'alias'
        FROM range($n) t(i), range(10) m(k)
        JOIN ids ON ids.n = CAST(floor(pow(((i * 31 + k * 17) % 1000) / 1000.0, 2) * $entities) AS INTEGER)
        ON CONFLICT DO NOTHING
        """,
        {"n": documents, "entities": n_entities},
    )
    conn.execute(
        """
        INSERT INTO entity_sentiment (doc_id, entity_id, label, score, model, polarity, sentences)
        SELECT DISTINCT ON (doc_id, entity_id) doc_id, entity_id,
               CASE WHEN char_start % 3 = 0 THEN 'positive' WHEN char_start % 3 = 1 THEN 'neutral' ELSE 'negative' END,
               0.8, 'synthetic', (char_start % 3 - 1) * -0.6, 1
        FROM mentions WHERE char_start < 60
        """
    )
    events = documents // 10
    conn.execute(
        """
        INSERT INTO timeline_events (event_id, type, stage, event_date, date_precision, date_source,
            confidence, first_reported_at, source_count, parties)
        SELECT printf('e%015x', i),
               (['partnership','investment','launch','delivery_sales','recall_incident'])[1 + i % 5],
               'announced', strftime(DATE '2024-01-01' + CAST(i % $days AS INTEGER), '%Y-%m'), 'month',
               'sentence', 0.8, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(CAST((i * 7919) % ($days * 86400) AS BIGINT)),
               1 + i % 4, '[]'
        FROM range($e) t(i)
        """,
        {"e": events, "days": DAYS},
    )
    conn.execute(
        """
        INSERT INTO event_parties (event_id, entity_id, role)
        SELECT printf('e%015x', i), ids.entity_id, 'subject'
        FROM range($e) t(i) JOIN ids ON ids.n IN (i % $entities, (i * 7 + 3) % $entities)
        ON CONFLICT DO NOTHING
        """,
        {"e": events, "entities": n_entities},
    )
    conn.execute(
        """
        INSERT INTO event_reports (doc_id, sentence_start, sentence_end, type, stage, confidence,
            evidence, event_date, date_precision, date_source, parties, event_id)
        SELECT printf('%016x', i * 10), 0, 40, t.type, 'announced', 0.8, 'Synthetic evidence.',
               t.event_date, 'month', 'sentence', '[]', t.event_id
        FROM range($e) r(i) JOIN timeline_events t ON t.event_id = printf('e%015x', i)
        """,
        {"e": events},
    )
    conn.execute(
        """
        INSERT INTO document_stories (doc_id, story_id, duplicate_of, similarity)
        SELECT printf('%016x', i), 'story-' || (i // 5), NULL, 1.0 FROM range($n) t(i)
        """,
        {"n": documents},
    )
    publish(conn, path)
    conn.close()


def timed(fn: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def measure(path: Path, render: bool) -> dict[str, float]:
    from reports.weekly import load_weekly, render_weekly
    from warehouse import connect_read_only
    from warehouse.snapshot import snapshot_path

    api.warehouse = path
    week = "2025-W40"

    def weekly_queries() -> None:
        conn = connect_read_only(snapshot_path(path))
        try:
            load_weekly(conn, week)
        finally:
            conn.close()

    results = {
        "weekly report queries": timed(weekly_queries),
        "timeline(entity)": timed(lambda: api.timeline(entity="xiaomi")),
        "mentions(entity, 90 days)": timed(
            lambda: api.mentions(entity="huawei", since="2025-07-01", until="2025-09-30")
        ),
        "sentiment_trend(entity)": timed(lambda: api.sentiment_trend("huawei")),
        "share_of_voice(5 entities)": timed(
            lambda: api.share_of_voice(["xiaomi", "huawei", "nio", "xpeng", "li_auto"])
        ),
        "co_mentions(entity)": timed(lambda: api.co_mentions("xiaomi")),
        "stories(week)": timed(lambda: api.stories(week)),
        "alliances(as_of)": timed(lambda: api.alliances(as_of="2025-06-30")),
    }
    if render:
        with tempfile.TemporaryDirectory() as out:
            results["weekly report, rendered"] = timed(
                lambda: render_weekly(path, week, Path(out)), repeat=1
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--no-render", action="store_true", help="skip the papermill render")
    parser.add_argument(
        "--keep", type=Path, help="build the warehouses in this folder and keep them"
    )
    parser.add_argument("--enrich", type=int, default=0, metavar="N",
                        help="also time carintel enrich on N synthetic documents (e.g. 10000)")  # fmt: skip
    parser.add_argument("--enrich-only", action="store_true", help="only the enrichment timing")
    parser.add_argument("--threads", type=int, help="torch threads for --enrich")
    args = parser.parse_args()
    if args.enrich:
        projection(args.enrich, args.threads)
    if args.enrich_only:
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        sizes = {"small": args.documents // 10, "large": args.documents}
        timings = {}
        for name, n in sizes.items():
            path = root / f"{name}.duckdb"
            started = time.perf_counter()
            build(path, n)
            print(f"built {name}: {n:,} documents, {10 * n:,} mentions (at most), {n // 10:,} events "
                  f"in {time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
            timings[name] = measure(path, render=not args.no_render)
    small, large = timings["small"], timings["large"]
    print(f"\n{'query':34} {sizes['small']:>11,} {sizes['large']:>11,}   ratio")
    for key in large:
        print(
            f"{key:34} {small[key]:>10.3f}s {large[key]:>10.3f}s   {large[key] / small[key]:5.1f}x"
        )


def projection(documents: int, threads: int | None) -> None:
    from benchmarks.synthetic_documents import enrich_projection

    found = enrich_projection(documents, threads)
    rate = found["per_second"]
    print(f"carintel enrich on {found['documents']:,.0f} synthetic documents: "
          f"{found['seconds']:.0f} s, {rate:.2f} documents/s, {found['per_hour']:,.0f} "
          f"documents/hour; projected: 100k documents in {1e5 / rate / 3600:.1f} h, 1M in "
          f"{1e6 / rate / 3600:.1f} h", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
