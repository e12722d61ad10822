"""The package's own errors. Each message says what happened and what to do next.

Exit codes (for schedulers and monitors) live here too, so the CLI maps errors in one place;
the warehouse's and the reports' own errors (those packages do not import carintel) map to
EXIT_WAREHOUSE and EXIT_REPORT.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CONFIG = 2
EXIT_CRAWL = 3
EXIT_WAREHOUSE = 4
EXIT_REPORT = 5
EXIT_SOURCES = 6  # `carintel sources check`: at least one enabled source is not `ok`
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later
EXIT_INTERRUPTED = 130


class CarintelError(Exception):
    """Base class: a failure the user can act on. The CLI prints the message, not a traceback."""

    exit_code = EXIT_ERROR


class ConfigError(CarintelError):
    """A configuration file is missing or invalid."""

    exit_code = EXIT_CONFIG


class CrawlError(CarintelError):
    """The crawl could not run at all (not: a page failed; those are counted and skipped)."""

    exit_code = EXIT_CRAWL


class LockedError(CarintelError):
    """Another carintel process is writing to this home directory."""

    exit_code = EXIT_LOCKED
