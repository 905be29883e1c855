"""Annotations out and in as JSON Lines: a backup, a move to another machine, a colleague's merge.

The first line names the format; then one object per collection (with its articles), tag, note
and saved search (with the snapshots kept of it). Importing merges: what the database already
holds is never duplicated (collections, saved searches and snapshots by id, tags by article and
tag, notes by article), a newer name, description or note replaces an older one, and a line that
cannot be read is reported with its number and skipped. The whole import is one transaction.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import AnnotationsDB
from .collections import clean_description, clean_name
from .db import AnnotationsError, now, pack_ids, valid_id, writing
from .notes import clean_note, clean_tag

FORMAT = "quarry-annotations"
VERSION = 1


@dataclass
class ImportReport:
    """What an import did, per kind of record: added, updated, already there; and the lines
    it could not read."""

    added: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        kinds = sorted(set(self.added) | set(self.updated) | set(self.unchanged))
        out = [f"{kind}: {self.added[kind]} added, {self.updated[kind]} updated, "
               f"{self.unchanged[kind]} already there" for kind in kinds]  # fmt: skip
        return out + [f"skipped {p}" for p in self.problems]

    def as_dict(self) -> dict[str, Any]:
        return {"added": dict(self.added), "updated": dict(self.updated),
                "unchanged": dict(self.unchanged), "problems": self.problems}  # fmt: skip


def export_lines(db: AnnotationsDB) -> Iterator[str]:
    """Every annotation as JSON Lines (each line ends with a newline)."""
    conn = db.conn

    def line(obj: dict) -> str:
        return json.dumps(obj, ensure_ascii=False) + "\n"

    yield line({"type": FORMAT, "version": VERSION, "exported_at": now()})
    for c in db.collections.list():
        rows = conn.execute(
            "SELECT article_id, position, frozen, added_at, added_by, removed_at, removed_by "
            "FROM collection_items WHERE collection_id = ? ORDER BY position", (c.id,))  # fmt: skip
        items = [dict(zip(("article_id", "position", "frozen", "added_at", "added_by", "removed_at",
                           "removed_by"), row, strict=True)) for row in rows]  # fmt: skip
        for item in items:
            item["frozen"] = bool(item["frozen"])
        record = {k: v for k, v in c.to_json().items() if k not in ("count", "added_by_hand", "removed_by_hand")}
        yield line({"type": "collection", **record, "items": items})
    for aid, tag, author, created in conn.execute(
        "SELECT article_id, tag, author, created_at FROM tags ORDER BY article_id, tag_key"
    ):
        yield line({"type": "tag", "article_id": aid, "tag": tag, "author": author, "created_at": created})
    for row in conn.execute("SELECT article_id, text, author, created_at, updated_at, updated_by "
                            "FROM notes ORDER BY article_id"):  # fmt: skip
        keys = ("article_id", "text", "author", "created_at", "updated_at", "updated_by")
        yield line({"type": "note", **dict(zip(keys, row, strict=True))})
    for s in db.saved.list():
        snaps = [{"id": n.id, "user": n.user, "taken_at": n.taken_at, "index_version": n.index_version,
                  "ids": n.ids} for n in db.saved.snapshots(s.id)]  # fmt: skip
        yield line({"type": "saved_search", **s.to_json(), "snapshots": snaps})


def import_lines(db: AnnotationsDB, lines: Iterable[str]) -> ImportReport:
    """Merge exported annotations into ``db`` (see the module's docstring)."""
    report = ImportReport()
    with writing(db.conn) as conn:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
                if not isinstance(record, dict):
                    raise AnnotationsError("not a JSON object")
                kind = record.get("type")
                if kind == FORMAT:
                    if record.get("version") != VERSION:
                        raise AnnotationsError(f"format version {record.get('version')!r}, not {VERSION}")
                    continue
                merge = _MERGERS.get(kind)
                if merge is None:
                    raise AnnotationsError(f"unknown record type {kind!r}")
                outcome = merge(conn, record)
            except (ValueError, KeyError, TypeError) as exc:  # JSON errors are ValueErrors
                report.problems.append(f"line {number}: {exc}")
                continue
            getattr(report, outcome)[kind] += 1
    return report


def _text(record: dict, key: str, default: str | None = None, limit: int = 200) -> str:
    value = record.get(key, default)
    if value is None:
        raise AnnotationsError(f"{key!r} is missing")
    if not isinstance(value, str) or len(value) > limit:
        raise AnnotationsError(f"{key!r} must be a text of at most {limit} characters")
    return value


def _article(record: dict) -> str:
    aid = _text(record, "article_id", limit=64)
    if not aid.strip():
        raise AnnotationsError("'article_id' is empty")
    return aid


def _record_id(record: dict, key: str = "id") -> str:
    value = _text(record, key, limit=64)
    if not valid_id(value):
        raise AnnotationsError(f"{key!r} {value!r} is not an id")
    return value


def _collection(conn, r: dict) -> str:
    cid, name = _record_id(r), clean_name(_text(r, "name"))
    description = clean_description(_text(r, "description", "", limit=10_000))
    updated, by = _text(r, "updated_at"), _text(r, "updated_by", "")
    items = r.get("items")
    if not isinstance(items, list):
        raise AnnotationsError("'items' must be a list")
    rows = [(cid, _article(i), int(i["position"]), 1 if i.get("frozen") else 0, _text(i, "added_at"),
             _text(i, "added_by", ""), i.get("removed_at"), i.get("removed_by")) for i in items]  # fmt: skip
    have = conn.execute("SELECT updated_at FROM collections WHERE id = ?", (cid,)).fetchone()
    if have is None:
        conn.execute(
            "INSERT INTO collections(id, name, description, query, index_version, frozen_at, "
            "frozen_count, author, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (cid, name, description, _text(r, "query", "", limit=20_000), _text(r, "index_version", ""),
             _text(r, "frozen_at"), int(r["frozen_count"]), _text(r, "author", ""), updated, by),
        )  # fmt: skip
    changed = have is not None and updated > have[0]
    if changed:
        conn.execute("UPDATE collections SET name = ?, description = ?, updated_at = ?, updated_by = ? "
                     "WHERE id = ?", (name, description, updated, by, cid))  # fmt: skip
    new_items = sum(conn.execute(
        "INSERT OR IGNORE INTO collection_items(collection_id, article_id, position, frozen, added_at,"
        " added_by, removed_at, removed_by) VALUES (?,?,?,?,?,?,?,?)", row).rowcount for row in rows)  # fmt: skip
    return "added" if have is None else ("updated" if changed or new_items else "unchanged")


