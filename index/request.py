"""What defines a result set: a :class:`SearchRequest`, and how it round-trips through a URL.

URL query strings carry all search state, so a request is built from URL-style arguments
(``from_args``) and turned back into them (``to_args``); anything malformed falls back to a
default, so a URL can never make a search fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# facet name -> label, in display order
FACETS: dict[str, str] = {
    "category": "Category",
    "year": "Year",
    "month": "Month",
    "author": "Author",
    "site": "Site",
    "language": "Language",
    "person": "Person",
    "organization": "Organization",
    "location": "Location",
    "tag": "Tag",  # the researcher's own tags, from the annotations database (index/annotated.py)
}
SORTS = ("relevance", "newest", "oldest")
PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 10_000
DEFAULT_FACET_LIMIT = 10
MAX_FACET_LIMIT = 100  # values one facet lists (``fl.<facet>``): more is clamped to this
MAX_FACET_VALUES = 100  # values of one facet chosen or excluded in one request: more is refused
# facet values are listed by count (most first) or by value (A to Z; dates newest first), a
# choice per facet (``fs.<facet>=count|value``); years are listed whole, by year, by default
FACET_SORTS = ("count", "value")
DEFAULT_FACET_SORTS = {"year": "value", "month": "value"}
YEARS_LISTED = 1000  # every year of an archive (the Year facet holds one value per distinct year)
DEFAULT_FACET_LIMITS = {"year": YEARS_LISTED}
# the query parser's regexes are quadratic in the length of one word (a 100k-character query would
# hold a thread for minutes): every request's query is cut to this, once, when it is made
MAX_QUERY_CHARS = 2000
MAX_WITHIN = 32  # in.<facet>=<value> restrictions kept (each is a pass over a column)

_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_COLLECTION_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class RequestTooLarge(ValueError):
    """A request asking for more than one search may (too many values of one facet): refused
    whole, with the reason (the web answers 400), rather than cut to something else."""


@dataclass
class SearchRequest:
    """Everything that defines a result set; it round-trips through a URL query string."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> values (OR)
    excludes: dict[str, list[str]] = field(default_factory=dict)  # facet -> values (NOT)
    date_from: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    facet_limits: dict[str, int] = field(default_factory=dict)  # facet -> how many values
    facet_filters: dict[str, str] = field(default_factory=dict)  # facet -> substring to match
    facet_sorts: dict[str, str] = field(default_factory=dict)  # facet -> "count" or "value"
    with_facets: bool = True
    with_histogram: bool = True
    with_snippets: bool = True
    # (facet, value) pairs every result must have, each ANDed with everything else
    # (``in.<facet>=<value>``, repeatable): an entity page's entity, the articles naming two
    # entities. One pair or None is accepted too; it is kept as a tuple of pairs in facet order.
    within: tuple[tuple[str, str], ...] = ()
    # entity aliases of ``q`` searched as typed, not expanded to the entity's other names
    # (``as_typed=ISIS``, repeatable; see index.aliases)
    as_typed: tuple[str, ...] = ()
    # a collection's id (``collection=<id>``): only its articles, by their stable article ids
    collection: str | None = None
    # only these article ids (never in a URL: pages that compute a set, e.g. what is new since a
    # saved search was last opened, carry what defines it instead)
    ids: frozenset[str] | None = None

    def __post_init__(self) -> None:
        self.q = self.q[:MAX_QUERY_CHARS]
        self.within = restrictions(self.within)

    @classmethod
    def from_args(cls, args: Any) -> SearchRequest:
        """Build a request from URL-style arguments (a werkzeug MultiDict or dict of lists).

        ``q``, ``f.<facet>`` (repeatable), ``x.<facet>`` (repeatable), ``in.<facet>`` (repeatable,
        every one must hold), ``from``, ``to``, ``sort``, ``page``, ``size``, ``fl.<facet>`` (facet
        limit), ``fq.<facet>`` (facet value search), ``fs.<facet>`` (facet order: ``count`` or
        ``value``), ``as_typed`` (repeatable: an alias of the
        query searched as typed), ``collection`` (a collection's id).
        Unknown or malformed values fall back to defaults: a URL can never make a search fail;
        only a request over a limit is refused (RequestTooLarge: more than ``MAX_FACET_VALUES``
        values of one facet), since any page for it would cost more than a request may.
        """
        getlist = args.getlist if hasattr(args, "getlist") else lambda k: _as_list(args.get(k))
        keys = list(args.keys())

        def first(key: str) -> str:
            values = getlist(key)
            return str(values[0]) if values else ""

        req = cls(q=first("q").strip())
        typed = (str(v).strip()[:200] for v in getlist("as_typed"))
        req.as_typed = tuple(_unique([v for v in typed if v]))
        for key in keys:
            prefix, _, name = key.partition(".")
            if name not in FACETS:
                continue
            values = [str(v)[:500] for v in getlist(key) if str(v).strip()]
            if prefix == "f" and values:
                req.filters[name] = _unique(req.filters.get(name, []) + values)
            elif prefix == "x" and values:
                req.excludes[name] = _unique(req.excludes.get(name, []) + values)
            elif prefix == "fl" and values:
                req.facet_limits[name] = _clamp_int(values[0], DEFAULT_FACET_LIMIT, 1, MAX_FACET_LIMIT)
            elif prefix == "fq" and values:
                req.facet_filters[name] = values[0][:100]
            elif prefix == "fs" and values and values[0] in FACET_SORTS:
                req.facet_sorts[name] = values[0]
            elif prefix == "in" and values:
                req.within += tuple((name, v) for v in values)
        req.within = restrictions(req.within)
        collection = first("collection").strip()
        req.collection = collection if _COLLECTION_RE.match(collection) else None
        for name in FACETS:
            chosen = (len(req.filters.get(name, ())) + len(req.excludes.get(name, ()))
                      + sum(1 for facet, _ in req.within if facet == name))
            if chosen > MAX_FACET_VALUES:
                raise RequestTooLarge(f"at most {MAX_FACET_VALUES} values of one facet can be chosen or excluded "
                                      f"at once ({chosen:,} of {name} were given)")  # fmt: skip
        req.date_from = _date_or_none(first("from"))
        req.date_to = _date_or_none(first("to"))
        sort = first("sort")
        req.sort = sort if sort in SORTS else ("relevance" if req.q else "newest")
        req.page = _clamp_int(first("page"), 1, 1, MAX_PAGE)
        req.page_size = _clamp_int(first("size"), DEFAULT_PAGE_SIZE, 1, max(PAGE_SIZES))
        return req

    def to_args(self) -> list[tuple[str, str]]:
        """The request as ordered URL arguments (defaults left out), the inverse of from_args."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        out += [("as_typed", v) for v in self.as_typed]
        for name in FACETS:
            out += [("f." + name, v) for v in self.filters.get(name, [])]
        for name in FACETS:
            out += [("x." + name, v) for v in self.excludes.get(name, [])]
        out += [("in." + name, value) for name, value in self.within]
        if self.collection:
            out.append(("collection", self.collection))
        if self.date_from:
            out.append(("from", self.date_from))
        if self.date_to:
            out.append(("to", self.date_to))
        default_sort = "relevance" if self.q else "newest"
        if self.sort != default_sort:
            out.append(("sort", self.sort))
        if self.page_size != DEFAULT_PAGE_SIZE:
            out.append(("size", str(self.page_size)))
        for name, limit in sorted(self.facet_limits.items()):
            out.append(("fl." + name, str(limit)))
        for name, text in sorted(self.facet_filters.items()):
            out.append(("fq." + name, text))
        for name, order in sorted(self.facet_sorts.items()):
            if order != self.facet_sort(name, default_only=True):  # the default is left out
                out.append(("fs." + name, order))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    @property
    def is_browse(self) -> bool:
        return self.q.strip() in ("", "*")

    def facet_sort(self, name: str, default_only: bool = False) -> str:
        """How the values of facet ``name`` are listed: "count" or "value"."""
        default = DEFAULT_FACET_SORTS.get(name, "count")
        return default if default_only else self.facet_sorts.get(name, default)

    def facet_limit(self, name: str) -> int:
        """How many values of facet ``name`` are listed."""
        return self.facet_limits.get(name, DEFAULT_FACET_LIMITS.get(name, DEFAULT_FACET_LIMIT))


def restrictions(within: Any) -> tuple[tuple[str, str], ...]:
    """``within`` as distinct (facet, value) pairs of known facets, in facet order (then as
    given), so that a request and its URL round-trip, at most MAX_WITHIN of them; one pair or
    None are accepted."""
    if not within:
        return ()
    if len(within) == 2 and all(isinstance(x, str) for x in within):
        within = (within,)
    pairs = [(str(f), str(v)) for f, v in within if f in FACETS and str(v).strip()]
    order = list(FACETS)
    return tuple(sorted(list(dict.fromkeys(pairs))[:MAX_WITHIN], key=lambda p: order.index(p[0])))


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _clamp_int(text: str, default: int, low: int, high: int) -> int:
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


def _date_or_none(text: str) -> str | None:
    text = (text or "").strip()
    if not _DATE_RE.match(text):
        return None
    parts = text.split("-")
    if len(parts) >= 2 and not 1 <= int(parts[1]) <= 12:
        return None
    if len(parts) == 3 and not 1 <= int(parts[2]) <= 31:
        return None
    return text
