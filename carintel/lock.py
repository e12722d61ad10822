"""One writer at a time: an advisory lock on the home directory's lock file.

`fcntl.flock` is released by the kernel when the holder dies, so a lock left by a crashed or
killed run never blocks the next one; the pid written into the file only helps humans.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from carintel.errors import LockedError


@contextmanager
def writer_lock(path: Path, what: str = "carintel") -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockedError(
                f"{what}: {path.parent} is being written by {holder}. Wait for it to finish "
                "(a scheduled run?) and try again."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
