"""Writing to an archive: ingesting files and indexing them, and rebuilding the index.

Both span the store and the index, so they live here (``index`` imports ``archive``, never the
other way), and both hold the data directory's writer lock throughout: one writer at a time
(``archive.lock.Busy`` after ``wait`` seconds when another has it). The ``quarry ingest`` and
``quarry rebuild`` commands, the bundled sample and the tests all go through these functions.
"""

from __future__ import annotations

import errno
import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from quarry.archive.datadir import DataDir
from quarry.archive.lock import writer_lock
from quarry.archive.pipeline import IngestReport, ingest, raws_from_captures
from quarry.archive.readers import ReadOptions
from quarry.archive.report import IngestProgress
from quarry.archive.store import Store
from quarry.archive.store_errors import DISK_FULL

from .build import (
    ProgressFn,
    build_index,
    current_version,
    read_meta,
    remove_abandoned_builds,
    repair_columns,
    sync_index,
)
from .verify import HEALTHY, verify_index

LARGE_ARCHIVE = 5000  # articles from which a rebuild writes with two processes


@contextmanager
def writing(data: DataDir, wait: float = 0.0) -> Iterator[None]:
    """Hold the data directory's writer lock; a build a killed writer left half done is removed
    first (none can be running while the lock is ours)."""
    with writer_lock(data.root, wait):
        remove_abandoned_builds(data)
        yield


@dataclass
class Ingested:
    """What one ingest did: the pipeline's account of every input, and what was indexed."""

    report: IngestReport
    indexed: int  # articles written to the index, ``caught_up`` included
    caught_up: int  # of those, left over from an earlier interrupted run


def ingest_and_index(data_dir: DataDir | Path, paths: Iterable[Path], options: ReadOptions | None = None, *,
                     entities: bool = True, workers: int | None = None,
                     progress: Callable[[IngestProgress], None] | None = None,
                     wait: float = 0.0) -> Ingested:  # fmt: skip
    """Read, extract and store every document under ``paths``, then index what changed.

    Holds the data directory's writer lock throughout (``archive.lock.Busy`` after ``wait``
    seconds when another writer has it). Articles stored before an interruption are kept, and
    the next call indexes them first.
    """
    data = DataDir.of(data_dir)
    with writing(data, wait):
        caught_up = sync_index(data)  # finish an earlier interrupted run first
        store = Store(data.store)
        try:
            report = ingest(list(paths), store, options, entities=entities, data_dir=data.root,
                            workers=workers, progress=progress)  # fmt: skip
        finally:
            store.close()
        try:
            indexed = sync_index(data)
        except OSError as exc:  # the disk filled while indexing: the store keeps the articles
            if exc.errno != errno.ENOSPC:
                raise
            report.interrupted, report.stopped, indexed = True, DISK_FULL, 0
        return Ingested(report, caught_up + indexed, caught_up)


def index_if_missing(data_dir: DataDir | Path) -> bool:
    """Build the index when the store holds articles and there is no index yet (an archive
    copied without its index); True when it was built."""
    data = DataDir.of(data_dir)
    if not data.store.exists() or current_version(data) is not None:
        return False
    with writing(data):
        if current_version(data) is not None:  # another writer built it meanwhile
            return False
        build_index(data)
        return True


@dataclass
class Rebuilt:
    """What one rebuild did."""

    articles: int  # in the store
    version: str  # the index version now current
    rebuilt: bool  # False: the index was healthy and up to date, nothing was done
    seconds: float = 0.0  # building the index
    reextracted: list[IngestReport] = field(default_factory=list)  # one per set of read options
    gone: list[str] = field(default_factory=list)  # sources no longer on disk (read from captures)
    reasons: list[str] = field(default_factory=list)  # what the check found wrong with the index
    repaired: str = "index"  # what was written again: "index" or "facet columns"
    damaged: list[str] = field(default_factory=list)  # stored records that could not be read (left out)

    @property
    def failed(self) -> bool:
        return any(report.failed for report in self.reextracted)


def rebuild(data_dir: DataDir | Path, *, reextract: bool = False, force: bool = False,
            procs: int | None = None, wait: float = 0.0, progress: ProgressFn | None = None,
            reextract_progress: Callable[[IngestProgress], None] | None = None) -> Rebuilt:  # fmt: skip
    """Build a fresh index from the store and switch to it atomically; with ``reextract``,
    re-read every original source first. Without ``force`` or ``reextract``, a healthy index
    that already holds everything in the store is left as it is."""
    data = DataDir.of(data_dir)
    with writing(data, wait):
        store = Store(data.store)
        try:
            reports, gone = _reextract(store, data, reextract_progress) if reextract else ([], [])
            count = store.count()
        finally:
            store.close()
        t0 = time.perf_counter()
        reasons: list[str] = []
        if not force and not reextract:
            found = verify_index(data, thorough=None)
            if found.verdict == HEALTHY:
                if found.unverified:  # read whole and sound: its checksums are recorded from now on
                    repair_columns(data, columns=False)
                return Rebuilt(count, current_version(data).name, rebuilt=False)
            reasons = found.problems
            if found.columns_only:  # derived from the index: written again from it, in seconds
                version = repair_columns(data)
                return Rebuilt(count, version, True, time.perf_counter() - t0, reasons=reasons,
                               repaired="facet columns")  # fmt: skip
        path = build_index(data, procs=procs or (2 if count > LARGE_ARCHIVE else 1), progress=progress)
        return Rebuilt(count, path.name, True, time.perf_counter() - t0, reports, gone, reasons,
                       damaged=read_meta(path).get("damaged_records", []))  # fmt: skip


def _reextract(store: Store, data: DataDir,
               progress: Callable[[IngestProgress], None] | None) -> tuple[list[IngestReport], list[str]]:
    """Re-read every source (with the options it was ingested with); pages whose files are
    gone are re-extracted from the captures kept in the data directory."""
    files = sorted({Path(src) for src, _, _ in store.sources()})
    missing = {str(f) for f in files if not f.exists()}
    groups: dict[str, list[Path]] = {}
    for f in files:
        if str(f) not in missing:
            groups.setdefault(store.get_meta(f"options:{f}") or "{}", []).append(f)
    reports = []
    for n, (saved, group) in enumerate(list(groups.items()) or [("{}", [])]):
        opts = json.loads(saved)
        extra = raws_from_captures(store, data.root, missing) if n == 0 and missing else ()
        options = ReadOptions(field_map=opts.get("field_map", {}), format=opts.get("format"))
        report = ingest(group, store, options, data_dir=data.root, reextract=True, progress=progress,
                        extra=extra, log_name="reextract")  # fmt: skip
        report.append_to_log(report.lines())
        reports.append(report)
    return reports, sorted(missing)
