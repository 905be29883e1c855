"""What a page says about a search that found nothing: the query as the engine understood it,
and for each restriction how many articles the search finds without it, with the link that drops
it (the engine counts them: :mod:`quarry.index.explain`)."""

from __future__ import annotations

from typing import Any

from quarry.index.api import FACETS, ErrorKind, Relaxed, SearchResult

from . import urls
from .views import month_label


def why_nothing(result: SearchResult, **kw: Any) -> dict[str, Any] | None:
    """For a search that found nothing (and was run): ``understood`` (the query in words, or
    None when browsing), ``restrictions`` (per restriction: ``label``, ``total`` without it,
    ``drop_url``) and ``alone`` (what the query finds with no filter but the collection, or
    None)."""
    if result.total or result.error_kind in (ErrorKind.REFUSED, ErrorKind.UNAVAILABLE):
        return None
    items = [_item(result, r, **kw) for r in result.without if r.kind != "filters"]
    items.sort(key=lambda i: -i["total"])  # the restrictions that exclude everything first
    alone = next((r.total for r in result.without if r.kind == "filters"), None)
    return {"understood": result.understood, "restrictions": items, "alone": alone,
            "blocking": [i for i in items if i["total"]]}  # fmt: skip


def _value(facet: str, value: str) -> str:
    return month_label(value) if facet == "month" else value


def _item(result: SearchResult, r: Relaxed, **kw: Any) -> dict[str, Any]:
    """One restriction: what it is, for people, and the same search without it."""
    req = result.request
    everywhere = urls.request_url(req, "search.index", {})  # the page's search, on the search page
    if r.kind == "facet":
        label = f"{FACETS[r.facet]} is " + " or ".join(_value(r.facet, v) for v in req.filters.get(r.facet, []))
        drop = urls.change_url(req, filters={k: v for k, v in req.filters.items() if k != r.facet}, **kw)
    elif r.kind == "exclude":
        label = f"{FACETS[r.facet]} is not {_value(r.facet, r.value)}"
        drop = urls.remove_url(req, r.facet, r.value, **kw)
    elif r.kind == "within":
        label = f"Only {FACETS[r.facet].lower()} {_value(r.facet, r.value)}"
        rest = tuple(p for p in req.within if p != (r.facet, r.value))
        # the page's own restriction (an entity page's entity) is dropped by leaving the page
        drop = urls.change_url(req, within=rest, **kw) if len(rest) < len(req.within) else everywhere
    elif r.kind == "dates":
        start, _, end = r.value.partition("..")
        label = f"Dates from {start or 'the first'} to {end or 'the last'}"
        drop = urls.change_url(req, date_from=None, date_to=None, **kw) if req.date_from or req.date_to else None
    elif r.kind == "collection":
        label = "Only the articles of this collection"
        drop = urls.change_url(req, collection=None, **kw) if req.collection else everywhere
    else:  # the query
        label = f"The search words “{r.value}”"
        drop = urls.change_url(req, q="", as_typed=(), **kw)
    return {"kind": r.kind, "label": label, "total": r.total, "drop_url": drop}
