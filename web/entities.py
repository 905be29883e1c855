"""An entity (person, organization, location): who co-occurs, where, when, and the articles."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from quarry.archive.model import ENTITY_TYPES
from quarry.index.api import ASSOCIATION_MEASURE, EntityView, SearchRequest, SearchResult

from . import urls
from .engine import get_engine
from .network import evidence_url
from .search import network_link, result_json, results_context

bp = Blueprint("entities", __name__)


def load_entity(type_: str, name: str, req: SearchRequest) -> EntityView:
    """The engine's EntityView or a 404 (unknown type or name)."""
    view = None
    if type_ in ENTITY_TYPES and name.strip() and len(name) <= 500:
        view = get_engine().entity(type_, name, req)
    if view is None:
        label = type_ if type_ in ENTITY_TYPES else "entity"
        abort(404, description=f"There is no {label} called \u201c{name}\u201d in this archive.")
    return view


def page_result(view: EntityView, req: SearchRequest) -> SearchResult:
    """The entity's result as the page's own request sees it.

    The archive adds the entity itself as a filter; URLs and chips must be built from the
    page's request (the entity is in the path), and the entity is not a value to toggle.
    """
    facets = [
        dataclasses.replace(f, values=[v for v in f.values if v.value != view.name])
        if f.name == view.type
        else f
        for f in view.result.facets
    ]
    return dataclasses.replace(view.result, request=req, facets=facets)


def _values(values: list[Any]) -> list[dict[str, Any]]:
    return [{"value": v.value, "label": v.label or v.value, "count": v.count} for v in values]


def _associated(view: EntityView, req: SearchRequest) -> dict[str, list[dict[str, Any]]]:
    """Per type, the associated names with their numbers and the links to the articles naming
    both (a search) and to the sentences naming both (the evidence page)."""
    base = urls.result_set_args(req)
    own = (f"in.{view.type}", view.name)
    return {
        t: [
            {
                "name": v.name,
                "together": v.together,
                "count": v.count,
                "score": v.score,
                "both_url": url_for("search.index") + "?" + urlencode([*base, own, (f"in.{t}", v.name)]),
                "evidence_url": evidence_url(req, (view.type, view.name), (t, v.name)),
            }
            for v in values
        ]
        for t, values in (view.cooccurring or {}).items()
    }


def _canonical_redirect(endpoint: str, view: EntityView, name: str) -> Response | None:
    """An alias URL redirects to the canonical name's URL (one permalink per entity)."""
    if view.name == name:
        return None
    target = url_for(endpoint, type=view.type, name=view.name)
    query = request.query_string.decode("latin-1")
    return redirect(target + ("?" + query if query else ""), code=302)


@bp.get("/entity/<type>/<path:name>")
def page(type: str, name: str) -> Any:
    req = SearchRequest.from_args(request.args)
    view = load_entity(type, name, req)
    moved = _canonical_redirect("entities.page", view, name)
    if moved is not None:
        return moved
    kw = {"endpoint": "entities.page", "view_args": {"type": view.type, "name": view.name}}
    ctx = results_context(page_result(view, req), **kw)
    own = urlencode([(f"in.{view.type}", view.name)])
    ctx["exports"] = [
        (fmt, url + ("&" if "?" in url else "?") + own) for fmt, url in ctx["exports"]
    ]
    ctx["network_url"] = network_link(dataclasses.replace(req, within=(*req.within, (view.type, view.name))))
    return render_template(
        "entity.html",
        view=view,
        cooccurring=_associated(view, req),
        sites=_values(view.sites or []),
        categories=_values(view.categories or []),
        search_url=url_for("search.index") + "?" + urlencode([(f"f.{view.type}", view.name)]),
        **ctx,
    )


@bp.get("/api/entity/<type>/<path:name>")
def api(type: str, name: str) -> Any:
    req = SearchRequest.from_args(request.args)
    view = load_entity(type, name, req)
    moved = _canonical_redirect("entities.api", view, name)
    if moved is not None:
        return moved
    kw = {"endpoint": "entities.api", "view_args": {"type": view.type, "name": view.name}}
    return jsonify(
        {
            "type": view.type,
            "name": view.name,
            "aliases": list(view.aliases or []),
            "mentions": view.result.total,
            "first_seen": view.first_seen,
            "last_seen": view.last_seen,
            "variants": [dataclasses.asdict(v) for v in view.variants],
            "variants_recorded": view.variants_recorded,
            "cooccurring_measure": {"measure": ASSOCIATION_MEASURE, "min_together": view.min_together,
                                    "considered": view.considered},  # fmt: skip
            "cooccurring": _associated(view, req),
            "sites": _values(view.sites or []),
            "categories": _values(view.categories or []),
            "result": result_json(page_result(view, req), **kw),
        }
    )
