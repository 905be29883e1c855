"""The entity network of a result set (any search, an entity's articles) and the evidence for
each of its links: pages, JSON twins, and files for network tools.

The result set travels as the search's own URL arguments (``SearchRequest``); the network's
knobs are ``nodes`` (names per type) and ``min`` (articles together); an evidence page names
its two entities as ``a=<type>:<name>`` and ``b=<type>:<name>``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from markupsafe import Markup, escape

from quarry.archive.model import ENTITY_TYPES
from quarry.index.api import (
    DEFAULT_PAGE_SIZE,
    MAX_NETWORK_PER_TYPE,
    MIN_TOGETHER,
    NETWORK_PER_TYPE,
    Evidence,
    Network,
    NetworkNode,
    Passage,
    SearchRequest,
    SearchResult,
)

from . import urls, views
from .engine import get_engine
from .network_draw import MAX_DRAWN_EDGES, STYLES, network_svg, positions
from .network_files import to_edge_csv, to_gexf, to_graphml
from .search import pager

bp = Blueprint("network", __name__)

NODE_CHOICES = (5, 8, 12, 20, 30, 40)
MIN_CHOICES = (2, 3, 5, 10, 20)
FILES = {  # format -> (mimetype, extension)
    "gexf": ("application/gexf+xml", "gexf"),
    "graphml": ("application/graphml+xml", "graphml"),
    "csv": ("text/csv", "csv"),
    "svg": ("image/svg+xml", "svg"),
}


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(request.args.get(name, default)), low), high)
    except ValueError:
        return default


def load_network(req: SearchRequest) -> Network:
    per_type = _int_arg("nodes", NETWORK_PER_TYPE, 1, MAX_NETWORK_PER_TYPE)
    return get_engine().network(req, per_type, _int_arg("min", MIN_TOGETHER, 1, 10_000))


def knobs(network: Network) -> list[tuple[str, str]]:
    """The network's own URL arguments, when they are not the defaults."""
    out = []
    if network.per_type != NETWORK_PER_TYPE:
        out.append(("nodes", str(network.per_type)))
    if network.min_together != MIN_TOGETHER:
        out.append(("min", str(network.min_together)))
    return out


def _url(endpoint: str, args: list[tuple[str, str]], **values: Any) -> str:
    query = urlencode(args)
    return url_for(endpoint, **values) + ("?" + query if query else "")


def entity_arg(node: NetworkNode | tuple[str, str]) -> str:
    etype, name = (node.type, node.name) if isinstance(node, NetworkNode) else node
    return f"{etype}:{name}"


def evidence_url(req: SearchRequest, a: NetworkNode | tuple[str, str], b: NetworkNode | tuple[str, str],
                 page: int | None = None) -> str:  # fmt: skip
    """The evidence page of ``a`` and ``b`` within the result set of ``req``; with ``page``,
    that page of it (of ``req``'s page size)."""
    args = [*urls.result_set_args(req), ("a", entity_arg(a)), ("b", entity_arg(b))]
    if page is not None and req.page_size != DEFAULT_PAGE_SIZE:
        args.append(("size", str(req.page_size)))
    if page is not None and page > 1:
        args.append(("page", str(page)))
    return _url("network.evidence", args)


def evidence_urls(req: SearchRequest, pairs: list[tuple[NetworkNode, NetworkNode]]) -> list[str]:
    """``evidence_url`` of many pairs, the result set's arguments encoded once."""
    shared = urlencode(urls.result_set_args(req))
    prefix = url_for("network.evidence") + "?" + (shared + "&" if shared else "")
    return [prefix + urlencode([("a", entity_arg(a)), ("b", entity_arg(b))]) for a, b in pairs]


def _links(network: Network) -> tuple[list[str], list[str]]:
    """Each name's entity page and each link's evidence page."""
    nodes = [views.entity_url(n.type, n.name) for n in network.nodes]
    pairs = [(network.nodes[e.source], network.nodes[e.target]) for e in network.edges]
    return nodes, evidence_urls(network.request, pairs)


def _label(network: Network) -> str:
    what = f"“{network.request.q}”" if network.request.q else "the archive"
    return f"Entity network of {network.total:,} articles ({what})"


def _description(network: Network) -> str:
    return (f"The {network.per_type} people, organisations and places named in most of {network.total:,} "
            f"articles; linked when named together in at least {network.min_together} articles and "
            f"more often than chance, weighted by {network.measure}.")  # fmt: skip


def _svg(network: Network, links: tuple[list[str], list[str]]) -> str:
    return network_svg(network, *links, _label(network))


