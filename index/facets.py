"""Facet counts and the date histogram: numpy over one generation's columns.

Counts are exact: each facet is counted over the documents matching the query and every filter
except the facet's own (several values of one facet combine with OR, so its other values keep
their counts). A facet reached after the request's time budget is left out and marked as such.
"""

from __future__ import annotations

import numpy as np

from .api import Deadline, Facet, FacetValue, HistogramBin
from .columns import Columns
from .filters import all_of
from .request import FACETS, SearchRequest

CHRONOLOGICAL = ("year", "month")  # by value, listed newest first (other facets: A to Z)
MAX_HISTOGRAM_MONTHS = 2400


def count(columns: Columns, req: SearchRequest, base: np.ndarray, includes: dict[str, np.ndarray],
          deadline: Deadline) -> list[Facet]:  # fmt: skip
    """Every facet's values over ``base`` (query and non-facet filters) and the other facets'
    selections; facets reached after the deadline's budget come back ``timed_out``."""
    facets = []
    for name, label in FACETS.items():
        col = columns.fields.get(name)
        if col is None:
            continue
        if deadline.expired():
            facets.append(Facet(name, label, [], timed_out=True))
            continue
        counts = col.count(all_of(base, [m for other, m in includes.items() if other != name]))
        selected = set(req.filters.get(name, []))
        excluded = set(req.excludes.get(name, []))
        nonzero = np.flatnonzero(counts)
        needle = req.facet_filters.get(name, "").casefold()
        if needle:
            folded = col.folded_list()
            nonzero = np.asarray([v for v in nonzero if needle in folded[v]], dtype=np.int64)
        limit = req.facet_limit(name)
        shown = top_values(nonzero, counts, limit, by_value=req.facet_sort(name) == "value",
                           newest_first=name in CHRONOLOGICAL)  # fmt: skip
        values = [
            FacetValue(col.vocab[v], col.vocab[v], int(counts[v]), col.vocab[v] in selected)
            for v in shown
        ]
        listed = {fv.value for fv in values}
        for value in [*selected, *excluded]:
            if value not in listed:
                ids = col.ids_of([value])
                found = int(counts[ids[0]]) if ids else 0
                values.append(FacetValue(value, value, found if value in selected else 0, value in selected, value in excluded))
                listed.add(value)
        for fv in values:
            fv.excluded = fv.value in excluded
        facets.append(Facet(name, label, values, total_values=len(nonzero), truncated=len(nonzero) > limit))
    return facets


def top_values(candidates: np.ndarray, counts: np.ndarray, limit: int, by_value: bool = False,
               newest_first: bool = False) -> list[int]:  # fmt: skip
    """The ``limit`` value ids to list: by count (ties in value order), or by value (A to Z,
    dates newest first). Vocabularies are sorted, so a value id orders like its value."""
    if by_value:
        ordered = np.sort(candidates)
        return [int(v) for v in (ordered[::-1] if newest_first else ordered)[:limit]]
    if len(candidates) > 4 * limit:
        # only the values that can make the top ``limit`` need a full sort
        threshold = np.partition(counts[candidates], len(candidates) - limit)[len(candidates) - limit]
        candidates = candidates[counts[candidates] >= threshold]
    order = np.lexsort((candidates, -counts[candidates]))
    return [int(v) for v in candidates[order][:limit]]


def histogram(columns: Columns, final: np.ndarray) -> tuple[list[HistogramBin], int]:
    """Matching articles per month, every month from the first to the last (empty ones too),
    and how many matching articles have no date."""
    col = columns.fields["month"]
    counts = col.count(final)
    months = sorted((col.vocab[v], int(counts[v])) for v in np.flatnonzero(counts))
    undated = int((final & (columns.day < 0)).sum())
    if not months:
        return [], undated
    bins = []
    by_month = dict(months)
    y, m = map(int, months[0][0].split("-"))
    last = months[-1][0]
    while True:
        key = f"{y:04d}-{m:02d}"
        bins.append(HistogramBin(key, by_month.get(key, 0)))
        if key >= last or len(bins) > MAX_HISTOGRAM_MONTHS:
            break
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return bins, undated
