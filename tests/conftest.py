"""Shared test helpers: running the real `carintel` command in a subprocess.

Crawls run in subprocesses because Scrapy's reactor starts only once per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, home: Path | None = None, timeout: float = 600,
            check: bool = True) -> subprocess.CompletedProcess[str]:  # fmt: skip
    env = dict(os.environ)
    env.pop("CARINTEL_HOME", None)
    command = [sys.executable, "-m", "carintel"]
    if home is not None:
        command += ["--home", str(home)]
    result = subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO
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