def _tag(conn, r: dict) -> str:
    aid, tag = _article(r), clean_tag(_text(r, "tag"))
    key = tag.casefold()
    known = conn.execute("SELECT tag FROM tags WHERE tag_key = ? LIMIT 1", (key,)).fetchone()
    done = conn.execute(
        "INSERT OR IGNORE INTO tags(article_id, tag, tag_key, author, created_at) VALUES (?,?,?,?,?)",
        (aid, known[0] if known else tag, key, _text(r, "author", ""), _text(r, "created_at")),
    ).rowcount  # fmt: skip
    return "added" if done else "unchanged"


def _note(conn, r: dict) -> str:
    aid, text = _article(r), clean_note(_text(r, "text", limit=60_000))
    updated = _text(r, "updated_at")
    have = conn.execute("SELECT text, updated_at FROM notes WHERE article_id = ?", (aid,)).fetchone()
    if have is None:
        if not text:
            return "unchanged"
        conn.execute("INSERT INTO notes(article_id, text, author, created_at, updated_at, updated_by) "
                     "VALUES (?,?,?,?,?,?)", (aid, text, _text(r, "author", ""), _text(r, "created_at"),
                                              updated, _text(r, "updated_by", "")))  # fmt: skip
        return "added"
    if have[0] == text or updated <= have[1]:
        return "unchanged"
    conn.execute("UPDATE notes SET text = ?, updated_at = ?, updated_by = ? WHERE article_id = ?",
                 (text, updated, _text(r, "updated_by", ""), aid))  # fmt: skip
    return "updated"


def _saved(conn, r: dict) -> str:
    sid, name, updated = _record_id(r), clean_name(_text(r, "name")), _text(r, "updated_at")
    snaps = r.get("snapshots")
    if not isinstance(snaps, list):
        raise AnnotationsError("'snapshots' must be a list")
    rows = []
    for s in snaps:
        ids = s.get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise AnnotationsError("a snapshot's 'ids' must be a list of article ids")
        rows.append((_record_id(s), sid, _text(s, "user", ""), _text(s, "taken_at"),
                     _text(s, "index_version", ""), len(ids), pack_ids(ids)))  # fmt: skip
    have = conn.execute("SELECT updated_at FROM saved_searches WHERE id = ?", (sid,)).fetchone()
    if have is None:
        conn.execute("INSERT INTO saved_searches(id, name, query, author, created_at, updated_at) "
                     "VALUES (?,?,?,?,?,?)", (sid, name, _text(r, "query", "", limit=20_000),
                                              _text(r, "author", ""), _text(r, "created_at"), updated))  # fmt: skip
    changed = have is not None and updated > have[0]
    if changed:
        conn.execute("UPDATE saved_searches SET name = ?, updated_at = ? WHERE id = ?", (name, updated, sid))
    new = sum(conn.execute("INSERT OR IGNORE INTO snapshots(id, saved_id, user, taken_at, index_version, "
                           "count, ids) VALUES (?,?,?,?,?,?,?)", row).rowcount for row in rows)  # fmt: skip
    return "added" if have is None else ("updated" if changed or new else "unchanged")


_MERGERS = {"collection": _collection, "tag": _tag, "note": _note, "saved_search": _saved}
