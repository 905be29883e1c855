"""What the search page and the JSON of a search say about query-time alias expansion.

The engine reports each alias of the query it expanded (or kept as typed, when the request asked:
``as_typed``); here each gets the link that undoes the step, so expansion is visible and
reversible (:mod:`quarry.index.aliases` decides what expands).
"""

from __future__ import annotations

from typing import Any

from quarry.index.api import SearchResult

from . import urls
from .views import entity_url


def expansion_notes(result: SearchResult, **kw: Any) -> list[dict[str, Any]]:
    """Per alias of the query: what was typed, the entity, the names added, and ``toggle_url``
    (search it only as typed if it was expanded; expand it again if it was kept as typed)."""
    req = result.request
    return [
        {
            "typed": e.typed,
            "type": e.type,
            "name": e.name,
            "added": list(e.added),
            "expanded": e.expanded,
            "entity_url": entity_url(e.type, e.name),
            "toggle_url": urls.change_url(req, as_typed=e.toggled(req.as_typed), **kw),
        }
        for e in result.expansions
    ]


def add_expansion_urls(data: dict[str, Any], result: SearchResult, **kw: Any) -> None:
    """Give the JSON's expansions their links: ``as_typed_url`` for an expanded alias (the same
    search with it only as typed), ``expand_url`` for one kept as typed."""
    for item, note in zip(data["expansions"], expansion_notes(result, **kw), strict=True):
        item["as_typed_url" if note["expanded"] else "expand_url"] = note["toggle_url"]
