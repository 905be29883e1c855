"""Saved searches, and what each found when someone last opened it ("new since").

A saved search keeps its URL arguments. Each time someone opens it, a snapshot of the article ids
it found is kept for that user; the articles it finds now that the user's newest snapshot lacks
are "new since last opened". The snapshot taken when the search was saved is everyone's first
baseline. Only the newest few snapshots per user are kept (a page of "new" articles is reached
again through its snapshot id, so paging through them still works after opening marked them seen).
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass

from .collections import clean_name
from .db import AnnotationsError, now, pack_ids, unpack_ids, valid_id, writing

KEEP_SNAPSHOTS = 3  # per search and user


@dataclass
class SavedSearch:
    id: str
    name: str
    query: str  # URL arguments (``q=...&f.site=...``)
    author: str
    created_at: str
    updated_at: str

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "query": self.query, "author": self.author,
                "created_at": self.created_at, "updated_at": self.updated_at}  # fmt: skip


@dataclass
class Snapshot:
    id: str
    saved_id: str
    user: str  # '' for the snapshot taken when the search was saved
    taken_at: str
    index_version: str
    count: int
    blob: bytes

    @property
    def ids(self) -> list[str]:
        return unpack_ids(self.blob)


_SAVED = "SELECT id, name, query, author, created_at, updated_at FROM saved_searches"
_SNAPSHOT = "SELECT id, saved_id, user, taken_at, index_version, count, ids FROM snapshots"


class SavedSearches:
    """The saved searches of one annotations database."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def create(self, name: str, query: str, ids: list[str], *, index_version: str = "",
               author: str = "") -> SavedSearch:  # fmt: skip
        """Save a search with what it finds now (everyone's first "last opened")."""
        name, sid, stamp = clean_name(name), secrets.token_hex(5), now()
        with writing(self.conn) as c:
            c.execute("INSERT INTO saved_searches(id, name, query, author, created_at, updated_at) "
                      "VALUES (?,?,?,?,?,?)", (sid, name, query, author, stamp, stamp))  # fmt: skip
            self._insert_snapshot(c, sid, "", ids, index_version, stamp)
        return self.get(sid)  # type: ignore[return-value]

    def get(self, sid: str) -> SavedSearch | None:
        if not valid_id(sid):
            return None
        row = self.conn.execute(_SAVED + " WHERE id = ?", (sid,)).fetchone()
        return SavedSearch(*row) if row else None

    def require(self, sid: str) -> SavedSearch:
        found = self.get(sid)
        if found is None:
            raise AnnotationsError(f"there is no saved search {sid!r}")
        return found

    def list(self) -> list[SavedSearch]:
        rows = self.conn.execute(_SAVED + " ORDER BY name COLLATE NOCASE, id")
        return [SavedSearch(*row) for row in rows]

    def rename(self, sid: str, name: str) -> SavedSearch:
        self.require(sid)
        with writing(self.conn) as c:
            c.execute("UPDATE saved_searches SET name = ?, updated_at = ? WHERE id = ?",
                      (clean_name(name), now(), sid))  # fmt: skip
        return self.require(sid)

    def delete(self, sid: str) -> bool:
        with writing(self.conn) as c:
            return c.execute("DELETE FROM saved_searches WHERE id = ?", (sid,)).rowcount > 0

    def baseline(self, sid: str, user: str) -> Snapshot | None:
        """What ``user`` saw when they last opened it (the snapshot taken when it was saved,
        if they never did)."""
        row = self.conn.execute(
            _SNAPSHOT + " WHERE saved_id = ? AND user IN (?, '') "
            "ORDER BY user = '', taken_at DESC, rowid DESC LIMIT 1", (sid, user)).fetchone()  # fmt: skip
        return Snapshot(*row) if row else None

    def snapshot(self, sid: str, snapshot_id: str) -> Snapshot | None:
        if not valid_id(snapshot_id):
            return None
        row = self.conn.execute(_SNAPSHOT + " WHERE saved_id = ? AND id = ?", (sid, snapshot_id)).fetchone()
        return Snapshot(*row) if row else None

    def record(self, sid: str, user: str, ids: list[str], index_version: str = "") -> Snapshot:
        """``user`` opened the search and saw ``ids``: their new baseline. Older snapshots of
        theirs beyond the newest few are dropped."""
        if not user:
            raise AnnotationsError("a snapshot needs the user who opened the search")
        self.require(sid)
        with writing(self.conn) as c:
            snap = self._insert_snapshot(c, sid, user, ids, index_version, now())
            c.execute(
                "DELETE FROM snapshots WHERE saved_id = ? AND user = ? AND id NOT IN (SELECT id FROM "
                "snapshots WHERE saved_id = ? AND user = ? ORDER BY taken_at DESC, rowid DESC LIMIT ?)",
                (sid, user, sid, user, KEEP_SNAPSHOTS))  # fmt: skip
        return snap

    def snapshots(self, sid: str) -> list[Snapshot]:
        """Every snapshot kept of this search (for export)."""
        rows = self.conn.execute(_SNAPSHOT + " WHERE saved_id = ? ORDER BY taken_at, rowid", (sid,))
        return [Snapshot(*row) for row in rows]

    def _insert_snapshot(self, c: sqlite3.Connection, sid: str, user: str, ids: list[str],
                         index_version: str, stamp: str) -> Snapshot:  # fmt: skip
        ids = list(dict.fromkeys(ids))
        snap = Snapshot(secrets.token_hex(6), sid, user, stamp, index_version, len(ids), pack_ids(ids))
        c.execute("INSERT INTO snapshots(id, saved_id, user, taken_at, index_version, count, ids) "
                  "VALUES (?,?,?,?,?,?,?)", (snap.id, sid, user, stamp, index_version, snap.count, snap.blob))  # fmt: skip
        return snap
