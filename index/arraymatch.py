"""Query evaluation over whole posting lists as numpy arrays.

Whoosh matches a query by stepping through postings one document at a time in Python: fine
for the top 20 of a narrow query, slow when the page needs every match (exact totals and facet
counts) of a query that matches half the archive. Here each term's postings are read whole
(:mod:`index.postings`), and AND, OR and NOT become operations on a mask and a score vector of
one entry per document; phrases and proximity compare (document, position) keys of the candidate
documents. Scores are Whoosh's own BM25F (same idf, average and per-document field lengths, B and
K1), so results and rankings agree with ``Searcher.search`` (tests/test_arraymatch.py checks
both). The tree evaluated is :mod:`index.plan`'s; its ``Whoosh`` nodes (numeric ranges, spans,
very wide proximity) are run by Whoosh's matcher for their subtree only, and their matches and
scores join the arrays.
"""

from __future__ import annotations

from collections import OrderedDict
from math import log

import numpy as np

from . import plan as p
from .fuzzy import Vocabulary
from .postings import Postings

POSTINGS_CACHE_BYTES = 64 * 1024 * 1024
_POS_BITS = 32  # a (document, position) key: document << 32 | position
MAX_EXPANSIONS = 1024  # words one wildcard, fuzzy term or range may stand for, per field
MAX_QUERY_EXPANSIONS = 4096  # and all those of one query together


class TooManyTerms(Exception):
    """A wildcard, fuzzy term or range (or all those of a query) stands for more words than a
    search may OR together."""

    def __init__(self, shown: str, limit: int):
        what = f"“{shown}” stands" if shown else "the query's wildcards, fuzzy terms and ranges stand together"
        super().__init__(f"{what} for more than {limit:,} different words: make it more specific")


