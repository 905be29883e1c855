"""Exports from scrapers and data sets: JSON Lines and CSV (one record per line or row) and JSON
documents (one record, an array of records, or an object holding such an array).

Every record goes through the same field mapping (``--map``) whatever the format. A JSON array is
read item by item, so an export of any size is read in bounded memory; any other JSON document is
read whole, within the size limit for one document.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..model import RawDocument
from .base import Problem, ReadOptions, too_large

csv.field_size_limit(64 * 1024 * 1024)

_CHUNK = 1 << 16


@contextmanager
def _open_text(path: Path) -> Iterator[tuple[io.TextIOWrapper, IO[bytes]]]:
    """The file as text (gzip or not), and the file itself: its position tells how far reading
    has got."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
        fh.seek(0)
        raw: IO[bytes] = gzip.GzipFile(fileobj=fh, mode="rb") if gz else fh
        # utf-8-sig drops a BOM; undecodable bytes are replaced rather than failing the whole file
        with io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="") as text:
            yield text, fh


def read_jsonl(path: Path, options: ReadOptions) -> Iterator[RawDocument | Problem]:
    """One record per line; a damaged line is reported with its line number and skipped."""
    source = str(path)
    with _open_text(path) as (fh, raw):
        lineno = 0
        limit = options.max_record_bytes
        while True:
            try:
                line = fh.readline(limit + 1)
                size = len(line) + (_skip_line(fh) if len(line) > limit else 0)
            except (OSError, EOFError) as exc:
                yield Problem(source, f"damaged file after line {lineno}: {exc}", offset=lineno,
                              kind="damaged file")  # fmt: skip
                return
            if not line:
                return
            lineno += 1
            options.reached(raw.tell())
            where = {"member": f"line {lineno}", "offset": lineno}
            if size > limit:
                yield too_large(source, f"line {lineno}", size, limit, **where)
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                yield Problem(source, f"line {lineno}: not valid JSON ({exc.msg})", kind="not valid JSON",
                              **where)  # fmt: skip
                continue
            if not isinstance(record, dict):
                yield Problem(source, f"line {lineno}: not a JSON object", kind="not a JSON object", **where)
                continue
            yield RawDocument(source=source, kind="record", record=record, format="jsonl", **where)


def read_csv(path: Path, options: ReadOptions) -> Iterator[RawDocument | Problem]:
    """One record per row, the header naming the fields; tab-separated files are detected."""
    source = str(path)
    with _open_text(path) as (fh, raw):
        sample = fh.read(65536)
        fh.seek(0)
        delimiter = (
            "\t"
            if path.name.lower().rstrip(".gz").endswith(".tsv")
            or sample.count("\t") > sample.count(",")
            else ","
        )
        lines = _BoundedLines(fh, options.max_record_bytes)
        reader = csv.DictReader(lines, delimiter=delimiter)
        row_no = 0
        try:
            for row in _rows(reader, lines):
                row_no += 1
                options.reached(raw.tell())
                where = {"member": f"row {row_no}", "offset": row_no}
                if isinstance(row, int):
                    yield too_large(source, f"row {row_no}", row, lines.limit, **where)
                    continue
                if None in row:  # more cells than header columns
                    extra = row.pop(None)
                    if extra and any(x.strip() for x in extra):
                        yield Problem(source, f"row {row_no}: {len(extra)} cells beyond the header",
                                      kind="cells beyond the header", **where)  # fmt: skip
                        continue
                yield RawDocument(source=source, kind="record", record={k: v for k, v in row.items() if k},
                                  format="csv", **where)  # fmt: skip
        except (csv.Error, OSError, EOFError) as exc:
            yield Problem(source, f"damaged CSV after row {row_no}: {exc}", offset=row_no, kind="damaged CSV")


