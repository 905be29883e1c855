"""Ranking and paging: the documents of a result set in the requested order.

Relevance orders by score (the array matcher's BM25F), equal scores by document number; newest
and oldest order by the date column (undated articles last). Only the documents that can reach
the page are sorted.
"""

from __future__ import annotations

import numpy as np

from .columns import Columns


def ordered(columns: Columns, sort: str, scores: np.ndarray | None, final: np.ndarray,
            limit: int | None) -> tuple[list[int], list[float] | None]:  # fmt: skip
    """Docnums of the result set in order, the first ``limit`` (None: all), with their scores
    when ordered by relevance."""
    docs = np.flatnonzero(final)
    if sort == "relevance" and scores is not None:
        values = scores[docs]
        if limit is not None and len(docs) > limit:
            # only documents scoring at least the limit-th best can be on the page
            threshold = np.partition(values, len(values) - limit)[len(values) - limit]
            keep = values >= threshold
            docs, values = docs[keep], values[keep]
        order = np.lexsort((docs, -values))  # best first; equal scores by docnum
        if limit is not None:
            order = order[:limit]
        return docs[order].tolist(), values[order].tolist()
    day = columns.day[docs].astype(np.int64)
    if sort == "oldest":
        key = np.where(day < 0, np.iinfo(np.int64).max, day)
        order = np.lexsort((docs, key))
    else:
        order = np.lexsort((-docs, -day))
    chosen = docs[order]
    if limit is not None:
        chosen = chosen[:limit]
    return chosen.tolist(), None


def page(columns: Columns, sort: str, scores: np.ndarray | None, final: np.ndarray, number: int,
         size: int) -> tuple[list[int], list[float] | None]:  # fmt: skip
    """The docnums (and scores) of page ``number`` (from 1) of ``size`` results."""
    start = (number - 1) * size
    docnums, values = ordered(columns, sort, scores, final, start + size)
    return docnums[start:], values[start:] if values is not None else None
