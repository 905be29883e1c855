"""Whoosh's private structures, in one guarded room: postings, positions and field lengths.

The array matcher (:mod:`index.arraymatch`) needs every posting of a term at once, as arrays.
Whoosh's public matcher hands them out one at a time in Python, which is what made whole-archive
counts slow. So this module reads whoosh3 3.54.0's on-disk structures itself: a posting list is a
chain of blocks, each a pickled ``(ids, weights, values)`` tuple (zlib-compressed or not); a
position value is a 4-byte count and a pickled list of deltas; a field's lengths are one byte per
document in a column. It is the only module that reads them: every private name it touches is
listed in ``tests/test_postings.py``, which fails when one is added without being listed.

Nothing checks a binary format at run time unless someone does, so at open a :class:`Postings`
checks the installed Whoosh version and decodes probe terms (postings, weights, positions, field
lengths) both ways: its own way and through Whoosh's public readers. If the version is not the one
these readers were written for, or any figure disagrees, it reads through Whoosh's public readers
from then on (slower, same answers) and logs why.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from pickle import loads

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

log = logging.getLogger(__name__)

WRITTEN_FOR = "3.54.0"  # the whoosh3 release whose block, positions and length formats this reads
PROBE_SCAN = 2000  # lexicon entries looked at to choose probe terms
PROBE_MAX_POSTINGS = 5000  # the probe prefers a term with more postings than one block, up to this
PROBE_DOCUMENTS = 500  # documents per segment whose field lengths are compared
# byte -> field length, as Whoosh decodes the one-byte length it stores per document and field
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class Unsupported(Exception):
    """The searcher weights with something other than the default BM25F the matcher reproduces."""


class Postings:
    """The postings, positions and field lengths of one index generation (one searcher).

    Not thread-safe: segment files are read with seek-then-read; callers hold the generation's
    lock, as for any other use of its searcher."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.leaves = list(self.reader.leaf_readers())
        self.doc_count_all = self.reader.doc_count_all()
        self._lengths: dict[str, np.ndarray] = {}
        self.fast = True
        self.reason: str | None = None  # why Whoosh's own readers are used, when they are
        problem = self._check()
        if problem:
            self.use_whoosh_readers(problem)

    def use_whoosh_readers(self, reason: str) -> None:
        """Read through Whoosh's public readers from now on (and say why, once)."""
        self.fast = False
        self.reason = reason
        self._lengths.clear()
        log.warning("reading postings through Whoosh's own readers (slower): %s", reason)

    # -- the schema, as the matcher needs it -----------------------------------------------------

    def scorable(self, fieldname: str) -> bool:
        return fieldname in self.schema and bool(self.schema[fieldname].scorable)

    def encode(self, fieldname: str, text: str | bytes) -> bytes:
        """A word as the field indexes it (ValueError when the field cannot hold it)."""
        return text if isinstance(text, bytes) else self.schema[fieldname].to_bytes(text)

    def decode(self, fieldname: str, tbytes: bytes) -> str:
        return self.schema[fieldname].from_bytes(tbytes)

    # -- statistics ------------------------------------------------------------------------------

    def bm25(self) -> tuple[float, float]:
        """The searcher's BM25F ``B`` and ``K1`` (Unsupported for any other weighting)."""
        weighting = self.searcher.weighting
        if type(weighting) is not BM25F or weighting._field_B:
            raise Unsupported(type(weighting).__name__)
        return weighting.B, weighting.K1

    def contains(self, fieldname: str, tbytes: bytes) -> bool:
        return (fieldname, tbytes) in self.reader

    def doc_frequency(self, fieldname: str, tbytes: bytes) -> int:
        return self.searcher.doc_frequency(fieldname, tbytes)

    def avg_field_length(self, fieldname: str) -> float:
        return self.searcher.avg_field_length(fieldname)

    def lexicon(self, fieldname: str) -> list[str]:
        """Every word indexed in a field (any segment, deleted documents' words too)."""
        return [self.decode(fieldname, b) for b in self.reader.lexicon(fieldname)]

    def key_terms(self, fieldname: str, text: str, count: int) -> list[tuple[str, float]]:
        """The ``count`` most distinctive words of ``text`` for this index, with weights."""
        return self.searcher.key_terms_from_text(fieldname, text, numterms=count)

    # -- postings --------------------------------------------------------------------------------

    def read(self, fieldname: str, tbytes: bytes, with_values: bool = False
             ) -> tuple[np.ndarray, np.ndarray, list[bytes] | None]:  # fmt: skip
        """Every docnum and weight of a term across the segments (and, asked, each posting's
        undecoded value); deleted documents included, the caller masks them."""
        all_ids, all_weights, all_values = [], [], [] if with_values else None
        for leaf, base in self.leaves:
            if (fieldname, tbytes) not in leaf:
                continue
            if self.fast:
                fmt = self.schema[fieldname].format
                ids, weights, values = _leaf_postings(leaf._terms.matcher(fieldname, tbytes, fmt), with_values)
            else:
                ids, weights, values = _matcher_postings(leaf.postings(fieldname, tbytes), with_values)
            all_ids.append(ids + base if base else ids)
            all_weights.append(weights)
            if with_values:
                all_values.extend(values)
        if not all_ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64), all_values
        ids = np.concatenate(all_ids) if len(all_ids) > 1 else all_ids[0]
        weights = np.concatenate(all_weights) if len(all_weights) > 1 else all_weights[0]
        return ids, weights, all_values

    def positions(self, fieldname: str, ids: np.ndarray, values: list[bytes], within: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """(document, position) of each occurrence in a term's postings for the documents in
        ``within``, sorted by document then position."""
        chosen = np.flatnonzero(within[ids])
        if not len(chosen):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        picked = [values[i] for i in chosen.tolist()]
        if self.fast:
            counts, positions = _fast_positions(picked)
        else:
            fmt = self.schema[fieldname].format
            decoded = [fmt.decode_as("positions", v) for v in picked]
            counts = np.fromiter(map(len, decoded), dtype=np.int64, count=len(decoded))
            positions = np.fromiter((p for ps in decoded for p in ps), dtype=np.int64, count=int(counts.sum()))
        return np.repeat(ids[chosen], counts), positions

    def field_lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in the field, as Whoosh's scorer sees it (cached)."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            read = _leaf_lengths if self.fast else _leaf_lengths_by_document
            parts = [read(leaf, fieldname) for leaf, _base in self.leaves]
            lengths = np.concatenate(parts) if parts else np.zeros(0)
            self._lengths[fieldname] = lengths
        return lengths

    def expansions(self, source) -> Iterator[bytes | str]:
        """The indexed words a Whoosh wildcard, prefix or range query stands for, lazily (a
        caller may stop early)."""
        return source._btexts(self.reader)

    def run(self, source, deadline=None) -> tuple[list[int], list[float]]:
        """A query subtree with no array form, through Whoosh's own matcher: each match and
        its score (``deadline.check()`` every few thousand)."""
        m = source.matcher(self.searcher, self.searcher.context())
        ids, scores = [], []
        while m.is_active():
            ids.append(m.id())
            scores.append(m.score())
            m.next()
            if deadline is not None and len(ids) % 4096 == 0:
                deadline.check()
        return ids, scores

    # -- the check at open -----------------------------------------------------------------------

    def _check(self) -> str | None:
        """Why the fast readers cannot be trusted here, or None."""
        version = whoosh.versionstring()
        if version != WRITTEN_FOR:
            return f"Whoosh {version} is installed; these readers were written for {WRITTEN_FOR}"
        try:
            for fieldname, tbytes in self._probe_terms("body"):
                problem = self._compare(fieldname, tbytes)
                if problem:
                    return problem
            for fieldname in ("title", "body"):
                for leaf, _base in self.leaves if fieldname in self.schema else ():
                    count = leaf.doc_count_all()
                    sample = np.unique(np.linspace(0, count - 1, min(count, PROBE_DOCUMENTS)).astype(np.int64))
                    fast = _leaf_lengths(leaf, fieldname)[sample]
                    slow = [leaf.doc_field_length(int(d), fieldname, 0) or 0 for d in sample]
                    if not np.array_equal(fast, slow):
                        return f"the field lengths of {fieldname!r} decode differently"
        except Exception as exc:  # noqa: BLE001 - any failure of the fast path means: don't use it
            return f"the probe failed ({type(exc).__name__}: {exc})"
        return None

    def _probe_terms(self, fieldname: str) -> list[tuple[str, bytes]]:
        """A term whose postings span several blocks (the most postings up to a bound) and one
        with a single posting (held inline), from the first entries of the field's lexicon."""
        if fieldname not in self.schema:
            return []
        best, single = None, None
        for n, (tbytes, info) in enumerate(self.reader.iter_field(fieldname)):
            if n >= PROBE_SCAN:
                break
            df = info.doc_frequency()
            if df == 1 and single is None:
                single = tbytes
            if df <= PROBE_MAX_POSTINGS and (best is None or df > best[0]):
                best = (df, tbytes)
        return [(fieldname, t) for t in (best[1] if best else None, single) if t is not None]

    def _compare(self, fieldname: str, tbytes: bytes) -> str | None:
        fmt = self.schema[fieldname].format
        positional = fmt.supports("positions")
        for leaf, _base in self.leaves:
            if (fieldname, tbytes) not in leaf:
                continue
            ids, weights, values = _leaf_postings(leaf._terms.matcher(fieldname, tbytes, fmt), positional)
            live = np.asarray([not leaf.is_deleted(d) for d in ids.tolist()], dtype=bool)
            m = leaf.postings(fieldname, tbytes)
            want_ids, want_weights, want_positions = [], [], []
            while m.is_active():
                want_ids.append(m.id())
                want_weights.append(m.weight())
                if positional:
                    want_positions.append(m.value_as("positions"))
                m.next()
            term = f"{fieldname}:{tbytes.decode('utf-8', 'replace')}"
            if ids[live].tolist() != want_ids or not np.array_equal(weights[live], want_weights):
                return f"the postings of {term} decode differently"
            if positional and want_ids:
                counts, positions = _fast_positions([v for v, keep in zip(values, live.tolist(), strict=True) if keep])
                if [p.tolist() for p in np.split(positions, np.cumsum(counts)[:-1])] != want_positions:
                    return f"the positions of {term} decode differently"
        return None


# -- the fast readers ----------------------------------------------------------------------------


def _leaf_postings(m, with_values: bool) -> tuple[np.ndarray, np.ndarray, list | None]:
    """Decode one segment's posting list a block at a time (not a posting at a time)."""
    if not isinstance(m, (ListMatcher, W3LeafMatcher)):
        return _matcher_postings(m, with_values)
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


def _leaf_lengths(leaf, fieldname: str) -> np.ndarray:
    """One segment's field-length column, read as one byte array."""
    count = leaf.doc_count_all()
    raw = np.zeros(count, dtype=np.uint8)
    col = f"_{fieldname}_len"
    perdoc = leaf._perdoc
    if perdoc.has_column(col):
        reader = perdoc.column_reader(col, LENGTHS_COLUMN)
        n = min(reader._count, count)
        if n:
            raw[:n] = np.frombuffer(reader._dbfile.get(reader._basepos, n), dtype=np.uint8)
    return _LENGTH_OF_BYTE[raw]


def _fast_positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The number of positions of each posting and all the positions, concatenated."""
    counts, deltas = _decode_positions(values)
    flat = np.cumsum(np.asarray(deltas, dtype=np.int64))
    # restart the running sum at each posting: positions are delta-coded per document
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    offsets = np.where(starts > 0, flat[starts - 1], 0)
    return counts, flat - np.repeat(offsets, counts)


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


# -- Whoosh's public readers (the fallback) ------------------------------------------------------


def _matcher_postings(m, with_values: bool) -> tuple[np.ndarray, np.ndarray, list | None]:
    """A posting list through Whoosh's public matcher, one posting at a time."""
    ids, weights, values = [], [], [] if with_values else None
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        if with_values:
            values.append(m.value())
        m.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64), values


def _leaf_lengths_by_document(leaf, fieldname: str) -> np.ndarray:
    """One segment's field lengths, a document at a time (Whoosh gives None for an empty one)."""
    count = leaf.doc_count_all()
    lengths = (leaf.doc_field_length(d, fieldname, 0) or 0 for d in range(count))
    return np.fromiter(lengths, dtype=np.float64, count=count)
