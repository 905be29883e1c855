"""The ingest pipeline: files -> raw documents -> articles (with entities) -> the store.

Extraction and entity tagging run in worker processes (both cores); the store is written by the
parent alone, in small transactions, so an interrupted run leaves every committed article whole
and a second run skips what is already stored.
"""

from __future__ import annotations

import collections
import dataclasses
import errno
import itertools
import json
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .captures import save_capture
from .datadir import DataDir
from .extract import NoArticle, RecordError, extract
from .model import ENTITY_TYPES, Article, Entities, Provenance, RawDocument
from .readers import Problem, ReadOptions, iter_files, read_path
from .readers.base import place
from .report import IngestProgress, IngestReport, gave_no_article
from .store import Store
from .store_errors import DISK_FULL, DiskFull

__all__ = [
    "IngestProgress", "IngestReport", "add_entities", "extract_articles", "ingest", "iter_raw", "process",
    "process_all",
]  # fmt: skip

BATCH = 50


# -- one document: runs in a worker ------------------------------------------------------------

_worker_options: dict = {}


def _init_worker(options: dict) -> None:
    # Ctrl-C reaches the whole process group: the parent decides what happens, not the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_options.clear()
    _worker_options.update(options)


def process(
    raw: RawDocument,
    field_map: dict[str, str] | None = None,
    entities: bool = True,
    data_dir: Path | None = None,
) -> Article | Problem:
    """Extract one document and tag its entities; failures become a Problem."""
    where = dict(source=raw.source, member=raw.member, offset=raw.offset)
    try:
        article = extract(raw, field_map)
    except NoArticle as exc:
        return Problem(reason=str(exc), skipped=True, **where)
    except RecordError as exc:
        return Problem(reason=str(exc), kind="unreadable record", **where)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
        why = f"extraction failed ({type(exc).__name__}: {exc})"
        return Problem(reason=why, kind="extraction failed", **where)
    if entities:
        try:
            add_entities(article, data_dir)
        except Exception as exc:  # noqa: BLE001
            why = f"entity extraction failed ({type(exc).__name__}: {exc})"
            return Problem(reason=why, kind="entity extraction failed", **where)
    return article


def add_entities(article: Article, data_dir: Path | None = None) -> None:
    """Tag the article's entities and mentions from its body, merged with any names the input
    already gave; an article in a language without a model is not tagged, and says why."""
    from .entities import get_authority, get_extractor
    from .entities.languages import language_code, untagged_note

    article.entities_note = untagged_note(article.language)
    if article.entities_note:
        found, article.entity_mentions = Entities(), []
    else:
        # headlines are title-cased, which misleads a tagger trained on running text: body only
        extractor = get_extractor(data_dir, language=language_code(article.language) or "")
        found, article.entity_mentions = extractor.extract_document(article.body)
    given = article.entities.as_dict()
    authority = get_authority(data_dir)
    merged: dict[str, list[str]] = {}
    for etype in ENTITY_TYPES:
        names = list(getattr(found, etype))
        for name in given.get(etype, []):
            hit = authority.canonical(name, etype)
            canonical = hit[1] if hit and hit[0] == etype else name
            names.append(canonical)
        merged[etype] = list(dict.fromkeys(n for n in names if n))
    article.entities = Entities.from_dict(merged)


def _process_in_worker(raw: RawDocument) -> Article | Problem:
    return process(raw, **_worker_options)


# -- many documents ---------------------------------------------------------------------------


def iter_raw(
    paths: Iterable[Path], options: ReadOptions, report: IngestReport | None = None,
    seen: list[Path] | None = None, state: IngestProgress | None = None,
) -> Iterator[RawDocument | Problem]:
    """Every document (or problem) in the files under ``paths``, file by file; ``state`` follows
    the files and bytes read so far (its totals are set first when given)."""
    files, links = [], []
    for found in iter_files(paths, options.follow_symlinks):
        (files if isinstance(found, Path) else links).append(found)
    yield from links  # symbolic links not followed: each one a line of the report
    sizes = [_size(path) for path in files]
    if state is not None:
        state.files_total, state.bytes_total = len(files), sum(sizes)
    done = 0
    for path, size in zip(files, sizes, strict=True):
        if report is not None:
            report.files += 1
            report.bytes += size
        if seen is not None:
            seen.append(path)
        if state is not None:
            state.current = str(path)
            options = dataclasses.replace(options, progress=_follow(state, done, size))
        if not path.exists():
            yield Problem(str(path), "no such file")
        else:
            empty = True
            for item in read_path(path, options):
                empty = False
                yield item
            if empty:  # nothing may vanish without a word
                yield Problem(str(path), "nothing to read in this file", skipped=True)
        done += size
        if state is not None:
            state.files_done += 1
            state.bytes_done = done


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _follow(state: IngestProgress, before: int, size: int) -> Callable[[int], None]:
    def reached(position: int) -> None:
        state.bytes_done = before + min(max(position, 0), size)

    return reached


def process_all(
    items: Iterable[RawDocument | Problem],
    field_map: dict[str, str] | None,
    entities: bool,
    data_dir: Path | None,
    workers: int | None = None,
) -> Iterator[tuple[RawDocument | None, Article | Problem]]:
    """Process raw documents in worker processes, in input order; problems pass through."""
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    options = {"field_map": field_map, "entities": entities, "data_dir": data_dir}
    items = iter(items)
    if workers <= 1:
        for item in items:
            yield (None, item) if isinstance(item, Problem) else (item, process(item, **options))
        return
    ctx = multiprocessing.get_context("fork")
    window = workers * 8  # documents in flight: keeps every worker busy, bounds memory
    with ctx.Pool(workers, initializer=_init_worker, initargs=(options,)) as pool:
        in_flight: collections.deque = collections.deque()
        for item in items:
            if isinstance(item, Problem):
                in_flight.append((None, item, None))
            else:
                in_flight.append((item, None, pool.apply_async(_process_in_worker, (item,))))
            while len(in_flight) > window or (in_flight and _ready(in_flight[0])):
                yield _result(in_flight.popleft())
        while in_flight:
            yield _result(in_flight.popleft())


