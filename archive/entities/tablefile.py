"""The gzip tables shipped beside the models (places, word lists): written so that the same
table gives the same bytes (no name or time in the gzip header) and so that a tagger loading
the file while ``quarry train-ner`` rewrites it reads the old table or the new one, never half
of one (a temporary file, then an atomic rename)."""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path


def write_table(path: Path, lines: list[str]) -> None:
    """``lines`` (without newlines) to the gzip file ``path``, reproducibly and atomically."""
    write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    """``data`` to the gzip file ``path``, reproducibly and atomically, readable by all."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a shipped table is read by everyone
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
