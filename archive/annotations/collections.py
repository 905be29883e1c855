"""Collections: named result sets frozen at a moment, to point a footnote at exactly what was found.

A collection keeps the search that made it (its URL arguments), the index generation that
answered, the time, and the exact list of article ids found, in their order. Articles can be added
and taken out by hand afterwards; a frozen article taken out is kept as a record (``removed_at``),
so the collection can always say what was frozen and what was changed since.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass

from .db import AnnotationsError, now, placeholders, valid_id, writing

MAX_NAME = 200
MAX_DESCRIPTION = 5000


@dataclass
class Collection:
    id: str
    name: str
    description: str
    query: str  # the frozen search as URL arguments (``q=...&f.category=...``)
    index_version: str
    frozen_at: str
    frozen_count: int  # articles found when frozen
    author: str
    updated_at: str
    updated_by: str
    count: int = 0  # articles in it now
    added: int = 0  # of those, added by hand
    removed: int = 0  # frozen articles taken out by hand

    def to_json(self) -> dict:
        return {
            "id": self.id, "name": self.name, "description": self.description, "query": self.query,
            "index_version": self.index_version, "frozen_at": self.frozen_at,
            "frozen_count": self.frozen_count, "count": self.count, "added_by_hand": self.added,
            "removed_by_hand": self.removed, "author": self.author, "updated_at": self.updated_at,
            "updated_by": self.updated_by,
        }  # fmt: skip


_SELECT = """
SELECT c.id, c.name, c.description, c.query, c.index_version, c.frozen_at, c.frozen_count,
       c.author, c.updated_at, c.updated_by,
       COUNT(i.article_id) FILTER (WHERE i.removed_at IS NULL),
       COUNT(i.article_id) FILTER (WHERE i.removed_at IS NULL AND i.frozen = 0),
       COUNT(i.article_id) FILTER (WHERE i.removed_at IS NOT NULL)
