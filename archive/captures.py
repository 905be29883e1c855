"""Captured page bytes kept in the data directory, addressed by their SHA-256.

Keeping the capture lets the web app show exactly what was archived (without reading files
outside the data directory) and lets ``quarry rebuild --reextract`` work after the original
files have moved.
"""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

from .datadir import DataDir

_HASH = re.compile(r"^[0-9a-f]{64}$")


def capture_path(data_dir: Path, content_hash: str) -> Path | None:
    """Where a capture lives (None for anything that is not a SHA-256 hex digest)."""
    if not isinstance(content_hash, str) or not _HASH.match(content_hash):
        return None
    return DataDir.of(data_dir).captures / content_hash[:2] / f"{content_hash}.gz"


def save_capture(data_dir: Path, content_hash: str, content: bytes) -> None:
    path = capture_path(data_dir, content_hash)
    if path is None or path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with gzip.open(tmp, "wb", compresslevel=6) as fh:
        fh.write(content)
    os.replace(tmp, path)


def read_capture(data_dir: Path, content_hash: str) -> bytes | None:
    path = capture_path(data_dir, content_hash)
    if path is None or not path.is_file():
        return None
    with gzip.open(path, "rb") as fh:
        return fh.read()
