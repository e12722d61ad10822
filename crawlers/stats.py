"""Counting what a crawl skipped or repaired, under stable stat keys the warehouse stores."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

SKIPPED = "carintel/skipped/"
REPAIRED = "carintel/repaired/"

_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (DownloadTimeoutError, "timeout"),
    (CannotResolveHostError, "dns_error"),
    (DownloadConnectionRefusedError, "connection_refused"),
    (ResponseDataLossError, "dataloss"),
    (DownloadCancelledError, "too_large"),
    (DownloadFailedError, "download_failed"),
    (IgnoreRequest, "ignored"),
)


def skip_reason(failure: Failure) -> str:
    """A short, stable reason for a failed request: http_404, timeout, dataloss, ..."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, IgnoreRequest) and "redirect" in str(exc).lower():
        return "redirect_loop"  # "max redirections reached"
    for kind, reason in _REASONS:
        if isinstance(exc, kind):
            return reason
    name = type(exc).__name__
    if "Timeout" in name or "TimedOut" in name:
        return "timeout"
    return name


def skipped_from_stats(stats: dict[str, Any]) -> dict[str, int]:
    return {k[len(SKIPPED) :]: int(v) for k, v in stats.items() if k.startswith(SKIPPED)}


def repaired_from_stats(stats: dict[str, Any]) -> dict[str, int]:
    return {k[len(REPAIRED) :]: int(v) for k, v in stats.items() if k.startswith(REPAIRED)}
