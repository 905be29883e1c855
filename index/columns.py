"""Per-field value columns for exact facet counting without walking Whoosh per request.

For one index generation, each facet field is held as a CSR layout: ``offsets[doc]`` to
``offsets[doc + 1]`` slice ``values`` (ids into ``vocab``). Counting a facet over a matched
set of documents is then one ``bincount`` over the matched documents' value ids.

A generation's columns are kept beside its index as plain arrays (``columns-<generation>.npz``,
numpy's own format, read without unpickling anything), so no Python class is part of the files:
moving code never makes a data directory unreadable. A file that cannot be read is rebuilt
from the index.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .schema import DATE_FACETS, FACET_FIELDS, VALUE_SEP, VARIANT_FIELD

ALL_FACETS = FACET_FIELDS + DATE_FACETS
# columns that are not facets; an index made before they existed has them empty
EXTRA_COLUMNS = (VARIANT_FIELD,)
FORMAT = 2  # raise when the arrays stored change (2: the variant column)


class ColumnsUnreadable(Exception):
    """A columns file that is missing, damaged or of another format: rebuild it."""


@dataclass
class Column:
    vocab: list[str]
    offsets: np.ndarray  # int64, len = ndocs + 1
    values: np.ndarray  # int32 value ids
    owner: np.ndarray  # int32 docnum of each entry in values
    lookup: dict[str, int]
    folded: dict[str, int]  # casefolded value -> id (first one wins)
    _folded_list: list[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, vocab: list[str], offsets: np.ndarray, values: np.ndarray) -> Column:
        """A column from its stored arrays (the rest is derived)."""
        lengths = np.diff(offsets)
        owner = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
        folded: dict[str, int] = {}
        for vid, value in enumerate(vocab):
            folded.setdefault(value.casefold(), vid)
        return cls(vocab, offsets, values, owner, {v: i for i, v in enumerate(vocab)}, folded)

    def folded_list(self) -> list[str]:
        """The vocabulary case-folded, for searching a facet's values (built on first use)."""
        if self._folded_list is None:
            self._folded_list = [v.casefold() for v in self.vocab]
        return self._folded_list

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

    def entries(self, mask: np.ndarray) -> np.ndarray:
        """Selects the entries of ``values`` (and ``owner``) of the documents in ``mask``: their
        positions, or a boolean mask over all entries when most documents are chosen."""
        docs = np.flatnonzero(mask)
        if len(docs) * 4 < len(mask):
            # few documents: gather their slices of ``values`` instead of testing every entry
            starts = self.offsets[docs]
            lengths = self.offsets[docs + 1] - starts
            total = int(lengths.sum())
            ends = np.cumsum(lengths)
            return np.repeat(starts - (ends - lengths), lengths) + np.arange(total)
        return mask[self.owner]

    def count(self, mask: np.ndarray) -> np.ndarray:
        """Documents per value among the documents in ``mask``."""
        return np.bincount(self.values[self.entries(mask)], minlength=len(self.vocab))


@dataclass
class Columns:
    ndocs: int
    ids: list[str]  # docnum -> article id ('' for a deleted document)
    live: np.ndarray  # bool: not deleted
    day: np.ndarray  # int32 proleptic ordinal, -1 when undated
    fields: dict[str, Column]
    _by_id: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def docnum_of(self, article_id: str) -> int | None:
        return self.by_id().get(article_id)

    def by_id(self) -> dict[str, int]:
        """Article id -> docnum (made on first use)."""
        if self._by_id is None:
            self._by_id = {aid: n for n, aid in enumerate(self.ids) if aid}
        return self._by_id

    def with_field(self, name: str, column: Column) -> Columns:
        """The same documents with one more column (a facet not held in the index)."""
        return Columns(self.ndocs, self.ids, self.live, self.day, {**self.fields, name: column},
                       self.by_id())  # fmt: skip

    def mask_of(self, article_ids) -> np.ndarray:
        """The documents of these article ids (ids not in this generation are left out)."""
        by_id = self.by_id()
        found = [d for d in map(by_id.get, article_ids) if d is not None]
        mask = np.zeros(self.ndocs, dtype=bool)
        mask[np.asarray(found, dtype=np.int64)] = True
        return mask


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
    indexed = set(reader.schema.names())
    for name in ALL_FACETS + EXTRA_COLUMNS:
        vocab: list[str] = []
        per_doc: list[list[int]] = [[] for _ in range(ndocs)]
        for term in reader.lexicon(name) if name in indexed else ():
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
        fields[name] = Column.of(vocab, offsets, values)
    return Columns(ndocs=ndocs, ids=ids, live=live, day=day, fields=fields)


# Strings are stored as one UTF-8 array each, joined by the separator no indexed value holds
# (schema.to_document replaces it), and split again when read.


def _text(values: list[str]) -> np.ndarray:
    return np.frombuffer(VALUE_SEP.join(values).encode("utf-8"), dtype=np.uint8)


def _strings(data: np.ndarray, count: int) -> list[str]:
    if not count:
        return []
    out = data.tobytes().decode("utf-8").split(VALUE_SEP)
    if len(out) != count:
        raise ColumnsUnreadable(f"{len(out)} strings where {count} were written")
    return out


def save_columns(columns: Columns, path: Path) -> None:
    """Write the columns as plain arrays, atomically (readers never see half a file)."""
    arrays = {
        "format": np.array([FORMAT], dtype=np.int64),
        "ndocs": np.array([columns.ndocs], dtype=np.int64),
        "ids": _text(columns.ids),
        "live": columns.live,
        "day": columns.day,
        "fields": _text(list(columns.fields)),
    }
    for name, col in columns.fields.items():
        arrays[f"{name}.vocab"] = _text(col.vocab)
        arrays[f"{name}.size"] = np.array([len(col.vocab)], dtype=np.int64)
        arrays[f"{name}.offsets"] = col.offsets
        arrays[f"{name}.values"] = col.values
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    os.replace(tmp, path)


def load_columns(path: Path) -> Columns:
    """Read columns written by :func:`save_columns`; ColumnsUnreadable when they cannot be."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"][0]) != FORMAT:
                raise ColumnsUnreadable(f"format {int(data['format'][0])}, not {FORMAT}")
            ndocs = int(data["ndocs"][0])
            names = data["fields"].tobytes().decode("utf-8").split(VALUE_SEP)
            fields = {}
            for name in names:
                vocab = _strings(data[f"{name}.vocab"], int(data[f"{name}.size"][0]))
                offsets, values = data[f"{name}.offsets"], data[f"{name}.values"]
                if len(offsets) != ndocs + 1 or int(offsets[-1]) != len(values):
                    raise ColumnsUnreadable(f"the {name} column does not fit {ndocs} documents")
                if len(values) and (values.min() < 0 or values.max() >= len(vocab)):
                    raise ColumnsUnreadable(f"the {name} column names values it does not hold")
                fields[name] = Column.of(vocab, offsets, values)
            ids = _strings(data["ids"], ndocs)
            live, day = data["live"], data["day"]
    except ColumnsUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - missing, truncated, garbled: all mean "rebuild"
        raise ColumnsUnreadable(f"{type(exc).__name__}: {exc}") from exc
    if len(live) != ndocs or len(day) != ndocs or set(ALL_FACETS + EXTRA_COLUMNS) - set(fields):
        raise ColumnsUnreadable("the columns do not fit together")
    return Columns(ndocs=ndocs, ids=ids, live=live.astype(bool), day=day.astype(np.int32), fields=fields)
