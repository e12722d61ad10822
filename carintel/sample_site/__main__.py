"""Serve the sample site for a look in a browser: `python -m carintel.sample_site [--port N]`."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from carintel.sample_site.articles import SITE_NAMES
from carintel.sample_site.server import serve


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m carintel.sample_site",
        description="Serve the bundled sample news site on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free)")
    parser.add_argument(
        "--articles-dir", type=Path, default=None, help="articles folder (default: the bundled one)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    with serve(port=args.port, articles_dir=args.articles_dir) as server:
        print(f"Sample site with {len(server.articles)} articles: {server.base_url}/", flush=True)
        print(f"  {SITE_NAMES['blog']}: {server.url('/blog/')}  feed {server.url('/blog/feed/')}")
        print(
            f"  {SITE_NAMES['nextjs']}: {server.url('/news/')}  feed {server.url('/news/atom.xml')}"
        )
        print(f"  {SITE_NAMES['cms']}: {server.url('/cms/')}  sitemap {server.url('/sitemap.xml')}")
        print("Press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("\nStopped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