@bp.get("/network")
def page() -> str:
    req = SearchRequest.from_args(request.args)
    network = load_network(req)
    base = urls.result_set_args(req)
    own = knobs(network)
    node_urls, edge_urls = links = _links(network)
    return render_template(
        "network.html",
        req=req,
        network=network,
        svg=Markup(_svg(network, links)) if network.nodes else "",
        nodes=list(zip(network.nodes, node_urls, strict=True)),
        edges=[(network.nodes[e.source], network.nodes[e.target], e, url, node_urls[e.source], node_urls[e.target])
               for e, url in zip(network.edges, edge_urls, strict=True)],  # fmt: skip
        drawn=min(len(network.edges), MAX_DRAWN_EDGES),
        styles=STYLES,
        chips=views.chips(SearchResult(req, network.total, []), endpoint="network.page"),
        search_url=_url("search.index", base),
        files=[(fmt, _url("network.download", base + own, fmt=fmt)) for fmt in FILES],
        json_url=_url("network.api", base + own),
        knob_args=urls.hidden_args(req),
        node_choices=sorted({*NODE_CHOICES, network.per_type}),
        min_choices=sorted({*MIN_CHOICES, network.min_together}),
    )


@bp.get("/api/network")
def api() -> Response:
    req = SearchRequest.from_args(request.args)
    network = load_network(req)
    data = network.to_json()
    node_urls, edge_urls = _links(network)
    for url, out in zip(node_urls, data["nodes"], strict=True):
        out["url"] = url
    for url, out in zip(edge_urls, data["edges"], strict=True):
        out["evidence_url"] = url
    return jsonify(data)


@bp.get("/network.<fmt>")
def download(fmt: str) -> Response:
    if fmt not in FILES:
        abort(404, description=f"Unknown network format {fmt!r}. Try one of: {', '.join(FILES)}.")
    network = load_network(SearchRequest.from_args(request.args))
    if fmt == "gexf":
        body = to_gexf(network, _description(network), positions(network.nodes, network.edges[:MAX_DRAWN_EDGES])[0])
    elif fmt == "graphml":
        body = to_graphml(network, _description(network))
    elif fmt == "csv":
        body = to_edge_csv(network)
    else:
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + _svg(network, _links(network))
    mimetype, ext = FILES[fmt]
    response = Response(body, content_type=f"{mimetype}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="quarry-network.{ext}"'
    return response


# -- evidence ---------------------------------------------------------------------------------


def _entity(name: str) -> tuple[str, str]:
    """``type:name`` from the URL, or a 404 naming what was wrong."""
    etype, _, value = request.args.get(name, "").partition(":")
    if etype not in ENTITY_TYPES or not value.strip() or len(value) > 500:
        abort(404, description="An evidence page names two entities as a=<type>:<name> and b=<type>:<name>.")
    return etype, value


def load_evidence() -> tuple[SearchRequest, Evidence]:
    req = SearchRequest.from_args(request.args)
    found = get_engine().evidence(req, _entity("a"), _entity("b"))
    if found is None:
        abort(404, description="One of the two names is not in this archive.")
    return req, found


def marked(passage: Passage) -> Markup:
    """A sentence with both names marked; every text segment escaped."""
    html, pos = Markup(""), 0
    for start, end, etype, name in sorted(passage.marks):
        if start < pos or not 0 <= start < end <= len(passage.text):
            continue
        html += escape(passage.text[pos:start])
        html += Markup('<mark class="ent-{t}" title="{n}">{s}</mark>').format(
            t=etype, n=name, s=passage.text[start:end])  # fmt: skip
        pos = end
    return html + escape(passage.text[pos:])


@bp.get("/evidence")
def evidence() -> str:
    req, ev = load_evidence()
    pages = [(n, evidence_url(req, ev.a, ev.b, n) if n else None)
             for n in pager(req.page, ev.result.pages)]  # fmt: skip
    base = urls.result_set_args(req)
    return render_template(
        "evidence.html",
        req=req,
        ev=ev,
        articles=[(item, [marked(p) for p in item.passages]) for item in ev.articles],
        pages=pages if ev.result.pages > 1 else [],
        chips=views.chips(SearchResult(req, ev.considered, []), endpoint="network.page"),
        network_url=_url("network.page", base),
        both_url=_url("search.index", [*base, (f"in.{ev.a[0]}", ev.a[1]), (f"in.{ev.b[0]}", ev.b[1])]),
        json_url=_url("network.evidence_api", [*base, ("a", entity_arg(ev.a)), ("b", entity_arg(ev.b))]),
    )


@bp.get("/api/evidence")
def evidence_api() -> Response:
    req, ev = load_evidence()
    return jsonify({
        "a": {"type": ev.a[0], "name": ev.a[1], "articles": ev.a_count},
        "b": {"type": ev.b[0], "name": ev.b[1], "articles": ev.b_count},
        "considered": ev.considered,
        "together": ev.result.total,
        "score": ev.score,
        "page": req.page,
        "page_size": req.page_size,
        "articles": [
            {"id": item.hit.id, "title": item.hit.title, "date": item.hit.date, "site": item.hit.site,
             "url": url_for("articles.page", article_id=item.hit.id),
             "sentences": [{"text": p.text, "marks": [{"start": s, "end": e, "type": t, "name": n}
                                                      for s, e, t, n in p.marks]} for p in item.passages],
             "more_sentences": item.more}
            for item in ev.articles
        ],
    })  # fmt: skip