def _ready(entry) -> bool:
    return entry[2] is None or entry[2].ready()


def _result(entry) -> tuple[RawDocument | None, Article | Problem]:
    raw, problem, pending = entry
    return (None, problem) if pending is None else (raw, pending.get())


def ingest(
    paths: Iterable[Path],
    store: Store,
    options: ReadOptions | None = None,
    entities: bool = True,
    data_dir: Path | None = None,
    reextract: bool = False,
    workers: int | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    extra: Iterable[RawDocument] = (),
    log_name: str = "ingest",
) -> IngestReport:
    """Read, extract and store every document under ``paths`` (and the ready ``extra``
    documents); returns the full account. With a data directory every outcome is also written
    to a log file there as it happens (``report.log_path``); ``progress`` is called with the
    files and bytes read so far after each document."""
    options = options or ReadOptions()
    report = IngestReport()
    state = IngestProgress()
    seen_files: list[Path] = []
    paths = list(paths)
    if data_dir is not None:
        report.open_log(DataDir.of(data_dir).logs, log_name,
                        f"quarry {log_name} " + " ".join(str(p) for p in paths))  # fmt: skip

    def tick() -> None:
        state.documents = report.read
        if progress:
            progress(state)

    def fresh(items):
        for item in items:
            if isinstance(item, RawDocument) and not reextract:
                prov = Provenance.from_raw(item)
                stored_id = store.source_seen(prov)
                if stored_id:
                    report.read += 1
                    report.record_unchanged(place(prov.source, prov.member, prov.offset), stored_id)
                    tick()
                    continue
            yield item

    batch: list[Article] = []

    def commit():
        if not batch:
            return
        with store.transaction():
            results = [store.put(article, reextract=reextract) for article in batch]
        for article, stored in zip(batch, results, strict=True):
            p = article.provenance[0]
            report.record_stored(place(p.source, p.member, p.offset), stored)
        batch.clear()

    try:
        raws = iter_raw(paths, options, report, seen_files, state)
        for raw, outcome in process_all(
            fresh(itertools.chain(raws, extra)), options.field_map, entities, data_dir, workers
        ):
            report.read += 1
            if isinstance(outcome, Problem):
                report.record_problem(outcome)
            else:
                if data_dir is not None and raw is not None and raw.kind in ("html", "pagetext"):
                    save_capture(data_dir, raw.content_hash, raw.content)
                batch.append(outcome)
                if len(batch) >= BATCH:
                    commit()
            tick()
        commit()
        tick()
        if options.field_map or options.format:
            # remembered so that `quarry rebuild --reextract` reads each file the same way
            saved = json.dumps({"field_map": options.field_map, "format": options.format})
            for path in seen_files:
                store.set_meta(f"options:{path}", saved)
    except (KeyboardInterrupt, DiskFull, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno != errno.ENOSPC:
            raise
        report.interrupted = True
        if not isinstance(exc, KeyboardInterrupt):
            report.stopped = DISK_FULL
        # the batch in hand was never committed: its documents count as not yet read
        report.read -= len(batch)
        batch.clear()
    finally:
        report.close_log()
    return report


def extract_articles(
    paths: Iterable[Path],
    options: ReadOptions,
    entities: bool = True,
    data_dir: Path | None = None,
    workers: int | None = None,
) -> Iterator[Article | Problem]:
    """The articles in the files under ``paths`` and the problems met, without storing
    anything; a file that gave no article and no reason (a web archive of images and revisits
    only) ends with a problem saying so."""
    seen: list[Path] = []
    found: set[str] = set()  # files that gave an article, or a reason for one they did not
    items = iter_raw(paths, options, seen=seen)
    for _raw, outcome in process_all(items, options.field_map, entities, data_dir, workers):
        if isinstance(outcome, Problem):
            if not gave_no_article(outcome):
                yield outcome
                continue
            found.add(outcome.source)
        else:
            found.update(p.source for p in outcome.provenance)
        yield outcome
    for path in seen:
        if str(path) not in found:
            yield Problem(str(path), "no article: only web archive records that are not pages",
                          skipped=True, kind="no article in the file")  # fmt: skip


def raws_from_captures(store: Store, data_dir: Path, sources: set[str]) -> Iterator[RawDocument]:
    """The kept captures of pages whose original files are gone, ready to be extracted again."""
    from .captures import read_capture

    for article in store.iter_articles():
        for p in article.provenance:
            if p.source not in sources:
                continue
            content = read_capture(data_dir, p.content_hash)
            if content is None:
                continue
            fmt = p.format.split(".")[0]
            kind = "pagetext" if fmt == "pagetext" else "html"
            # the URL a web archive or a saved page gave (a loose page finds its own again)
            url = p.member if fmt in ("warc", "arc") else article.url if fmt == "mhtml" else None
            yield RawDocument(
                source=p.source, kind=kind, content=content, member=p.member, offset=p.offset,
                record_id=p.record_id, url=url, captured=p.captured, format=p.format,
            )
