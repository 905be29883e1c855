"""The researcher's own layer: collections, tags, notes and saved searches (plain data and SQL).

:class:`AnnotationsDB` opens the annotations database of a data directory; the engine reads it
(``tag:`` and ``note:`` masks, the Tag facet, collections as result sets), the web app and the
``quarry`` commands write it. Nothing here knows of Whoosh or Flask.
"""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

from quarry.archive.datadir import DataDir

from .collections import Collection, Collections
from .db import AnnotationsError, AnnotationsUnavailable, connect, now, revision, set_meta_once
from .notes import ArticleNotes, Note, Notes, split_tags
from .saved import SavedSearch, SavedSearches, Snapshot

__all__ = [
    "AnnotationsDB", "AnnotationsError", "AnnotationsUnavailable", "ArticleNotes", "Collection",
    "Note", "SavedSearch", "Snapshot", "now", "split_tags",
]  # fmt: skip


class AnnotationsDB:
    """One connection to a data directory's annotations database, with its parts."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.collections = Collections(conn)
        self.notes = Notes(conn)
        self.saved = SavedSearches(conn)

    @classmethod
    def open(cls, data_dir: DataDir | Path | str, readonly: bool = False) -> AnnotationsDB | None:
        """Open it (made on first write); read-only, None when nothing was annotated yet.
        AnnotationsUnavailable when it cannot be opened."""
        path = DataDir.of(data_dir).annotations
        conn = connect(path, readonly=readonly)
        return cls(conn, path) if conn is not None else None

    @property
    def revision(self) -> int:
        return revision(self.conn)

    def secret(self, name: str) -> bytes:
        """A random secret kept in the database under ``name``, made on first use (every
        process serving the archive reads the same one). Never exported."""
        return bytes.fromhex(set_meta_once(self.conn, f"secret:{name}", secrets.token_hex(32)))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> AnnotationsDB:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
