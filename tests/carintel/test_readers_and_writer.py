"""An analyst's open connection and the weekly run, in two processes, do not break each other."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.warehouse.test_loader import item, write_run

READER = """
import sys, time, duckdb
from warehouse.snapshot import readable_path
from pathlib import Path
conn = duckdb.connect(str(readable_path(Path(sys.argv[1]))), read_only=True)
stop = Path(sys.argv[2])
while not stop.exists():
    n = conn.execute("select count(*) from documents").fetchall()[0][0]
    print(n, flush=True)
    time.sleep(0.1)
conn.close()
"""


@pytest.mark.slow
def test_open_reader_and_running_writer_coexist(tmp_path: Path) -> None:
    home = tmp_path / "home"
    landing = home / "landing"
    write_run(landing, "run1", [item(i) for i in range(3)])
    run_cli("load", home=home)

    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(home / "carintel.duckdb"), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None
    assert reader.stdout.readline().strip() == "3"  # the notebook is open and reading

    write_run(landing, "run2", [item(i, crawl_run_id="run2") for i in range(3, 8)])
    run_cli("load", home=home)  # the weekly job writes while the reader is open
    run_cli("enrich", home=home)
    time.sleep(0.3)
    stop.touch()
    out, err = reader.communicate(timeout=30)
    assert reader.returncode == 0, err
    assert set(out.split()) == {"3"}  # an open connection keeps its consistent view

    fresh = run_cli("sql", "select count(*) as n from documents", "-f", "json", home=home)
    assert json.loads(fresh.stdout) == {"n": 8}  # a new connection sees the new data
