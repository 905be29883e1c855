"""Query evaluation over whole posting lists as numpy arrays.

Whoosh matches a query by stepping through postings one document at a time in Python: fine
for the top 20 of a narrow query, slow when the page needs every match (exact totals and facet
counts) of a query that matches half the archive. Here each term's postings are decoded block
by block into arrays, and AND, OR and NOT become operations on a mask and a score vector of
one entry per document. Scores are Whoosh's own BM25F (same idf, average and per-document field
lengths, B and K1), so rankings agree with ``Searcher.search``. Query types without an array
form here (phrases, proximity, spans, numeric ranges) are run by Whoosh's matcher for their
subtree only, and their matches and scores join the arrays.
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

# byte -> field length, as Whoosh decodes the one-byte length it stores per document and field
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
POSTINGS_CACHE_BYTES = 64 * 1024 * 1024
MAX_ARRAY_SLOP = 64  # wider proximity searches are left to Whoosh
_POS_BITS = 32  # a (document, position) key: document << 32 | position


class Unsupported(Exception):
    """The searcher's weighting has no array form: match with Whoosh instead."""


class ArrayMatcher:
    """Evaluates queries against one reader (one index generation) as dense arrays.

    Not thread-safe: the reader's files are read with seek-then-read; callers hold the
    generation's lock, as for any other use of its searcher."""

    def __init__(self, searcher, ndocs: int):
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

    # -- evaluation ----------------------------------------------------------------------------

    def evaluate(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """The query's matching documents (bool mask) and their scores (float64)."""
        return self._eval(q)

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
        if isinstance(q, wq.MultiTerm) and not isinstance(q, wq.NumericRange):
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
        for text in q._btexts(self.reader):
            if text:
                m, s = self._term(fieldname, text, q.boost)
                mask |= m
                scores += s
        return mask, scores

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
        mask, scores = self._term(fieldname, words[0])
        scores = scores.copy()
        for word in words[1:]:
            m, s = self._term(fieldname, word)
            mask = mask & m
            scores += s
        if len(words) > 1 and mask.any():
            docs, starts = self._positions_of(fieldname, words[0], mask)
            ends = starts
            for word in words[1:]:
                alive = np.zeros(self.ndocs, dtype=bool)
                alive[docs] = True  # only documents where the phrase so far still occurs
                bdocs, bpos = self._positions_of(fieldname, word, alive)
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

    def _positions_of(self, fieldname: str, tbytes: bytes, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(document, position) of every occurrence of a term in the documents of ``within``,
        sorted by document then position."""
        fmt = self.schema[fieldname].format
        doc_parts, pos_parts = [], []
        for leaf, base in self.leaves:
            if (fieldname, tbytes) not in leaf:
                continue
            d, p = _leaf_positions(leaf._terms.matcher(fieldname, tbytes, fmt), base, within)
            doc_parts.append(d)
            pos_parts.append(p)
        if not doc_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(doc_parts), np.concatenate(pos_parts)

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
        mask, scores = self._empty()
        if fieldname not in self.schema:
            return mask, scores
        field = self.schema[fieldname]
        try:
            tbytes = field.to_bytes(text) if not isinstance(text, bytes) else text
        except ValueError:
            return mask, scores
        ids, weights = self._postings_of(fieldname, tbytes)
        if not len(ids):
            return mask, scores
        mask[ids] = True
        if field.scorable:
            n = self.searcher.doc_frequency(fieldname, tbytes)
            idf = log(self.doc_count_all / (n + 1)) + 1
            avgfl = self.searcher.avg_field_length(fieldname) or 1
            fl = self._field_lengths(fieldname)[ids]
            k1, b = self.K1, self.B
            values = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * fl / avgfl)))
        else:
            values = weights
        scores[ids] = values * boost if boost != 1.0 else values
        return mask, scores

    def _postings_of(self, fieldname: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Every (docnum, weight) of one term across the reader's segments, cached by size."""
        key = (fieldname, tbytes)
        hit = self._postings.get(key)
        if hit is not None:
            self._postings.move_to_end(key)
            return hit
        fmt = self.schema[fieldname].format
        all_ids, all_weights = [], []
        for leaf, base in self.leaves:
            if (fieldname, tbytes) not in leaf:
                continue
            ids, weights = _leaf_postings(leaf._terms.matcher(fieldname, tbytes, fmt))
            all_ids.append(ids + base if base else ids)
            all_weights.append(weights)
        if all_ids:
            ids = np.concatenate(all_ids) if len(all_ids) > 1 else all_ids[0]
            weights = np.concatenate(all_weights) if len(all_weights) > 1 else all_weights[0]
        else:
            ids, weights = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        size = ids.nbytes + weights.nbytes
        if size <= POSTINGS_CACHE_BYTES // 4:
            self._postings[key] = (ids, weights)
            self._postings_bytes += size
            while self._postings_bytes > POSTINGS_CACHE_BYTES:
                _, (old_ids, old_weights) = self._postings.popitem(last=False)
                self._postings_bytes -= old_ids.nbytes + old_weights.nbytes
        return ids, weights

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


def _leaf_postings(m) -> tuple[np.ndarray, np.ndarray]:
    """Decode one segment's posting list a block at a time (not a posting at a time)."""
    if isinstance(m, ListMatcher):
        ids = np.asarray(m._ids, dtype=np.int64)
        weights = m._weights
        if weights is None:
            w = np.full(len(ids), float(m._all_weights or 1.0))
        else:
            w = np.asarray(weights, dtype=np.float64)
        return ids, w
    if not isinstance(m, W3LeafMatcher):
        ids, weights = [], []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
    id_parts, weight_parts = [], []
    postfile = m._postfile
    while True:
        count = m._blocklength
        data = postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
        if m._compression:
            data = zlib.decompress(data)
        ids, weights = loads(data)[:2]
        ids = np.asarray(ids, dtype=np.int64)
        if not m._byteids:
            ids = np.cumsum(ids)
        id_parts.append(ids)
        if weights is None:
            weight_parts.append(np.ones(count))
        elif isinstance(weights, float):
            weight_parts.append(np.full(count, weights))
        else:
            weight_parts.append(np.asarray(weights, dtype=np.float64))
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    return np.concatenate(id_parts), np.concatenate(weight_parts)


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


def _leaf_positions(m, base: int, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Decode the positions of one segment's postings, only for documents in ``within``."""
    if not isinstance(m, (ListMatcher, W3LeafMatcher)):
        raise TypeError(type(m).__name__)
    lengths: list[int] = []
    deltas: list[int] = []
    docs: list[np.ndarray] = []
    for ids, _weights, values in _blocks(m):
        ids = np.asarray(ids, dtype=np.int64) + base
        chosen = np.flatnonzero(within[ids])
        if not len(chosen):
            continue
        for i in chosen.tolist():
            # Positions format: a 4-byte count, then the pickled list of position deltas
            value = values[i]
            found = loads(value[4:] if value.endswith(b".") else value[4:] + b".")
            lengths.append(len(found))
            deltas.extend(found)
        docs.append(ids[chosen])
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    counts = np.asarray(lengths, dtype=np.int64)
    flat = np.cumsum(np.asarray(deltas, dtype=np.int64))
    # restart the running sum at each posting: positions are delta-coded per document
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    offsets = np.where(starts > 0, flat[starts - 1], 0)
    positions = flat - np.repeat(offsets, counts)
    return np.repeat(np.concatenate(docs), counts), positions
