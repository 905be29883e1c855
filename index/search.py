"""The search API: a request in, results with exact facet counts and a histogram out.

The full-text part runs on Whoosh's index, matched and scored over whole posting lists as
arrays (:mod:`index.arraymatch`); filters, facet counts, the date histogram and date sorting run
over per-generation value columns (:mod:`index.columns`), so counts are exact and cheap.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.searching import Searcher

from quarry.archive.model import Article
from quarry.archive.store import Store

from . import query as qp
from .api import (
    DEFAULT_FACET_LIMIT,
    FACETS,
    Facet,
    FacetValue,
    HistogramBin,
    Hit,
    SearchRequest,
    SearchResult,
)
from .arraymatch import POSTINGS_CACHE_BYTES, ArrayMatcher, TooManyTerms, expands, leaves_of
from .build import INDEX_NAME, columns_path, current_version, store_path
from .columns import Columns, build_columns, load_columns, save_columns
from .schema import LANGUAGE_FIELDS, language_field
from .snippets import WordMatcher, kwic, snippet

SNIPPET_CHARS = 300
HIGHLIGHT_WINDOW = 3000
FACET_TIME_BUDGET_S = 2.0


class ArchiveUnavailable(Exception):
    """No index can be opened (none built yet, or damaged): run ``quarry rebuild``."""


MAX_QUERY_CHARS = 2000


def _generation_of(reader, ix) -> int:
    generation = reader.generation()
    return ix.latest_generation() if generation is None else generation


@dataclass
class EntityView:
    type: str
    name: str
    aliases: list[str]
    result: SearchResult
    cooccurring: dict[str, list[FacetValue]] = field(default_factory=dict)
    sites: list[FacetValue] = field(default_factory=list)
    categories: list[FacetValue] = field(default_factory=list)


@dataclass
class _State:
    version_dir: Path
    generation: int
    ix: object
    columns: Columns
    languages: tuple[str, ...] = ()  # language text fields that hold documents
    # read once at open: ``ix.schema`` re-reads the newest TOC file, which a writer's commit
    # may delete between listing and opening it (FileNotFoundError mid-request)
    schema: object = None
    # one searcher per generation, on the very reader the columns were built from, shared by
    # all threads under a lock: Whoosh is pure Python, so threads could not run it in parallel
    # anyway, and a searcher per thread would map the whole index once per thread
    searcher: object = None
    lock: object = field(default_factory=threading.RLock)
    matcher: ArrayMatcher | None = None  # over ``searcher``: use it only while holding ``lock``
    words: dict = field(default_factory=dict)  # text field -> its snippet WordMatcher


class Archive:
    """One archive (a data directory), opened lazily and reopened when its index changes."""

    def __init__(self, data_dir: Path, facet_time_budget: float = FACET_TIME_BUDGET_S,
                 cache_size: int = 128):
        self.data_dir = Path(data_dir)
        self.facet_time_budget = facet_time_budget
        # per index generation: a query's matches and scores. Researchers click facets, page
        # and export the same query over and over; only the first pays.
        self._matches = LRUCache(cache_size)
        self._postings_cache_bytes = POSTINGS_CACHE_BYTES if cache_size else 0  # no caches: all cold
        self._similar = LRUCache(cache_size)  # article id -> the ids of its similar articles
        self._lock = threading.Lock()
        self._state: _State | None = None
        self._local = threading.local()
        self._authority = None

    # -- opening -----------------------------------------------------------------------------

    def _current(self) -> _State:
        version_dir = current_version(self.data_dir)
        if version_dir is None:
            raise ArchiveUnavailable("no index yet: run `quarry rebuild` (or `quarry ingest PATH`)")
        state = self._state
        if state is not None and state.version_dir == version_dir:
            try:
                if state.ix.latest_generation() == state.generation:
                    return state
            except OSError:
                pass
        with self._lock:
            try:
                ix = whoosh_index.open_dir(str(version_dir), indexname=INDEX_NAME)
                # one reader pins the generation: the columns must describe exactly the
                # documents it reads (a writer may commit a newer generation meanwhile)
                reader = ix.reader()
                try:
                    generation = _generation_of(reader, ix)
                    path = columns_path(version_dir, generation)
                    if path.exists():
                        columns = load_columns(path)
                    else:
                        columns = build_columns(reader)
                        try:
                            save_columns(columns, path)
                        except OSError:
                            pass
                    languages = tuple(f for f in LANGUAGE_FIELDS if reader.field_length(f))
                    schema = reader.schema or ix.schema
                    searcher = Searcher(reader, fromindex=ix)
                    matcher = ArrayMatcher(searcher, columns.ndocs, self._postings_cache_bytes)
                except BaseException:
                    reader.close()
                    raise
            except ArchiveUnavailable:
                raise
            except Exception as exc:  # noqa: BLE001
                raise ArchiveUnavailable(
                    f"the index at {version_dir} cannot be read ({type(exc).__name__}: {exc}); "
                    "run `quarry rebuild`"
                ) from exc
            self._state = _State(version_dir, generation, ix, columns, languages, schema, searcher,
                                 matcher=matcher)
            return self._state

    def _searcher(self, state: _State):
        """The generation's shared searcher; use it only while holding ``state.lock``."""
        return state.searcher

    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            path = store_path(self.data_dir)
            if not path.exists():
                raise ArchiveUnavailable("no store yet: run `quarry ingest PATH`")
            store = Store(path, readonly=True)
            self._local.store = store
        return store

    @property
    def authority(self):
        if self._authority is None:
            try:
                from quarry.archive.entities import get_authority

                self._authority = get_authority(self.data_dir)
            except Exception:  # noqa: BLE001 - search works without entity aliases
                self._authority = False
        return self._authority if self._authority is not False else None

    def stats(self) -> dict:
        try:
            state = self._current()
        except ArchiveUnavailable as exc:
            return {"articles": 0, "index_version": None, "error": str(exc)}
        return {
            "articles": int(state.columns.live.sum()),
            "index_version": f"{state.version_dir.name}/{state.generation}",
        }

    # -- searching ---------------------------------------------------------------------------

    def _vocab_resolver(self, columns: Columns):
        def resolve(field_name: str, value: str) -> str | None:
            col = columns.fields.get(field_name)
            if col is None:
                return None
            ids = col.ids_of([value])
            return col.vocab[ids[0]] if ids else None

        return resolve

    def _match(self, state: _State, req: SearchRequest):
        """The query's matching documents as a mask and their scores (None when browsing),
        the parsed query (None: browse) and its error."""
        columns = state.columns
        if req.is_browse:
            return columns.live.copy(), None, None, None
        # the same cap as SearchRequest.from_args: the parsers' regexes are quadratic in the
        # length of one word (a 100k-character query would hold a thread for minutes)
        parsed = qp.parse(req.q[:MAX_QUERY_CHARS], state.schema, self.authority, self._vocab_resolver(columns),
                          state.languages)
        key = (state.version_dir, state.generation, parsed.text)
        cached = self._matches.get(key)
        if cached is not None:
            return cached[0], cached[1], parsed, parsed.error
        with state.lock:
            mask, scores = state.matcher.evaluate(parsed.query)  # may raise TooManyTerms
        mask = mask & columns.live
        scores = scores.astype(np.float32)  # half the memory in the cache; ties order by docnum
        mask.flags.writeable = False  # shared through the cache
        scores.flags.writeable = False
        self._matches.put(key, (mask, scores))
        return mask, scores, parsed, parsed.error

    def _filter_masks(self, columns: Columns, req: SearchRequest,
                      within: tuple[str, str] | None = None) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Per-facet include masks (OR within a facet) and one mask of excludes, dates and
        the ``within`` constraint (an entity page's entity, ANDed with everything)."""
        includes = {}
        for name, values in req.filters.items():
            col = columns.fields.get(name)
            if col is None:
                continue
            includes[name] = col.docs_with_any(col.ids_of(values), columns.ndocs)
        other = np.ones(columns.ndocs, dtype=bool)
        if within is not None:
            col = columns.fields[within[0]]
            other &= col.docs_with_any(col.ids_of([within[1]]), columns.ndocs)
        for name, values in req.excludes.items():
            col = columns.fields.get(name)
            if col is not None:
                other &= ~col.docs_with_any(col.ids_of(values), columns.ndocs)
        if req.date_from:
            other &= columns.day >= _ordinal(req.date_from, start=True)
        if req.date_to:
            other &= (columns.day <= _ordinal(req.date_to, start=False)) & (columns.day >= 0)
        return includes, other

    def search(self, req: SearchRequest, within: tuple[str, str] | None = None) -> SearchResult:
        """Run a search; ``within=(facet, value)`` restricts it to articles with that value."""
        t0 = time.perf_counter()
        within = within or req.within
        try:
            state = self._current()
        except ArchiveUnavailable as exc:
            return SearchResult(request=req, total=0, hits=[], query_error=str(exc))
        try:
            # one state (reader, searcher and columns of one generation) serves the whole request
            return self._search(state, req, within, t0)
        except RecursionError:
            # a query nested or chained beyond what the parser and matchers can recurse
            return SearchResult(request=req, total=0, hits=[], query_refused=True,
                                query_error="the query is too deeply nested to run; simplify it")
        except TooManyTerms as exc:
            # no partial answer: counts over some of a wildcard's words would mislead
            return SearchResult(request=req, total=0, hits=[], query_error=str(exc), query_refused=True)

    def _search(self, state: _State, req: SearchRequest, within, t0: float) -> SearchResult:
        shown = req
        req = _date_range_as_filter(req)
        columns = state.columns
        qmask, scores, parsed, error = self._match(state, req)
        includes, other = self._filter_masks(columns, req, within)
        base = qmask & other
        final = base.copy()
        for mask in includes.values():
            final &= mask
        total = int(final.sum())
        result = SearchResult(request=shown, total=total, hits=[], query_error=error)
        result.hits = self._page(state, req, parsed, scores, final)
        if req.with_facets:
            result.facets = self._facets(columns, req, base, includes, t0)
        if req.with_histogram:
            result.histogram, result.undated = self._histogram(columns, final)
        if total == 0 and parsed is not None and not error:
            with state.lock:
                result.suggestion = self._suggest(state, req.q)
        result.elapsed_ms = (time.perf_counter() - t0) * 1000
        return result

    def _ordered(self, state: _State, req: SearchRequest, scores: np.ndarray | None, final: np.ndarray,
                 limit: int | None):
        """Docnums of the result set in the requested order (with scores for relevance)."""
        docs = np.flatnonzero(final)
        if req.sort == "relevance" and scores is not None:
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
        day = state.columns.day[docs].astype(np.int64)
        if req.sort == "oldest":
            key = np.where(day < 0, np.iinfo(np.int64).max, day)
            order = np.lexsort((docs, key))
        else:
            order = np.lexsort((-docs, -day))
        ordered = docs[order]
        if limit is not None:
            ordered = ordered[:limit]
        return ordered.tolist(), None

    def _page(self, state: _State, req: SearchRequest, parsed, scores: np.ndarray | None,
              final: np.ndarray) -> list[Hit]:
        start = (req.page - 1) * req.page_size
        docnums, scores = self._ordered(state, req, scores, final, start + req.page_size)
        docnums = docnums[start:]
        scores = scores[start:] if scores else None
        ids = [state.columns.ids[d] for d in docnums]
        articles = self.store().get_many(ids)
        terms = self._terms(state, parsed) if req.with_snippets else {}
        hits = []
        for n, aid in enumerate(ids):
            article = articles.get(aid)
            if article is None:
                continue
            snippet = also = ""
            if req.with_snippets:
                snippet = self._snippet(state, article, terms)
                also = self._also_titled(state, article, terms) if article.other_titles else ""
            hits.append(_hit(article, snippet, scores[n] if scores else None, also))
        return hits

    def _terms(self, state: _State, parsed) -> dict[str, set[str]]:
        """The query's terms as they are indexed, per text field (wildcards expanded)."""
        terms: dict[str, set[str]] = {}
        if parsed is None:
            return terms
        reader = self._searcher(state).reader()
        try:
            found: list[tuple[str, bytes | str]] = []
            with state.lock:
                for leaf in leaves_of(parsed.query):
                    if expands(leaf):
                        # the matcher's own (cached) expansion, not Whoosh's second one
                        found += [(leaf.field(), t) for t in state.matcher.expand(leaf)]
                    else:
                        found += leaf.existing_terms(reader)
            for fieldname, text in found:
                if fieldname in ("title", "body") or fieldname.startswith("text_"):
                    word = text.decode("utf-8") if isinstance(text, bytes) else text
                    terms.setdefault("body" if fieldname == "title" else fieldname, set()).add(word)
        except Exception:  # noqa: BLE001 - highlighting is best effort
            pass
        return terms

    def _words(self, state: _State, article: Article,
               terms: dict[str, set[str]]) -> tuple[WordMatcher | None, frozenset[str]]:
        """The word matcher of the field the article's text is searched in, and its query terms."""
        fieldname = language_field(article.language) or "body"
        if fieldname not in terms and "body" in terms:
            fieldname = "body"
        matcher = None
        if terms.get(fieldname):
            matcher = state.words.get(fieldname)
            if matcher is None:
                matcher = state.words[fieldname] = WordMatcher.for_field(state.schema[fieldname])
        return matcher, frozenset(terms.get(fieldname, ()))

    def _snippet(self, state: _State, article: Article, terms: dict[str, set[str]]) -> str:
        """Keyword-in-context from the stored text: escaped, with matches in <mark>."""
        matcher, words = self._words(state, article, terms)
        return snippet(article.text, matcher, words, HIGHLIGHT_WINDOW, SNIPPET_CHARS)

    def _also_titled(self, state: _State, article: Article, terms: dict[str, set[str]]) -> str:
        """The first other headline with a query word the title lacks, marked: it says why an
        article whose title does not show the words was found."""
        matcher, words = self._words(state, article, terms)
        if matcher is None:
            return ""
        title = article.title
        in_title = {t for a, b in matcher.spans(title, words) for t in matcher.terms_of(title[a:b])}
        for other in article.other_titles:
            spans = matcher.spans(other, words)
            if any(set(matcher.terms_of(other[a:b])) - in_title for a, b in spans):
                whole = len(other)  # one passage: the whole headline
                return kwic(other, spans, max_fragments=1, fragment_chars=whole, surround=whole)
        return ""

    def _facets(self, columns: Columns, req: SearchRequest, base, includes, t0: float) -> list[Facet]:
        facets = []
        for name, label in FACETS.items():
            col = columns.fields.get(name)
            if col is None:
                continue
            if time.perf_counter() - t0 > self.facet_time_budget:
                facets.append(Facet(name, label, [], timed_out=True))
                continue
            mask = base.copy()
            for other_name, other_mask in includes.items():
                if other_name != name:
                    mask &= other_mask
            counts = col.count(mask)
            selected = set(req.filters.get(name, []))
            excluded = set(req.excludes.get(name, []))
            nonzero = np.flatnonzero(counts)
            needle = req.facet_filters.get(name, "").casefold()
            if needle:
                folded = col.folded_list()
                nonzero = np.asarray([v for v in nonzero if needle in folded[v]], dtype=np.int64)
            limit = req.facet_limits.get(name, DEFAULT_FACET_LIMIT)
            shown = _top_values(nonzero, counts, limit, chronological=name in ("year", "month"))
            values = [
                FacetValue(col.vocab[v], col.vocab[v], int(counts[v]), col.vocab[v] in selected)
                for v in shown
            ]
            listed = {fv.value for fv in values}
            for value in [*selected, *excluded]:
                if value not in listed:
                    ids = col.ids_of([value])
                    count = int(counts[ids[0]]) if ids else 0
                    values.append(FacetValue(value, value, count if value in selected else 0, value in selected, value in excluded))
                    listed.add(value)
            for fv in values:
                fv.excluded = fv.value in excluded
            facets.append(Facet(name, label, values, total_values=len(nonzero), truncated=len(nonzero) > limit))
        return facets

    def _histogram(self, columns: Columns, final: np.ndarray) -> tuple[list[HistogramBin], int]:
        col = columns.fields["month"]
        counts = col.count(final)
        months = sorted((col.vocab[v], int(counts[v])) for v in np.flatnonzero(counts))
        undated = int((final & (columns.day < 0)).sum())
        if not months:
            return [], undated
        bins = []
        by_month = dict(months)
        y, m = map(int, months[0][0].split("-"))
        last = months[-1][0]
        while True:
            key = f"{y:04d}-{m:02d}"
            bins.append(HistogramBin(key, by_month.get(key, 0)))
            if key >= last or len(bins) > 2400:
                break
            m += 1
            if m > 12:
                y, m = y + 1, 1
        return bins, undated

    def _suggest(self, state: _State, text: str) -> str | None:
        searcher = self._searcher(state)
        words = qp.plain_words(text).split()
        if not words:
            return None
        corrected = []
        changed = False
        reader = searcher.reader()
        analyzer = state.schema["body"].analyzer
        for word in words[:8]:
            if len(word) > 40:
                corrected.append(word)
                continue
            stems = [t.text for t in analyzer(word)]
            if not stems or any(reader.doc_frequency("body", s) for s in stems):
                corrected.append(word)
                continue
            best = self._closest_word(state, reader, word.lower())
            surface = self._surface_form(state, best) if best else None
            if surface:
                corrected.append(surface)
                changed = True
            else:
                corrected.append(word)
        return " ".join(corrected) if changed else None

    @staticmethod
    def _closest_word(state: _State, reader, word: str) -> str | None:
        """The indexed word nearest to ``word`` (one edit before two; the same first letter),
        the most frequent of equally near ones."""
        vocabulary = state.matcher.vocabulary("body")
        for maxdist in (1, 2):
            options = [w for w in vocabulary.within(word, maxdist, prefix=1) if w != word]
            if options:
                return max(options, key=lambda w: (reader.doc_frequency("body", w), w))
        return None

    def _surface_form(self, state: _State, stem: str) -> str | None:
        """A word as written in an article for an indexed stem ("negoti" -> "negotiations")."""
        searcher = self._searcher(state)
        with state.lock:
            docnums = list(searcher.docs_for_query(wq.Term("body", stem)))[:1]
        if not docnums:
            return None
        article = self.article(state.columns.ids[docnums[0]])
        if article is None:
            return None
        analyzer = state.schema["body"].analyzer
        text = article.text
        for token in analyzer(text, chars=True, mode="index"):
            if token.text == stem:
                return text[token.startchar : token.endchar].lower()
        return None

    # -- articles ----------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        if not isinstance(article_id, str) or len(article_id) > 64:
            return None
        try:
            return self.store().get(article_id)
        except ArchiveUnavailable:
            return None

    def similar(self, article_id: str, limit: int = 8) -> list[Hit]:
        try:
            state = self._current()
        except ArchiveUnavailable:
            return []
        key = (state.version_dir, state.generation, article_id, limit)
        ids = self._similar.get(key)
        if ids is None:
            ids = self._similar_ids(state, article_id, limit)
            self._similar.put(key, ids)
        found = self.store().get_many(ids)
        return [_hit(found[i], self._snippet(state, found[i], {}), None) for i in ids if i in found]

    def _similar_ids(self, state: _State, article_id: str, limit: int) -> list[str]:
        docnum = state.columns.docnum_of(article_id)
        article = self.article(article_id)
        if docnum is None or article is None:
            return []
        with state.lock:
            # Whoosh's more_like: the text's 12 most distinctive terms, ORed, weighted
            key_terms = state.searcher.key_terms_from_text("body", article.title + "\n" + article.text, numterms=12)
            q = wq.Or([wq.Term("body", word, boost=weight) for word, weight in key_terms])
            mask, scores = state.matcher.evaluate(q)
        mask &= state.columns.live
        mask[docnum] = False
        docnums, _ = self._ordered(state, SearchRequest(sort="relevance"), scores, mask, limit)
        return [state.columns.ids[d] for d in docnums]

    def iter_articles(self, req: SearchRequest, within: tuple[str, str] | None = None) -> Iterator[Article]:
        """The whole result set of a request in its order, streamed in batches: no cap."""
        req = _date_range_as_filter(req)
        within = within or req.within
        state = self._current()
        try:
            qmask, scores, _, _ = self._match(state, req)
        except TooManyTerms:
            return  # refused on the results page too: nothing to export
        includes, other = self._filter_masks(state.columns, req, within)
        final = qmask & other
        for mask in includes.values():
            final &= mask
        docnums, _ = self._ordered(state, req, scores, final, None)
        ids = [state.columns.ids[d] for d in docnums]
        store = self.store()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found = store.get_many(chunk)
            for aid in chunk:
                if aid in found:
                    yield found[aid]

    def entity(self, etype: str, name: str, req: SearchRequest | None = None) -> EntityView | None:
        if etype not in qp.ENTITY_FIELDS:
            return None
        req = req or SearchRequest(sort="newest")
        try:
            state = self._current()
        except ArchiveUnavailable:
            return None
        col = state.columns.fields[etype]
        authority = self.authority
        canonical = name
        if authority is not None:
            hit = authority.canonical(name, etype)
            if hit and hit[0] == etype:
                canonical = hit[1]
        ids = col.ids_of([canonical]) or col.ids_of([name])
        if not ids:
            return None
        canonical = col.vocab[ids[0]]
        sub = SearchRequest(**{**req.__dict__, "facet_limits": {**req.facet_limits}})
        for t in qp.ENTITY_FIELDS:
            sub.facet_limits.setdefault(t, 21)
        result = self.search(sub, within=(etype, canonical))
        facets = {f.name: f for f in result.facets}
        cooc = {
            t: [v for v in facets[t].values if not (t == etype and v.value == canonical)][:20]
            for t in qp.ENTITY_FIELDS
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

    def annotate(self, article: Article) -> list[list[tuple[int, int, str, str]]]:
        """Entity spans per body paragraph (see :func:`archive.entities.annotate.paragraph_marks`)."""
        from quarry.archive.entities.annotate import paragraph_marks

        return paragraph_marks(article, self.authority)


class LRUCache:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int):
        self.size = size
        self._data: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


def _date_range_as_filter(req: SearchRequest) -> SearchRequest:
    """The request with a narrowing ``published:[..]`` clause moved into its date filters."""
    rest, start, end = qp.split_date_range(req.q)
    if rest == req.q:
        return req
    narrowed = SearchRequest(**{**req.__dict__, "q": rest})
    if start and (not req.date_from or _ordinal(start, True) > _ordinal(req.date_from, True)):
        narrowed.date_from = start
    if end and (not req.date_to or _ordinal(end, False) < _ordinal(req.date_to, False)):
        narrowed.date_to = end
    if narrowed.is_browse and req.sort == "relevance":
        narrowed.sort = "newest"
    return narrowed


def _top_values(candidates: np.ndarray, counts: np.ndarray, limit: int, chronological: bool) -> list[int]:
    """The ``limit`` value ids to list: by count (ties in value order), or newest first for
    dates. Vocabularies are sorted, so a value id orders like its value."""
    if chronological:
        return [int(v) for v in np.sort(candidates)[::-1][:limit]]
    if len(candidates) > 4 * limit:
        # only the values that can make the top ``limit`` need a full sort
        threshold = np.partition(counts[candidates], len(candidates) - limit)[len(candidates) - limit]
        candidates = candidates[counts[candidates] >= threshold]
    order = np.lexsort((candidates, -counts[candidates]))
    return [int(v) for v in candidates[order][:limit]]


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


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _ordinal(text: str, start: bool) -> int:
    parts = [int(p) for p in text.split("-")]
    year = min(max(parts[0], date.min.year), date.max.year)  # "0000" and "9999-12" are valid input
    if len(parts) == 3:
        try:
            return date(year, parts[1], parts[2]).toordinal()
        except ValueError:
            parts = parts[:2]
    if len(parts) == 2:
        month = parts[1]
        if start:
            return date(year, month, 1).toordinal()
        if (year, month) == (date.max.year, 12):
            return date.max.toordinal()
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        return nxt.toordinal() - 1
    return date(year, 1, 1).toordinal() if start else date(year, 12, 31).toordinal()
