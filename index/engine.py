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
import time
from pathlib import Path

import numpy as np

from quarry.archive.captures import capture_path, read_capture
from quarry.archive.datadir import DataDir
from quarry.archive.decode import decode_bytes
from quarry.archive.lock import writer_running
from quarry.archive.model import Article
from quarry.archive.store import Store, StoreError

from . import explain, filters, ranking
from . import facets as facet_counts
from .annotated import Annotated
from .api import (
    DEFAULT_CACHE_SIZE,
    DEFAULT_REQUEST_DEADLINE,
    DEFAULT_TIME_BUDGET,
    Capture,
    Deadline,
    EngineError,
    ErrorKind,
    Health,
    Hit,
    Mark,
    SearchRequest,
    SearchResult,
)
from .arraymatch import POSTINGS_CACHE_BYTES, TooManyTerms
from .build import read_meta, unindexed
from .cache import LRUCache
from .columns import Columns
from .failures import REFUSALS, index_failed, refused, store_failed
from .generations import Generation, Generations
from .plan import Parsed, Plan, parse, prepare
from .result_sets import ResultSets
from .similar import similar_ids
from .snippets import Marks
from .suggest import suggest


class Archive(ResultSets):
    """One archive (a data directory), opened lazily and reopened when its index changes."""

    def __init__(self, data_dir: DataDir | Path, cache_size: int = DEFAULT_CACHE_SIZE,
                 time_budget: float | None = DEFAULT_TIME_BUDGET,
                 request_deadline: float | None = DEFAULT_REQUEST_DEADLINE):  # fmt: skip
        self.data_dir = DataDir.of(data_dir)
        self.time_budget = time_budget
        self.request_deadline = request_deadline  # the hard limit of each request's Deadline
        # per generation: parsed queries, and a query's matches and scores (no caches: all cold)
        self._parsed = LRUCache(cache_size)
        self._matches = LRUCache(cache_size)
        self._similar = LRUCache(cache_size)  # article id -> the ids of its similar articles
        self._generations = Generations(self.data_dir, POSTINGS_CACHE_BYTES if cache_size else 0)
        self._local = threading.local()
        self._authority = None
        self._annotated = Annotated(self.data_dir)  # the researcher's tags, notes and collections
        self._unindexed_at: tuple = (None, 0)  # (generation and store generation, count)

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
        health = Health(int(gen.columns.live.sum()), f"{gen.version_dir.name}/{gen.generation}", notes=notes)
        try:
            health.unindexed = self._unindexed(gen)
        except StoreError as exc:
            failed = store_failed(exc)
            health.error, health.error_kind = failed.message, failed.kind
        health.writing = bool(health.unindexed) and writer_running(self.data_dir.root) is not None
        return health

    def _unindexed(self, gen: Generation) -> int:
        """Stored articles the generation lacks (counted once per store generation)."""
        store = self._store()
        if store is None:
            return 0
        key = (gen.key, store.generation)
        if self._unindexed_at[0] != key:
            self._unindexed_at = (key, unindexed(store, read_meta(gen.version_dir)))
        return self._unindexed_at[1]

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

    def deadline(self) -> Deadline:
        """A new request's deadline: the time budget (soft) and the request deadline (hard)."""
        return Deadline(self.time_budget, self.request_deadline)

    def search(self, req: SearchRequest, deadline: Deadline | None = None) -> SearchResult:
        started = time.perf_counter()
        result = SearchResult(request=req, total=0, hits=[])
        try:
            # one generation (reader, searcher and columns) serves the whole request
            gen = self._generations.current()
            # what every request shares (a generation opened, the entity authority loaded: seconds
            # on a busy machine, once) is set up before this request's own time starts
            self.authority  # noqa: B018 - loaded now, outside the deadline
            deadline = deadline or self.deadline()
            self._search(gen, req, deadline, result)
        except EngineError as exc:  # unavailable, or timed out: what was found so far stands
            result.query_error, result.error_kind = exc.message, exc.kind
        except REFUSALS as exc:  # not run at all: counts over part of it would mislead
            _failed(result, refused(exc), counted=False)
        except StoreError as exc:
            _failed(result, store_failed(exc))
        except Exception:  # noqa: BLE001 - a damaged index file fails in whatever reads it
            _failed(result, index_failed(f"search for {req.q!r}"), counted=False)
        result.elapsed_ms = (time.perf_counter() - started) * 1000
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
            result.suggestion = suggest(gen, req.q, self._readable_article)
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
        try:
            store = self._store()
            return store.get(article_id) if store is not None else None
        except StoreError as exc:  # one damaged record, or the whole store
            raise store_failed(exc) from exc

    def _readable_article(self, article_id: str) -> Article | None:
        """The article, or None when its record cannot be read (for optional work)."""
        try:
            return self.article(article_id)
        except EngineError:
            return None

    def paragraph_marks(self, article: Article) -> list[list[Mark]]:
        from quarry.archive.entities.annotate import paragraph_marks

        return paragraph_marks(article, self.authority)

    def similar(self, article_id: str, limit: int = 8) -> list[Hit]:
        try:
            return self._similar_hits(article_id, limit)
        except EngineError:
            return []
        except Exception:  # noqa: BLE001 - "more like this" is optional; a damaged index is logged
            index_failed(f"similar articles of {article_id}")
            return []

    def _similar_hits(self, article_id: str, limit: int) -> list[Hit]:
        gen = self._generations.current()
        key = (gen.key, article_id, limit)
        ids = self._similar.get(key)
        if ids is None:
            article = self.article(article_id)
            ids = similar_ids(gen, article, limit) if article is not None else []
            self._similar.put(key, ids)
        store = self._store()
        found = store.get_many(ids) if store is not None and ids else {}
        return [_hit(found[i], gen.highlighter.snippet(found[i]), None) for i in ids if i in found]

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
        return Capture(decode_bytes(content, None, is_html=kind == "html"), kind, content)


def _failed(result: SearchResult, error: EngineError, counted: bool = True) -> None:
    """The result says why it could not be had as asked (with ``counted``, what was found stands)."""
    if not counted:
        result.total, result.hits, result.facets, result.histogram = 0, [], [], []
    result.query_error, result.error_kind = error.message, error.kind


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

