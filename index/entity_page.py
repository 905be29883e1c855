"""An entity page: the entity by any of its names, its articles, who and what co-occurs, when it
was first and last seen and how it is written.

The entity's articles are a search restricted to it (``within``). What co-occurs is ranked by
association (:mod:`index.association`) over the articles the page's search matches without the
entity (the whole archive when it has no query or filters): a name found alongside it in more
articles than chance predicts ranks high, a name found everywhere does not rank at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import numpy as np

from .api import Associated, EntityView, SearchResult
from .association import associated
from .columns import Columns
from .query import ENTITY_FIELDS
from .request import SearchRequest
from .schema import VARIANT_FIELD
from .variants import variants

COOCCURRING = 20  # names listed per entity type


def entity_view(columns: Columns, authority, etype: str, name: str, req: SearchRequest,
                search: Callable[[SearchRequest], SearchResult],
                result_set: Callable[[SearchRequest], np.ndarray],
                min_together: int) -> EntityView | None:  # fmt: skip
    """The entity page of ``name`` (an alias finds the canonical entity); None when the archive
    holds no such entity. ``result_set`` gives the articles a request matches, as a mask."""
    if etype not in ENTITY_FIELDS:
        return None
    col = columns.fields[etype]
    canonical = name
    if authority is not None:
        hit = authority.canonical(name, etype)
        if hit and hit[0] == etype:
            canonical = hit[1]
    ids = col.ids_of([canonical]) or col.ids_of([name])
    if not ids:
        return None
    canonical = col.vocab[ids[0]]
    result = search(replace(req, within=(*req.within, (etype, canonical))))
    facets = {f.name: f for f in result.facets}
    universe = result_set(req)
    mine = universe & col.docs_with_any(ids[:1], columns.ndocs)
    first, last = seen(columns, mine)
    found, recorded = variants(columns.fields[VARIANT_FIELD], etype, canonical, mine)
    aliases = authority.aliases(etype, canonical) if authority is not None else []
    return EntityView(
        type=etype,
        name=canonical,
        aliases=[a for a in aliases if a != canonical],
        result=result,
        cooccurring=cooccurring(columns, universe, mine, (etype, ids[0]), min_together),
        sites=facets["site"].values if "site" in facets else [],
        categories=facets["category"].values if "category" in facets else [],
        considered=int(universe.sum()),
        min_together=min_together,
        variants=found,
        variants_recorded=recorded,
        first_seen=first,
        last_seen=last,
    )


def cooccurring(columns: Columns, universe: np.ndarray, mine: np.ndarray, entity: tuple[str, int],
                min_together: int) -> dict[str, list[Associated]]:  # fmt: skip
    """Per entity type, the names most associated with the entity (whose articles are
    ``mine``) among the articles of ``universe``, strongest first."""
    n, a = int(universe.sum()), int(mine.sum())
    out = {}
    for etype in ENTITY_FIELDS:
        col = columns.fields[etype]
        together = col.count(mine)
        if etype == entity[0]:
            together[entity[1]] = 0  # not associated with itself
        counts = col.count(universe)
        ids, scores = associated(together, counts, a, n, min_together)
        out[etype] = [
            Associated(col.vocab[v], int(together[v]), int(counts[v]), round(float(s), 1))
            for v, s in zip(ids[:COOCCURRING], scores[:COOCCURRING], strict=True)
        ]
    return out


def seen(columns: Columns, mask: np.ndarray) -> tuple[str | None, str | None]:
    """The ISO dates of the earliest and latest dated articles of ``mask``."""
    days = columns.day[mask]
    days = days[days >= 0]
    if not len(days):
        return None, None
    return date.fromordinal(int(days.min())).isoformat(), date.fromordinal(int(days.max())).isoformat()
