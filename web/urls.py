"""Facet URL arithmetic: the query string is the whole state, so every view is a permalink.

Each function takes the current :class:`SearchRequest`, changes a copy, and returns a URL built
from ``to_args()``. Any change resets the page to 1 (except :func:`page_url`). The endpoint
defaults to the current request's endpoint and view args, so the same helpers serve the search
page, the entity page and their JSON twins.

A link per facet value repeats the whole state, so a page choosing N values would be O(N²) in
size. Past ``COMPACT_ABOVE`` chosen values (:func:`compact`) a page holds its state once, in one
form, and each facet value and chip is a button of that form naming only its change
(``toggle.<facet>``, ``exclude.<facet>``, ``remove.<facet>``); :func:`redirect_changes` applies
the change and redirects to the permalink of the result, on any page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from flask import Flask, g, redirect, request, url_for
from werkzeug.wrappers import Response

from quarry.index.api import FACETS, SearchRequest

COMPACT_ABOVE = 12  # facet values chosen, from which facet values and chips are buttons
CHANGES = ("toggle", "exclude", "remove")


def _copy(req: SearchRequest) -> SearchRequest:
    """A copy whose dicts and lists can be changed (cheaper than deepcopy: facets make many)."""
    return dataclasses.replace(
        req,
        filters={k: list(v) for k, v in req.filters.items()},
        excludes={k: list(v) for k, v in req.excludes.items()},
        facet_limits=dict(req.facet_limits),
        facet_filters=dict(req.facet_filters),
        facet_sorts=dict(req.facet_sorts),
    )


def _clone(req: SearchRequest) -> SearchRequest:
    new = _copy(req)
    new.page = 1
    return new


def request_url(
    req: SearchRequest, endpoint: str | None = None, view_args: dict[str, Any] | None = None
) -> str:
    """The URL of ``req`` on ``endpoint`` (default: the current one)."""
    base = _base_url(endpoint, view_args)
    args = req.to_args()
    return base + ("?" + urlencode(args) if args else "")


def _base_url(endpoint: str | None, view_args: dict[str, Any] | None) -> str:
    """The path of ``endpoint`` (default: the current one, with its view arguments), from
    ``url_for`` once per endpoint and arguments per request: a results page builds a URL for
    every facet value shown (two, with its exclude link)."""
    if endpoint is None:
        endpoint = request.endpoint or "search.index"
        if view_args is None:
            view_args = dict(request.view_args or {})
    view_args = view_args or {}
    cache = g.setdefault("_quarry_base_urls", {})
    key = (endpoint, tuple(sorted(view_args.items())))
    base = cache.get(key)
    if base is None:
        base = cache[key] = url_for(endpoint, **view_args)
    return base


def _without(values: dict[str, list[str]], facet: str, value: str) -> None:
    rest = [v for v in values.get(facet, []) if v != value]
    if rest:
        values[facet] = rest
    else:
        values.pop(facet, None)


def toggle_url(req: SearchRequest, facet: str, value: str, **kw: Any) -> str:
    """Include ``value``; if it is already included, remove it (and never both include+exclude)."""
    new = _clone(req)
    if value in new.filters.get(facet, []):
        _without(new.filters, facet, value)
    else:
        new.filters.setdefault(facet, []).append(value)
        _without(new.excludes, facet, value)
    return request_url(new, **kw)


def exclude_url(req: SearchRequest, facet: str, value: str, **kw: Any) -> str:
    """Exclude ``value``; if it is already excluded, stop excluding it."""
    new = _clone(req)
    if value in new.excludes.get(facet, []):
        _without(new.excludes, facet, value)
    else:
        new.excludes.setdefault(facet, []).append(value)
        _without(new.filters, facet, value)
    return request_url(new, **kw)


def facet_value_urls(req: SearchRequest, facet: str, values: Iterable[str],
                     **kw: Any) -> list[tuple[str, str]]:
    """(toggle_url, exclude_url) of many values of one facet: the same URLs as those two
    functions give, with the arguments that do not change encoded once (a results page shows
    dozens of facet values)."""
    if facet not in FACETS:
        return [(toggle_url(req, facet, v, **kw), exclude_url(req, facet, v, **kw)) for v in values]
    base = _base_url(kw.get("endpoint"), kw.get("view_args"))
    new = _clone(req)
    included = new.filters.get(facet, [])
    excluded = new.excludes.get(facet, [])
    # the arguments around this facet's include and exclude lists, found with sentinel values
    new.filters[facet], new.excludes[facet] = ["\0f"], ["\0x"]
    args = new.to_args()
    at_f = args.index(("f." + facet, "\0f"))
    at_x = args.index(("x." + facet, "\0x"))
    pre, mid, post = urlencode(args[:at_f]), urlencode(args[at_f + 1 : at_x]), urlencode(args[at_x + 1 :])

    def url(inc: list[str], exc: list[str]) -> str:
        parts = [pre, urlencode([("f." + facet, v) for v in inc]), mid,
                 urlencode([("x." + facet, v) for v in exc]), post]  # fmt: skip
        query = "&".join(p for p in parts if p)
        return base + ("?" + query if query else "")

    out = []
    for value in values:
        if value in included:
            toggle = url([v for v in included if v != value], excluded)
        else:
            toggle = url([*included, value], [v for v in excluded if v != value])
        if value in excluded:
            exclude = url(included, [v for v in excluded if v != value])
        else:
            exclude = url([v for v in included if v != value], [*excluded, value])
        out.append((toggle, exclude))
    return out


def remove_url(req: SearchRequest, facet: str, value: str, **kw: Any) -> str:
    """Drop ``value`` from both the includes and the excludes of ``facet``."""
    new = _clone(req)
    _without(new.filters, facet, value)
    _without(new.excludes, facet, value)
    return request_url(new, **kw)


def page_url(req: SearchRequest, n: int, **kw: Any) -> str:
    """The same result set on page ``n``."""
    new = _copy(req)
    new.page = max(1, int(n))
    return request_url(new, **kw)


def change_url(req: SearchRequest, **changes: Any) -> str:
    """Any other change (q, date_from, date_to, sort, facet_limits, ...), back to page 1."""
    kw = {k: changes.pop(k) for k in ("endpoint", "view_args") if k in changes}
    new = _clone(req)
    for name, value in changes.items():
        setattr(new, name, value)
    return request_url(new, **kw)


def month_url(req: SearchRequest, month: str, **kw: Any) -> str:
    """Narrow the date range to one month (a histogram bar)."""
    return change_url(req, date_from=month, date_to=month, **kw)


def facet_limit_url(req: SearchRequest, facet: str, limit: int, **kw: Any) -> str:
    """Show ``limit`` values of ``facet`` (the "more" link)."""
    new = _copy(req)  # more facet values do not change the result page
    new.facet_limits = {**new.facet_limits, facet: limit}
    return request_url(new, **kw)


def facet_sort_url(req: SearchRequest, facet: str, order: str, **kw: Any) -> str:
    """List the values of ``facet`` by ``order`` ("count" or "value"; the result page stays)."""
    new = _copy(req)
    new.facet_sorts = {**new.facet_sorts, facet: order}
    return request_url(new, **kw)


def narrowed(req: SearchRequest) -> bool:
    """Whether any filter, exclusion, date range, ``in.`` restriction or collection narrows
    ``req``'s result set (its query aside)."""
    return bool(req.filters or req.excludes or req.date_from or req.date_to or req.within or req.collection)


