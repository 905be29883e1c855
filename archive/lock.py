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
    """Another writer holds the data directory (or, as :class:`LockUnusable`, nobody can)."""


class LockUnusable(Busy):
    """The lock file cannot be opened (a directory in its place, a read-only folder)."""


def writer_running(data_dir: Path) -> int | None:
    """The pid of the writer that last took the lock, when that process is alive (a writer is
    probably at work: the kernel releases the lock when its holder dies, and a pid is seldom
    reused before the next writer writes its own); None otherwise."""
    try:
        pid = int(DataDir(data_dir).write_lock.read_text().strip() or 0)
    except (OSError, ValueError):
        return None
    if pid <= 0 or pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid  # alive, someone else's
    return pid


@contextmanager
def writer_lock(data_dir: Path, wait: float = 0.0):
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = DataDir(data_dir).write_lock
    try:
        fh = open(path, "a+")  # noqa: SIM115 - closed below, after the lock is released
    except IsADirectoryError:
        raise LockUnusable(f"the writer lock {path} is a directory, not a file: remove it (`rmdir`; no "
                           "writer keeps anything in it) and run the command again") from None  # fmt: skip
    except OSError as exc:
        raise LockUnusable(f"cannot open the writer lock {path} ({exc.strerror or exc}): quarry needs to "
                           "write in the data directory to change it") from None  # fmt: skip
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
