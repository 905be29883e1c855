"""One writer at a time per data directory.

``fcntl.flock`` is released by the kernel when its process dies, so a lock left by a killed
process is never stale: the next writer simply gets it. The file records the holder's pid so the
waiting writer can say who holds it.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from .datadir import DataDir


class Busy(Exception):
    """Another writer holds the data directory."""


@contextmanager
def writer_lock(data_dir: Path, wait: float = 0.0):
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = DataDir(data_dir).write_lock
    fh = open(path, "a+")
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "?"
                    raise Busy(
                        f"another quarry process (pid {holder}) is writing to {data_dir}; "
                        "wait for it to finish, or pass --wait SECONDS"
                    ) from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        finally:
            fh.close()
