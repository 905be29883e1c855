"""Collections: their list, a collection's page (a result set to search and filter within), the
search run again now with what it finds that the collection lacks and what it no longer finds,
exports with the collection's header, and the JSON twins. Writes are in :mod:`.collection_writes`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from quarry.archive.annotations import Collection, now
from quarry.archive.annotations.exporting import ExportHeader, describe_query
from quarry.archive.exports import EXPORT_FORMATS
from quarry.index.api import MAX_PAGE, SearchRequest

from . import urls
from .annotation_views import load_collection, request_of, result_args, result_query
from .annotations import readable_db
from .engine import get_engine
from .exports import checked_options, export_response
from .search import network_link, pager, result_json, results_context

bp = Blueprint("collections", __name__)
LIST_PAGE_SIZE = 50


@dataclass
class Rerun:
    """The collection's search run again now, against what it froze."""

    added: list[str]  # found now, not frozen (in the search's order)
    gone: list[str]  # frozen, not found now (in the frozen order)
    now: int  # found now
    index_version: str
    query_error: str | None


def rerun_of(coll: Collection) -> Rerun:
    db = readable_db()
    frozen = db.collections.frozen(coll.id) if db is not None else []
    found = get_engine().result_ids(request_of(coll.query))
    frozen_set, found_set = set(frozen), set(found.ids)
    return Rerun([i for i in found.ids if i not in frozen_set], [i for i in frozen if i not in found_set],
                 len(found.ids), found.index_version, found.query_error)  # fmt: skip


def describe(coll: Collection) -> dict[str, Any]:
    """A collection for JSON: its record, its permanent URL and its search for people."""
    return {**coll.to_json(), "search": describe_query(coll.query),
            "url": url_for("collections.page", cid=coll.id, _external=True)}  # fmt: skip


def narrowing(shown: SearchRequest) -> str:
    """The URL arguments of a search within a collection that narrow it ('' for none)."""
    return urlencode([(k, v) for k, v in result_args(shown) if k != "sort"])


def within_request(cid: str) -> tuple[SearchRequest, SearchRequest]:
    """The page's own request (URLs are built from it: the collection is in the path) and the
    one run (restricted to the collection)."""
    shown = SearchRequest.from_args(request.args)
    shown.collection = None
    return shown, dataclasses.replace(shown, collection=cid)


@bp.get("/collections")
def index() -> str:
    db = readable_db()
    return render_template("collections.html", collections=db.collections.list() if db else [],
                           tags=db.notes.tag_counts() if db else [])  # fmt: skip


@bp.get("/api/collections")
def api_index() -> Response:
    db = readable_db()
    return jsonify({"collections": [describe(c) for c in (db.collections.list() if db else [])]})


@bp.get("/collection/<cid>")
def page(cid: str) -> str:
    coll = load_collection(cid)
    shown, run = within_request(cid)
    result = get_engine().search(run)
    kw = {"endpoint": "collections.page", "view_args": {"cid": cid}}
    ctx = results_context(dataclasses.replace(result, request=shown), **kw)
    query = result_query(shown)
    ctx["exports"] = [(fmt, url_for("collections.export", cid=cid, fmt=fmt) + ("?" + query if query else ""))
                      for fmt in EXPORT_FORMATS]  # fmt: skip
    ctx["network_url"] = network_link(run)  # the network of the collection's articles
    # a search within the collection narrows it too: "clear all" goes back to the whole collection
    ctx["clear_url"] = urls.clear_url(shown, keep_query=False, **kw) if shown.q or urls.narrowed(shown) else None
    missing = 0 if narrowing(shown) or result.error_kind else max(0, coll.count - result.total)
    return render_template("collection.html", coll=coll, search=describe_query(coll.query),
                           search_url=url_for("search.index") + ("?" + coll.query if coll.query else ""),
                           missing=missing, **ctx)  # fmt: skip


@bp.get("/api/collection/<cid>")
def api_page(cid: str) -> Response:
    coll = load_collection(cid)
    shown, run = within_request(cid)
    result = dataclasses.replace(get_engine().search(run), request=shown)
    db = readable_db()
    kw = {"endpoint": "collections.api_page", "view_args": {"cid": cid}}
    return jsonify({"collection": describe(coll), "ids": db.collections.members(cid) if db else [],
                    "result": result_json(result, **kw)})  # fmt: skip


@bp.get("/collection/<cid>/rerun")
def rerun(cid: str) -> str:
    coll = load_collection(cid)
    diff = rerun_of(coll)
    show = "gone" if request.args.get("show") == "gone" else "added"
    ids = diff.added if show == "added" else diff.gone
    req = SearchRequest.from_args(request.args)
    listed = SearchRequest(sort=req.sort, page=req.page, page_size=req.page_size, ids=frozenset(ids),
                           with_facets=False, with_histogram=False)  # fmt: skip
    result = get_engine().search(listed) if ids else None
    pages = pager(req.page, min(result.pages, MAX_PAGE)) if result else []
    return render_template("collection_rerun.html", coll=coll, diff=diff, show=show, result=result,
                           pages=pages, search=describe_query(coll.query), ran_at=now())  # fmt: skip


@bp.get("/api/collection/<cid>/rerun")
def api_rerun(cid: str) -> Response:
    coll = load_collection(cid)
    diff = rerun_of(coll)
    return jsonify({"collection": describe(coll), "found_now": diff.now, "index_version": diff.index_version,
                    "query_error": diff.query_error, "added": diff.added, "gone": diff.gone})  # fmt: skip


@bp.get("/collection/<cid>/export.<fmt>")
def export(cid: str, fmt: str) -> Response:
    """The collection (or what a search within it finds) with a header saying what it is."""
    coll = load_collection(cid)
    options = checked_options(fmt, request.args)  # a 404 naming the formats, a 400 for an option
    shown, run = within_request(cid)
    ids = get_engine().result_ids(run).ids  # an EngineError here, before the first byte
    within = narrowing(shown)
    header = ExportHeader(
        id=coll.id, name=coll.name, description=coll.description, search=describe_query(coll.query),
        query=coll.query, frozen_at=coll.frozen_at, index_version=coll.index_version,
        frozen_count=coll.frozen_count, count=len(ids), exported_at=now(),
        within=describe_query(within) if within else "",
        url=url_for("collections.page", cid=coll.id, _external=True),
    )
    rows = get_engine().export_rows(dataclasses.replace(run, ids=frozenset(ids)))
    return export_response(fmt, rows, f"quarry-collection-{coll.id}", options, header=header,
                           annotated=True)  # fmt: skip