FROM collections c LEFT JOIN collection_items i ON i.collection_id = c.id
"""


def clean_name(name: str) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise AnnotationsError("a collection needs a name")
    if len(text) > MAX_NAME:
        raise AnnotationsError(f"a name can be at most {MAX_NAME} characters long")
    return text


def clean_description(text: str) -> str:
    text = str(text or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise AnnotationsError(f"a description can be at most {MAX_DESCRIPTION:,} characters long")
    return text


class Collections:
    """The collections of one annotations database."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def create(self, name: str, ids: list[str], *, query: str = "", index_version: str = "",
               description: str = "", author: str = "") -> Collection:  # fmt: skip
        """Freeze ``ids`` (in their order) as a new collection."""
        name, description = clean_name(name), clean_description(description)
        ids = list(dict.fromkeys(ids))
        cid, stamp = secrets.token_hex(5), now()
        with writing(self.conn) as c:
            c.execute(
                "INSERT INTO collections(id, name, description, query, index_version, frozen_at, "
                "frozen_count, author, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (cid, name, description, query, index_version, stamp, len(ids), author, stamp, author),
            )
            c.executemany(
                "INSERT INTO collection_items(collection_id, article_id, position, frozen, added_at,"
                " added_by) VALUES (?,?,?,1,?,?)",
                ((cid, aid, n, stamp, author) for n, aid in enumerate(ids)),
            )
        return self.get(cid)  # type: ignore[return-value]

    def get(self, cid: str) -> Collection | None:
        if not valid_id(cid):
            return None
        row = self.conn.execute(_SELECT + " WHERE c.id = ? GROUP BY c.id", (cid,)).fetchone()
        return Collection(*row) if row else None

    def require(self, cid: str) -> Collection:
        found = self.get(cid)
        if found is None:
            raise AnnotationsError(f"there is no collection {cid!r}")
        return found

    def list(self) -> list[Collection]:
        """Every collection, the most recently changed first."""
        rows = self.conn.execute(_SELECT + " GROUP BY c.id ORDER BY c.updated_at DESC, c.name")
        return [Collection(*row) for row in rows]

    def names(self) -> list[tuple[str, str]]:
        """(id, name) of every collection, the most recently changed first (no counting)."""
        rows = self.conn.execute("SELECT id, name FROM collections ORDER BY updated_at DESC, name")
        return [(r[0], r[1]) for r in rows]

    def members(self, cid: str) -> list[str]:
        """The article ids in the collection now, in their order."""
        rows = self.conn.execute(
            "SELECT article_id FROM collection_items WHERE collection_id = ? AND removed_at IS NULL "
            "ORDER BY position", (cid,))  # fmt: skip
        return [r[0] for r in rows]

    def frozen(self, cid: str) -> list[str]:
        """The article ids found when it was frozen, in their order (taken out by hand or not)."""
        rows = self.conn.execute(
            "SELECT article_id FROM collection_items WHERE collection_id = ? AND frozen = 1 "
            "ORDER BY position", (cid,))  # fmt: skip
        return [r[0] for r in rows]

    def edit(self, cid: str, *, name: str | None = None, description: str | None = None,
             author: str = "") -> Collection:  # fmt: skip
        """Rename it, describe it (None: leave as it is)."""
        current = self.require(cid)
        name = clean_name(name) if name is not None else current.name
        description = clean_description(description) if description is not None else current.description
        with writing(self.conn) as c:
            c.execute("UPDATE collections SET name = ?, description = ?, updated_at = ?, updated_by = ? "
                      "WHERE id = ?", (name, description, now(), author, cid))  # fmt: skip
        return self.require(cid)

    def delete(self, cid: str) -> bool:
        with writing(self.conn) as c:
            return c.execute("DELETE FROM collections WHERE id = ?", (cid,)).rowcount > 0

    def add(self, cid: str, article_ids: list[str], author: str = "") -> int:
        """Add articles by hand (a frozen one taken out comes back); how many were not in it."""
        self.require(cid)
        stamp, added = now(), 0
        with writing(self.conn) as c:
            (last,) = c.execute("SELECT COALESCE(MAX(position), -1) FROM collection_items "
                                "WHERE collection_id = ?", (cid,)).fetchone()  # fmt: skip
            for aid in dict.fromkeys(article_ids):
                back = c.execute(
                    "UPDATE collection_items SET removed_at = NULL, removed_by = NULL "
                    "WHERE collection_id = ? AND article_id = ? AND removed_at IS NOT NULL", (cid, aid))  # fmt: skip
                if back.rowcount:
                    added += 1
                    continue
                last += 1
                new = c.execute(
                    "INSERT OR IGNORE INTO collection_items(collection_id, article_id, position, frozen,"
                    " added_at, added_by) VALUES (?,?,?,0,?,?)", (cid, aid, last, stamp, author))  # fmt: skip
                added += new.rowcount
            if added:
                c.execute("UPDATE collections SET updated_at = ?, updated_by = ? WHERE id = ?",
                          (stamp, author, cid))  # fmt: skip
        return added

    def remove(self, cid: str, article_id: str, author: str = "") -> bool:
        """Take an article out: one added by hand goes, a frozen one is marked as taken out."""
        self.require(cid)
        stamp = now()
        with writing(self.conn) as c:
            gone = c.execute("DELETE FROM collection_items WHERE collection_id = ? AND article_id = ? "
                             "AND frozen = 0", (cid, article_id)).rowcount  # fmt: skip
            gone += c.execute(
                "UPDATE collection_items SET removed_at = ?, removed_by = ? WHERE collection_id = ? "
                "AND article_id = ? AND frozen = 1 AND removed_at IS NULL",
                (stamp, author, cid, article_id)).rowcount  # fmt: skip
            if gone:
                c.execute("UPDATE collections SET updated_at = ?, updated_by = ? WHERE id = ?",
                          (stamp, author, cid))  # fmt: skip
        return bool(gone)

    def of_article(self, article_id: str) -> list[Collection]:
        """The collections an article is in now."""
        rows = self.conn.execute(
            "SELECT collection_id FROM collection_items WHERE article_id = ? AND removed_at IS NULL",
            (article_id,)).fetchall()  # fmt: skip
        found = [self.get(r[0]) for r in rows]
        return sorted((c for c in found if c is not None), key=lambda c: c.name.casefold())

    def containing(self, article_ids: list[str]) -> dict[str, list[str]]:
        """For each of these articles, the ids of the collections it is in now."""
        out: dict[str, list[str]] = {}
        if article_ids:
            rows = self.conn.execute(
                "SELECT article_id, collection_id FROM collection_items WHERE removed_at IS NULL "
                f"AND article_id IN ({placeholders(len(article_ids))})", article_ids)  # fmt: skip
            for aid, cid in rows:
                out.setdefault(aid, []).append(cid)
        return out