class ArrayMatcher:
    """Evaluates query trees against one index generation as dense arrays.

    Not thread-safe (its postings are read with seek-then-read): callers hold the generation's
    lock."""

    def __init__(self, postings: Postings, ndocs: int, cache_bytes: int = POSTINGS_CACHE_BYTES):
        self.postings = postings
        self.ndocs = ndocs
        self.B, self.K1 = postings.bm25()
        self.doc_count_all = postings.doc_count_all
        self._postings: OrderedDict = OrderedDict()
        self._postings_bytes = 0
        self.cache_bytes = cache_bytes  # decoded postings kept across queries (0: none)
        self._with_values: dict = {}  # this query's postings with their values
        self._phrase_words: frozenset[tuple[str, bytes]] = frozenset()
        self._expansions: dict[str, list[bytes]] = {}
        self._vocabularies: dict[str, Vocabulary] = {}  # per field, for fuzzy terms
        self._deadline = None
        self._resolve = None  # Annotation node -> mask (the annotations database's answer)
        self._expanded = 0

    # -- evaluation ----------------------------------------------------------------------------

    def evaluate(self, walk: p.Walk, deadline=None, resolve=None) -> tuple[np.ndarray, np.ndarray]:
        """The tree's matching documents (bool mask) and their scores (float64).

        ``deadline.check()`` is called between the parts of a query and inside long loops;
        ``resolve`` answers ``tag:`` and ``note:`` clauses with a mask (none: they match nothing)."""
        self._with_values = {}
        self._phrase_words = walk.phrase_words  # their values (positions) are kept when first read
        self._deadline = deadline
        self._resolve = resolve
        self._expanded = 0  # words this query's expansions stood for so far
        try:
            return self._eval(walk.tree)
        finally:
            self._with_values = {}
            self._deadline = self._resolve = None

    def _check(self) -> None:
        if self._deadline is not None:
            self._deadline.check()

    def _eval(self, node: p.Node) -> tuple[np.ndarray, np.ndarray]:
        match node:
            case p.Term():
                ids, weights, _ = self._postings_of(node.field, node.text)
                return self._scored(node.field, node.text, ids, weights, node.boost)
            case p.Every():
                return self._every(node.field, node.boost)
            case p.Nothing():
                return self._empty()
            case p.Not():
                mask, _ = self._eval(node.sub)
                return ~mask, (~mask).astype(np.float64)
            case p.And():
                return self._and(node)
            case p.Or():
                return self._or(node)
            case p.AndNot():
                mask, scores = self._eval(node.a)
                excluded, _ = self._eval(node.b)
                keep = mask & ~excluded
                return keep, np.where(keep, scores, 0.0)
            case p.Require():
                mask, scores = self._eval(node.a)
                required, _ = self._eval(node.b)
                keep = mask & required
                return keep, np.where(keep, scores, 0.0)
            case p.AndMaybe():
                mask, scores = self._eval(node.a)
                _, maybe = self._eval(node.b)
                return mask, np.where(mask, scores + maybe, 0.0)
            case p.Phrase():
                return self._phrase(node)
            case p.Expand():
                return self._multiterm(node)
            case p.Whoosh():
                return self._by_whoosh(node)
            case p.Annotation():  # a constant score, like Whoosh's filters
                if self._resolve is None:
                    return self._empty()
                mask = self._resolve(node)
                return mask, mask * float(node.boost)
        raise TypeError(f"not a query node: {node!r}")

    def _empty(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.ndocs, dtype=bool), np.zeros(self.ndocs, dtype=np.float64)

    def _every(self, fieldname: str | None, boost: float) -> tuple[np.ndarray, np.ndarray]:
        if fieldname is None:
            return np.ones(self.ndocs, dtype=bool), np.full(self.ndocs, float(boost))
        # a document has some term in a text field exactly when its length there is not 0
        mask = self.postings.field_lengths(fieldname) > 0
        return mask, mask * float(boost)

    def _and(self, node: p.And) -> tuple[np.ndarray, np.ndarray]:
        subs = node.subs
        if not subs:
            return self._empty()
        # negations last: they only remove documents (and add Whoosh's constant 1 each)
        ordered = sorted(subs, key=lambda s: isinstance(s, p.Not))
        mask, scores = self._eval(ordered[0])
        scores = scores.copy()
        for sub in ordered[1:]:
            if not mask.any():
                break
            self._check()
            m, s = self._eval(sub)
            mask = mask & m
            scores += s
        scores = np.where(mask, scores, 0.0)
        return mask, scores * node.boost if len(subs) > 1 and node.boost != 1.0 else scores

    def _or(self, node: p.Or) -> tuple[np.ndarray, np.ndarray]:
        subs = node.subs
        if not subs:
            return self._empty()
        mask, scores = self._eval(subs[0])
        mask, scores = mask.copy(), scores.copy()
        for sub in subs[1:]:
            self._check()
            m, s = self._eval(sub)
            mask |= m
            scores += s
        return mask, scores * node.boost if len(subs) > 1 and node.boost != 1.0 else scores

    def _multiterm(self, node: p.Expand) -> tuple[np.ndarray, np.ndarray]:
        # Whoosh ORs the expanded terms, each scored (its "constant score" flag does not
        # reach the scorer), and so do we
        mask, scores = self._empty()
        words = self.expand(node)
        self._expanded += len(words)
        if self._expanded > MAX_QUERY_EXPANSIONS:  # each word costs a posting list read
            raise TooManyTerms("", MAX_QUERY_EXPANSIONS)
        for n, tbytes in enumerate(words):
            if n % 64 == 63:
                self._check()
            ids, weights, _ = self._postings_of(node.field, tbytes)
            if len(ids):
                mask[ids] = True
                scores[ids] += self._values(node.field, tbytes, ids, weights, node.boost)
        return mask, scores

    def expand(self, node: p.Expand) -> list[bytes]:
        """The indexed words a wildcard, fuzzy term or range stands for (cached); raises
        TooManyTerms past MAX_EXPANSIONS."""
        found = self._expansions.get(node.key)
        if found is None:
            if node.fuzzy is not None:
                # the field's words in memory, all distances at once (Whoosh seeks on disk
                # through each segment's term table, one seek per candidate)
                texts = self.vocabulary(node.field).within(*node.fuzzy)
            else:
                texts = self.postings.expansions(node.source)
            words: dict[bytes, None] = {}
            for text in texts:
                if text:
                    words[self.postings.encode(node.field, text)] = None
                if len(words) > MAX_EXPANSIONS:
                    # each word costs a posting list read; past this it would take seconds
                    raise TooManyTerms(node.shown, MAX_EXPANSIONS)
            found = sorted(words)
            if len(self._expansions) > 1024:
                self._expansions.clear()
            self._expansions[node.key] = found
        return found

    def vocabulary(self, fieldname: str) -> Vocabulary:
        """The field's indexed words, for edit-distance searches (built on first use)."""
        vocabulary = self._vocabularies.get(fieldname)
        if vocabulary is None:
            vocabulary = self._vocabularies[fieldname] = Vocabulary(self.postings.lexicon(fieldname))
        return vocabulary

    def _phrase(self, node: p.Phrase) -> tuple[np.ndarray, np.ndarray]:
        """Whoosh's phrase semantics (its ordered ``SpanNear2`` with ``mindist`` 1): each next
        word starts 1 to ``slop`` positions after the span so far ends; scored as the sum of
        the words' scores, as Whoosh's intersection under the span matcher scores it."""
        fieldname, words = node.field, node.words
        if not words or any(not self.postings.contains(fieldname, w) for w in words):
            return self._empty()
        postings = [self._postings_of(fieldname, w, with_values=True) for w in words]
        mask, scores = self._scored(fieldname, words[0], *postings[0][:2])
        scores = scores.copy()
        for word, (ids, weights, _values) in zip(words[1:], postings[1:], strict=True):
            m, s = self._scored(fieldname, word, ids, weights)
            mask = mask & m
            scores += s
        if len(words) > 1 and mask.any():
            docs, starts = self.postings.positions(fieldname, postings[0][0], postings[0][2], mask)
            ends = starts
            for ids, _weights, values in postings[1:]:
                self._check()
                alive = np.zeros(self.ndocs, dtype=bool)
                alive[docs] = True  # only documents where the phrase so far still occurs
                bdocs, bpos = self.postings.positions(fieldname, ids, values, alive)
                bkeys = (bdocs << _POS_BITS) | bpos  # sorted: documents, then positions
                found_docs, found_starts, found_ends = [], [], []
                for gap in range(1, node.slop + 1):
                    keys = (docs << _POS_BITS) | (ends + gap)
                    at = np.searchsorted(bkeys, keys)
                    hit = at < len(bkeys)
                    hit[hit] = bkeys[at[hit]] == keys[hit]
                    found_docs.append(docs[hit])
                    found_starts.append(starts[hit])
                    found_ends.append(ends[hit] + gap)
                docs, starts, ends = (np.concatenate(a) for a in (found_docs, found_starts, found_ends))
                if node.slop > 1 and len(docs):
                    spans = np.unique(np.stack([docs, starts, ends], axis=1), axis=0)
                    docs, starts, ends = spans[:, 0], spans[:, 1], spans[:, 2]
                if not len(docs):
                    break
            mask = np.zeros(self.ndocs, dtype=bool)
            mask[docs] = True
        scores = np.where(mask, scores, 0.0)
        return mask, scores * node.boost if node.boost != 1.0 else scores

    def _by_whoosh(self, node: p.Whoosh) -> tuple[np.ndarray, np.ndarray]:
        """A subtree with no array form: Whoosh's own matcher, every match with its score."""
        mask, scores = self._empty()
        ids, values = self.postings.run(node.source, self._deadline)
        if ids:
            mask[ids] = True
            scores[ids] = values
        return mask, scores

    def any_of(self, fieldname: str, weighted: list[tuple[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """The OR of words in one field, each boosted by its weight (for "more like this")."""
        walk = p.Walk(p.Or(tuple(p.Term(fieldname, self.postings.encode(fieldname, w), weight)
                                 for w, weight in weighted)))  # fmt: skip
        return self.evaluate(walk)

    # -- terms ---------------------------------------------------------------------------------

    def _scored(self, fieldname: str, tbytes: bytes, ids: np.ndarray, weights: np.ndarray,
                boost: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """A term's postings as a mask and Whoosh's BM25F scores."""
        mask, scores = self._empty()
        if len(ids):
            mask[ids] = True
            scores[ids] = self._values(fieldname, tbytes, ids, weights, boost)
        return mask, scores

    def _values(self, fieldname: str, tbytes: bytes, ids: np.ndarray, weights: np.ndarray,
                boost: float = 1.0) -> np.ndarray:
        """Whoosh's BM25F score of each posting of a term (its weight for unscored fields)."""
        if self.postings.scorable(fieldname):
            n = self.postings.doc_frequency(fieldname, tbytes)
            idf = log(self.doc_count_all / (n + 1)) + 1
            avgfl = self.postings.avg_field_length(fieldname) or 1
            fl = self.postings.field_lengths(fieldname)[ids]
            k1, b = self.K1, self.B
            values = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * fl / avgfl)))
        else:
            values = weights
        return values * boost if boost != 1.0 else values

    def _postings_of(self, fieldname: str, tbytes: bytes, with_values: bool = False):
        """Every docnum and weight (and, asked, undecoded value) of one term. Docnums and
        weights are cached up to a size; values only for the current query (a word and a
        phrase holding it need them from one reading)."""
        key = (fieldname, tbytes)
        hit = self._postings.get(key)
        if hit is not None and not with_values:
            self._postings.move_to_end(key)
            return hit
        full = self._with_values.get(key)
        if full is not None:
            return full
        # values come with every block anyway: keep them if a phrase of this query needs them
        with_values = with_values or key in self._phrase_words
        ids, weights, values = self.postings.read(fieldname, tbytes, with_values)
        entry = (ids, weights, None)
        size = ids.nbytes + weights.nbytes
        if hit is None and size <= self.cache_bytes // 4:
            self._postings[key] = entry
            self._postings_bytes += size
            while self._postings_bytes > self.cache_bytes:
                _, (old_ids, old_weights, _) = self._postings.popitem(last=False)
                self._postings_bytes -= old_ids.nbytes + old_weights.nbytes
        if with_values:
            entry = self._with_values[key] = (ids, weights, values)
        return entry
