"""Readers: find input files, detect each one's format from its content, yield raw documents.

``read_path`` never raises for bad input; it yields :class:`Problem` records instead, so one bad
file costs one line in the report and the run goes on.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import RawDocument
from .base import Problem, ReadOptions
from .exports import read_csv, read_json, read_jsonl

__all__ = [
    "FORMATS", "Problem", "ReadOptions", "RawDocument", "detect_format", "iter_files", "page_documents",
    "read_path",
]  # fmt: skip

FORMATS = ("warc", "arc", "wacz", "zip", "mhtml", "html", "pagetext", "jsonl", "json", "csv")
_SKIP_NAMES = {".DS_Store", "Thumbs.db"}
_GZIP_MAGIC = b"\x1f\x8b"
_JSON_ARRAY = re.compile(rb"\[\s*[{\]]")


def iter_files(paths: Iterable[Path], follow_symlinks: bool = False) -> Iterator[Path | Problem]:
    """Every file under the given paths (folders recursively, sorted, hidden files left out).

    A symbolic link met inside a folder is not followed (it could publish a private file from
    anywhere on the machine): it comes back as a skipped :class:`Problem` naming where it
    points, unless ``follow_symlinks``. A path given itself is read even when it is a link: the
    researcher named it. Followed links never make the walk go round in circles."""
    for path in paths:
        path = Path(path)
        if not path.is_dir():
            yield path
            continue
        seen = {os.path.realpath(path)}
        for root, dirs, files in os.walk(path, followlinks=follow_symlinks):
            seen.add(os.path.realpath(root))
            names = sorted(d for d in dirs if not d.startswith("."))
            dirs[:] = []
            for name in names:
                sub = Path(root) / name
                if not sub.is_symlink():
                    dirs.append(name)
                elif not follow_symlinks:
                    yield _link_skipped(sub)
                elif os.path.realpath(sub) not in seen:  # a link back up the tree: once is enough
                    seen.add(os.path.realpath(sub))
                    dirs.append(name)
            for name in sorted(files):
                if name.startswith(".") or name in _SKIP_NAMES:
                    continue
                found = Path(root) / name
                yield found if follow_symlinks or not found.is_symlink() else _link_skipped(found)


def _link_skipped(link: Path) -> Problem:
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"
    return Problem(str(link), f"symbolic link to {target}, not followed (--follow-symlinks follows links)",
                   skipped=True, kind="symbolic link")  # fmt: skip


def _head(path: Path, size: int = 8192) -> tuple[bytes, bool]:
    """The first bytes of a file, decompressed when it is gzip; and whether it was gzip."""
    with open(path, "rb") as fh:
        raw = fh.read(size)
    if raw[:2] != _GZIP_MAGIC:
        return raw, False
    try:
        with gzip.open(path, "rb") as gz:
            return gz.read(size), True
    except (OSError, EOFError):
        return raw, True


def detect_format(path: Path, head: bytes | None = None) -> str | None:
    """The input format of a file, from its content first and its name second."""
    gz = False
    if head is None:
        head, gz = _head(path)
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    from .warc import is_arc, is_warc

    if is_warc(head):
        return "warc"
    if is_arc(head):
        return "arc"
    if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":  # a zip (an empty one: PK56)
        return "wacz" if name.endswith(".wacz") else "zip"
    from .containers import is_mhtml

    if is_mhtml(head, name):  # before HTML: its HTML part may show in the first bytes
        return "mhtml"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lower = stripped[:4096].lower()
    if _looks_utf16(head):
        lower = head.decode("utf-16", errors="ignore").encode("utf-8", "ignore").lower().lstrip()
    # exports first: their fields may well contain HTML (a scraped "<body>" in a record)
    if _JSON_ARRAY.match(stripped) or (stripped.startswith(b"[") and name.endswith(".json")):
        return "json"  # an array of records (a text may well start with "[Update]")
    if stripped.startswith(b"{"):
        first, newline, _ = stripped.partition(b"\n")
        if name.endswith((".jsonl", ".ndjson")):
            return "jsonl"
        if not newline:  # a first line longer than the sniffed head: the name decides
            return "json" if name.endswith(".json") else "jsonl"
        try:
            # one complete object on the first line: one record per line (whatever the name)
            return "jsonl" if isinstance(json.loads(first), dict) else "json"
        except ValueError:
            return "json"  # an object laid out over several lines
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".json"):
        return "json"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    if (
        lower.startswith((b"<!doctype html", b"<html", b"<?xml"))
        or b"<body" in lower
        or b"<head" in lower
    ):
        return "html"
    if name.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if name.endswith((".warc", ".arc")):
        return "warc" if name.endswith(".warc") else "arc"
    return "pagetext"


def _looks_utf16(head: bytes) -> bool:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = head[:200]
    return len(sample) > 20 and sample.count(b"\x00") > len(sample) // 3


def read_path(path: Path, options: ReadOptions | None = None) -> Iterator[RawDocument | Problem]:
    """Yield the raw documents in one file, or problems explaining why there are none."""
    options = options or ReadOptions()
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Problem(source, f"cannot read file: {exc.strerror or exc}", kind="cannot read file")
        return
    if size == 0:
        yield Problem(source, "empty file")
        return
    try:
        head, gz = _head(path)
    except OSError as exc:
        yield Problem(source, f"cannot read file: {exc.strerror or exc}", kind="cannot read file")
        return
    fmt = options.format or detect_format(path, head)
    try:
        if fmt in ("warc", "arc"):
            from .warc import read_warc

            yield from read_warc(path, options)
        elif fmt in ("zip", "wacz") and not gz:
            from .containers import read_zip

            yield from read_zip(path, options)
        elif fmt == "jsonl":
            yield from read_jsonl(path, options)
        elif fmt == "json":
            yield from read_json(path, options)
        elif fmt == "csv":
            yield from read_csv(path, options)
        else:
            yield from _read_page(path, fmt, gz, size, options)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the run
        yield Problem(source, f"unreadable ({type(exc).__name__}: {exc})", kind="unreadable")


def _read_page(
    path: Path, fmt: str, gz: bool, size: int, options: ReadOptions
) -> Iterator[RawDocument | Problem]:
    """A single page file (HTML or a plain-text capture), read whole within the size limit."""
    source = str(path)
    if size > options.max_bytes:
        why = f"file too large ({size / 1e6:.0f} MB > {options.max_bytes / 1e6:.0f} MB limit for a page)"
        yield Problem(source, why, kind="file too large")
        return
    try:
        if gz:
            with gzip.open(path, "rb") as fh:
                content = fh.read(options.max_bytes + 1)
        else:
            content = path.read_bytes()
    except (OSError, EOFError) as exc:
        if gz:
            yield Problem(source, f"damaged gzip file ({exc})", kind="damaged gzip file")
        else:
            yield Problem(source, f"cannot read file: {exc}", kind="cannot read file")
        return
    yield from page_documents(content, source, fmt, options, fmt + (".gz" if gz else ""))


def page_documents(
    content: bytes,
    source: str,
    fmt: str,
    options: ReadOptions,
    label: str,
    member: str | None = None,
) -> Iterator[RawDocument | Problem]:
    """The page in the bytes of one file (loose or a zip member), once they are read: too
    large, empty and binary content become problems; an MHTML file gives its HTML part."""
    from ..decode import looks_binary

    if len(content) > options.max_bytes:
        why = f"file too large (over {options.max_bytes / 1e6:.0f} MB decompressed)"
        yield Problem(source, why, member=member, kind="file too large")
        return
    if not content.strip():
        yield Problem(source, "empty file", member=member)
        return
    if fmt == "mhtml":
        from .containers import mhtml_documents

        yield from mhtml_documents(content, source, member=member)
        return
    if looks_binary(content):
        yield Problem(source, "binary file, not a text or HTML page", member=member)
        return
    yield RawDocument(source=source, kind=fmt, content=content, member=member, format=label)
