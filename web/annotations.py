"""The app's access to the annotations database (collections, tags, notes, saved searches).

One connection per request, opened when first asked for and closed when the request ends:
read-only when this request may not write (nothing annotated yet reads as empty), writable (the
database made on first use) when it may. The archive itself (store, index) is never written by
the web app; this database is the researcher's own.
"""

from __future__ import annotations

from flask import Flask, current_app, g

from quarry.archive.annotations import AnnotationsDB, AnnotationsUnavailable

from .engine import get_settings


def writable_db() -> AnnotationsDB:
    """This request's writable connection; AnnotationsUnavailable when it cannot be had."""
    db = g.get("_annotations_rw")
    if db is None:
        db = g._annotations_rw = AnnotationsDB.open(get_settings().data_dir)
    return db


def readable_db() -> AnnotationsDB | None:
    """A connection to read with: the writable one when this request has it, else a read-only
    one (None when nothing is annotated yet, or the database cannot be read: logged)."""
    db = g.get("_annotations_rw")
    if db is not None:
        return db
    if "_annotations_ro" not in g:
        try:
            g._annotations_ro = AnnotationsDB.open(get_settings().data_dir, readonly=True)
        except AnnotationsUnavailable:
            current_app.logger.exception("the annotations database cannot be read")
            g._annotations_ro = None
    return g._annotations_ro


def write_problem() -> str | None:
    """Why the annotations database cannot be written (None: it can)."""
    try:
        writable_db()
    except AnnotationsUnavailable as exc:
        return str(exc)
    return None


def _close(_exc: BaseException | None) -> None:
    for key in ("_annotations_rw", "_annotations_ro"):
        db = g.pop(key, None)
        if db is not None:
            db.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close)
