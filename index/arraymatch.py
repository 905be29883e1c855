"""Query evaluation over whole posting lists as numpy arrays.

Whoosh matches a query by stepping through postings one document at a time in Python: fine
for the top 20 of a narrow query, slow when the page needs every match (exact totals and facet
counts) of a query that matches half the archive. Here each term's postings are decoded block
by block into arrays, and AND, OR and NOT become operations on a mask and a score vector of
one entry per document; phrases and proximity compare (document, position) keys of the
candidate documents. Scores are Whoosh's own BM25F (same idf, average and per-document field
lengths, B and K1), so results and rankings agree with ``Searcher.search`` (tests/test_arraymatch.py
checks both). Query types without an array form here (numeric ranges, spans, very wide
proximity) are run by Whoosh's matcher for their subtree only, and their matches and scores join
the arrays.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from math import log
from pickle import loads

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from .fuzzy import Vocabulary

# byte -> field length, as Whoosh decodes the one-byte length it stores per document and field
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
POSTINGS_CACHE_BYTES = 64 * 1024 * 1024
MAX_ARRAY_SLOP = 64  # wider proximity searches are left to Whoosh
_POS_BITS = 32  # a (document, position) key: document << 32 | position


MAX_EXPANSIONS = 1024  # words one wildcard, fuzzy term or range may stand for, per field


class TooManyTerms(Exception):
    """A wildcard, fuzzy term or range stands for more words than a search may OR together."""

    def __init__(self, q, limit: int):
        shown = str(q)
        if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            shown = shown.split(":", 1)[-1]  # as typed, without the field it was run on
        super().__init__(f"“{shown}” stands for more than {limit:,} different words: make it more specific")


class Unsupported(Exception):
    """The searcher weights with something other than the default BM25F reproduced here."""


class ArrayMatcher:
    """Evaluates queries against one reader (one index generation) as dense arrays.

    Not thread-safe: the reader's files are read with seek-then-read; callers hold the
    generation's lock, as for any other use of its searcher."""

    def __init__(self, searcher, ndocs: int, cache_bytes: int = POSTINGS_CACHE_BYTES):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.ndocs = ndocs
        weighting = searcher.weighting
        if type(weighting) is not BM25F or weighting._field_B:
            raise Unsupported(type(weighting).__name__)
        self.B, self.K1 = weighting.B, weighting.K1
        self.leaves = [(leaf, base) for leaf, base in self.reader.leaf_readers()]
        self.doc_count_all = self.reader.doc_count_all()
        self._lengths: dict[str, np.ndarray] = {}
        self._postings: OrderedDict = OrderedDict()
        self._postings_bytes = 0
        self.cache_bytes = cache_bytes  # decoded postings kept across queries (0: none)
        self._with_values: dict = {}  # this query's postings with their values
        self._phrase_words: set[tuple[str, str]] = set()
        self._expansions: dict[tuple[str, str], list[bytes]] = {}
        self._vocabularies: dict[str, Vocabulary] = {}  # per field, for fuzzy terms

    # -- evaluation ----------------------------------------------------------------------------

    def evaluate(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """The query's matching documents (bool mask) and their scores (float64)."""
        self._with_values = {}
        # the words of the query's phrases: their values (positions) are kept when first read
        self._phrase_words = {(leaf.fieldname, word) for leaf in leaves_of(q) if isinstance(leaf, wq.Phrase)
                              for word in leaf.words}  # fmt: skip
        try:
            return self._eval(q)
        finally:
            self._with_values = {}

    def _eval(self, q) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.Every):
            return self._every(q.fieldname, q.boost)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return self._empty()
        if isinstance(q, wq.Not):
            mask, _ = self._eval(q.query)
            return ~mask, (~mask).astype(np.float64)
        if isinstance(q, wq.And):
            return self._and(q)
        if isinstance(q, wq.Or) and not q.scale and (q.minmatch or 0) <= 1 and type(q) in (wq.Or,):
            return self._or(q)
        if isinstance(q, wq.AndNot):
            mask, scores = self._eval(q.a)
            excluded, _ = self._eval(q.b)
            keep = mask & ~excluded
            return keep, np.where(keep, scores, 0.0)
        if isinstance(q, wq.Require):
            mask, scores = self._eval(q.a)
            required, _ = self._eval(q.b)
            keep = mask & required
            return keep, np.where(keep, scores, 0.0)
        if isinstance(q, wq.AndMaybe):
            mask, scores = self._eval(q.a)
            _, maybe = self._eval(q.b)
            return mask, np.where(mask, scores + maybe, 0.0)
        if isinstance(q, wq.Phrase) and 0 < q.slop <= MAX_ARRAY_SLOP:
            return self._phrase(q)
        if expands(q):
            return self._multiterm(q)
        return self._by_whoosh(q)

    def _empty(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.ndocs, dtype=bool), np.zeros(self.ndocs, dtype=np.float64)

    def _every(self, fieldname, boost: float) -> tuple[np.ndarray, np.ndarray]:
        if fieldname in (None, "", "*"):
            return np.ones(self.ndocs, dtype=bool), np.full(self.ndocs, float(boost))
        if fieldname not in self.schema or not self.schema[fieldname].scorable:
            return self._by_whoosh(wq.Every(fieldname, boost=boost))
        # a document has some term in a text field exactly when its length there is not 0
        mask = self._field_lengths(fieldname) > 0
        return mask, mask * float(boost)

    def _and(self, q) -> tuple[np.ndarray, np.ndarray]:
        subs = q.subqueries
        if not subs:
            return self._empty()
        # negations last: they only remove documents (and add Whoosh's constant 1 each)
        ordered = sorted(subs, key=lambda s: isinstance(s, wq.Not))
        mask, scores = self._eval(ordered[0])
        scores = scores.copy()
        for sub in ordered[1:]:
            if not mask.any():
                break
            m, s = self._eval(sub)
            mask = mask & m
            scores += s
        scores = np.where(mask, scores, 0.0)
        return mask, scores * q.boost if len(subs) > 1 and q.boost != 1.0 else scores

    def _or(self, q) -> tuple[np.ndarray, np.ndarray]:
        subs = q.subqueries
        if not subs:
            return self._empty()
        mask, scores = self._eval(subs[0])
        mask, scores = mask.copy(), scores.copy()
        for sub in subs[1:]:
            m, s = self._eval(sub)
            mask |= m
            scores += s
        return mask, scores * q.boost if len(subs) > 1 and q.boost != 1.0 else scores

    def _multiterm(self, q) -> tuple[np.ndarray, np.ndarray]:
        # Whoosh ORs the expanded terms, each scored (its "constant score" flag does not
        # reach the scorer), and so do we
        fieldname = q.field()
        mask, scores = self._empty()
        if fieldname not in self.schema:
            return mask, scores
        for tbytes in self.expand(q):
            ids, weights, _ = self._postings_of(fieldname, tbytes)
            if len(ids):
                mask[ids] = True
                scores[ids] += self._values(fieldname, tbytes, ids, weights, q.boost)
        return mask, scores

    def expand(self, q) -> list[bytes]:
        """The indexed words a wildcard, fuzzy term or range stands for (cached); raises
        TooManyTerms past MAX_EXPANSIONS."""
        key = (type(q).__name__, repr(q))
        found = self._expansions.get(key)
        if found is None:
            field = self.schema[q.field()]
            if isinstance(q, wq.FuzzyTerm):
                # the field's words in memory, all distances at once (Whoosh seeks on disk
                # through each segment's term table, one seek per candidate)
                texts = self.vocabulary(q.field()).within(q.text, q.maxdist, q.prefixlength)
            else:
                texts = q._btexts(self.reader)
            words: dict[bytes, None] = {}
            for text in texts:
                if text:
                    words[field.to_bytes(text) if not isinstance(text, bytes) else text] = None
                if len(words) > MAX_EXPANSIONS:
                    # each word costs a posting list read; past this it would take seconds
                    raise TooManyTerms(q, MAX_EXPANSIONS)
            found = sorted(words)
            if len(self._expansions) > 1024:
                self._expansions.clear()
            self._expansions[key] = found
        return found

    def vocabulary(self, fieldname: str) -> Vocabulary:
        """The field's indexed words, for edit-distance searches (built on first use)."""
        vocabulary = self._vocabularies.get(fieldname)
        if vocabulary is None:
            vocabulary = self._vocabularies[fieldname] = Vocabulary.of_field(self.reader, fieldname)
        return vocabulary

    def _phrase(self, q) -> tuple[np.ndarray, np.ndarray]:
        """Whoosh's phrase semantics (its ordered ``SpanNear2`` with ``mindist`` 1): each next
        word starts 1 to ``slop`` positions after the span so far ends; scored as the sum of
        the words' scores, as Whoosh's intersection under the span matcher scores it."""
        fieldname = q.fieldname
        if fieldname not in self.schema:
            return self._empty()
        field = self.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return self._by_whoosh(q)
        words = []
        for word in q.words:
            try:
                words.append(field.to_bytes(word) if not isinstance(word, bytes) else word)
            except ValueError:
                return self._empty()
        if not words or any((fieldname, w) not in self.reader for w in words):
            return self._empty()
        postings = [self._postings_of(fieldname, w, with_values=True) for w in words]
        mask, scores = self._scored(fieldname, words[0], *postings[0][:2])
        scores = scores.copy()
        for word, (ids, weights, _values) in zip(words[1:], postings[1:], strict=True):
            m, s = self._scored(fieldname, word, ids, weights)
            mask = mask & m
            scores += s
        if len(words) > 1 and mask.any():
            docs, starts = _positions(postings[0][0], postings[0][2], mask)
            ends = starts
            for ids, _weights, values in postings[1:]:
                alive = np.zeros(self.ndocs, dtype=bool)
                alive[docs] = True  # only documents where the phrase so far still occurs
                bdocs, bpos = _positions(ids, values, alive)
                bkeys = (bdocs << _POS_BITS) | bpos  # sorted: documents, then positions
                found_docs, found_starts, found_ends = [], [], []
                for gap in range(1, q.slop + 1):
                    keys = (docs << _POS_BITS) | (ends + gap)
                    at = np.searchsorted(bkeys, keys)
                    hit = at < len(bkeys)
                    hit[hit] = bkeys[at[hit]] == keys[hit]
                    found_docs.append(docs[hit])
                    found_starts.append(starts[hit])
                    found_ends.append(ends[hit] + gap)
                docs, starts, ends = (np.concatenate(a) for a in (found_docs, found_starts, found_ends))
                if q.slop > 1 and len(docs):
                    spans = np.unique(np.stack([docs, starts, ends], axis=1), axis=0)
                    docs, starts, ends = spans[:, 0], spans[:, 1], spans[:, 2]
                if not len(docs):
                    break
            mask = np.zeros(self.ndocs, dtype=bool)
            mask[docs] = True
        scores = np.where(mask, scores, 0.0)
        return mask, scores * q.boost if q.boost != 1.0 else scores

    def _by_whoosh(self, q) -> tuple[np.ndarray, np.ndarray]:
        """A subtree with no array form: Whoosh's own matcher, every match with its score."""
        mask, scores = self._empty()
        m = q.matcher(self.searcher, self.searcher.context())
        ids, values = [], []
        while m.is_active():
            ids.append(m.id())
            values.append(m.score())
            m.next()
        if ids:
            mask[ids] = True
            scores[ids] = values
        return mask, scores

    # -- terms ---------------------------------------------------------------------------------

    def _term(self, fieldname: str, text, boost: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        if fieldname not in self.schema:
            return self._empty()
        field = self.schema[fieldname]
        try:
            tbytes = field.to_bytes(text) if not isinstance(text, bytes) else text
        except ValueError:
            return self._empty()
        ids, weights, _ = self._postings_of(fieldname, tbytes)
        return self._scored(fieldname, tbytes, ids, weights, boost)

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
        if self.schema[fieldname].scorable:
            n = self.searcher.doc_frequency(fieldname, tbytes)
            idf = log(self.doc_count_all / (n + 1)) + 1
            avgfl = self.searcher.avg_field_length(fieldname) or 1
            fl = self._field_lengths(fieldname)[ids]
            k1, b = self.K1, self.B
            values = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * fl / avgfl)))
        else:
            values = weights
        return values * boost if boost != 1.0 else values

    def _postings_of(self, fieldname: str, tbytes: bytes, with_values: bool = False):
        """Every docnum and weight (and, asked, undecoded value) of one term across the
        reader's segments. Docnums and weights are cached up to a size; values only for the
        current query (a word and a phrase holding it need them from one reading)."""
        key = (fieldname, tbytes)
        hit = self._postings.get(key)
        if hit is not None and not with_values:
            self._postings.move_to_end(key)
            return hit
        full = self._with_values.get(key)
        if full is not None:
            return full
        fmt = self.schema[fieldname].format
        # values come with every block anyway: keep them if a phrase of this query needs them
        word = tbytes.decode("utf-8", "replace")
        with_values = with_values or (fieldname, word) in self._phrase_words
        all_ids, all_weights, all_values = [], [], []
        for leaf, base in self.leaves:
            if (fieldname, tbytes) not in leaf:
                continue
            ids, weights, values = _leaf_postings(leaf._terms.matcher(fieldname, tbytes, fmt), with_values)
            all_ids.append(ids + base if base else ids)
            all_weights.append(weights)
            all_values.extend(values or ())
        if all_ids:
            ids = np.concatenate(all_ids) if len(all_ids) > 1 else all_ids[0]
            weights = np.concatenate(all_weights) if len(all_weights) > 1 else all_weights[0]
        else:
            ids, weights = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        entry = (ids, weights, None)
        size = ids.nbytes + weights.nbytes
        if hit is None and size <= self.cache_bytes // 4:
            self._postings[key] = entry
            self._postings_bytes += size
            while self._postings_bytes > self.cache_bytes:
                _, (old_ids, old_weights, _) = self._postings.popitem(last=False)
                self._postings_bytes -= old_ids.nbytes + old_weights.nbytes
        if with_values:
            entry = self._with_values[key] = (ids, weights, all_values)
        return entry

    def _field_lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in the field, as Whoosh's scorer sees it."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            parts = []
            for leaf, _base in self.leaves:
                count = leaf.doc_count_all()
                raw = np.zeros(count, dtype=np.uint8)
                col = f"_{fieldname}_len"
                perdoc = leaf._perdoc
                if perdoc.has_column(col):
                    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

                    reader = perdoc.column_reader(col, LENGTHS_COLUMN)
                    n = min(reader._count, count)
                    if n:
                        raw[:n] = np.frombuffer(reader._dbfile.get(reader._basepos, n), dtype=np.uint8)
                parts.append(_LENGTH_OF_BYTE[raw])
            lengths = np.concatenate(parts) if parts else np.zeros(0)
            self._lengths[fieldname] = lengths
        return lengths


