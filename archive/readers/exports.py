"""JSON Lines and CSV exports from scrapers and data sets: one record per line or row."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

from ..model import RawDocument
from .base import Problem, ReadOptions

csv.field_size_limit(64 * 1024 * 1024)


def _open_text(path: Path) -> io.TextIOBase:
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    raw = gzip.open(path, "rb") if gz else open(path, "rb")
    # utf-8-sig drops a BOM; undecodable bytes are replaced rather than failing the whole file
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def read_jsonl(path: Path, options: ReadOptions) -> Iterator[RawDocument | Problem]:
    """One record per line; a damaged line is reported with its line number and skipped."""
    source = str(path)
    with _open_text(path) as fh:
        lineno = 0
        while True:
            try:
                line = fh.readline()
            except (OSError, EOFError) as exc:
                yield Problem(source, f"damaged file after line {lineno}: {exc}", offset=lineno)
                return
            if not line:
                return
            lineno += 1
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                yield Problem(
                    source,
                    f"line {lineno}: not valid JSON ({exc.msg})",
                    member=f"line {lineno}",
                    offset=lineno,
                )
                continue
            if not isinstance(record, dict):
                yield Problem(
                    source,
                    f"line {lineno}: not a JSON object",
                    member=f"line {lineno}",
                    offset=lineno,
                )
                continue
            yield RawDocument(
                source=source,
                kind="record",
                record=record,
                member=f"line {lineno}",
                offset=lineno,
                format="jsonl",
            )


def read_csv(path: Path, options: ReadOptions) -> Iterator[RawDocument | Problem]:
    """One record per row, the header naming the fields; tab-separated files are detected."""
    source = str(path)
    with _open_text(path) as fh:
        sample = fh.read(65536)
        fh.seek(0)
        delimiter = (
            "\t"
            if path.name.lower().rstrip(".gz").endswith(".tsv")
            or sample.count("\t") > sample.count(",")
            else ","
        )
        reader = csv.DictReader(fh, delimiter=delimiter)
        row_no = 0
        try:
            for row in reader:
                row_no += 1
                if None in row:  # more cells than header columns
                    extra = row.pop(None)
                    if extra and any(x.strip() for x in extra):
                        yield Problem(
                            source,
                            f"row {row_no}: {len(extra)} cells beyond the header",
                            member=f"row {row_no}",
                            offset=row_no,
                        )
                        continue
                yield RawDocument(
                    source=source,
                    kind="record",
                    record={k: v for k, v in row.items() if k},
                    member=f"row {row_no}",
                    offset=row_no,
                    format="csv",
                )
        except (csv.Error, OSError, EOFError) as exc:
            yield Problem(source, f"damaged CSV after row {row_no}: {exc}", offset=row_no)
