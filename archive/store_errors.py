"""What the article store raises, and how SQLite's errors become it.

Callers (the engine, the writers, the commands) never need to know the store is SQLite: a file
that is not a database, a damaged page or schema is :class:`StoreUnreadable`, a full disk
:class:`DiskFull`, and one article's row that cannot be decoded :class:`DamagedRecord` (one
changed byte inside a row passes SQLite's own integrity check; the rest of the store works).
"""

from __future__ import annotations

import functools
import inspect
import json
import sqlite3
from collections.abc import Callable
from typing import TypeVar

from .model import Article


class StoreError(Exception):
    """The store could not do what was asked; the message says why, for people."""


class StoreUnreadable(StoreError):
    """The store's file cannot be read as a database (a damaged header or schema, not SQLite)."""


class DiskFull(StoreError):
    """The disk holding the store is full: nothing more can be written."""


DISK_FULL = "the disk holding the archive is full"  # what a full disk stops a writer with


class DamagedRecord(StoreError):
    """An article's stored record that cannot be decoded (the rest of the store is unaffected)."""

    def __init__(self, article_id: str, detail: str):
        super().__init__(f"the stored record of article {article_id} is damaged ({detail})")
        self.article_id = article_id


# SQLite's primary result codes that mean the file itself is unusable, or the disk full
_SQLITE_CORRUPT, _SQLITE_CANTOPEN, _SQLITE_FULL, _SQLITE_NOTADB = 11, 14, 13, 26
F = TypeVar("F", bound=Callable)


def _translated(exc: sqlite3.DatabaseError) -> Exception:
    """The store's own error for an SQLite error that means damage or a full disk (else the
    error itself): callers never need to know the store is SQLite."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(exc)
    if code == _SQLITE_FULL or "disk is full" in text:
        return DiskFull(DISK_FULL)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB, _SQLITE_CANTOPEN) or "malformed" in text or "not a database" in text:
        return StoreUnreadable(f"the article store cannot be read ({text})")
    return exc


def guarded(method: F) -> F:
    """Turn SQLite's damage and disk-full errors into the store's own (generators too)."""
    if inspect.isgeneratorfunction(method):
        @functools.wraps(method)
        def generator(*args, **kwargs):
            try:
                yield from method(*args, **kwargs)
            except sqlite3.DatabaseError as exc:
                raise _translated(exc) from exc

        return generator  # type: ignore[return-value]

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise _translated(exc) from exc

    return wrapper  # type: ignore[return-value]


def decode_article(article_id: str, data: str) -> Article:
    """A stored row's JSON as an Article; DamagedRecord when it cannot be decoded."""
    try:
        return Article.from_dict(json.loads(data))
    except Exception as exc:  # noqa: BLE001 - a flipped byte may break the JSON or any field
        raise DamagedRecord(article_id, f"{type(exc).__name__}: {exc}"[:200]) from exc
