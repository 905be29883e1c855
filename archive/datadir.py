"""The data directory: the one place that knows where each part of an archive lives.

Everything Quarry keeps for one archive sits under one folder (``--data-dir``, ``QUARRY_DATA``,
default ``./quarry-data``). Modules ask a :class:`DataDir` for a path instead of joining names
themselves, so the layout can change in one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT = "./quarry-data"
ENVIRONMENT_VARIABLE = "QUARRY_DATA"


@dataclass(frozen=True)
class DataDir:
    """The folders and files of one archive. Nothing is created by asking for a path."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @classmethod
    def of(cls, value: DataDir | Path | str) -> DataDir:
        """A DataDir for a path (or the DataDir itself)."""
        return value if isinstance(value, DataDir) else cls(Path(value))

    @property
    def store(self) -> Path:
        """The article store (SQLite): the source of truth every index is built from."""
        return self.root / "store.sqlite"

    @property
    def index_root(self) -> Path:
        """Index generations, one folder each, and the CURRENT/PREVIOUS pointers."""
        return self.root / "index"

    @property
    def captures(self) -> Path:
        """Captured page bytes, gzipped, addressed by SHA-256."""
        return self.root / "captures"

    @property
    def logs(self) -> Path:
        """Per-run logs (``ingest-<time>.log``)."""
        return self.root / "logs"

    @property
    def annotations(self) -> Path:
        """The researcher's own database (collections, notes, tags, saved searches): ingest
        and rebuild never touch it."""
        return self.root / "annotations.sqlite"

    @property
    def aliases(self) -> Path:
        """A researcher's alias table extending the packaged one."""
        return self.root / "aliases.tsv"

    @property
    def write_lock(self) -> Path:
        """Held by the one writer (ingest, rebuild) at a time."""
        return self.root / "write.lock"


def default_data_dir() -> Path:
    """The data directory when none is given: ``$QUARRY_DATA``, else ``./quarry-data``."""
    return Path(os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT)
