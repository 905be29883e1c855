"""The search API's plain-data types: what goes into a search and what comes out.

The web app and the CLI build a :class:`SearchRequest`, call :func:`index.search.search`, and
render the :class:`SearchResult`. Nothing here is a Whoosh object.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
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
}
SORTS = ("relevance", "newest", "oldest")
PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 10_000
DEFAULT_FACET_LIMIT = 10
MAX_FACET_LIMIT = 1000

_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


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
    with_facets: bool = True
    with_histogram: bool = True
    with_snippets: bool = True
    # (facet, value) every result must have, ANDed with everything else: an entity page's
    # entity, carried into its exports as ``in.<facet>=<value>``
    within: tuple[str, str] | None = None

    @classmethod
    def from_args(cls, args: Any) -> SearchRequest:
        """Build a request from URL-style arguments (a werkzeug MultiDict or dict of lists).

        ``q``, ``f.<facet>`` (repeatable), ``x.<facet>`` (repeatable), ``from``, ``to``, ``sort``,
        ``page``, ``size``, ``fl.<facet>`` (facet limit), ``fq.<facet>`` (facet value search).
        Unknown or malformed values fall back to defaults: a URL can never make a search fail.
        """
        getlist = args.getlist if hasattr(args, "getlist") else lambda k: _as_list(args.get(k))
        keys = list(args.keys())

        def first(key: str) -> str:
            values = getlist(key)
            return str(values[0]) if values else ""

        req = cls(q=first("q").strip()[:2000])
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
            elif prefix == "in" and values:
                req.within = (name, values[0])
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
        for name in FACETS:
            out += [("f." + name, v) for v in self.filters.get(name, [])]
        for name in FACETS:
            out += [("x." + name, v) for v in self.excludes.get(name, [])]
        if self.within:
            out.append(("in." + self.within[0], self.within[1]))
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
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    @property
    def is_browse(self) -> bool:
        return self.q.strip() in ("", "*")


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    excluded: bool = False


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]
    total_values: int = 0  # distinct values with a non-zero count
    truncated: bool = False
    timed_out: bool = False


@dataclass
class Hit:
    id: str
    title: str
    date: str | None
    url: str | None
    site: str | None
    authors: list[str]
    categories: list[str]
    snippet: str  # HTML-safe: text escaped, matches wrapped in <mark>
    entities: dict[str, list[str]] = field(default_factory=dict)
    score: float | None = None
    # HTML-safe like ``snippet``: another headline of the article that has a query word the
    # title lacks (empty when the title shows why it matched)
    also_titled: str = ""


@dataclass
class HistogramBin:
    month: str  # YYYY-MM
    count: int


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: list[Facet] = field(default_factory=list)
    histogram: list[HistogramBin] = field(default_factory=list)
    query_error: str | None = None  # set when the query could not be parsed (or run) as written
    query_refused: bool = False  # the query was not run at all (the error says why), not re-read
    suggestion: str | None = None  # "did you mean"
    elapsed_ms: float = 0.0
    undated: int = 0  # matching articles without a date (not in the histogram)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.page_size))

    def to_json(self) -> dict[str, Any]:
        """The JSON shape shared by ``quarry search --json`` and ``/api/search``."""
        return {
            "total": self.total,
            "page": self.request.page,
            "page_size": self.request.page_size,
            "query_error": self.query_error,
            "suggestion": self.suggestion,
            "query_refused": self.query_refused,
            "results": [asdict(h) for h in self.hits],
            "facets": {
                f.name: [
                    {"value": v.value, "count": v.count, "selected": v.selected, "excluded": v.excluded}
                    for v in f.values
                ]
                for f in self.facets
            },
            "facets_timed_out": [f.name for f in self.facets if f.timed_out],
            "histogram": [asdict(b) for b in self.histogram],
        }


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
