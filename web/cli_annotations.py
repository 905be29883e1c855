"""``quarry collection``, ``quarry saved`` and ``quarry annotations``: the researcher's own layer on
the terminal — list, show and export collections, see what saved searches find that is new, and
move annotations in and out as JSON Lines.

They read the annotations database directly and search through the same engine as the web app.
The commands write only that database (``annotations import``), never the archive. The
terminal's user is ``local`` (``--user`` to see another user's "new since").
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from quarry.archive.annotations import AnnotationsDB, AnnotationsUnavailable, now
from quarry.archive.annotations.exporting import ExportHeader, describe_query, write_annotated
from quarry.archive.annotations.transfer import export_lines, import_lines
from quarry.archive.exports import EXPORT_FORMATS
from quarry.index.api import EngineError, SearchRequest

from .annotation_views import request_of
from .cli_common import data_dir_option, err, load_settings
from .cli_search import EXIT_STATUS

LOCAL_USER = "local"


@contextmanager
def opened(data_dir: Path, readonly: bool = True):
    """The annotations database (None read-only when there is none yet); exit 3 when it cannot
    be opened."""
    try:
        db = AnnotationsDB.open(data_dir, readonly=readonly)
    except AnnotationsUnavailable as exc:
        err(f"error: {exc}")
        sys.exit(3)
    try:
        yield db
    finally:
        if db is not None:
            db.close()


def notes_lookup(data_dir: Path):
    """Tags and notes of articles, for exports (a fresh read-only connection per batch)."""

    def lookup(ids: list[str]):
        with opened(data_dir) as db:
            return db.notes.annotations_of(ids) if db is not None else {}

    return lookup


def _engine_ids(engine, req: SearchRequest):
    try:
        return engine.result_ids(req)
    except EngineError as exc:
        err(f"error: {exc.message}")
        sys.exit(EXIT_STATUS.get(exc.kind, 1))


@click.group()
def collection() -> None:
    """Collections: named result sets frozen with their exact articles."""


@collection.command("list")
@data_dir_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per collection.")
def list_collections(data_dir, as_json):
    """Every collection: id, articles, when frozen, name."""
    with opened(data_dir) as db:
        found = db.collections.list() if db is not None else []
    for c in found:
        if as_json:
            click.echo(json.dumps({**c.to_json(), "search": describe_query(c.query)}, ensure_ascii=False))
        else:
            click.echo(f"{c.id}  {c.count:>6} articles  frozen {c.frozen_at}  {c.name}")
    if not found and not as_json:
        err("no collections yet")


def _collection(db, cid: str):
    found = db.collections.get(cid) if db is not None else None
    if found is None:
        raise click.BadParameter(f"there is no collection {cid!r} (see `quarry collection list`)", param_hint="ID")
    return found


@collection.command("show")
@click.argument("cid", metavar="ID")
@data_dir_option
@click.option("--json", "as_json", is_flag=True, help="The collection and its article ids as JSON.")
def show(cid, data_dir, as_json):
    """A collection: what it froze, when, and its articles (id, date, title) in their order."""
    with opened(data_dir) as db:
        c = _collection(db, cid)
        members = db.collections.members(cid)
    if as_json:
        click.echo(json.dumps({**c.to_json(), "search": describe_query(c.query), "ids": members}, ensure_ascii=False))
        return
    engine = load_settings(data_dir=data_dir).open_engine()
    click.echo(f"{c.name}  (collection {c.id})")
    if c.description:
        click.echo(c.description)
    click.echo(f"frozen {c.frozen_at}{' by ' + c.author if c.author else ''} (index {c.index_version or '?'}): "
               f"{c.frozen_count} found by {describe_query(c.query)}")  # fmt: skip
    click.echo(f"{c.count} articles now ({c.added} added by hand, {c.removed} taken out)")
    for aid in members:
        a = engine.article(aid)
        click.echo(f"{aid}  {(a.published_iso or 'undated')[:10] if a else '?':<10}  "
                   f"{a.title if a else '(not in the archive now)'}")  # fmt: skip


@collection.command("export")
@click.argument("cid", metavar="ID")
@click.option("--format", "fmt", required=True, type=click.Choice(list(EXPORT_FORMATS)),
              help="csv, jsonl, ris, bib or csl.json.")  # fmt: skip
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="A file (default: stdout).")
@data_dir_option
def export(cid, fmt, output, data_dir):
    """Export a collection, with a header saying what it is, and its tags and notes."""
    with opened(data_dir) as db:
        c = _collection(db, cid)
    engine = load_settings(data_dir=data_dir).open_engine()
    req = SearchRequest(collection=cid, sort="newest")
    ids = _engine_ids(engine, req).ids
    header = ExportHeader(id=c.id, name=c.name, description=c.description, search=describe_query(c.query),
                          query=c.query, frozen_at=c.frozen_at, index_version=c.index_version,
                          frozen_count=c.frozen_count, count=len(ids), exported_at=now())  # fmt: skip
    chunks = write_annotated(fmt, engine.export_rows(req), notes_lookup(data_dir), header)
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        for chunk in chunks:
            out.write(chunk)
    finally:
        if output:
            out.close()
    if output:
        err(f"{len(ids)} articles written to {output}")


@click.command()
@data_dir_option
@click.option("--user", default=LOCAL_USER, show_default=True, help="Whose last look to compare with.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per saved search.")
def saved(data_dir, user, as_json):
    """Each saved search: its name, how many articles it finds now, how many are new since it was
    last opened (run it after an ingest). Nothing is marked as seen."""
    with opened(data_dir) as db:
        searches = db.saved.list() if db is not None else []
        baselines = {s.id: db.saved.baseline(s.id, user) for s in searches}
    engine = load_settings(data_dir=data_dir).open_engine() if searches else None
    for s in searches:
        found = _engine_ids(engine, request_of(s.query))
        base = baselines[s.id]
        seen = set(base.ids) if base else set()
        new = [i for i in found.ids if i not in seen]
        if as_json:
            click.echo(json.dumps({**s.to_json(), "search": describe_query(s.query), "found_now": len(found.ids),
                                   "new_count": len(new), "new_since": base.taken_at if base else None,
                                   "new": new}, ensure_ascii=False))  # fmt: skip
        else:
            since = f" since {base.taken_at}" if base else ""
            click.echo(f"{s.id}  {len(found.ids):>6} now  {len(new):>5} new{since}  {s.name}")
    if not searches and not as_json:
        err("no saved searches yet")


@click.group()
def annotations() -> None:
    """The annotations database as JSON Lines: export and import (merging)."""


@annotations.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="A file (default: stdout).")
@data_dir_option
def export_annotations(output, data_dir):
    """Every collection, tag, note and saved search as JSON Lines."""
    with opened(data_dir) as db:
        lines = list(export_lines(db)) if db is not None else []
    if output:
        output.write_text("".join(lines), encoding="utf-8")
        err(f"{max(0, len(lines) - 1)} records written to {output}")
    else:
        sys.stdout.write("".join(lines))


@annotations.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def import_annotations(path, data_dir, as_json):
    """Merge exported annotations in: nothing already here is duplicated, newer edits win, lines
    that cannot be read are named and skipped (exit 1)."""
    with opened(data_dir, readonly=False) as db, open(path, encoding="utf-8") as fh:
        report = import_lines(db, fh)
    if as_json:
        click.echo(json.dumps(report.as_dict()))
    for line in report.lines():
        err(line)
    sys.exit(1 if report.problems else 0)
