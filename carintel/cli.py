"""The `carintel` command line.

Every command accepts `--home DIR` (default ./data, or $CARINTEL_HOME), before or after the
command name. Exit codes, for schedulers and monitors: 0 success (pages that failed are counted,
not fatal), 1 error, 2 configuration error, 3 crawl failed (nothing could be fetched), 4 warehouse
error, 5 report error, 75 another run holds the lock (try later), 130 interrupted.

The commands live in `carintel.commands`: `pipeline` (init, crawl, load, enrich, report, run),
`reading` (sql, status, sources check, annotate, schedule, schema, export, lab), `models`
and `review`;
importing them registers them on the app of `carintel.commands.common`.
"""

from __future__ import annotations

import sys

from carintel.commands import models, pipeline, reading, review
from carintel.commands.common import app
from carintel.errors import EXIT_INTERRUPTED

_COMMAND_GROUPS = (pipeline, reading, models, review)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)


__all__ = ["app", "main"]
