"""The engine contract: everything the web app and the CLI may ask of a search engine.

:class:`Engine` is the one seam between ``web`` and ``index``: the pages, the JSON API and the
``quarry`` commands call these methods and render what they return, plain dataclasses (no Whoosh
object ever crosses). :class:`quarry.index.engine.Archive` implements it over one data directory;
the test doubles in ``tests/`` implement it too, and so would a second (a distributed) engine.

What the engine cannot do comes back with an :class:`ErrorKind` (in a result, or raised as
:class:`EngineError`), which callers branch on; the message is for people and never compared.
One :class:`Deadline` per request is handed to every phase of a search.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, Protocol, runtime_checkable

from quarry.archive.model import Article

from .aliases import AliasExpansion
from .explain import Relaxed
from .request import (
    DEFAULT_FACET_LIMIT,
    DEFAULT_PAGE_SIZE,
    FACETS,
    MAX_FACET_LIMIT,
    MAX_FACET_VALUES,
    MAX_PAGE,
    MAX_QUERY_CHARS,
    PAGE_SIZES,
    SORTS,
    RequestTooLarge,
    SearchRequest,
)

# what an engine keeps and how long a request may take, unless the settings say otherwise
DEFAULT_CACHE_SIZE = 128  # queries whose matches are kept per index generation (0: none)
DEFAULT_TIME_BUDGET = 2.0  # seconds before optional work (facet counts) is left out
# entity pages and networks: pairs named together in fewer articles are not associated
MIN_TOGETHER = 3
ASSOCIATION_MEASURE = "log-likelihood (G²)"  # how co-occurring names are ranked and links weighed
NETWORK_PER_TYPE = 12  # people, organisations and places each, in a network by default
MAX_NETWORK_PER_TYPE = 40
DEFAULT_REQUEST_DEADLINE = 5.0  # seconds after which a search stops and answers with what it has

__all__ = [
    "DEFAULT_CACHE_SIZE", "DEFAULT_REQUEST_DEADLINE", "DEFAULT_TIME_BUDGET", "DEFAULT_FACET_LIMIT", "DEFAULT_PAGE_SIZE", "FACETS", "MAX_FACET_LIMIT", "MAX_FACET_VALUES", "MAX_PAGE",
    "MAX_QUERY_CHARS", "PAGE_SIZES", "SORTS", "AliasExpansion", "Capture", "Deadline", "Engine", "EngineError",
    "EntityView", "ErrorKind", "Facet", "FacetValue", "Health", "HistogramBin", "Hit", "IdList", "Mark",
    "RequestTooLarge", "SearchRequest", "SearchResult",
    "ASSOCIATION_MEASURE", "MAX_NETWORK_PER_TYPE", "MIN_TOGETHER", "NETWORK_PER_TYPE", "Associated", "Evidence",
    "EvidenceArticle", "Network", "NetworkEdge", "NetworkNode", "Passage", "Relaxed", "Variant",
]  # fmt: skip


class ErrorKind(str, Enum):
    """Why the engine could not answer as asked."""

    BAD_QUERY = "bad_query"  # not parsed as written: its plain words were searched instead
    REFUSED = "refused"  # not run at all (too many words for a wildcard, nested too deep)
    UNAVAILABLE = "unavailable"  # no index can be read (none yet, damaged, made by an older Quarry)
    TIMED_OUT = "timed_out"  # the request's time ran out; what was found so far is returned
    DAMAGED = "damaged"  # one article's stored record cannot be decoded (the rest of the archive works)


class EngineError(Exception):
    """An engine method that could not answer; ``kind`` says why, ``message`` tells people."""

    def __init__(self, kind: ErrorKind, message: str):
        super().__init__(message)
        self.kind = ErrorKind(kind)
        self.message = message


class Deadline:
    """The time one request may take: made once per request and handed to every phase.

    ``budget`` (seconds, None: none) is soft: optional work (facet counts) is left out once it
    has passed, and the result says which. ``limit`` (seconds, None: none) is hard: past it
    :meth:`check`, which the phases call between steps and inside long loops, raises
    ``EngineError(TIMED_OUT)``, and the search answers with what it has found so far."""

    def __init__(self, budget: float | None = None, limit: float | None = None,
                 clock: Callable[[], float] = time.perf_counter):  # fmt: skip
        self.budget = budget
        self.limit = limit
        self._clock = clock
        self.started = clock()

    def elapsed(self) -> float:
        return self._clock() - self.started

    def expired(self) -> bool:
        """True once the soft budget has passed."""
        return self.budget is not None and self.elapsed() > self.budget

    def check(self) -> None:
        """Raise ``EngineError(TIMED_OUT)`` once the hard limit has passed."""
        if self.limit is not None and self.elapsed() > self.limit:
            raise EngineError(ErrorKind.TIMED_OUT, f"stopped after {self.limit:g} s: results may be incomplete")


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
    # the researcher's own: tags and note on the article (from the annotations database)
    tags: list[str] = field(default_factory=list)
    note: str = ""


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
    query_error: str | None = None  # what went wrong, for people (``error_kind`` says what)
    error_kind: ErrorKind | None = None
    suggestion: str | None = None  # "did you mean"
    elapsed_ms: float = 0.0
    undated: int = 0  # matching articles without a date (not in the histogram)
    # entity aliases of the query: expanded to their entity's other names, or kept as typed
    expansions: list[AliasExpansion] = field(default_factory=list)
    # when nothing was found: the query in words, and what each restriction left out
    understood: str | None = None
    without: list[Relaxed] = field(default_factory=list)

    @property
    def query_refused(self) -> bool:
        """The query was not run at all (the error says why), not re-read."""
        return self.error_kind is ErrorKind.REFUSED

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
            "error_kind": self.error_kind.value if self.error_kind else None,
            "expansions": [e.to_json() for e in self.expansions],
            "understood": self.understood,
            "without": [r.to_json() for r in self.without],
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


@dataclass
class Associated:
    """A name found together with an entity, and how strongly (:mod:`index.association`)."""

    name: str
    together: int  # articles naming both
    count: int  # articles naming it, of those considered
    score: float  # log-likelihood G² (positive: together more often than chance)


@dataclass
class Variant:
    """One way an entity is written, and in how many articles."""

    text: str
    count: int


@dataclass
class IdList:
    """Every article id of a result set, in its order, and the index generation that found them
    (what a collection freezes and a saved search compares)."""

    ids: list[str]
    index_version: str  # "<version>/<generation>"
    query_error: str | None = None  # the query was not run as written (its plain words were)

@dataclass
class EntityView:
    """An entity page: the entity, its other names, its articles and who and what co-occurs."""

    type: str
    name: str  # canonical
    aliases: list[str]
    result: SearchResult  # its articles (the entity is a ``within`` restriction of the search)
    # per entity type, the names most associated with it (not the most frequent), strongest first
    cooccurring: dict[str, list[Associated]] = field(default_factory=dict)
    sites: list[FacetValue] = field(default_factory=list)
    categories: list[FacetValue] = field(default_factory=list)
    considered: int = 0  # articles the association is measured over (the search without it)
    min_together: int = MIN_TOGETHER
    variants: list[Variant] = field(default_factory=list)  # as written, most articles first
    variants_recorded: int = 0  # of its articles, how many recorded how they wrote it
    first_seen: str | None = None  # ISO dates of its earliest and latest dated articles
    last_seen: str | None = None


@dataclass
class NetworkNode:
    type: str
    name: str
    count: int  # articles of the result set naming it


@dataclass
class NetworkEdge:
    source: int  # indexes into Network.nodes
    target: int
    together: int  # articles of the result set naming both
    score: float  # log-likelihood G² over the result set
    pmi: float  # log2(observed / expected), for reference


@dataclass
class Network:
    """The most frequent people, organisations and places of a result set, linked where they
    are named together more often than chance (at least ``min_together`` articles)."""

    request: SearchRequest
    total: int  # articles in the result set
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]  # strongest first
    per_type: int
    min_together: int
    measure: str
    query_error: str | None = None  # the query was not read as written (its plain words were)
    elapsed_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "per_type": self.per_type,
            "min_together": self.min_together,
            "measure": self.measure,
            "query_error": self.query_error,
            "nodes": [{"id": i, **asdict(n)} for i, n in enumerate(self.nodes)],
            "edges": [asdict(e) for e in self.edges],
        }


@dataclass
class Passage:
    """One sentence naming both entities of an evidence page, and where each is named."""

    text: str
    marks: list[Mark]  # (start, end, type, canonical name) within ``text``


@dataclass
class EvidenceArticle:
    hit: Hit
    passages: list[Passage]  # in text order
    more: int = 0  # further sentences naming both, not shown


@dataclass
class Evidence:
    """Why two entities are linked: the articles of a result set naming both (one page of
    them), each with the sentences that name both."""

    a: tuple[str, str]  # (type, canonical name)
    b: tuple[str, str]
    result: SearchResult  # the articles naming both, paged like a search
    articles: list[EvidenceArticle]
    considered: int  # articles in the request's result set
    a_count: int  # of those, naming a
    b_count: int
    score: float  # log-likelihood G² of the pair over the result set


@dataclass
class Health:
    """Whether the archive can be searched, and what it holds."""

    articles: int
    index_version: str | None  # "<version>/<generation>"
    error: str | None = None  # why it cannot be searched, for people
    error_kind: ErrorKind | None = None
    notes: list[str] = field(default_factory=list)  # works, but worth knowing (slower readers)
    # stored articles the index does not hold yet (an interrupted ingest's, or a writer's at work)
    unindexed: int = 0
    writing: bool = False  # a writer (ingest, rebuild) is at work on the archive

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Capture:
    """A page exactly as captured: its bytes, and decoded to text."""

    text: str
    kind: str  # "html" or "text"
    raw: bytes = b""  # the bytes as captured (a download: never rendered)


Mark = tuple[int, int, str, str]  # (start, end, entity type, canonical name) within a paragraph


@runtime_checkable
class Engine(Protocol):
    """What the web app and the CLI may ask of a search engine."""

    def search(self, req: SearchRequest, deadline: Deadline | None = None) -> SearchResult:
        """One page of results with exact facet counts and a histogram; never raises for a bad,
        refused or timed-out query or an unavailable index (``error_kind`` says which)."""

    def article(self, article_id: str) -> Article | None:
        """The stored article (None: no such article, or nothing stored yet); EngineError
        (DAMAGED) when its stored record cannot be decoded, (UNAVAILABLE) when the store cannot
        be read."""

    def paragraph_marks(self, article: Article) -> list[list[Mark]]:
        """Where the article's entities occur, per body paragraph."""

    def similar(self, article_id: str, limit: int = 8) -> list[Hit]:
        """Articles like this one (empty when the index cannot be read)."""

    def entity(self, etype: str, name: str, req: SearchRequest | None = None) -> EntityView | None:
        """An entity by any of its names (None: no such entity); EngineError(UNAVAILABLE)."""

    def network(self, req: SearchRequest, per_type: int = NETWORK_PER_TYPE,
                min_together: int = MIN_TOGETHER) -> Network:  # fmt: skip
        """The entity network of the result set of ``req``; EngineError (UNAVAILABLE, REFUSED)."""

    def evidence(self, req: SearchRequest, a: tuple[str, str], b: tuple[str, str]) -> Evidence | None:
        """The articles of the result set of ``req`` naming both entities (``req.page``), with
        the sentences naming both (None: either is not in the archive); EngineError as network."""

    def export_rows(self, req: SearchRequest) -> Iterator[Article]:
        """The whole result set of ``req`` in its order, streamed, no cap. Raises EngineError
        (UNAVAILABLE, REFUSED) before the first row, never while streaming."""

    def result_ids(self, req: SearchRequest) -> IdList:
        """Every article id of ``req``'s result set in its order (no cap, no articles read).
        Raises EngineError (UNAVAILABLE, REFUSED) like ``export_rows``."""

    def captures(self, article: Article) -> list[bool]:
        """For each of the article's sources: is its captured page kept?"""

    def capture(self, article_id: str, n: int) -> Capture | None:
        """The page of the article's ``n``-th source as captured, bytes and text (None: not
        kept)."""

    def health(self) -> Health:
        """Whether the archive can be searched, and how many articles it holds."""
