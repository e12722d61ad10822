"""Operating carintel: its log file, schedule entries, the schema listing and Parquet export."""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from carintel.errors import CarintelError
from carintel.paths import Home, notebooks_dir
from warehouse import catalog, connect_read_only

LOG_NAME = "carintel.log"
log = logging.getLogger("carintel")


def setup_file_log(home: Home) -> Path:
    """Append carintel's own messages (stages, counts, errors) to HOME/logs/carintel.log."""
    path = home.logs / LOG_NAME
    if any(getattr(h, "baseFilename", None) == str(path) for h in log.handlers):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path


def carintel_executable() -> str:
    found = shutil.which("carintel")
    if found:
        return str(Path(found).resolve())
    return f"{shlex.quote(sys.executable)} -m carintel"


def schedule_entry(kind: str, home: Home, weekday: int, hour: int, minute: int) -> str:
    """A ready-to-install weekly entry: a crontab line, or a systemd service and timer."""
    exe = carintel_executable()
    day_names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    if kind == "cron":
        cron_day = (weekday + 1) % 7  # cron: 0 = Sunday
        return (
            f"# carintel weekly run ({day_names[weekday]} {hour:02d}:{minute:02d}); logs in "
            f"{home.logs}. Install with: crontab -e\n"
            f"{minute} {hour} * * {cron_day} CARINTEL_HOME={shlex.quote(str(home.root))} "
            f"{exe} run >> {shlex.quote(str(home.logs / 'cron.log'))} 2>&1\n"
        )
    if kind == "systemd":
        return (
            "# ~/.config/systemd/user/carintel.service\n"
            "[Unit]\nDescription=carintel weekly run: crawl, load, enrich, report\n\n"
            "[Service]\nType=oneshot\n"
            f"Environment=CARINTEL_HOME={home.root}\n"
            f"ExecStart={exe} run\n"
            "# exit 75: another run holds the lock; try again on the next timer\n"
            "SuccessExitStatus=75\n\n"
            "# ~/.config/systemd/user/carintel.timer\n"
            "[Unit]\nDescription=carintel weekly run\n\n"
            "[Timer]\n"
            f"OnCalendar={day_names[weekday]} *-*-* {hour:02d}:{minute:02d}:00\n"
            "Persistent=true\n\n"
            "[Install]\nWantedBy=timers.target\n\n"
            "# then: systemctl --user daemon-reload\n"
            "#       systemctl --user enable --now carintel.timer\n"
        )
    raise CarintelError(f"unknown schedule format {kind!r}: use cron or systemd")


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(home: Home, as_root: bool | None = None) -> list[str]:
    """The JupyterLab command `carintel lab` runs. As root (a container, most often) JupyterLab
    refuses to start ("Running as root is not recommended") unless given `--allow-root`, so it
    is passed then; `as_root` None asks the operating system."""
    command = [
        sys.executable, "-m", "jupyterlab", f"--notebook-dir={notebooks_dir()}",
        "--ServerApp.open_browser=True",
    ]  # fmt: skip
    if running_as_root() if as_root is None else as_root:
        command.append("--allow-root")
    return command


def print_schema(home: Home, out: Console) -> None:
    """Every table and view with its comment, and each column with type and comment."""
    conn = connect_read_only(home.read_warehouse)
    try:
        objects = catalog.objects(conn)
        columns = catalog.columns(conn)
    finally:
        conn.close()
    by_object: dict[str, list[tuple[str, str, str | None]]] = {}
    for owner, column, kind, comment in columns:
        by_object.setdefault(owner, []).append((column, kind, comment))
    for name, kind, comment in objects:
        table = Table(title=f"{kind} {name}", caption=comment or "", title_justify="left",
                      caption_justify="left")  # fmt: skip
        table.add_column("column")
        table.add_column("type")
        table.add_column("comment", overflow="fold")
        for column, data_type, column_comment in by_object.get(name, []):
            table.add_row(column, data_type, column_comment or "")
        out.print(table)


def export_parquet(home: Home, target: Path) -> list[Path]:
    """Every table and view of the read snapshot as TARGET/NAME.parquet (for BI tools)."""
    target.mkdir(parents=True, exist_ok=True)
    conn = connect_read_only(home.read_warehouse)
    written = []
    try:
        for name in catalog.names(conn):
            path = target / f"{name}.parquet"
            conn.table(name).write_parquet(str(path))
            written.append(path)
    finally:
        conn.close()
    return written
