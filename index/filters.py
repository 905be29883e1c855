"""Filters: which documents a request's facet values, exclusions and dates allow.

Everything here is a boolean mask over one generation's documents, made from its columns
(:mod:`index.columns`), so a filter costs the same whatever the query.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from . import query as qp
from .columns import Columns
from .request import SearchRequest, restrictions


def narrowed(req: SearchRequest) -> SearchRequest:
    """The request with a ``published:[..]`` clause that merely narrows its query moved into
    its date filters (a mask over the date column, much cheaper than a range query)."""
    rest, start, end = qp.split_date_range(req.q)
    if rest == req.q:
        return req
    out = replace(req, q=rest)
    if start and (not req.date_from or ordinal(start, True) > ordinal(req.date_from, True)):
        out.date_from = start
    if end and (not req.date_to or ordinal(end, False) < ordinal(req.date_to, False)):
        out.date_to = end
    if out.is_browse and req.sort == "relevance":
        out.sort = "newest"
    return out


def masks(columns: Columns, req: SearchRequest,
          within: tuple[tuple[str, str], ...] = ()) -> tuple[dict[str, np.ndarray], np.ndarray]:  # fmt: skip
    """Per-facet include masks (OR within a facet) and one mask of excludes, dates and the
    ``within`` restrictions (each (facet, value) ANDed with everything: an entity page's
    entity, the articles naming two entities)."""
    includes = {}
    for name, values in req.filters.items():
        col = columns.fields.get(name)
        if col is None:
            continue
        includes[name] = col.docs_with_any(col.ids_of(values), columns.ndocs)
    other = all_of(np.ones(columns.ndocs, dtype=bool), [mask for _, mask in parts(columns, req, within)])
    return includes, other


def parts(columns: Columns, req: SearchRequest,
          within: tuple[tuple[str, str], ...] = ()) -> list[tuple[tuple[str, str, str], np.ndarray]]:  # fmt: skip
    """Every restriction but the facet selections, each its own mask keyed (kind, facet,
    value): each ``within`` pair, each excluded value, the date range (what a search that
    found nothing reports one by one, :mod:`index.explain`)."""
    out = []
    for name, value in restrictions(within):
        col = columns.fields[name]
        out.append((("within", name, value), col.docs_with_any(col.ids_of([value]), columns.ndocs)))
    for name, values in req.excludes.items():
        col = columns.fields.get(name)
        for value in values if col is not None else ():
            out.append((("exclude", name, value), ~col.docs_with_any(col.ids_of([value]), columns.ndocs)))
    if req.date_from or req.date_to:
        dates = np.ones(columns.ndocs, dtype=bool)
        if req.date_from:
            dates &= columns.day >= ordinal(req.date_from, start=True)
        if req.date_to:
            dates &= (columns.day <= ordinal(req.date_to, start=False)) & (columns.day >= 0)
        out.append((("dates", "", f"{req.date_from or ''}..{req.date_to or ''}"), dates))
    return out


def all_of(first: np.ndarray, masks: list[np.ndarray]) -> np.ndarray:
    """``first`` ANDed with every mask (a new array)."""
    out = first.copy()
    for mask in masks:
        out &= mask
    return out


def ordinal(text: str, start: bool) -> int:
    """The first (``start``) or last day of a YYYY, YYYY-MM or YYYY-MM-DD date, as an ordinal."""
    parts = [int(p) for p in text.split("-")]
    year = min(max(parts[0], date.min.year), date.max.year)  # "0000" and "9999-12" are valid input
    if len(parts) == 3:
        try:
            return date(year, parts[1], parts[2]).toordinal()
        except ValueError:
            parts = parts[:2]
    if len(parts) == 2:
        month = parts[1]
        if start:
            return date(year, month, 1).toordinal()
        if (year, month) == (date.max.year, 12):
            return date.max.toordinal()
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        return nxt.toordinal() - 1
    return date(year, 1, 1).toordinal() if start else date(year, 12, 31).toordinal()
