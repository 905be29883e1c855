"""The researcher's annotations as the engine uses them: the Tag facet, ``tag:`` and ``note:``
clauses, and collections (or any set of article ids) as result sets.

Annotations live in their own database (:mod:`quarry.archive.annotations`), keyed by stable
article ids; here they become what the rest of a search works with, masks and a column over one
generation's documents. Everything derived is cached under the database's revision, which every
write raises, so a tag added a moment ago is counted on the next request. Reading only: one
read-only connection per thread.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

import numpy as np

from quarry.archive.annotations import AnnotationsDB, AnnotationsUnavailable
from quarry.archive.datadir import DataDir

from .api import EngineError, ErrorKind, Hit, SearchRequest
from .cache import LRUCache
from .columns import Column, Columns
from .plan import Annotation

log = logging.getLogger(__name__)


class Annotated:
    """One data directory's annotations, read for searches."""

    def __init__(self, data_dir: DataDir):
        self.data_dir = data_dir
        self._local = threading.local()
        self._columns = LRUCache(4)  # (generation, revision) -> columns with the tag column
        self._collections = LRUCache(32)  # (generation, revision, collection) -> mask
        self.problem: str | None = None  # why the annotations cannot be read (for health)

    def _db(self) -> AnnotationsDB | None:
        """This thread's connection (None: nothing annotated yet); AnnotationsUnavailable. A
        database file replaced meanwhile (restored from a backup) is opened afresh."""
        try:
            stat = self.data_dir.annotations.stat()
        except FileNotFoundError:
            self._local.db = None
            return None
        file = (stat.st_dev, stat.st_ino)
        db = getattr(self._local, "db", None)
        if db is None or getattr(self._local, "file", None) != file:
            if db is not None:
                db.close()
            db = self._local.db = AnnotationsDB.open(self.data_dir, readonly=True)
            self._local.file = file
        return db

    def _read(self, what: Callable[[AnnotationsDB], object], default):
        """``what`` asked of the database; EngineError(UNAVAILABLE) when it cannot be read."""
        try:
            db = self._db()
            return what(db) if db is not None else default
        except (AnnotationsUnavailable, sqlite3.Error) as exc:
            self._local.db = None
            self.problem = f"the annotations database cannot be read: {exc}"
            raise EngineError(ErrorKind.UNAVAILABLE, self.problem) from exc

    def revision(self) -> tuple:
        """What cached answers are keyed on: the database file and its write count."""
        return self._read(lambda db: (self._local.file, db.revision), ())

    # -- the Tag facet -----------------------------------------------------------------------

    def columns(self, key: object, columns: Columns) -> Columns:
        """The generation's columns with the tag column added (an empty one when the tags
        cannot be read: the page says so through the engine's health)."""
        try:
            revision = self.revision()
        except EngineError:
            log.warning("%s", self.problem)
            return columns.with_field("tag", tag_column([], columns))
        cache_key = (key, revision)
        found = self._columns.get(cache_key)
        if found is None:
            pairs = self._read(lambda db: db.notes.tag_pairs(), [])
            found = columns.with_field("tag", tag_column(pairs, columns))
            self._columns.put(cache_key, found)
            self.problem = None
        return found

    # -- masks -------------------------------------------------------------------------------

    def resolver(self, columns: Columns) -> Callable[[Annotation], np.ndarray]:
        """Answers the matcher's ``tag:`` and ``note:`` clauses with masks over ``columns``."""

        def resolve(node: Annotation) -> np.ndarray:
            if node.field == "tag":
                ids = self._read(lambda db: db.notes.tagged(node.kind, " ".join(node.words)), [])
            else:
                ids = self._read(lambda db: db.notes.note_matches(node.kind, node.words, node.slop), [])
            return columns.mask_of(ids) & columns.live

        return resolve

    def restriction(self, key: object, columns: Columns, req: SearchRequest) -> np.ndarray | None:
        """The documents a request's collection and id set allow (None: no such restriction)."""
        mask = None
        if req.collection:
            cache_key = (key, self.revision(), req.collection)
            mask = self._collections.get(cache_key)
            if mask is None:
                ids = self._read(lambda db: db.collections.members(req.collection), [])
                mask = columns.mask_of(ids)
                mask.flags.writeable = False  # shared through the cache
                self._collections.put(cache_key, mask)
        if req.ids is not None:
            chosen = columns.mask_of(req.ids)
            mask = chosen if mask is None else mask & chosen
        return mask

    # -- hits --------------------------------------------------------------------------------

    def decorate(self, hits: list[Hit]) -> None:
        """Put each hit's tags and note on it (left off when the annotations cannot be read)."""
        if not hits:
            return
        try:
            notes = self._read(lambda db: db.notes.annotations_of([h.id for h in hits]), {})
        except EngineError:
            return
        for hit in hits:
            found = notes.get(hit.id)
            if found is not None:
                hit.tags, hit.note = list(found.tags), found.note


def tag_column(pairs: list[tuple[str, str]], columns: Columns) -> Column:
    """A facet column of the tags on the generation's documents (vocabulary sorted, like the
    index's own columns)."""
    vocab = sorted({tag for _, tag in pairs})
    value_id = {tag: n for n, tag in enumerate(vocab)}
    by_id = columns.by_id()
    docs, values = [], []
    for aid, tag in pairs:
        doc = by_id.get(aid)
        if doc is not None and columns.live[doc]:
            docs.append(doc)
            values.append(value_id[tag])
    doc_arr, value_arr = np.asarray(docs, dtype=np.int64), np.asarray(values, dtype=np.int32)
    order = np.lexsort((value_arr, doc_arr))
    offsets = np.zeros(columns.ndocs + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc_arr, minlength=columns.ndocs), out=offsets[1:])
    return Column.of(vocab, offsets, value_arr[order])
