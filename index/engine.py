"""The engine over one local archive: :class:`Archive` implements :class:`index.api.Engine`.

A search travels through the phases in order, each in its own module, all on one generation
(:mod:`index.generations`) and under one :class:`~index.api.Deadline`: the query is parsed and
walked once (:mod:`index.plan`), matched and scored over posting arrays (:mod:`index.arraymatch`),
filtered (:mod:`index.filters`), ordered and paged (:mod:`index.ranking`), marked
(:mod:`index.snippets`), counted (:mod:`index.facets`) and, when nothing matched, corrected
(:mod:`index.suggest`). Articles themselves come from the store.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from quarry.archive.captures import capture_path, read_capture
from quarry.archive.datadir import DataDir
from quarry.archive.decode import decode_bytes
from quarry.archive.model import Article
from quarry.archive.store import Store

from . import explain, filters, ranking
from . import facets as facet_counts
from .annotated import Annotated
from .api import (
    ASSOCIATION_MEASURE,
    DEFAULT_CACHE_SIZE,
    DEFAULT_TIME_BUDGET,
    MAX_NETWORK_PER_TYPE,
    MIN_TOGETHER,
    NETWORK_PER_TYPE,
    Capture,
    Deadline,
    EngineError,
    EntityView,
    ErrorKind,
    Evidence,
    Health,
    Hit,
    IdList,
    Mark,
    Network,
    SearchRequest,
    SearchResult,
)
from .arraymatch import POSTINGS_CACHE_BYTES, TooManyTerms
from .cache import LRUCache
from .columns import Columns
from .entity_page import entity_view
from .evidence import evidence_page, resolve
from .generations import Generation, Generations
from .network import entity_network
from .plan import Parsed, Plan, parse, prepare
from .similar import similar_ids
from .snippets import Marks
from .suggest import suggest

EXPORT_BATCH = 500


class Archive:
    """One archive (a data directory), opened lazily and reopened when its index changes."""

    def __init__(self, data_dir: DataDir | Path, cache_size: int = DEFAULT_CACHE_SIZE,
                 time_budget: float | None = DEFAULT_TIME_BUDGET):  # fmt: skip
        self.data_dir = DataDir.of(data_dir)
        self.time_budget = time_budget
        # per generation: parsed queries, and a query's matches and scores (no caches: all cold)
        self._parsed = LRUCache(cache_size)
        self._matches = LRUCache(cache_size)
        self._similar = LRUCache(cache_size)  # article id -> the ids of its similar articles
        self._generations = Generations(self.data_dir, POSTINGS_CACHE_BYTES if cache_size else 0)
        self._local = threading.local()
        self._authority = None
        self._annotated = Annotated(self.data_dir)  # the researcher's tags, notes and collections

    # -- what stays the same for every generation --------------------------------------------

    def _store(self) -> Store | None:
        """This thread's read-only connection to the store (None: nothing stored yet)."""
        store = getattr(self._local, "store", None)
        if store is None:
            if not self.data_dir.store.exists():
                return None
            store = self._local.store = Store(self.data_dir.store, readonly=True)
        return store

    @property
    def authority(self):
        """The entity authority (None when it cannot be loaded: search works without aliases)."""
        if self._authority is None:
            try:
                from quarry.archive.entities import get_authority

                self._authority = get_authority(self.data_dir.root)
            except Exception:  # noqa: BLE001 - search works without entity aliases
                self._authority = False
        return self._authority if self._authority is not False else None

    def generation(self) -> Generation:
        """The current index generation (EngineError(UNAVAILABLE) when none can be read); for
        tools and tests that look inside, not part of the engine contract."""
        return self._generations.current()

    def parse_query(self, q: str, as_typed: tuple[str, ...] = ()) -> Parsed:
        """A query text as the current generation parses and walks it (tools and tests)."""
        gen = self.generation()
        return parse(q, gen.schema, self.authority, _vocab_resolver(gen), gen.languages, as_typed)

    def health(self) -> Health:
        try:
            gen = self._generations.current()
        except EngineError as exc:
            return Health(0, None, exc.message, exc.kind)
        notes = []
        if not gen.postings.fast:
            notes.append(f"postings are read through Whoosh's own (slower) readers: {gen.postings.reason}")
        if self._annotated.problem:
            notes.append(self._annotated.problem)
        return Health(int(gen.columns.live.sum()), f"{gen.version_dir.name}/{gen.generation}", notes=notes)

    # -- searching ---------------------------------------------------------------------------

    def _plan(self, gen: Generation, req: SearchRequest) -> Plan:
        """The request with its query parsed and walked (once per generation and query text)."""

        def parse_query(q: str, as_typed: tuple[str, ...]) -> Parsed:
            key = (gen.key, q, as_typed)
            found = self._parsed.get(key)
            if found is None:
                found = parse(q, gen.schema, self.authority, _vocab_resolver(gen), gen.languages, as_typed)
                self._parsed.put(key, found)
            return found

        return prepare(req, parse_query)

    def _match(self, gen: Generation, plan: Plan, deadline: Deadline,
               columns: Columns) -> tuple[np.ndarray, np.ndarray | None]:  # fmt: skip
        """The query's matching documents and their scores (None when browsing)."""
        if plan.parsed is None:
            return gen.columns.live.copy(), None
        walk = plan.parsed.walk
        # tag: and note: clauses match differently once the annotations change
        key = (gen.key, plan.parsed.text, self._annotated.revision() if walk.annotated else None)
        cached = self._matches.get(key)
        if cached is not None:
            return cached
        resolve = self._annotated.resolver(columns)
        with gen.lock:
            mask, scores = gen.matcher.evaluate(walk, deadline, resolve)  # may raise TooManyTerms
        mask = mask & gen.columns.live
        scores = scores.astype(np.float32)  # half the memory in the cache; ties order by docnum
        mask.flags.writeable = False  # shared through the cache
        scores.flags.writeable = False
        self._matches.put(key, (mask, scores))
        return mask, scores

    def search(self, req: SearchRequest, deadline: Deadline | None = None) -> SearchResult:
        deadline = deadline or Deadline(self.time_budget)
        result = SearchResult(request=req, total=0, hits=[])
        try:
            # one generation (reader, searcher and columns) serves the whole request
            gen = self._generations.current()
            self._search(gen, req, deadline, result)
        except EngineError as exc:  # unavailable, or timed out: what was found so far stands
            result.query_error, result.error_kind = exc.message, exc.kind
        except (RecursionError, TooManyTerms) as exc:
            # not run at all: counts over some of a wildcard's words would mislead
            result.total, result.hits, result.facets, result.histogram = 0, [], [], []
            result.query_error, result.error_kind = _refusal(exc), ErrorKind.REFUSED
        result.elapsed_ms = deadline.elapsed() * 1000
        return result

    def _select(self, gen: Generation, plan: Plan, deadline: Deadline):
        """The columns (with the researcher's tags), scores, and masks of the result set: ``base``
        (query and every filter but the facet selections), ``includes`` (per facet), ``final``,
        and the query's matches and the collection's mask (None: every article) on their own."""
        req = plan.request
        columns = self._annotated.columns(gen.key, gen.columns)
        qmask, scores = self._match(gen, plan, deadline, columns)
        deadline.check()
        includes, other = filters.masks(columns, req, req.within)
        allowed = self._annotated.restriction(gen.key, columns, req)  # a collection, an id set
        if allowed is not None:
            other &= allowed
        base = qmask & other
        return columns, scores, base, includes, filters.all_of(base, list(includes.values())), qmask, allowed

    def _search(self, gen: Generation, shown: SearchRequest, deadline: Deadline, result: SearchResult) -> None:
        """The phases of one search, each adding to ``result``."""
        plan = self._plan(gen, shown)
        req = plan.request
        if plan.error:
            result.query_error, result.error_kind = plan.error, ErrorKind.BAD_QUERY
        if plan.parsed is not None:
            result.expansions = list(plan.parsed.aliases)
        columns, scores, base, includes, final, qmask, allowed = self._select(gen, plan, deadline)
        result.total = int(final.sum())
        self._page(gen, plan, scores, final, deadline, result.hits)
        deadline.check()
        if req.with_facets:
            result.facets = facet_counts.count(columns, req, base, includes, deadline)
        if req.with_histogram:
            result.histogram, result.undated = facet_counts.histogram(columns, final)
        annotated = plan.parsed is not None and plan.parsed.walk.annotated
        if result.total == 0 and plan.parsed is not None and not plan.error and not annotated:
            deadline.check()
            result.suggestion = suggest(gen, req.q, self.article)
        if result.total == 0 and not deadline.expired():  # why: the query in words, each filter's cost
            matched = None if plan.parsed is None else qmask
            result.understood, result.without = explain.why_nothing(gen.schema, plan, columns, matched, includes, allowed)

    def _page(self, gen: Generation, plan: Plan, scores, final: np.ndarray, deadline: Deadline,
              hits: list[Hit]) -> None:  # fmt: skip
        """Add the requested page's hits to ``hits`` (those made before a deadline stay)."""
        req = plan.request
        docnums, values = ranking.page(gen.columns, req.sort, scores, final, req.page, req.page_size)
        ids = [gen.columns.ids[d] for d in docnums]
        store = self._store()
        articles = store.get_many(ids) if store is not None else {}
        marks = self._marks(gen, plan) if req.with_snippets else Marks()
        for n, aid in enumerate(ids):
            article = articles.get(aid)
            if article is None:
                continue
            deadline.check()
            snippet = also = ""
            if req.with_snippets:
                snippet = gen.highlighter.snippet(article, marks)
                also = gen.highlighter.also_titled(article, marks)
            hits.append(_hit(article, snippet, values[n] if values else None, also))
        self._annotated.decorate(hits)

    def _marks(self, gen: Generation, plan: Plan) -> Marks:
        """What to mark per text field: the walk's words (with its wildcards' words added), its
        phrases and the entities it searched."""
        if plan.parsed is None:
            return Marks()
        walk = plan.parsed.walk
        marks = {name: set(words) for name, words in walk.marks.items()}
        try:
            with gen.lock:
                for node in walk.expansions:  # the matcher's own (cached) expansion
                    name = "body" if node.field == "title" else node.field
                    if name == "body" or name.startswith("text_"):
                        words = (gen.postings.decode(node.field, w) for w in gen.matcher.expand(node))
                        marks.setdefault(name, set()).update(words)
        except TooManyTerms:
            pass  # marking is best effort
        return Marks({name: frozenset(w) for name, w in marks.items()}, walk.phrases, walk.entities)

    # -- articles ----------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        if not isinstance(article_id, str) or len(article_id) > 64:
            return None
        store = self._store()
        return store.get(article_id) if store is not None else None

    def paragraph_marks(self, article: Article) -> list[list[Mark]]:
        from quarry.archive.entities.annotate import paragraph_marks

        return paragraph_marks(article, self.authority)

    def similar(self, article_id: str, limit: int = 8) -> list[Hit]:
        try:
            gen = self._generations.current()
        except EngineError:
            return []
        key = (gen.key, article_id, limit)
        ids = self._similar.get(key)
        if ids is None:
            article = self.article(article_id)
            ids = similar_ids(gen, article, limit) if article is not None else []
            self._similar.put(key, ids)
        store = self._store()
        found = store.get_many(ids) if store is not None and ids else {}
        return [_hit(found[i], gen.highlighter.snippet(found[i]), None) for i in ids if i in found]

    def _result_set(
        self, gen: Generation, req: SearchRequest
    ) -> tuple[Plan, Columns, np.ndarray, np.ndarray | None]:
        """Every article ``req`` matches, as a mask over the columns (with the researcher's tags),
        with the plan and the scores; EngineError (REFUSED) for a query that cannot be run."""
        try:
            plan = self._plan(gen, req)
            columns, scores, _, _, final, _, _ = self._select(gen, plan, Deadline())
        except (RecursionError, TooManyTerms) as exc:
            raise EngineError(ErrorKind.REFUSED, _refusal(exc)) from exc
        return plan, columns, final, scores

    def entity(self, etype: str, name: str, req: SearchRequest | None = None) -> EntityView | None:
        gen = self._generations.current()
        return entity_view(gen.columns, self.authority, etype, name, req or SearchRequest(sort="newest"),
                           self.search, lambda r: self._result_set(gen, r)[2], MIN_TOGETHER)  # fmt: skip

    def network(self, req: SearchRequest, per_type: int = NETWORK_PER_TYPE,
                min_together: int = MIN_TOGETHER) -> Network:  # fmt: skip
        deadline = Deadline()
        gen = self._generations.current()
        plan, _, final, _ = self._result_set(gen, req)
        per_type = min(max(int(per_type), 1), MAX_NETWORK_PER_TYPE)
        min_together = max(int(min_together), 1)
        nodes, edges = entity_network(gen.columns, final, per_type, min_together)
        return Network(req, int(final.sum()), nodes, edges, per_type, min_together, ASSOCIATION_MEASURE,
                       plan.error, deadline.elapsed() * 1000)  # fmt: skip

    def evidence(self, req: SearchRequest, a: tuple[str, str], b: tuple[str, str]) -> Evidence | None:
        gen = self._generations.current()
        a, b = resolve(gen.columns, a), resolve(gen.columns, b)
        if a is None or b is None:
            return None
        _, _, final, _ = self._result_set(gen, req)
        store = self._store()
        return evidence_page(gen.columns, final, req, a, b, self.search,
                             lambda ids: store.get_many(ids) if store is not None else {},
                             self.authority)  # fmt: skip

    def export_rows(self, req: SearchRequest) -> Iterator[Article]:
        return self._stream(self.result_ids(req).ids)

    def result_ids(self, req: SearchRequest) -> IdList:
        gen = self._generations.current()
        plan, columns, final, scores = self._result_set(gen, req)
        docnums, _ = ranking.ordered(columns, plan.request.sort, scores, final, None)
        return IdList([columns.ids[d] for d in docnums], f"{gen.version_dir.name}/{gen.generation}", plan.error)

    def _stream(self, ids: list[str]) -> Iterator[Article]:
        """The articles of ``ids`` in order, read from the store in batches."""
        for start in range(0, len(ids), EXPORT_BATCH):
            store = self._store()  # the thread streaming a response may not be the one that began it
            chunk = ids[start : start + EXPORT_BATCH]
            found = store.get_many(chunk) if store is not None else {}
            for aid in chunk:
                if aid in found:
                    yield found[aid]

    # -- captured pages ----------------------------------------------------------------------

    def captures(self, article: Article) -> list[bool]:
        return [_is_file(capture_path(self.data_dir, p.content_hash)) for p in article.provenance]

    def capture(self, article_id: str, n: int) -> Capture | None:
        article = self.article(article_id)
        if article is None or not 0 <= n < len(article.provenance):
            return None
        source = article.provenance[n]
        content = read_capture(self.data_dir, source.content_hash)
        if content is None:
            return None
        kind = "html" if source.format.split(".")[0] in ("html", "warc", "arc") else "text"
        return Capture(decode_bytes(content, None, is_html=kind == "html"), kind)


def _refusal(exc: RecursionError | TooManyTerms) -> str:
    """Why a query is not run: a wildcard standing for too many words, or a query nested or
    chained beyond what the parser and matcher can recurse."""
    return str(exc) if isinstance(exc, TooManyTerms) else "the query is too deeply nested to run; simplify it"


def _is_file(path: Path | None) -> bool:
    return path is not None and path.is_file()


def _vocab_resolver(gen: Generation):
    """Resolves a facet value case-insensitively to the value as indexed (for ``field:value``)."""
    columns = gen.columns

    def resolve(field_name: str, value: str) -> str | None:
        col = columns.fields.get(field_name)
        if col is None:
            return None
        ids = col.ids_of([value])
        return col.vocab[ids[0]] if ids else None

    return resolve


def _hit(article: Article, snippet: str, score: float | None, also_titled: str = "") -> Hit:
    ents = article.entities.as_dict()
    return Hit(
        id=article.id,
        title=article.title,
        also_titled=also_titled,
        date=article.published_iso,
        url=article.url,
        site=article.site,
        authors=article.authors,
        categories=article.categories,
        snippet=snippet,
        entities={t: names[:5] for t, names in ents.items()},
        score=score,
    )

