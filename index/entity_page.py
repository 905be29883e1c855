"""An entity page: the entity by any of its names, its articles, and who and what co-occurs.

The entity's articles are a search restricted to it (``within``); what co-occurs is that
search's facet counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .api import EntityView, SearchResult
from .columns import Columns
from .query import ENTITY_FIELDS
from .request import SearchRequest

COOCCURRING = 20  # names listed per entity type


def entity_view(columns: Columns, authority, etype: str, name: str, req: SearchRequest,
                search: Callable[[SearchRequest], SearchResult]) -> EntityView | None:  # fmt: skip
    """The entity page of ``name`` (an alias finds the canonical entity); None when the archive
    holds no such entity."""
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
    limits = {**req.facet_limits}
    for t in ENTITY_FIELDS:
        limits.setdefault(t, COOCCURRING + 1)
    result = search(replace(req, facet_limits=limits, within=(etype, canonical)))
    facets = {f.name: f for f in result.facets}
    cooc = {
        t: [v for v in facets[t].values if not (t == etype and v.value == canonical)][:COOCCURRING]
        for t in ENTITY_FIELDS
        if t in facets
    }
    aliases = authority.aliases(etype, canonical) if authority is not None else []
    return EntityView(
        type=etype,
        name=canonical,
        aliases=[a for a in aliases if a != canonical],
        result=result,
        cooccurring=cooc,
        sites=facets["site"].values if "site" in facets else [],
        categories=facets["category"].values if "category" in facets else [],
    )
