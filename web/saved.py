"""Saved searches: the list (how many articles each finds now, how many are new since you last
opened it), a saved search's page (the new ones; opening it marks them seen), save, rename, delete,
and the JSON twins.

"New since" compares what the search finds now with the snapshot of what it found when this
user last opened it (:mod:`quarry.archive.annotations.saved`). Opening the page takes a new
snapshot; its paging links name the snapshot they compare with (``since``), so the later pages
list the same new articles. A read-only request compares with the snapshot taken when the search
was saved and marks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

from quarry.archive.annotations import SavedSearch, Snapshot
from quarry.index.api import MAX_PAGE, SearchRequest

from .annotation_views import load_saved, request_of, result_query
from .annotations import readable_db, writable_db
from .authorship import current_author, require_author
from .engine import get_engine
from .search import pager

bp = Blueprint("saved", __name__)


@dataclass
class NewSince:
    """What a saved search finds now that a snapshot lacks."""

    saved: SavedSearch
    found: int  # articles it finds now
    new: list[str]  # of those, not in the snapshot (in the search's order)
    baseline: Snapshot | None
    index_version: str

    def to_json(self) -> dict:
        base = self.baseline
        return {**self.saved.to_json(), "url": url_for("saved.page", sid=self.saved.id, _external=True),
                "found_now": self.found, "new_since": base.taken_at if base else None,
                "new_count": len(self.new), "index_version": self.index_version}  # fmt: skip


def new_since(saved: SavedSearch, baseline: Snapshot | None, found_ids: list[str], version: str) -> NewSince:
    seen = set(baseline.ids) if baseline is not None else set()
    return NewSince(saved, len(found_ids), [i for i in found_ids if i not in seen], baseline, version)


def _user() -> str:
    return current_author().name or ""  # '': the snapshot taken when the search was saved


def check(saved: SavedSearch) -> NewSince:
    """The saved search now against this user's last look (nothing marked)."""
    found = get_engine().result_ids(request_of(saved.query))
    db = readable_db()
    baseline = db.saved.baseline(saved.id, _user()) if db is not None else None
    return new_since(saved, baseline, found.ids, found.index_version)


@bp.get("/saved")
def index() -> str:
    db = readable_db()
    return render_template("saved_list.html", rows=[check(s) for s in (db.saved.list() if db else [])])


@bp.get("/api/saved")
def api_index() -> Response:
    db = readable_db()
    return jsonify({"saved_searches": [check(s).to_json() for s in (db.saved.list() if db else [])]})


@bp.get("/saved/<sid>")
def page(sid: str) -> str:
    saved = load_saved(sid)
    found = get_engine().result_ids(request_of(saved.query))
    db = readable_db()
    since = request.args.get("since", "")
    baseline = db.saved.snapshot(sid, since) if since and db is not None else None
    if baseline is None and db is not None:
        baseline = db.saved.baseline(sid, _user())
        if not since and current_author().name:  # opening it marks what it finds now as seen
            writable_db().saved.record(sid, _user(), found.ids, found.index_version)
    view = new_since(saved, baseline, found.ids, found.index_version)
    req = SearchRequest.from_args(request.args)
    listed = SearchRequest(sort=request_of(saved.query).sort, page=req.page, page_size=req.page_size,
                           ids=frozenset(view.new), with_facets=False, with_histogram=False)  # fmt: skip
    result = get_engine().search(listed) if view.new else None
    pages = pager(req.page, min(result.pages, MAX_PAGE)) if result else []
    return render_template("saved.html", view=view, result=result, pages=pages,
                           search_url=url_for("search.index") + ("?" + saved.query if saved.query else ""))  # fmt: skip


@bp.get("/api/saved/<sid>")
def api_page(sid: str) -> Response:
    """The saved search against this user's last look (a JSON read marks nothing seen)."""
    view = check(load_saved(sid))
    return jsonify({**view.to_json(), "new": view.new})


@bp.post("/saved")
def create() -> Response:
    """Save the search in the form's fields (its URL arguments) under a name."""
    author = require_author()
    req = SearchRequest.from_args(request.form)
    found = get_engine().result_ids(req)
    saved = writable_db().saved.create(request.form.get("name", ""), result_query(req), found.ids,
                                       index_version=found.index_version, author=author)  # fmt: skip
    return redirect(url_for("saved.page", sid=saved.id), code=303)


@bp.post("/saved/<sid>/rename")
def rename(sid: str) -> Response:
    require_author()
    load_saved(sid)
    writable_db().saved.rename(sid, request.form.get("name", ""))
    return redirect(url_for("saved.page", sid=sid), code=303)


@bp.post("/saved/<sid>/delete")
def delete(sid: str) -> Response:
    require_author()
    load_saved(sid)
    writable_db().saved.delete(sid)
    return redirect(url_for("saved.index"), code=303)
