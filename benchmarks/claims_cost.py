"""What the claims steps cost: the whole enrichment of the sample corpus (the configured
pipeline, as `carintel enrich` builds it) with the bundled event head over all-mpnet-base-v2,
with the MiniLM event head (`events: {source: bundled-minilm}`), and with events off, timed in
this process in alternating rounds, the best round counting (these machines are noisy: compare
the ratios). The last line is the cost of the MPNet event head against events off.

    python benchmarks/claims_cost.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from carintel.config import ModelChoice, load_enrich_config, load_watchlist  # noqa: E402
from carintel.enrichment import build_enricher  # noqa: E402
from carintel.sample_site import load_articles  # noqa: E402
from enrich.pipeline import Enricher, enrich_documents  # noqa: E402
from enrich.records import InputDocument  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    watchlist = load_watchlist()
    config = load_enrich_config()
    runs: dict[str, Enricher] = {
        "events: bundled (MPNet)": build_enricher(watchlist, config),
        "events: bundled-minilm": build_enricher(
            watchlist, config.model_copy(update={"events": ModelChoice(source="bundled-minilm")})
        ),
        "events off": build_enricher(watchlist, config.model_copy(update={"events": None})),
    }
    docs = [InputDocument(str(a.id), a.plain_text, a.title, a.published) for a in load_articles()]
    enrich_documents(runs["events off"], docs[:4])  # warm-up
    best = {name: float("inf") for name in runs}
    events = dict.fromkeys(runs, 0)
    for _ in range(args.rounds):
        for name, enricher in runs.items():
            started = time.perf_counter()
            results = enrich_documents(enricher, docs)
            best[name] = min(best[name], time.perf_counter() - started)
            events[name] = sum(len(r.events) for r in results)
        print("round done", flush=True)
    for name, seconds in best.items():
        rate = len(docs) / seconds
        print(f"{name:<26} {rate:6.2f} documents/s ({seconds:.1f} s, {events[name]} events)")
    ratio = best["events: bundled (MPNet)"] / best["events off"]
    print(f"time MPNet events / events off: {ratio:.2f}x")


if __name__ == "__main__":
    main()
