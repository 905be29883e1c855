"""The forms an entity is written in ("ISIS", "Islamic State", "Daesh"), counted over columns.

Each article's mentions are indexed as ``type<SEP>canonical name<SEP>text as written``
(:func:`index.schema.variant_values`) and held as a column like a facet's, so an entity's
variants are one slice of a sorted vocabulary and one count over its articles, however many
it has: nothing is read from the store. Articles stored before mentions were recorded (and
names an input gave without marking where) have no variants; the page says how many do.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

from .api import Variant
from .columns import Column
from .schema import variant_prefix


def variant_ids(col: Column, etype: str, name: str) -> range:
    """The ids of the entity's variants: the vocabulary is sorted, so they are contiguous."""
    prefix = variant_prefix(etype, name)
    start = bisect_left(col.vocab, prefix)
    end = bisect_left(col.vocab, prefix + "\U0010ffff", lo=start)
    return range(start, end)


def variants(col: Column, etype: str, name: str, mask: np.ndarray) -> tuple[list[Variant], int]:
    """The entity's written forms among the articles of ``mask``, most articles first (ties
    A–Z), and how many of those articles recorded any."""
    ids = variant_ids(col, etype, name)
    if not len(ids):
        return [], 0
    at = col.entries(mask)
    values, owners = col.values[at], col.owner[at]
    mine = (values >= ids.start) & (values < ids.stop)
    counts = np.bincount(values[mine] - ids.start, minlength=len(ids))
    recorded = len(np.unique(owners[mine]))
    prefix = len(variant_prefix(etype, name))
    found = [Variant(col.vocab[ids.start + i][prefix:], int(c)) for i, c in enumerate(counts) if c]
    found.sort(key=lambda v: (-v.count, v.text))
    return found, recorded
