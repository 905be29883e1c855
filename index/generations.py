"""Opening index generations, and swapping to the newest when a writer commits one.

A data directory's current index version (``index/CURRENT``) changes when ``quarry rebuild``
switches to a new one, and its generation changes when ``quarry ingest`` commits. Each search
asks :class:`Generations` for the current :class:`Generation` (cheap when nothing changed) and
uses that one object, reader, columns and all, for the whole request, so every figure on a page
describes the same documents even while a writer commits.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from quarry.archive.datadir import DataDir

from .api import EngineError, ErrorKind
from .arraymatch import ArrayMatcher
from .build import columns_path, current_version, open_index, unreadable
from .columns import Columns, ColumnsUnreadable, build_columns, load_columns, save_columns
from .postings import Postings
from .schema import LANGUAGE_FIELDS
from .snippets import Highlighter

log = logging.getLogger(__name__)


@dataclass
class Generation:
    """One generation of one index version: its searcher, columns, matcher and highlighter."""

    version_dir: Path
    generation: int
    ix: object
    # one searcher per generation, on the very reader the columns were built from, shared by
    # all threads under ``lock``: Whoosh is pure Python, so threads could not run it in
    # parallel anyway, and a searcher per thread would map the whole index once per thread
    searcher: object
    columns: Columns
    postings: Postings
    matcher: ArrayMatcher  # use it (and ``postings``) only while holding ``lock``
    highlighter: Highlighter
    # read once at open: ``ix.schema`` re-reads the newest TOC file, which a writer's commit
    # may delete between listing and opening it (FileNotFoundError mid-request)
    schema: object = None
    languages: tuple[str, ...] = ()  # language text fields that hold documents
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def key(self) -> tuple[str, int]:
        """Identifies the generation in caches."""
        return (str(self.version_dir), self.generation)

    def is_current(self) -> bool:
        try:
            return self.ix.latest_generation() == self.generation
        except OSError:
            return False


class Generations:
    """The current generation of one data directory, opened on first use and reopened when a
    writer has switched versions or committed."""

    def __init__(self, data_dir: DataDir | Path, postings_cache_bytes: int):
        self.data_dir = DataDir.of(data_dir)
        self.postings_cache_bytes = postings_cache_bytes
        self._lock = threading.Lock()
        self._current: Generation | None = None

    def current(self) -> Generation:
        """The current generation; EngineError(UNAVAILABLE) when none can be read."""
        version_dir = current_version(self.data_dir)
        if version_dir is None:
            raise EngineError(ErrorKind.UNAVAILABLE, "no index yet: run `quarry rebuild` (or `quarry ingest PATH`)")
        gen = self._current
        if gen is not None and gen.version_dir == version_dir and gen.is_current():
            return gen
        with self._lock:
            gen = self._current
            if gen is not None and gen.version_dir == version_dir and gen.is_current():
                return gen
            try:
                gen = self._open(version_dir)
            except Exception as exc:  # noqa: BLE001 - any failure to open means the same remedy
                log.warning("%s", unreadable(exc, version_dir))  # the server's log names the path
                raise EngineError(ErrorKind.UNAVAILABLE, unreadable(exc)) from exc
            self._current = gen
            return gen

    def _open(self, version_dir: Path) -> Generation:
        ix = open_index(version_dir)
        # one searcher (one reader) pins the generation: the columns must describe exactly the
        # documents it reads (a writer may commit a newer generation meanwhile)
        searcher = ix.searcher()
        try:
            reader = searcher.reader()
            number = reader.generation()
            number = ix.latest_generation() if number is None else number
            columns = _columns(reader, columns_path(version_dir, number))
            schema = reader.schema or ix.schema
            postings = Postings(searcher)
            matcher = ArrayMatcher(postings, columns.ndocs, self.postings_cache_bytes)
            languages = tuple(f for f in LANGUAGE_FIELDS if reader.field_length(f))
        except BaseException:
            searcher.close()
            raise
        return Generation(version_dir, number, ix, searcher, columns, postings, matcher,
                          Highlighter(schema), schema, languages)  # fmt: skip


def _columns(reader, path: Path) -> Columns:
    """The generation's facet columns: read from their file, or built from the index when the
    file cannot be read (kept in memory: a damaged file is left for `quarry check` to find and
    `quarry rebuild` to write again) or is missing (then written, as an older Quarry left it)."""
    if path.exists():
        try:
            columns = load_columns(path)
            if columns.ndocs == reader.doc_count_all():
                return columns
            problem = "they describe another generation"
        except ColumnsUnreadable as exc:
            problem = str(exc)
        log.warning("facet columns %s cannot be used (%s): built from the index for now; "
                    "`quarry rebuild` writes them again", path, problem)  # fmt: skip
        return build_columns(reader)
    columns = build_columns(reader)
    try:
        save_columns(columns, path)
    except OSError as exc:  # a read-only data directory: the columns are kept in memory only
        log.warning("facet columns %s cannot be written (%s)", path, exc)
    return columns