def _leaf_postings(m, with_values: bool = False) -> tuple[np.ndarray, np.ndarray, list | None]:
    """Decode one segment's posting list a block at a time (not a posting at a time)."""
    if not isinstance(m, (ListMatcher, W3LeafMatcher)):
        ids, weights, values = [], [], []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            values.append(m.value() if with_values else None)
            m.next()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64), values
    id_parts, weight_parts, values = [], [], [] if with_values else None
    for ids, weights, block_values in _blocks(m):
        count = len(ids)
        id_parts.append(np.asarray(ids, dtype=np.int64))
        if weights is None:
            weight_parts.append(np.full(count, float(getattr(m, "_all_weights", None) or 1.0)))
        elif isinstance(weights, float):
            weight_parts.append(np.full(count, weights))
        else:
            weight_parts.append(np.asarray(weights, dtype=np.float64))
        if with_values:
            values.extend(block_values)
    return np.concatenate(id_parts), np.concatenate(weight_parts), values


def expands(q) -> bool:
    """True for a query standing for several indexed words (wildcard, fuzzy term, range) that
    :meth:`ArrayMatcher.expand` lists; numeric ranges are left to Whoosh."""
    return isinstance(q, wq.MultiTerm) and not isinstance(q, wq.NumericRange)


def leaves_of(q) -> list:
    """Every leaf query of a tree (a query that is itself a leaf included)."""
    try:
        return list(q.leaves()) if q.children() else [q]
    except (AttributeError, TypeError):
        return [q]


