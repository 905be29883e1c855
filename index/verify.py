"""``quarry check``: is the archive whole? The store and the index, each with a verdict.

The store: SQLite's own integrity check, and every article's row decoded (a changed byte inside a
row passes SQLite's check). The index: the checksums its writers recorded for every file of the
current generation (:mod:`index.checksums`), the facet columns, the postings (every term's, read
and decoded, with ``thorough``), and whether it agrees with the store (the same generation, every
stored article indexed once, nothing indexed that is not stored). ``quarry rebuild`` runs the
index part (without reading every posting) and rebuilds whatever fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from quarry.archive.datadir import DataDir
from quarry.archive.store import Store, StoreError

from . import checksums
from .build import (
    columns_path,
    current_version,
    made_by_older_quarry,
    open_index,
    read_meta,
    unindexed,
)
from .columns import ColumnsUnreadable, build_columns, load_columns
from .postings import Postings
from .schema import SCHEMA_VERSION

HEALTHY, DAMAGED, UNREADABLE = "healthy", "damaged", "cannot be read"
SHOWN = 10  # ids named per problem (the rest are counted)


@dataclass
class Part:
    """One part of the archive checked: its verdict, what is wrong, and what is worth knowing."""

    name: str  # "store" or "index"
    verdict: str = HEALTHY
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    damaged_ids: list[str] = field(default_factory=list)  # the store's records that cannot be read
    columns_only: bool = False  # every problem is in facet columns (rewritten from the index)
    unverified: bool = False  # the index has no checksums recorded (built by an earlier Quarry)

    def fail(self, problem: str, verdict: str = DAMAGED) -> None:
        self.problems.append(problem)
        if self.verdict != UNREADABLE:
            self.verdict = verdict


@dataclass
class ArchiveCheck:
    parts: list[Part]

    @property
    def status(self) -> int:
        """The exit status: 0 healthy, 1 damage found, 3 the store cannot be opened."""
        if any(p.verdict == UNREADABLE for p in self.parts):
            return 3
        return 1 if any(p.verdict != HEALTHY for p in self.parts) else 0


def check_archive(data_dir: DataDir | Path, thorough: bool = True) -> ArchiveCheck:
    data = DataDir.of(data_dir)
    store = check_store(data)
    return ArchiveCheck([store, verify_index(data, thorough, store_readable=store.verdict != UNREADABLE)])


def store_opens(data_dir: DataDir | Path) -> int:
    """How many stored articles the current index lacks (an interrupted ingest's); raises
    StoreUnreadable when the store is there but cannot be read (``quarry serve`` will not serve
    an archive whose every page would fail). Quick, unlike :func:`check_store`."""
    data = DataDir.of(data_dir)
    version = current_version(data)
    if not data.store.exists():
        return 0
    store = Store(data.store, readonly=True)
    try:
        store.count()
        return unindexed(store, read_meta(version)) if version is not None else 0
    finally:
        store.close()


def check_store(data: DataDir) -> Part:
    part = Part("store")
    if not data.store.exists():
        part.fail("no article store here: `quarry ingest PATH` makes one", UNREADABLE)
        return part
    try:
        store = Store(data.store, readonly=True)
        try:
            problems, damaged = store.check()
            part.notes.append(f"{store.count():,} articles")
        finally:
            store.close()
    except StoreError as exc:
        part.fail(f"{exc}: restore store.sqlite from a backup (the index cannot replace it)", UNREADABLE)
        return part
    for problem in problems:
        part.fail(f"SQLite: {problem}")
    if damaged:
        part.damaged_ids = damaged
        part.fail(f"{len(damaged):,} stored record{_s(damaged)} cannot be decoded: {_ids(damaged)} (each is "
                  "left out of searches and exports; ingesting its source again replaces it)")  # fmt: skip
    return part


def verify_index(data_dir: DataDir | Path, thorough: bool | None = False, store_readable: bool = True) -> Part:
    """The index part of the check; without ``thorough`` the postings are probed, not all read
    (None: all read when no checksums were recorded, the only way then to find damage)."""
    data = DataDir.of(data_dir)
    part = Part("index")
    version = current_version(data)
    if version is None:
        part.fail("no index: `quarry rebuild` builds it from the store")
        return part
    meta = read_meta(version)
    if meta.get("schema") != SCHEMA_VERSION:
        part.fail("built by an older version of Quarry: `quarry rebuild` builds it again")
        return part
    try:
        ix = open_index(version)
    except Exception as exc:  # noqa: BLE001 - any failure to open means: rebuild it
        part.fail(_older(exc) or f"it cannot be opened ({type(exc).__name__}: {exc})")
        return part
    part.unverified = meta.get("files") is None
    if thorough is None:
        thorough = part.unverified
    try:
        generation = ix.latest_generation()
        _checksums(part, version, meta, generation, ix)
        ids = _contents(part, ix, version, generation, thorough)
    finally:
        ix.close()
    if ids is not None and store_readable:
        _agreement(part, data, meta, ids)
    part.columns_only = bool(part.problems) and all(p.startswith("facet columns") for p in part.problems)
    return part


def _checksums(part: Part, version: Path, meta: dict, generation: int, ix) -> None:
    recorded = meta.get("files")
    if recorded is None:
        part.notes.append("no checksums recorded (built by an earlier Quarry): `quarry rebuild --force` "
                          "records them")  # fmt: skip
        return
    if meta.get("generation") != generation:
        part.fail(f"generation {generation} was committed without its checksums (a writer was interrupted)")
        return
    for name, wrong in checksums.differences(version, recorded).items():
        if checksums.is_columns(name) and wrong != "missing" and _columns_match(version, generation, ix):
            part.notes.append(f"{name} was rewritten from the index by a reader; it matches the index")
        else:
            part.fail(f"{'facet columns ' if checksums.is_columns(name) else ''}{name}: {wrong}")


def _columns_match(version: Path, generation: int, ix) -> bool:
    """True when the columns file holds what the index gives (a reader rebuilt a damaged one)."""
    try:
        stored = load_columns(columns_path(version, generation))
        with ix.reader() as reader:
            fresh = build_columns(reader)
    except Exception:  # noqa: BLE001 - unreadable either way: not a match
        return False
    return stored.ids == fresh.ids and np.array_equal(stored.day, fresh.day) and all(
        stored.fields[n].vocab == c.vocab and np.array_equal(stored.fields[n].values, c.values)
        for n, c in fresh.fields.items())  # fmt: skip


def _contents(part: Part, ix, version: Path, generation: int, thorough: bool) -> list[str] | None:
    """Read what a search reads: the columns, each segment's stored fields and lengths, and the
    postings (probed, or all of them); the live article ids, or None when unreadable."""
    try:
        columns = load_columns(columns_path(version, generation))
    except ColumnsUnreadable as exc:
        part.fail(f"facet columns {columns_path(version, generation).name}: {exc}")
        columns = None
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            if columns is not None and columns.ndocs != reader.doc_count_all():
                part.fail(f"facet columns {columns_path(version, generation).name}: they describe "
                          f"{columns.ndocs:,} documents, the index {reader.doc_count_all():,}")  # fmt: skip
            postings = Postings(searcher)
            if postings.reason and postings.reason.startswith("the probe failed"):
                part.fail(f"postings: {postings.reason}")
            if thorough:
                _read_everything(reader, postings)
            ids = [d["id"] for d in reader.all_stored_fields()]
    except Exception as exc:  # noqa: BLE001 - whatever the damage, the remedy is a rebuild
        part.fail(f"it cannot be read ({type(exc).__name__}: {str(exc)[:200]})")
        return None
    return ids


def _read_everything(reader, postings: Postings) -> None:
    """Every posting of every term of every field, and every position, decoded."""
    for fieldname in reader.indexed_field_names():
        positional = postings.schema[fieldname].format.supports("positions")
        for tbytes in reader.lexicon(fieldname):
            ids, _weights, values = postings.read(fieldname, tbytes, with_values=positional)
            if positional and len(ids):
                postings.positions(fieldname, ids, values, np.ones(int(ids.max()) + 1, dtype=bool))
        if fieldname in ("title", "body"):
            postings.field_lengths(fieldname)


def _agreement(part: Part, data: DataDir, meta: dict, indexed: list[str]) -> None:
    """The index holds every stored article once and nothing else, at the store's generation."""
    try:
        store = Store(data.store, readonly=True)
        try:
            stored_ids = {row[0] for row in store.db.execute("SELECT id FROM articles")}
            generation = store.generation
        finally:
            store.close()
    except StoreError:
        return  # the store part says so
    unique = set(indexed)
    if len(unique) != len(indexed):
        part.fail(f"{len(indexed) - len(unique):,} articles are indexed twice")
    missing = sorted(stored_ids - unique)
    if missing:
        part.fail(f"{len(missing):,} stored article{_s(missing)} {'is' if len(missing) == 1 else 'are'} not indexed "
                  f"yet ({_ids(missing)}): `quarry rebuild` indexes them")  # fmt: skip
    extra = sorted(unique - stored_ids)
    if extra:
        part.fail(f"{len(extra):,} indexed article{_s(extra)} not in the store ({_ids(extra)})")
    if not missing and generation != meta.get("store_generation"):
        part.fail("the store has changed since the index was last brought up to date")


def _older(exc: BaseException) -> str | None:
    return "made by an older version of Quarry: `quarry rebuild` builds it again" if made_by_older_quarry(exc) else None


def _s(items: list) -> str:
    return "" if len(items) == 1 else "s"


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:SHOWN])
    return shown + (f" and {len(ids) - SHOWN:,} more" if len(ids) > SHOWN else "")
