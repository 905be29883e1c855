"""Exports with the researcher's layer: tags and notes on every record, and what a collection is.

The writers in :mod:`quarry.archive.exports` make each record; this module wraps them without
changing what they write. Each article goes through its format's writer on its own and its tags
and note are added where the format has a place for them (a CSV ``tags`` and ``note`` column, JSON
keys, RIS ``KW``/``N1``, BibTeX ``keywords``/``note``, CSL-JSON ``keyword``/``note``). A collection's
export also says what it is — its name, the search it froze, when, how many articles — in the way
each format allows while staying valid: a leading record in CSV, a leading object in JSON Lines,
a ``@comment`` in BibTeX, and a note on every record in RIS and CSL-JSON (reference managers would
import a leading record as one more reference).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from urllib.parse import parse_qsl

from quarry.archive.exports import EXPORT_FORMATS
from quarry.archive.model import Article

from .notes import ArticleNotes

Lookup = Callable[[list[str]], dict[str, ArticleNotes]]
BATCH = 200
_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet formula starts, defused as the writer does
_BIB_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
                "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}  # fmt: skip


@dataclass
class ExportHeader:
    """What a collection export says about itself."""

    id: str
    name: str
    description: str
    search: str  # the frozen search, for people (:func:`describe_query`)
    query: str  # the frozen search's URL arguments
    frozen_at: str
    index_version: str
    frozen_count: int
    count: int  # articles in this export
    exported_at: str
    within: str = ""  # a search within the collection that narrowed this export, for people
    url: str = ""  # the collection's permanent URL, when known

    def summary(self) -> str:
        """One line saying what the export is."""
        text = (f"Quarry collection \u201c{self.name}\u201d (id {self.id}): {self.count:,} article"
                f"{'s' if self.count != 1 else ''}")  # fmt: skip
        if self.within:
            text += f" found within it by {self.within}"
        text += f"; frozen {self.frozen_at} with {self.frozen_count:,} found by {self.search}"
        if self.index_version:
            text += f" (index {self.index_version})"
        text += f"; exported {self.exported_at}"
        return text + (f"; {self.url}" if self.url else "")

    def to_json(self) -> dict:
        return {"type": "quarry-collection", **asdict(self)}


def describe_query(query: str) -> str:
    """A search's URL arguments for people: ``the words “taliban”, category Analysis, not site X``."""
    parts = []
    for key, value in parse_qsl(query):
        prefix, _, name = key.partition(".")
        if key == "q":
            parts.append(f"the query \u201c{value}\u201d")
        elif prefix in ("f", "in") and name:
            parts.append(f"{name} {value}")
        elif prefix == "x" and name:
            parts.append(f"not {name} {value}")
        elif key in ("from", "to", "sort"):
            parts.append(f"{key} {value}")
        elif key == "collection":
            parts.append(f"within collection {value}")
    return ", ".join(parts) or "browsing the whole archive"


def write_annotated(fmt: str, articles: Iterable[Article], lookup: Lookup | None = None,
                    header: ExportHeader | None = None, **options: str) -> Iterator[str]:  # fmt: skip
    """The articles in ``fmt`` (with the writer's ``options``) with their tags and notes (from
    ``lookup``) and, for a collection, its ``header``. A KeyError for an unknown format.

    The format's writer runs once over the whole stream (so what it keeps across records, such
    as BibTeX's unique keys, holds); it yields one chunk per article as it reads it, so the
    article a chunk belongs to is the one read last."""
    writer = EXPORT_FORMATS[fmt][2]
    record = _RECORDS.get(fmt)  # None: a reference list, text with no field for notes
    current: list = [None, ArticleNotes()]

    def feed() -> Iterator[Article]:
        it = iter(articles)
        while batch := list(islice(it, BATCH)):
            notes = lookup([a.id for a in batch]) if lookup else {}
            for a in batch:
                current[0], current[1] = a, notes.get(a.id) or ArticleNotes()
                yield a
        current[0] = None

    if header is not None:
        if fmt == "jsonl":
            yield json.dumps(header.to_json(), ensure_ascii=False) + "\n"
        elif fmt == "bib":
            yield "@comment{" + _bib_text(header.summary()) + "}\n\n"
        elif record is None:
            yield header.summary() + "\n\n"
    for chunk in writer(feed(), **options):
        if current[0] is None or record is None:  # framing (CSV column names, CSL brackets)
            if fmt == "csv":
                yield _csv_append(chunk, ["tags", "note"])
                if header is not None:
                    yield _csv_header_row(chunk, header)
            else:
                yield chunk
            continue
        yield record(chunk, current[1], header)