def _blocks(m):
    """(ids, weights, values) of each block of a posting list, values undecoded."""
    if isinstance(m, ListMatcher):
        yield m._ids, m._weights, m._values
        return
    postfile = m._postfile
    while True:
        data = postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
        if m._compression:
            data = zlib.decompress(data)
        ids, weights, values = loads(data)[:3]
        yield (np.cumsum(np.asarray(ids, dtype=np.int64)) if not m._byteids else ids), weights, values
        if m._lastblock:
            break
        m._goto(m._nextoffset)


def _positions(ids: np.ndarray, values: list[bytes], within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(document, position) of each occurrence in a term's postings for the documents in
    ``within``, sorted by document then position."""
    chosen = np.flatnonzero(within[ids])
    if not len(chosen):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    counts, deltas = _decode_positions([values[i] for i in chosen.tolist()])
    flat = np.cumsum(np.asarray(deltas, dtype=np.int64))
    # restart the running sum at each posting: positions are delta-coded per document
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    offsets = np.where(starts > 0, flat[starts - 1], 0)
    positions = flat - np.repeat(offsets, counts)
    return np.repeat(ids[chosen], counts), positions


# Whoosh's Positions format: a 4-byte big-endian count, then ``pickle.dumps(deltas, 2)`` (its
# final STOP byte sometimes cut). A list of n <= 1000 ints pickles as this header, the items and
# APPEND (n == 1) or MARK, the items, APPENDS (n > 1); so the items of many postings can be
# spliced into one pickled list and unpickled in one call instead of one call per posting.
_LIST_HEAD = b"\x80\x02]q\x00"
_SPLICE_LIMIT = 1000  # pickle batches longer lists' appends


def _decode_positions(values: list[bytes]) -> tuple[np.ndarray, list[int]]:
    """The number of positions of each posting and all their deltas, concatenated."""
    buf = np.frombuffer(b"".join(values), dtype=np.uint8)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    ok = bool(len(values)) and bool((lengths >= 11).all())
    if ok:
        counts = ((buf[starts].astype(np.int64) << 24) | (buf[starts + 1].astype(np.int64) << 16)
                  | (buf[starts + 2].astype(np.int64) << 8) | buf[starts + 3])  # fmt: skip
        for k, byte in enumerate(_LIST_HEAD):
            ok = ok and bool((buf[starts + 4 + k] == byte).all())
        body_end = ends - (buf[ends - 1] == ord("."))
        multi = counts > 1
        ok = (ok and bool(((counts > 0) & (counts <= _SPLICE_LIMIT)).all())
              and bool((buf[body_end - 1] == np.where(multi, ord("e"), ord("a"))).all())
              and bool((buf[starts[multi] + 9] == ord("(")).all()))  # fmt: skip
    if ok:
        # keep each posting's items: from after its header (and MARK) to before APPEND(S)
        edges = np.zeros(len(buf) + 1, dtype=np.int8)
        edges[starts + 9 + multi] = 1
        edges[body_end - 1] = -1
        items = buf[np.cumsum(edges[:-1]) > 0].tobytes()
        deltas = loads(b"\x80\x02(" + items + b"l.")
        if len(deltas) == int(counts.sum()):
            return counts, deltas
    counts = np.fromiter((int.from_bytes(v[:4], "big") for v in values), dtype=np.int64, count=len(values))
    # anything unexpected: one posting at a time, as Whoosh decodes them
    deltas = []
    for v in values:
        deltas.extend(loads(v[4:] if v.endswith(b".") else v[4:] + b"."))
    return counts, deltas
