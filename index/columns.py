"""Per-field value columns for exact facet counting without walking Whoosh per request.

For one index generation, each facet field is held as a CSR layout: ``offsets[doc]`` to
``offsets[doc + 1]`` slice ``values`` (ids into ``vocab``). Counting a facet over a matched
set of documents is then one ``bincount`` over the matched documents' value ids.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .schema import DATE_FACETS, FACET_FIELDS

ALL_FACETS = FACET_FIELDS + DATE_FACETS


@dataclass
class Column:
    vocab: list[str]
    offsets: np.ndarray  # int64, len = ndocs + 1
    values: np.ndarray  # int32 value ids
    owner: np.ndarray  # int32 docnum of each entry in values
    lookup: dict[str, int]
    folded: dict[str, int]  # casefolded value -> id (first one wins)

    def folded_list(self) -> list[str]:
        """The vocabulary case-folded, for searching a facet's values (built on first use)."""
        cached = getattr(self, "_folded_list", None)
        if cached is None:
            cached = self._folded_list = [v.casefold() for v in self.vocab]
        return cached

    def ids_of(self, names: list[str]) -> list[int]:
        out = []
        for name in names:
            vid = self.lookup.get(name)
            if vid is None:
                vid = self.folded.get(name.casefold())
            if vid is not None:
                out.append(vid)
        return out

    def docs_with_any(self, value_ids: list[int], ndocs: int) -> np.ndarray:
        """Boolean mask of documents holding at least one of the values."""
        if not value_ids:
            return np.zeros(ndocs, dtype=bool)
        hit = np.isin(self.values, np.asarray(value_ids, dtype=np.int32))
        mask = np.zeros(ndocs, dtype=bool)
        mask[self.owner[hit]] = True
        return mask

    def count(self, mask: np.ndarray) -> np.ndarray:
        """Documents per value among the documents in ``mask``."""
        docs = np.flatnonzero(mask)
        if len(docs) * 4 < len(mask):
            # few documents: gather their slices of ``values`` instead of testing every entry
            starts = self.offsets[docs]
            lengths = self.offsets[docs + 1] - starts
            total = int(lengths.sum())
            ends = np.cumsum(lengths)
            index = np.repeat(starts - (ends - lengths), lengths) + np.arange(total)
            values = self.values[index]
        else:
            values = self.values[mask[self.owner]]
        return np.bincount(values, minlength=len(self.vocab))


@dataclass
class Columns:
    ndocs: int
    ids: list[str]  # docnum -> article id ('' for a deleted document)
    live: np.ndarray  # bool: not deleted
    day: np.ndarray  # int32 proleptic ordinal, -1 when undated
    fields: dict[str, Column]

    def docnum_of(self, article_id: str) -> int | None:
        if not hasattr(self, "_by_id"):
            self._by_id = {aid: n for n, aid in enumerate(self.ids) if aid}
        return self._by_id.get(article_id)


def build_columns(reader) -> Columns:
    """Read the columns of one Whoosh index generation (called once per generation)."""
    ndocs = reader.doc_count_all()
    live = np.ones(ndocs, dtype=bool)
    if reader.has_deletions():
        for docnum in range(ndocs):
            if reader.is_deleted(docnum):
                live[docnum] = False
    ids = [""] * ndocs
    day = np.full(ndocs, -1, dtype=np.int32)
    if ndocs:
        id_col = reader.column_reader("id")
        day_col = reader.column_reader("day")
    for docnum in range(ndocs):
        if live[docnum]:
            ids[docnum] = id_col[docnum]
            v = day_col[docnum]
            day[docnum] = v if v is not None else -1
    fields = {}
    for name in ALL_FACETS:
        vocab: list[str] = []
        per_doc: list[list[int]] = [[] for _ in range(ndocs)]
        for term in reader.lexicon(name):
            value = term.decode("utf-8") if isinstance(term, bytes) else term
            vid = len(vocab)
            vocab.append(value)
            for docnum in reader.postings(name, term).all_ids():
                if live[docnum]:
                    per_doc[docnum].append(vid)
        lengths = np.fromiter((len(v) for v in per_doc), dtype=np.int64, count=ndocs)
        offsets = np.zeros(ndocs + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        values = np.fromiter((v for vs in per_doc for v in vs), dtype=np.int32, count=int(offsets[-1]))
        owner = np.repeat(np.arange(ndocs, dtype=np.int32), lengths)
        folded: dict[str, int] = {}
        for vid, value in enumerate(vocab):
            folded.setdefault(value.casefold(), vid)
        fields[name] = Column(vocab, offsets, values, owner, {v: i for i, v in enumerate(vocab)}, folded)
    return Columns(ndocs=ndocs, ids=ids, live=live, day=day, fields=fields)


def save_columns(columns: Columns, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(columns, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def load_columns(path: Path) -> Columns:
    with open(path, "rb") as fh:
        return pickle.load(fh)
