"""The ingest pipeline: files -> raw documents -> articles (with entities) -> the store.

Extraction and entity tagging run in worker processes (both cores); the store is written by the
parent alone, in small transactions, so an interrupted run leaves every committed article whole
and a second run skips what is already stored.
"""

from __future__ import annotations

import collections
import itertools
import json
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .captures import save_capture
from .extract import NoArticle, RecordError, extract
from .model import ENTITY_TYPES, Article, Entities, RawDocument
from .readers import Problem, ReadOptions, iter_files, read_path
from .store import Store

BATCH = 50


@dataclass
class IngestReport:
    """Every input accounted for: stored (new + updated) + duplicate + skipped = read."""

    files: int = 0
    read: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    skipped: list[Problem] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> list[Problem]:
        return [p for p in self.skipped if not p.skipped]

    @property
    def stored(self) -> int:
        return self.new + self.updated

    def lines(self) -> list[str]:
        out = [
            f"files: {self.files}   documents read: {self.read}",
            f"new: {self.new}   updated: {self.updated}   duplicate: {self.duplicate}   "
            f"skipped: {len(self.skipped)} (failed: {len(self.failed)})",
        ]
        for problem in self.skipped:
            mark = "FAILED " if not problem.skipped else "skipped"
            out.append(f"  {mark} {problem.describe()}")
        if self.interrupted:
            out.append(
                "interrupted: what was stored before the interruption is kept; run again to finish"
            )
        return out

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "read": self.read,
            "new": self.new,
            "updated": self.updated,
            "duplicate": self.duplicate,
            "skipped": [
                {"where": p.describe(), "reason": p.reason, "failed": not p.skipped}
                for p in self.skipped
            ],
            "interrupted": self.interrupted,
        }


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
        return Problem(reason=str(exc), **where)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
        return Problem(reason=f"extraction failed ({type(exc).__name__}: {exc})", **where)
    if entities:
        try:
            add_entities(article, data_dir)
        except Exception as exc:  # noqa: BLE001
            return Problem(
                reason=f"entity extraction failed ({type(exc).__name__}: {exc})", **where
            )
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
    seen: list[Path] | None = None,
) -> Iterator[RawDocument | Problem]:
    for path in iter_files(paths):
        if report is not None:
            report.files += 1
        if seen is not None:
            seen.append(path)
        if not path.exists():
            yield Problem(str(path), "no such file")
            continue
        yield from read_path(path, options)


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
    progress: Callable[[int], None] | None = None,
    extra: Iterable[RawDocument] = (),
) -> IngestReport:
    """Read, extract and store every document under ``paths`` (and the ready ``extra``
    documents); returns the full account."""
    options = options or ReadOptions()
    report = IngestReport()
    seen_files: list[Path] = []

    def fresh(items):
        for item in items:
            if isinstance(item, RawDocument) and not reextract:
                from .model import Provenance

                if store.source_seen(Provenance.from_raw(item)):
                    report.read += 1
                    report.duplicate += 1
                    if progress:
                        progress(1)
                    continue
            yield item

    batch: list[Article] = []

    def commit():
        if not batch:
            return
        with store.transaction():
            for article in batch:
                outcome = store.put(article, reextract=reextract)
                setattr(report, outcome, getattr(report, outcome) + 1)
        batch.clear()

    try:
        for raw, outcome in process_all(
            fresh(itertools.chain(iter_raw(paths, options, report, seen_files), extra)),
            options.field_map, entities, data_dir, workers
        ):
            report.read += 1
            if isinstance(outcome, Problem):
                report.skipped.append(outcome)
            else:
                if data_dir is not None and raw is not None and raw.kind in ("html", "pagetext"):
                    save_capture(data_dir, raw.content_hash, raw.content)
                batch.append(outcome)
                if len(batch) >= BATCH:
                    commit()
            if progress:
                progress(1)
        commit()
        if options.field_map or options.format:
            # remembered so that `quarry rebuild --reextract` reads each file the same way
            saved = json.dumps({"field_map": options.field_map, "format": options.format})
            for path in seen_files:
                store.set_meta(f"options:{path}", saved)
    except KeyboardInterrupt:
        report.interrupted = True
        # the batch in hand was never committed: its documents count as not yet read
        report.read -= len(batch)
        batch.clear()
    return report


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
