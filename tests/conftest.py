"""Shared test helpers: running the real `carintel` command in a subprocess.

Crawls run in subprocesses because Scrapy's reactor starts only once per process.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def run_cli(
    *args: str,
    home: Path | None = None,
    timeout: float = 600,
    check: bool = True,
    env: Mapping[str, str | None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`env` adds variables to the command's environment (None removes one: a missing secret)."""
    environ = dict(os.environ)
    environ.pop("CARINTEL_HOME", None)
    for name, value in (env or {}).items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    command = [sys.executable, "-m", "carintel"]
    if home is not None:
        command += ["--home", str(home)]
    result = subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=timeout, env=environ, cwd=REPO
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"carintel {' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


@pytest.fixture
def cli() -> object:
    return run_cli


# -- a local API server for spider tests ----------------------------------------------------


@dataclass(frozen=True)
class ApiCall:
    """One request the local API received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    body: bytes
    received: float  # time.monotonic() when it came in


Reply = tuple[int, dict[str, str], bytes]  # status, headers, body


class LocalApi:
    """An HTTP API on 127.0.0.1 (port 0) that answers with `route(call) -> (status, headers,
    body)` and records every call, for spider tests: `with LocalApi(route) as api: api.url`."""

    def __init__(self, route: Callable[[ApiCall], Reply]) -> None:
        self.route = route
        self.calls: list[ApiCall] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                received = time.monotonic()
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                call = ApiCall(
                    method=self.command,
                    path=parts.path,
                    query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                    received=received,
                )
                api.calls.append(call)
                status, headers, body = api.route(call)
                self.send_response(status)
                headers = {"Content-Type": "application/json; charset=utf-8", **headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LocalApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def calls_to(self, path_suffix: str) -> list[ApiCall]:
        return [c for c in self.calls if c.path.endswith(path_suffix)]


def json_reply(payload: Any, status: int = 200, **headers: str) -> Reply:
    return status, headers, json.dumps(payload).encode("utf-8")


@dataclass
class CrawlOutput:
    """What one `carintel crawl` wrote under its home: the run's items, stats, log and WARC."""

    run_dir: Path
    items: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)  # by spider
    log: str = ""
    warc: bytes = b""  # every WARC of the run, decompressed

    @classmethod
    def read(cls, home: Path, run_dir: Path) -> CrawlOutput:
        items = [
            json.loads(line)
            for path in sorted(run_dir.glob("items-*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()
        ]
        stats = {
            p.stem.removeprefix("stats-"): json.loads(p.read_text(encoding="utf-8"))
            for p in run_dir.glob("stats-*.json")
        }
        log_file = home / "logs" / "crawl.log"
        log = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
        warc = b"".join(gzip.decompress(p.read_bytes()) for p in sorted(run_dir.glob("*.warc.gz")))
        return cls(run_dir, items, stats, log, warc)


def crawl_home(
    home: Path, sources: dict[str, Any], env: Mapping[str, str | None] | None = None
) -> tuple[subprocess.CompletedProcess[str], CrawlOutput]:
    """`carintel crawl --sources S --no-polite` into `home`; its output and the new run's files."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / "sources.yaml"
    path.write_text(yaml.safe_dump(sources), encoding="utf-8")
    landing = home / "landing"
    before = set(landing.iterdir()) if landing.exists() else set()
    result = run_cli(
        "crawl", "--sources", str(path), "--no-polite", home=home, check=False, env=env
    )
    new = sorted(set(landing.iterdir()) - before) if landing.exists() else []
    if len(new) != 1:
        raise AssertionError(f"expected one new run directory, got {new}\n{result.stderr}")
    return result, CrawlOutput.read(home, new[0])
