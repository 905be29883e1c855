"""The search page, its JSON twin, the OpenSearch description and the syntax help."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from quarry.archive.exports import EXPORT_FORMATS
from quarry.index.api import MAX_PAGE, SearchRequest, SearchResult

from . import urls, views
from .engine import get_engine, get_settings
from .expansions import add_expansion_urls, expansion_notes
from .explain import why_nothing
from .histogram import histogram_svg

bp = Blueprint("search", __name__)


def run_search(req: SearchRequest) -> SearchResult:
    """Search; the engine never raises for a bad query or an unreadable index (``error_kind``
    in the result says which)."""
    return get_engine().search(req)


def result_json(result: SearchResult, **kw: Any) -> dict[str, Any]:
    """SearchResult.to_json() plus a toggle_url (and exclude_url) on every facet value, and the
    link that undoes each alias expansion."""
    data = result.to_json()
    add_expansion_urls(data, result, **kw)
    req = result.request
    compact = urls.compact(req)
    if compact:  # each value's change, to add to change_url (a URL per value would repeat the state)
        data["change_url"] = urls.change_url(req, **kw)
    for name, values in data["facets"].items():
        if compact:
            for v in values:
                v["toggle_url"] = v["exclude_url"] = None
                v["toggle"], v["exclude"] = (dict([urls.change(k, name, v["value"])]) for k in ("toggle", "exclude"))
            continue
        links = urls.facet_value_urls(req, name, [v["value"] for v in values], **kw)
        for v, (toggle, exclude) in zip(values, links, strict=True):
            v["toggle_url"], v["exclude_url"] = toggle, exclude
    return data


def results_context(result: SearchResult, **kw: Any) -> dict[str, Any]:
    """Everything the shared results template needs (search page and entity page)."""
    req = result.request
    first = (req.page - 1) * req.page_size + 1 if result.total else 0
    return {
        "req": req,
        "result": result,
        "facets": views.facet_dicts(result, **kw),
        "chips": views.chips(result, **kw),
        "histogram": histogram_svg(result.histogram, req, **kw),
        "first": first,
        "last": min(result.total, req.page * req.page_size),
        "pages": pager(req.page, min(result.pages, MAX_PAGE)),
        "ignored": ignored_args(),
        "url_kw": kw,
        # many values chosen: the state once, in a form whose buttons are the facet values
        "state": {"action": request.path, "args": urls.hidden_args(req)} if urls.compact(req) else None,
        "exports": export_links(req),
        "expansions": expansion_notes(result, **kw),
        "network_url": network_link(req),
        # how the page explains a search it could not run as asked (ErrorKind's values)
        "notice": result.error_kind.value if result.error_kind else None,
        # a search that found nothing: why, and a spelling that finds something
        "why": why_nothing(result, **kw),
        "suggestion_url": urls.change_url(req, q=result.suggestion, **kw) if result.suggestion else None,
        "clear_url": urls.clear_url(req, **kw) if urls.narrowed(req) else None,
    }


def ignored_args() -> list[str]:
    """Date arguments the request parser had to drop, so the page can say so."""
    req = SearchRequest.from_args(request.args)
    out = []
    for key, value in (("from", req.date_from), ("to", req.date_to)):
        given = request.args.get(key, "").strip()
        if given and value is None:
            out.append(f"{key} = \u201c{given[:40]}\u201d")
    return out


def export_links(req: SearchRequest) -> list[tuple[str, str]]:
    """(format, URL) for exporting the whole result set of ``req`` (no paging, no facet knobs)."""
    args = urls.result_set_args(req)
    query = ("?" + urlencode(args)) if args else ""
    return [(fmt, url_for("exports.export", fmt=fmt) + query) for fmt in EXPORT_FORMATS]


def network_link(req: SearchRequest) -> str:
    """The entity network of the whole result set of ``req``."""
    args = urls.result_set_args(req)
    return url_for("network.page") + ("?" + urlencode(args) if args else "")


def pager(page: int, pages: int, around: int = 2) -> list[int | None]:
    """Page numbers to show: first, last, and a window around the current one (None = gap)."""
    wanted = {1, pages, *range(max(1, page - around), min(pages, page + around) + 1)}
    out: list[int | None] = []
    prev = 0
    for n in sorted(wanted):
        if n - prev > 1:
            out.append(None)
        out.append(n)
        prev = n
    return out


@bp.get("/")
def index() -> str:
    req = SearchRequest.from_args(request.args)
    return render_template("search.html", **results_context(run_search(req)))


@bp.get("/api/search")
def api_search() -> Response:
    req = SearchRequest.from_args(request.args)
    return jsonify(result_json(run_search(req)))


def public_origin() -> str:
    """The origin absolute links name: the configured public URL; else the request's own when its
    Host names loopback or the very address served (a client may send any Host, so no other
    name is ever taken from it); else none ("": the links stay relative)."""
    settings = get_settings()
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = urlsplit("//" + request.host).hostname or ""
    served = settings.host not in ("0.0.0.0", "::", "") and host == settings.host.strip("[]").lower()
    return request.host_url.rstrip("/") if views.is_loopback(host) or served else ""


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    origin = public_origin()
    body = render_template(
        "opensearch.xml",
        search_url=origin + url_for("search.index"),
        api_url=origin + url_for("search.api_search"),
    )
    return Response(body, mimetype="application/opensearchdescription+xml")


@bp.get("/help")
def help_page() -> str:
    return render_template("help.html")
