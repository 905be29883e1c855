"""Building and updating the Whoosh index from the store.

The index lives in ``<data dir>/index/<version>/``; the file ``<data dir>/index/CURRENT`` names the
version in use. A rebuild writes a new version directory and then replaces CURRENT in one atomic
rename, so searchers keep answering from the old version until the switch and a failed rebuild
leaves it intact. Ingest adds to the current version incrementally: Whoosh commits a new
generation (new segment files, then a new table of contents) that readers pick up when they
reopen, and the facet columns are written per generation beside it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index

from quarry.archive.datadir import DataDir
from quarry.archive.store import Store, iter_updated_since

from . import checksums
from .columns import build_columns, save_columns
from .schema import SCHEMA_VERSION, make_schema, to_document

INDEX_NAME = "MAIN"
ProgressFn = Callable[[int], None]


def current_version(data_dir: DataDir | Path) -> Path | None:
    """The directory of the index version in use, or None when there is none."""
    root = DataDir.of(data_dir).index_root
    try:
        name = (root / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return None
    if not name or "/" in name or name.startswith("."):
        return None
    path = root / name
    return path if path.is_dir() else None


def open_index(version_dir: Path):
    """The Whoosh index of one version (its newest generation is read when searched)."""
    return whoosh_index.open_dir(str(version_dir), indexname=INDEX_NAME)


def made_by_older_quarry(exc: BaseException) -> bool:
    """True when an index cannot be read because it names code this Quarry does not have:
    Whoosh pickles the schema (with Quarry's stemmer class) into the index, and indexes made
    before Quarry's modules moved into the ``quarry`` package name them ``index.schema``."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ImportError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def unreadable(exc: BaseException, version_dir: Path | None = None) -> str:
    """What to tell a researcher when the index (at ``version_dir``, named only for commands
    run on the server: a web page never shows a server path) cannot be opened."""
    where = f" at {version_dir}" if version_dir is not None else ""
    if made_by_older_quarry(exc):
        return (f"the index{where} was made by an older version of Quarry and cannot be "
                "read by this one; run `quarry rebuild` (the stored articles are kept)")  # fmt: skip
    detail = f"{type(exc).__name__}: {exc}" if version_dir is not None else type(exc).__name__
    return f"the index{where} cannot be read ({detail}); run `quarry rebuild`"


def read_meta(version_dir: Path) -> dict:
    try:
        return json.loads((version_dir / "meta.json").read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def columns_path(version_dir: Path, generation: int) -> Path:
    """The facet columns of one generation (plain arrays, see :mod:`index.columns`)."""
    return version_dir / f"columns-{generation}.npz"


def _finish_generation(ix, version_dir: Path, meta: dict) -> int:
    """Write the facet columns of the index's newest generation, drop older ones (and any
    pickled columns an older Quarry wrote), and record the generation's files and their
    checksums in ``meta`` (the caller writes it)."""
    with ix.reader() as reader:
        columns = build_columns(reader)
    generation = ix.latest_generation()
    save_columns(columns, columns_path(version_dir, generation))
    for old in version_dir.glob("columns-*"):
        try:
            if old.suffix == ".pkl" or int(old.name.split("-")[1].split(".")[0]) < generation - 1:
                old.unlink()
        except (ValueError, OSError):
            pass
    meta.update(generation=generation, files=checksums.record(version_dir, generation, meta.get("files")))
    return int(columns.live.sum())


def build_index(data_dir: DataDir | Path, procs: int = 1, progress: ProgressFn | None = None) -> Path:
    """Build a complete new index version from the store and switch to it atomically."""
    data_dir = DataDir.of(data_dir)
    root = data_dir.index_root
    root.mkdir(parents=True, exist_ok=True)
    name = time.strftime("v%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 100000}"
    version_dir = root / (".building-" + name)
    version_dir.mkdir()
    try:
        store = Store(data_dir.store)
        try:
            generation = store.generation
            ix = whoosh_index.create_in(str(version_dir), make_schema(), indexname=INDEX_NAME)
            writer = (
                ix.writer(procs=procs, limitmb=256, multisegment=True, compound=False)
                if procs > 1
                else ix.writer(limitmb=256, compound=False)
            )
            count, synced_until = _write_changes(writer.add_document, store, -1.0, progress, 500)
            writer.commit()
        finally:
            store.close()
        meta = {"schema": SCHEMA_VERSION, "store_generation": generation, "synced_until": synced_until,
                "articles": count, "built": time.time(), "damaged_records": sorted(store.damaged)}  # fmt: skip
        _finish_generation(ix, version_dir, meta)
        ix.close()
        _write_json(version_dir / "meta.json", meta)
        final = root / name
        version_dir.rename(final)
        _switch(root, name)
    except BaseException:
        shutil.rmtree(version_dir, ignore_errors=True)
        raise
    _cleanup(root, keep=name)
    return final


def _write_changes(write, store: Store, since: float, progress: ProgressFn | None,
                   step: int) -> tuple[int, float]:
    """Write every article changed after ``since`` with ``write`` (add or update); returns how
    many were written and the store timestamp the index is now synced up to."""
    count = 0
    for article, updated in iter_updated_since(store, since):
        write(**to_document(article))
        since = max(since, updated)
        count += 1
        if progress and count % step == 0:
            progress(step)
    if progress and count % step:
        progress(count % step)
    return count, since


def _switch(root: Path, name: str) -> None:
    pointer = root / "CURRENT"
    previous = pointer.read_text().strip() if pointer.exists() else ""
    tmp = root / f"CURRENT.{os.getpid()}.tmp"
    tmp.write_text(name + "\n")
    os.replace(tmp, pointer)
    if previous and previous != name:
        (root / "PREVIOUS").write_text(previous + "\n")


def _cleanup(root: Path, keep: str) -> None:
    """Remove versions other than the current and the previous one (searchers may still read it)."""
    previous = (root / "PREVIOUS").read_text().strip() if (root / "PREVIOUS").exists() else ""
    for path in root.iterdir():
        if not path.is_dir() or path.name in (keep, previous):
            continue
        if path.name.startswith(".building-"):
            # an abandoned build (killed process): remove when older than an hour
            if time.time() - path.stat().st_mtime < 3600:
                continue
        shutil.rmtree(path, ignore_errors=True)


def remove_abandoned_builds(data_dir: DataDir | Path) -> list[str]:
    """Remove the folders of builds that never finished (a killed ``quarry rebuild``); call it
    holding the writer lock, when no build can be running. Their names."""
    root = DataDir.of(data_dir).index_root
    found = sorted(root.glob(".building-*")) if root.is_dir() else []
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
    return [p.name for p in found]


def sync_index(data_dir: DataDir | Path, progress: ProgressFn | None = None) -> int:
    """Bring the current index up to date with the store; build one when there is none (or
    when the one there was built for another schema, or by an older Quarry).

    Returns the number of articles written. Safe to interrupt: the store records what is
    stored, the index records up to which store timestamp it is synced, and the next call
    continues from there (``update_document`` replaces, so nothing is doubled).
    """
    data_dir = DataDir.of(data_dir)
    version_dir = current_version(data_dir)
    if version_dir is None or read_meta(version_dir).get("schema") != SCHEMA_VERSION:  # or an older Quarry's
        return _build_afresh(data_dir, progress)
    try:
        ix = open_index(version_dir)
    except (whoosh_index.EmptyIndexError, ImportError):  # none there, or an older Quarry's (see
        return _build_afresh(data_dir, progress)  # made_by_older_quarry): start afresh
    meta = read_meta(version_dir)
    since = float(meta.get("synced_until", 0.0))
    store = Store(data_dir.store)
    try:
        generation = store.generation
        if generation == meta.get("store_generation"):
            return 0
        writer = ix.writer(limitmb=256, compound=False)
        try:
            count, since = _write_changes(writer.update_document, store, since, progress, 100)
            writer.commit()
        except BaseException:
            with contextlib.suppress(Exception):  # a writer a failed commit closed cannot be cancelled
                writer.cancel()
            raise
    finally:
        store.close()
    articles = _finish_generation(ix, version_dir, meta)
    ix.close()
    meta.update(store_generation=generation, synced_until=since, updated=time.time(), articles=articles)
    _write_json(version_dir / "meta.json", meta)
    return count


def _build_afresh(data_dir: DataDir, progress: ProgressFn | None) -> int:
    path = build_index(data_dir, progress=progress)
    return read_meta(path).get("articles", 0)


def repair_columns(data_dir: DataDir | Path, columns: bool = True) -> str:
    """Write the current generation's facet columns again from the index (they are derived from
    it) and record its files' checksums (with ``columns=False``: only record the checksums, for
    an index built before they were kept); the version's name. Call under the writer lock."""
    version_dir = current_version(data_dir)
    meta = read_meta(version_dir)
    ix = open_index(version_dir)
    try:
        if columns:
            _finish_generation(ix, version_dir, meta)
        else:
            generation = ix.latest_generation()
            meta.update(generation=generation, files=checksums.record(version_dir, generation))
    finally:
        ix.close()
    _write_json(version_dir / "meta.json", meta)
    return version_dir.name


def unindexed(store: Store, meta: dict) -> int:
    """How many stored articles an index version (its ``meta``) lacks: those changed after the
    store timestamp it was synced up to, when the store has changed since (0 when in step)."""
    if store.generation == meta.get("store_generation"):
        return 0
    return store.changed_since(float(meta.get("synced_until", -1.0)))


def outdated_schema(data_dir: DataDir | Path) -> str | None:
    """A message when the current index was built for another schema (by an older Quarry)."""
    version_dir = current_version(data_dir)
    if version_dir is None or read_meta(version_dir).get("schema") == SCHEMA_VERSION:
        return None
    return "the index was built by an older version of Quarry; `quarry rebuild` brings it up to date"


def check_index(data_dir: DataDir | Path) -> str | None:
    """A message saying what is wrong with the index, or None when it opens and reads."""
    version_dir = current_version(data_dir)
    if version_dir is None:
        return "no index yet: run `quarry rebuild` to build it from the store"
    try:
        ix = open_index(version_dir)
        with ix.reader() as reader:
            for leaf, _ in reader.leaf_readers():
                if not leaf.doc_count_all():  # an empty segment has no columns to open
                    continue
                # touch every kind of file a segment has: columns, stored fields, field
                # lengths, the term dictionary and the postings of its first and last term
                for name in ("id", "day"):
                    leaf.column_reader(name)[0]
                leaf.stored_fields(0)
                for fieldname in ("title", "body"):
                    leaf.doc_field_length(0, fieldname)
                    terms = list(leaf.lexicon(fieldname))
                    for term in terms[:1] + terms[-1:]:
                        for _ in leaf.postings(fieldname, term).all_ids():
                            pass
        ix.close()
    except Exception as exc:  # noqa: BLE001 - any failure means the same remedy
        if made_by_older_quarry(exc):
            return unreadable(exc, version_dir)
        return f"the index at {version_dir} is damaged ({type(exc).__name__}: {exc}); run `quarry rebuild`"
    return None