# -- per format: one record as its writer made it, with the annotations added --------------------


def _csv_row(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(["'" + c if c.startswith(_FORMULA) else c for c in cells])
    return buf.getvalue()


def _csv_append(line: str, cells: list[str]) -> str:
    """A CSV row with more cells at its end (its line ending kept)."""
    ending = "\r\n" if line.endswith("\r\n") else "\n"
    return line[: -len(ending)] + "," + _csv_row(cells)[:-2] + ending


def _csv(text: str, notes: ArticleNotes, header: ExportHeader | None) -> str:
    return _csv_append(text, ["; ".join(notes.tags), notes.note])


def _csv_header_row(head: str, header: ExportHeader) -> str:
    """The collection as a first record: its id, name, when it was frozen, what it is."""
    columns = next(csv.reader(io.StringIO(head)))
    values = {"id": f"collection:{header.id}", "title": f"Quarry collection \u201c{header.name}\u201d",
              "published": header.frozen_at, "url": header.url, "text": header.summary()}  # fmt: skip
    cells = [values.get(c, "") for c in columns] + ["", header.description]
    if "text" not in columns:
        cells[min(1, len(columns) - 1)] = header.summary()
    return _csv_row(cells).replace("\r\n", "\n" if not head.endswith("\r\n") else "\r\n")


def _jsonl(text: str, notes: ArticleNotes, header: ExportHeader | None) -> str:
    line = text.rstrip("\n")
    if not (notes.tags or notes.note) or not line.endswith("}"):
        return text
    extra = ""
    if notes.tags:
        extra += ', "tags": ' + json.dumps(notes.tags, ensure_ascii=False)
    if notes.note:
        extra += ', "note": ' + json.dumps(notes.note, ensure_ascii=False)
    return line[:-1] + extra + "}\n"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _ris(text: str, notes: ArticleNotes, header: ExportHeader | None) -> str:
    ending = "\r\n" if "\r\n" in text else "\n"
    lines = [f"KW  - {_one_line(t)}" for t in notes.tags]
    if notes.note:
        lines.append(f"N1  - {_one_line(notes.note)}")
    if header is not None:
        lines.append(f"N1  - {_one_line(header.summary())}")
    at = text.rfind("ER  -")
    if not lines or at < 0:
        return text
    return text[:at] + "".join(line + ending for line in lines) + text[at:]


def _bib_text(value: str) -> str:
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in _one_line(value))


def _bib_merge(entry: str, name: str, value: str, sep: str) -> str:
    """Add ``value`` to the entry's field ``name`` (after what it holds), or add the field."""
    found = re.search(rf"^([ \t]*{name}[ \t]*=[ \t]*\{{)(.*)(\}},?[ \t]*)$", entry, re.M | re.I)
    if found:
        inner = found.group(2)
        merged = f"{inner}{sep}{value}" if inner else value
        return entry[: found.start(2)] + merged + entry[found.end(2):]
    end = entry.rstrip().rfind("}")
    if end < 0:
        return entry
    body = entry[:end].rstrip()
    return body + f",\n  {name} = {{{value}}}\n" + entry[end:]


def _bib(text: str, notes: ArticleNotes, header: ExportHeader | None) -> str:
    if notes.tags:
        text = _bib_merge(text, "keywords", ", ".join(_bib_text(t) for t in notes.tags), ", ")
    if notes.note:
        text = _bib_merge(text, "note", _bib_text(notes.note), ". ")
    return text


def _csl(text: str, notes: ArticleNotes, header: ExportHeader | None) -> str:
    body = text.lstrip(",\n ")  # the writer's separator before the item stays as it was
    item = json.loads(body)
    if notes.tags:
        item["keyword"] = ", ".join(x for x in (item.get("keyword"), *notes.tags) if x)
    extra = [x for x in (notes.note, header.summary() if header else "") if x]
    if extra:
        item["note"] = "\n".join(x for x in (item.get("note"), *extra) if x)
    return text[: len(text) - len(body)] + json.dumps(item, ensure_ascii=False)


_RECORDS = {"csv": _csv, "jsonl": _jsonl, "ris": _ris, "bib": _bib, "csl.json": _csl}
