"""Writing collections: save a search as one, rename and describe it, delete it, add and take out
articles (from a result list or an article's page), add what the search finds now.

Every route is a POST from a plain HTML form: :mod:`.csrf` has checked its token and that this
request may write before the view runs; the view records the author (:mod:`.authorship`) and
sends the browser on to a page that shows the change (303).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, url_for

from quarry.index.api import SearchRequest

from .annotation_views import load_collection, result_query, safe_next
from .annotations import writable_db
from .authorship import require_author
from .collections import rerun_of
from .engine import get_engine

bp = Blueprint("collection_writes", __name__)


def _see(url: str) -> Response:
    return redirect(url, code=303)


@bp.post("/collections")
def create() -> Response:
    """Freeze the search in the form's fields (its URL arguments) as a new collection."""
    author = require_author()
    req = SearchRequest.from_args(request.form)
    found = get_engine().result_ids(req)  # an EngineError (unavailable, refused) is its own page
    coll = writable_db().collections.create(
        request.form.get("name", ""), found.ids, query=result_query(req), author=author,
        index_version=found.index_version, description=request.form.get("description", ""),
    )  # fmt: skip
    return _see(url_for("collections.page", cid=coll.id))


@bp.post("/collection/<cid>/edit")
def edit(cid: str) -> Response:
    author = require_author()
    load_collection(cid)
    writable_db().collections.edit(cid, name=request.form.get("name"),
                                   description=request.form.get("description"), author=author)  # fmt: skip
    return _see(url_for("collections.page", cid=cid))


@bp.post("/collection/<cid>/delete")
def delete(cid: str) -> Response:
    require_author()
    load_collection(cid)
    writable_db().collections.delete(cid)
    return _see(url_for("collections.index"))


@bp.post("/collections/items")
def items() -> Response:
    """Add articles to a collection, or take them out (``action=remove``)."""
    author = require_author()
    cid = request.form.get("collection", "")
    load_collection(cid)
    ids = [i for i in request.form.getlist("article_id") if i]
    if not ids:
        abort(400, description="No article was chosen.")
    engine = get_engine()
    if request.form.get("action") == "remove":
        for aid in ids:
            writable_db().collections.remove(cid, aid, author)
    else:
        missing = [aid for aid in ids if engine.article(aid) is None]
        if missing:
            abort(404, description="No article with that id is in this archive.")
        writable_db().collections.add(cid, ids, author)
    return _see(safe_next(request.form.get("next"), url_for("collections.page", cid=cid)))


@bp.post("/collection/<cid>/rerun/add")
def add_new(cid: str) -> Response:
    """Add every article the collection's search finds now that it did not find when frozen."""
    author = require_author()
    coll = load_collection(cid)
    writable_db().collections.add(cid, rerun_of(coll).added, author)
    return _see(url_for("collections.page", cid=cid))
