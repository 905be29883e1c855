"""What pages show of the researcher's annotations, and what their forms share.

Template globals (so that the shared result-list macros, imported without context, can use them):
the collections to add an article to, an article's tags, note and collections, the collection a
page shows. And helpers: a search's result-defining URL arguments (what a collection or saved
search records), where a form goes back to, tags and notes for exports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Flask, abort, g, request

from quarry.archive.annotations import AnnotationsError, ArticleNotes, Collection, SavedSearch
from quarry.archive.annotations.exporting import describe_query
from quarry.index.api import SearchRequest

from .annotations import readable_db
from .errors import render_error
from .views import human_date


def result_args(req: SearchRequest) -> list[tuple[str, str]]:
    """The URL arguments that define ``req``'s result set and its order (no paging, no facet
    display knobs): what a collection freezes and a saved search keeps."""
    return [(k, v) for k, v in req.to_args()
            if k not in ("page", "size") and not k.startswith(("fl.", "fq."))]  # fmt: skip


def result_query(req: SearchRequest) -> str:
    return urlencode(result_args(req))


def request_of(query: str) -> SearchRequest:
    """The search a collection or saved search recorded (its URL arguments)."""
    return SearchRequest.from_args(parse_qs(query, keep_blank_values=False))


def safe_next(target: str | None, default: str) -> str:
    """Where a form sends the browser back to: a path on this site, never another site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 for ch in target):  # "/\\evil" is "//evil" to browsers
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


def load_collection(cid: str) -> Collection:
    db = readable_db()
    found = db.collections.get(cid) if db is not None else None
    if found is None:
        abort(404, description="There is no such collection in this archive.")
    return found


def load_saved(sid: str) -> SavedSearch:
    db = readable_db()
    found = db.saved.get(sid) if db is not None else None
    if found is None:
        abort(404, description="There is no such saved search in this archive.")
    return found


def collection_choices() -> list[tuple[str, str]]:
    """(id, name) of the collections an article can be added to, the most recently changed first."""
    if "_collection_choices" not in g:
        db = readable_db()
        g._collection_choices = db.collections.names() if db is not None else []
    return g._collection_choices


def current_collection_id() -> str | None:
    """The collection the current page shows (its result list offers "remove")."""
    if request.endpoint == "collections.page":
        return (request.view_args or {}).get("cid")
    return None


def article_annotations(article_id: str) -> dict[str, Any]:
    """An article's tags, note and collections, for its page."""
    db = readable_db()
    if db is None:
        return {"tags": [], "note": None, "collections": []}
    return {"tags": db.notes.tags_of(article_id), "note": db.notes.note_of(article_id),
            "collections": db.collections.of_article(article_id)}  # fmt: skip


def annotations_json(article_id: str) -> dict[str, Any]:
    """An article's tags, note and collections for its JSON twin."""
    found = article_annotations(article_id)
    note = found["note"]
    return {"tags": found["tags"], "note": note.text if note else "",
            "note_by": (note.updated_by or note.author) if note else None,
            "note_updated_at": note.updated_at if note else None,
            "collections": [{"id": c.id, "name": c.name} for c in found["collections"]]}  # fmt: skip


def notes_lookup(article_ids: list[str]) -> dict[str, ArticleNotes]:
    """Tags and notes of these articles (for exports)."""
    db = readable_db()
    return db.notes.annotations_of(article_ids) if db is not None else {}


def human_time(stamp: str | None) -> str:
    """A stored time for people: ``6 December 2026, 02:27 UTC``."""
    if not stamp:
        return ""
    try:
        when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return stamp
    return f"{human_date(when)}, {when:%H:%M} UTC"


def here() -> str:
    """The current page's path and query (where a form on it sends the browser back to)."""
    return request.full_path.rstrip("?")


def _refused(exc: AnnotationsError):
    """Input an annotation cannot take: the page says what to change (400)."""
    return render_error(400, str(exc)[:1].upper() + str(exc)[1:] + ".")


def init_app(app: Flask) -> None:
    app.register_error_handler(AnnotationsError, _refused)
    for fn in (collection_choices, current_collection_id, article_annotations, describe_query,
               result_args, here):  # fmt: skip
        app.add_template_global(fn, fn.__name__)
    app.add_template_filter(human_time, "human_time")
