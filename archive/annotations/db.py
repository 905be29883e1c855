"""The annotations database: the researcher's own layer over the archive, in its own SQLite file.

Collections, tags, notes and saved searches live in ``DataDir.annotations``, beside the article
store and never opened by ingest or rebuild, so nothing a writer does to the store or the index
can touch them. Articles are referred to by their stable article id, never by an index document
number, so every annotation holds across ingests and rebuilds.

Every write goes through :func:`writing`, which bumps ``revision`` in the same transaction: the
engine keys what it derives from the annotations (the Tag facet's column, ``tag:`` and ``note:``
masks, collection masks) on that number, so a cached answer never outlives the data it came from.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    query TEXT NOT NULL DEFAULT '',          -- the frozen search as URL arguments
    index_version TEXT NOT NULL DEFAULT '',  -- the index generation that found the articles
    frozen_at TEXT NOT NULL,
    frozen_count INTEGER NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);
CREATE TABLE collection_items (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,               -- the order found in; added by hand: after them
    frozen INTEGER NOT NULL,                 -- 1: found by the search when it was frozen
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL DEFAULT '',
    removed_at TEXT,                         -- a frozen article taken out by hand (kept, as record)
    removed_by TEXT,
    PRIMARY KEY (collection_id, article_id)
) WITHOUT ROWID;
CREATE INDEX collection_items_article ON collection_items(article_id);
CREATE TABLE tags (
    article_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    tag_key TEXT NOT NULL,                   -- casefolded: one tag whatever its case
    author TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (article_id, tag_key)
) WITHOUT ROWID;
CREATE INDEX tags_by_key ON tags(tag_key);
CREATE TABLE notes (
    article_id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);
CREATE VIRTUAL TABLE notes_fts USING fts5(
    text, content='notes', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER notes_au AFTER UPDATE OF text ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO notes_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TABLE saved_searches (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    query TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE snapshots (                     -- what a saved search found when someone opened it
    id TEXT PRIMARY KEY,
    saved_id TEXT NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
    user TEXT NOT NULL,                      -- '' for the one taken when it was saved
    taken_at TEXT NOT NULL,
    index_version TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL,
    ids BLOB NOT NULL                        -- zlib of the ids, one per line (pack_ids)
);
CREATE INDEX snapshots_by_search ON snapshots(saved_id, user, taken_at);
"""

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class AnnotationsError(ValueError):
    """Input an annotation cannot take (an empty name, a tag too long, no such collection):
    the message says what to change, and nothing is written."""


class AnnotationsUnavailable(Exception):
    """The annotations database cannot be opened (made by a newer Quarry, not writable, damaged)."""


def now() -> str:
    """The current time as stored: ISO 8601, UTC, to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def valid_id(value: str) -> bool:
    """An id as collections, saved searches and snapshots use (and URLs carry)."""
    return isinstance(value, str) and bool(_ID.match(value))


def pack_ids(ids: Iterable[str]) -> bytes:
    return zlib.compress("\n".join(ids).encode("utf-8"), 6)


def unpack_ids(blob: bytes) -> list[str]:
    text = zlib.decompress(blob).decode("utf-8")
    return text.split("\n") if text else []


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection | None:
    """A connection to the annotations database at ``path``.

    Read-only: None when there is no database yet (nothing annotated). Writable: the database
    and its tables are made on first use. Autocommit mode: writes go through :func:`writing`."""
    path = Path(path)
    try:
        if readonly:
            if not path.is_file():
                return None
            conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=10,
                                   isolation_level=None, check_same_thread=False)  # fmt: skip
        else:
            conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        raise AnnotationsUnavailable(f"{path}: {exc}") from exc
    if version > SCHEMA_VERSION:
        conn.close()
        raise AnnotationsUnavailable(f"{path} was written by a newer Quarry (format {version})")
    if version < SCHEMA_VERSION and not readonly:
        _create(conn, path)
    elif version < SCHEMA_VERSION:  # being created by a writer right now: nothing to read yet
        conn.close()
        return None
    return conn


def _create(conn: sqlite3.Connection, path: Path) -> None:
    try:
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:  # not made meanwhile
            for statement in _statements(SCHEMA):  # executescript would commit half-way
                conn.execute(statement)
            conn.execute("INSERT INTO meta(key, value) VALUES ('revision', '0')")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
        raise AnnotationsUnavailable(f"{path}: cannot create the annotations database: {exc}") from exc


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of a script, one at a time (triggers hold semicolons of their own)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += re.sub(r"--.*$", "", line)
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""


@contextmanager
def writing(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction; the revision rises with it (readers re-derive what they cached)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def revision(conn: sqlite3.Connection) -> int:
    """How many write transactions the database has seen."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
    return int(row[0]) if row else 0


def meta_value(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_meta_once(conn: sqlite3.Connection, key: str, value: str) -> str:
    """Store ``value`` under ``key`` unless one is there already; the stored value either way
    (several processes may race to make it: the first one wins)."""
    conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (key, value))
    return meta_value(conn, key) or value


def placeholders(n: int) -> str:
    return ",".join("?" * n)


def chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    """Lists of at most ``size`` (SQLite limits the parameters of one statement)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
