"""The archive: every raw HTTP response of a crawl run lands in a WARC file (warcio).

The downloader middleware sits at the network end of the chain (order 950), so it records the
bytes as they arrived: still compressed, before redirects are followed or errors filtered. It
puts the record's id and payload digest in `request.meta["warc"]`, from where the spider copies
them into the landing item, so every fact can be traced back to the archived bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_META_KEY = "warc"
# Set on a request whose response must not be archived: an OAuth token or session answer.
NO_ARCHIVE_META_KEY = "carintel_no_archive"


class WarcArchiveMiddleware:
    def __init__(self, landing_dir: Path) -> None:
        self.landing_dir = landing_dir
        self._file: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._relative: str | None = None
        self.records = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        mw = cls(Path(crawler.settings.get("CARINTEL_LANDING_DIR")))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self, spider: Spider) -> None:
        run_id = getattr(spider, "run_id", None) or "adhoc"
        suffix = getattr(spider, "worker_suffix", "")
        self._relative = f"{run_id}/responses-{spider.name}{suffix}.warc.gz"
        path = self.landing_dir / self._relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("ab")
        self._writer = WARCWriter(self._file, gzip=True)
        info = self._writer.create_warcinfo_record(
            path.name,
            {"software": "carintel (Scrapy, warcio)", "format": "WARC File Format 1.1",
             "isPartOf": run_id},
        )  # fmt: skip
        self._writer.write_record(info)

    def spider_closed(self, spider: Spider) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None

    def process_response(self, request: Request, response: Response) -> Response:
        if self._writer is None or self._file is None or request.meta.get(NO_ARCHIVE_META_KEY):
            return response
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, values in response.headers.items()
            for v in values
        ]
        reason = _REASONS.get(response.status, "")
        http_headers = StatusAndHeaders(
            f"{response.status} {reason}".strip(), headers, protocol="HTTP/1.1"
        )
        record = self._writer.create_warc_record(
            response.url,
            "response",
            payload=BytesIO(response.body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": _warc_date()},
        )
        self._writer.write_record(record)
        self._file.flush()
        self.records += 1
        request.meta[WARC_META_KEY] = {
            "file": self._relative,
            "record_id": record.rec_headers.get_header("WARC-Record-ID"),
            "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
        }
        return response


def _warc_date() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_REASONS: dict[int, str] = {
    200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
    307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request",
    403: "Forbidden", 404: "Not Found", 410: "Gone", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
}  # fmt: skip


def read_record(path: Path, record_id: str) -> dict[str, Any] | None:
    """The archived response with this WARC-Record-ID: url, status, headers and body bytes."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_headers.get_header("WARC-Record-ID") == record_id:
                return {
                    "url": record.rec_headers.get_header("WARC-Target-URI"),
                    "status": record.http_headers.get_statuscode() if record.http_headers else None,
                    "headers": dict(record.http_headers.headers) if record.http_headers else {},
                    "body": record.content_stream().read(),
                }
    return None