def clear_url(req: SearchRequest, keep_query: bool = True, **kw: Any) -> str:
    """The same search without any filter, exclusion, date range, ``in.`` restriction, collection
    or facet value search (and without its query when ``keep_query`` is false: a search within a
    collection); the order, page size and facet settings stay."""
    words = {} if keep_query else {"q": "", "as_typed": (), "sort": "newest" if req.sort == "relevance" else req.sort}
    return change_url(req, filters={}, excludes={}, date_from=None, date_to=None, within=(), collection=None,
                      facet_filters={}, **words, **kw)  # fmt: skip


def hidden_args(req: SearchRequest, drop: Iterable[str] = ()) -> list[tuple[str, str]]:
    """``to_args()`` minus ``page`` and the named keys: hidden inputs for a GET form."""
    dropped = {"page", *drop}
    return [(k, v) for k, v in req.to_args() if k not in dropped]


def result_set_args(req: SearchRequest) -> list[tuple[str, str]]:
    """The arguments that define the whole result set of ``req`` (no paging, no facet knobs):
    for its exports, its network and the evidence of its links."""
    return [(k, v) for k, v in req.to_args()
            if k not in ("page", "size") and not k.startswith(("fl.", "fq.", "fs."))]  # fmt: skip

# -- pages with many values chosen: the state once, the changes as buttons --------------------


def compact(req: SearchRequest) -> bool:
    """True when the request chooses so many values that each link repeating the state would
    make the page grow with their square."""
    chosen = sum(map(len, req.filters.values())) + sum(map(len, req.excludes.values())) + len(req.within)
    return chosen > COMPACT_ABOVE


def change(kind: str, facet: str, value: str) -> tuple[str, str]:
    """A button's name and value: the one change it makes to the state."""
    return f"{kind}.{facet}", value


def apply_changes(args: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The arguments with their changes applied as :func:`toggle_url`, :func:`exclude_url` and
    :func:`remove_url` apply them (and the page reset); None when they hold no change."""
    changes = [(k, v) for k, v in args if k.partition(".")[0] in CHANGES and k.partition(".")[2] in FACETS]
    if not changes:
        return None
    out = [(k, v) for k, v in args if k != "page" and (k, v) not in changes]
    for key, value in changes:
        kind, _, facet = key.partition(".")
        keep, drop = ("f." + facet, value), ("x." + facet, value)
        if kind == "exclude":
            keep, drop = drop, keep
        had = keep in out
        out = [a for a in out if a not in (keep, drop)]
        if kind != "remove" and not had:
            out.append(keep)
    return out


def redirect_changes() -> Response | None:
    """A GET carrying a change button's argument: 303 to the permalink of the changed state."""
    if request.method != "GET":
        return None
    changed = apply_changes(list(request.args.items(multi=True)))
    if changed is None:
        return None
    return redirect(request.path + ("?" + urlencode(changed) if changed else ""), code=303)


def init_app(app: Flask) -> None:
    app.before_request(redirect_changes)