def _skip_line(fh: io.TextIOWrapper) -> int:
    """Read past the rest of a line without holding it; how many characters it had."""
    skipped = 0
    while True:
        chunk = fh.readline(_CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith("\n"):
            return skipped


class _RowTooLarge(Exception):
    pass


class _BoundedLines:
    """A CSV file's lines for ``csv.reader``, never one row of more than ``limit`` characters:
    past it the rest of the physical line is read past and the row refused."""

    def __init__(self, fh: io.TextIOWrapper, limit: int):
        self.fh, self.limit = fh, limit
        self.row_size = 0  # characters of the row being read

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.fh.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.row_size += len(line)
        if self.row_size > self.limit:
            if not line.endswith("\n"):
                self.row_size += _skip_line(self.fh)
            raise _RowTooLarge
        return line


def _rows(reader: csv.DictReader, lines: _BoundedLines) -> Iterator[dict | int]:
    """The rows of a CSV file; a row over the limit comes as its size instead, and reading goes
    on at the next line with a fresh reader (the header kept)."""
    while True:
        lines.row_size = 0
        try:
            row = next(reader)
        except StopIteration:
            return
        except _RowTooLarge:
            yield lines.row_size
            reader = csv.DictReader(lines, fieldnames=reader.fieldnames, delimiter=reader.reader.dialect.delimiter)
            continue
        yield row


# -- JSON documents ------------------------------------------------------------------------------


def read_json(path: Path, options: ReadOptions) -> Iterator[RawDocument | Problem]:
    """The records of a JSON document: the document itself when it is one record, the items of
    an array, or the items of the array an object holds (``{"articles": [...]}``). A document
    that holds no record is one skipped problem saying what it holds instead."""
    source = str(path)
    with _open_text(path) as (fh, raw):
        head = fh.read(_CHUNK)
        start = len(head) - len(head.lstrip())
        if head[start : start + 1] == "[":
            yield from _array_items(fh, raw, head, start + 1, source, options)
            return
        text = head + fh.read(options.max_bytes + 1 - len(head))
        if len(text) > options.max_bytes:
            yield Problem(source, f"JSON document larger than {options.max_bytes / 1e6:.0f} MB: export it as "
                          "JSON Lines or as an array of records", kind="JSON document too large")  # fmt: skip
            return
    try:
        doc = json.loads(text)
    except ValueError as exc:
        if getattr(exc, "msg", "") == "Extra data":  # one value after another: JSON Lines
            yield from read_jsonl(path, options)
            return
        yield Problem(source, f"not valid JSON ({exc})", kind="not valid JSON")
        return
    for item in _document_records(doc, source, options.field_map):
        size = _size(item.record) if isinstance(item, RawDocument) else 0
        if size > options.max_record_bytes:  # held already (the document is), but not taken
            what = item.member or "the document"
            yield too_large(source, what, size, options.max_record_bytes, member=item.member, offset=item.offset)
        else:
            yield item


def _size(value: Any) -> int:
    """About how many characters a decoded JSON value holds (its strings, keys and all)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(len(str(k)) + _size(v) for k, v in value.items())
    if isinstance(value, list):
        return sum(_size(v) for v in value)
    return 8


def _document_records(doc: Any, source: str, field_map: dict[str, str]) -> Iterator[RawDocument | Problem]:
    if not isinstance(doc, dict):
        why = f"JSON document without records ({_what(doc)})"
        yield Problem(source, why, skipped=True, kind="JSON document without records")
        return
    if _has_fields(doc, field_map, ("body",)):
        yield RawDocument(source=source, kind="record", record=doc, format="json")
        return
    found = _record_list(doc, field_map)
    if found is not None:
        path, items = found
        yield from _items(items, source, f"{path} item")
        return
    if _is_record(doc, field_map):  # a record without a body (a headline and its URL): said so
        yield RawDocument(source=source, kind="record", record=doc, format="json")
        return
    keys = ", ".join(list(doc)[:5]) + (", …" if len(doc) > 5 else "")
    why = f"JSON document without records (an object with keys {keys})" if doc else "empty JSON object"
    yield Problem(source, why, skipped=True, kind="JSON document without records")


def _has_fields(record: dict, field_map: dict[str, str], names: tuple[str, ...]) -> bool:
    """True when the record has a value for one of these article fields (mapped or by name)."""
    from ..extract.record import DEFAULT_FIELDS, lookup

    for name in names:
        keys = [field_map[name]] if name in field_map else list(DEFAULT_FIELDS.get(name, ()))
        if any(lookup(record, key) not in (None, "", []) for key in keys):
            return True
    return False


def _is_record(item: dict, field_map: dict[str, str]) -> bool:
    """True for an object with two or more article fields (a title and a URL, a body and a
    date ...): a record, where one field alone may be anything's ("name", "text")."""
    fields = ("body", "title", "url", "published", "authors", "categories", "site", "language")
    return sum(_has_fields(item, field_map, (name,)) for name in fields) >= 2


def _record_list(doc: dict, field_map: dict[str, str], depth: int = 3) -> tuple[str, list] | None:
    """The array of records an object holds (at most ``depth`` levels down), with its path
    (``data.items``): an array of records (not of images, tags or sections of one article); the
    one whose items have a body, else the longest."""
    found: list[tuple[bool, int, str, list]] = []

    def walk(node: dict, path: str, level: int) -> None:
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(value, list) and value and sum(isinstance(v, dict) for v in value) * 2 > len(value):
                first = next(v for v in value if isinstance(v, dict))
                if _is_record(first, field_map):
                    found.append((_has_fields(first, field_map, ("body",)), len(value), where, value))
            elif isinstance(value, dict) and level < depth:
                walk(value, where, level + 1)

    walk(doc, "", 1)
    if not found:
        return None
    _, _, path, items = max(found, key=lambda f: (f[0], f[1]))
    return path, items


def _items(items: list, source: str, label: str) -> Iterator[RawDocument | Problem]:
    others: list[int] = []
    for n, item in enumerate(items, start=1):
        if isinstance(item, dict):
            yield RawDocument(source=source, kind="record", record=item, member=f"{label} {n}", offset=n,
                              format="json")  # fmt: skip
        else:
            others.append(n)
    if others:
        yield _not_records(source, label, others, len(items))


def _not_records(source: str, label: str, others: list[int], total: int) -> Problem:
    """One problem for all the items of an array that are not records."""
    if len(others) == total:
        return Problem(source, f"JSON array without records ({total} items, none an object)", skipped=True,
                       kind="JSON document without records")  # fmt: skip
    shown = ", ".join(str(n) for n in others[:5]) + (", …" if len(others) > 5 else "")
    return Problem(source, f"{len(others)} of {total} items are not JSON objects ({label}s {shown})",
                   skipped=True, kind="JSON items that are not objects")  # fmt: skip


def _array_items(
    fh: io.TextIOWrapper, raw: IO[bytes], buf: str, pos: int, source: str, options: ReadOptions
) -> Iterator[RawDocument | Problem]:
    """The items of a top-level JSON array, decoded one at a time as the file is read."""
    decoder = json.JSONDecoder()
    n, others, eof = 0, [], False
    error: Exception | None = None
    while True:
        while True:  # the next item, a comma or the closing bracket
            while pos < len(buf) and buf[pos] in " \t\r\n,":
                pos += 1
            if pos < len(buf) or eof:
                break
            buf, pos = fh.read(_CHUNK), 0
            eof = not buf
        if pos >= len(buf):
            yield Problem(source, f"damaged JSON: the array ends before its closing bracket (after item {n})",
                          offset=n, kind="damaged JSON")  # fmt: skip
            break
        if buf[pos] == "]":
            break
        try:
            item, end = decoder.raw_decode(buf, pos)
            complete = end < len(buf) or eof  # a number at the buffer's end may go on
        except ValueError as exc:
            complete, error = False, exc
        if not complete:
            held = len(buf) - pos
            if not eof and held <= options.max_record_bytes:  # it goes on past the buffer
                more = fh.read(max(_CHUNK, min(held, options.max_record_bytes + 1 - held)))
                buf, pos, eof = buf[pos:] + more, 0, not more
                continue
            if not eof:  # too large to hold: read past it, and go on with the next item
                size, buf, pos = _skip_value(fh, buf, pos)
                n += 1
                yield too_large(source, f"item {n}", size, options.max_record_bytes, member=f"item {n}", offset=n)
                eof = not buf
                continue
            yield Problem(source, f"damaged JSON at item {n + 1} ({error}); the items before it are read",
                          member=f"item {n + 1}", offset=n + 1, kind="damaged JSON")  # fmt: skip
            break
        n, pos = n + 1, end
        options.reached(raw.tell())
        if isinstance(item, dict):
            yield RawDocument(source=source, kind="record", record=item, member=f"item {n}", offset=n, format="json")
        else:
            others.append(n)
    if n == 0:
        yield Problem(source, "JSON array without records (empty)", skipped=True,
                      kind="JSON document without records")  # fmt: skip
    elif others:
        yield _not_records(source, "item", others, n)


_VALUE_MARKS = re.compile(r'["\\\[\]{},]')


def _skip_value(fh: io.TextIOWrapper, buf: str, pos: int) -> tuple[int, str, int]:
    """Read past the JSON value starting at ``buf[pos]`` without holding it (its strings, brackets
    and escapes followed chunk by chunk); its size in characters, and the buffer and position just
    after it (an empty buffer at the end of the file)."""
    depth, in_string, size, escaped_at = 0, False, 0, -1
    while buf:
        for m in _VALUE_MARKS.finditer(buf, pos):
            at, ch = m.start(), m.group()
            if at == escaped_at:
                continue
            if in_string:
                if ch == "\\":
                    escaped_at = at + 1
                in_string = ch != '"'
                continue
            end = None
            if ch == '"':
                in_string = True
            elif ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
                end = at + 1 if depth == 0 else at if depth < 0 else None  # < 0: the array's own
            elif depth == 0:  # a comma after a plain value
                end = at
            if end is not None:
                return size + end - pos, buf, end
        size += len(buf) - pos
        escaped_at = escaped_at - len(buf) if escaped_at >= len(buf) else -1
        buf, pos = fh.read(_CHUNK), 0
    return size, "", 0


def _what(value: Any) -> str:
    names = {str: "a string", int: "a number", float: "a number", bool: "true or false", list: "an array"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
