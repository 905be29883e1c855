"""WARC and ARC reader: HTML captures from web archives, streamed record by record.

Web archives are large and often damaged (cut-off downloads, bad gzip members, wrong
Content-Length), so the reader never loads a whole archive and never raises for bad data:
every readable record is yielded, damage becomes a ``Problem`` with the byte offset, and
reading resumes at the next record header or gzip member it can find.

Offsets are what ``warcio`` reports (the start of the record, i.e. of its gzip member in a
record-per-member ``.warc.gz``), so :func:`read_record` can seek straight back to a capture.
The one exception is a gzip file compressed as a single stream (not one member per record):
it can only be read sequentially, and its offsets are positions in the *uncompressed* data.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord

from quarry.archive.model import RawDocument
from quarry.archive.readers.base import MAX_FILE_BYTES, Problem, ReadOptions

__all__ = ["is_arc", "is_warc", "read_record", "read_warc", "read_warc_stream"]

GZIP_MAGIC = b"\x1f\x8b"
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Records that carry no capture of their own: not counted, not reported.
IGNORED_TYPES = ("request", "metadata", "warcinfo", "conversion", "continuation")

_SCAN_CHUNK = 1 << 20
_WARC_LINE = re.compile(rb"WARC/(?:1\.[01]|0\.1[78])[ \t\r]*\n")
# ARC v1 record line: URL IP-address archive-date content-type length
_ARC_LINE = re.compile(rb"[A-Za-z][\w+.-]*:\S* \S+ \d{12,18} \S+ -?\w+[ \t\r]*\n")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_HTML_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)


# --------------------------------------------------------------------------- sniffers


def _gunzip_head(head: bytes) -> bytes:
    """Decompress as much of a gzip prefix as possible (the head is usually cut mid-stream)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head)
    except zlib.error:
        return b""


def _plain_head(head: bytes) -> bytes:
    if head[:2] == GZIP_MAGIC:
        head = _gunzip_head(head)
    return head.lstrip(b"\r\n")


def is_warc(head: bytes) -> bool:
    """True if these first bytes of a file start a WARC (plain or gzip-compressed)."""
    return _WARC_LINE.match(_plain_head(head)) is not None


def is_arc(head: bytes) -> bool:
    """True if these first bytes of a file start an ARC (its ``filedesc://`` header record)."""
    return _plain_head(head).startswith(b"filedesc://")


# --------------------------------------------------------------------------- helpers


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _charset(content_type: str | None) -> str | None:
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _looks_like_html(payload: bytes) -> bool:
    return _HTML_SNIFF.search(payload[:2048]) is not None


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def _is_record_start(data: bytes) -> bool:
    """True if a WARC/ARC record header starts right here (warcio accepts no blank line first)."""
    return _WARC_LINE.match(data) is not None or _ARC_LINE.match(data) is not None


def _find_resync(fh: IO[bytes], start: int, gz: bool) -> int | None:
    """Offset of the first plausible record at or after ``start``, scanning in chunks.

    In a gzip archive a candidate is a gzip member whose data begins with a WARC/ARC header;
    in a plain one it is a line that looks like a WARC version line or an ARC record line.
    """
    pos = start
    while True:
        fh.seek(pos)
        chunk = fh.read(_SCAN_CHUNK + 64)
        if not chunk:
            return None
        if gz:
            i = chunk.find(b"\x1f\x8b\x08")
            while 0 <= i < _SCAN_CHUNK:
                fh.seek(pos + i)
                if _is_record_start(_gunzip_head(fh.read(4096))):
                    return pos + i
                i = chunk.find(b"\x1f\x8b\x08", i + 1)
        else:
            for match in re.finditer(rb"\n", chunk[:_SCAN_CHUNK]):
                i = match.end()
                if _is_record_start(chunk[i : i + 4096]):
                    return pos + i
        if len(chunk) <= _SCAN_CHUNK:
            return None
        pos += _SCAN_CHUNK


class _StrictStream:
    """File-like over a GzipFile that reports truncation instead of a quiet end.

    warcio treats ``EOFError`` as a clean end of the archive, which would hide a cut-off
    single-stream gzip; this turns it into an ``OSError`` the reader reports.
    """

    def __init__(self, fh: gzip.GzipFile) -> None:
        self.fh = fh

    def read(self, size: int = -1) -> bytes:
        try:
            return self.fh.read(size)
        except EOFError as exc:
            raise OSError(f"compressed stream truncated: {exc}") from exc

    def tell(self) -> int:
        return self.fh.tell()


class _QuietArchiveIterator(ArchiveIterator):
    """warcio's iterator without its own warning: a record not followed by a blank line is
    counted in ``err_count`` (``record_damage`` reports it as a problem with its offset) and also
    written straight to stderr as "WARNING ... Offset: N Remainder: b'...'", over the progress
    display and the summary. That message is a class attribute formatted before writing; an
    empty one writes nothing."""

    INC_RECORD = ""


class _NonChunked(Exception):
    """Raised internally when a gzip member holds more than one record."""


# --------------------------------------------------------------------------- reader


class _Reader:
    """State for one archive: where damage was, which format, how records map to output."""

    def __init__(
        self, source: str, size: int, options: ReadOptions, fmt: str, gz: bool, inner: str | None
    ) -> None:
        self.source = source
        # where damage is reported: the archive file, and the archive inside it (in a WACZ/zip)
        self.where = f"{source}#{inner}" if inner else source
        self.options = options
        self.format = fmt
        self.gz = gz
        self.records_seen = 0  # records parsed in order from offset 0 (for the fallback)
        self.resynced = False
        self.size = size
        self.last_offset = 0  # start of the last record read (its gzip member)

    # -- classification of one record -------------------------------------------------

    def convert(self, record: ArcWarcRecord, offset: int) -> RawDocument | Problem | None:
        """The output for one record: a document, a skip, or None for bookkeeping records."""
        rtype = record.rec_type
        headers = record.rec_headers
        uri = headers.get_header("WARC-Target-URI")
        if rtype == "revisit":
            refers = headers.get_header("WARC-Refers-To-Target-URI") or uri
            when = headers.get_header("WARC-Refers-To-Date") or "date unknown"
            return self.skip(f"revisit of {refers} ({when})", uri, offset, "revisit")
        if rtype not in ("response", "resource"):
            return None

        http = record.http_headers
        if rtype == "response" and http:
            status = http.get_statuscode()
            if status != "200":
                return self.skip(f"HTTP {status or '(no status)'}", uri, offset, "HTTP status")
            content_type = http.get_header("Content-Type")
            encoding = (http.get_header("Content-Encoding") or "").strip().lower()
            supported = BufferedReader.get_supported_decompressors()
            if encoding and encoding != "identity" and encoding not in supported:
                why = f"unsupported Content-Encoding {encoding}"
                return Problem(self.where, why, uri, offset, kind="unsupported Content-Encoding")
        elif rtype == "response" and (uri or "").startswith(("http:", "https:")):
            return self.skip("no HTTP response in record", uri, offset, "no HTTP response")
        else:  # resource records and non-HTTP responses (dns:, ...) carry the type in WARC
            content_type = record.content_type

        mime = _mime(content_type)
        if mime and mime not in HTML_TYPES:
            return self.skip(f"not HTML ({mime})", uri, offset, "not HTML")

        limit = self.options.max_bytes or MAX_FILE_BYTES
        content = record.content_stream().read(limit + 1)
        if len(content) > limit:
            return self.skip(f"record larger than {limit} bytes", uri, offset, "record too large")
        if not mime and not _looks_like_html(content):
            return self.skip("not HTML (no Content-Type)", uri, offset, "not HTML")
        return RawDocument(
            source=self.source,
            kind="html",
            content=content,
            url=uri,
            captured=headers.get_header("WARC-Date"),
            offset=offset,
            record_id=headers.get_header("WARC-Record-ID") if self.format == "warc" else None,
            member=uri,
            encoding=_charset(content_type),
            format=self.format,
        )

    def skip(self, reason: str, uri: str | None, offset: int | None, kind: str) -> Problem:
        return Problem(self.where, reason, member=uri, offset=offset, skipped=True, kind=kind)

    def damage(self, what: str, offset: int | None, uri: str | None = None) -> Problem:
        why = f"damaged archive: {what}"
        return Problem(self.where, why, member=uri, offset=offset, kind="damaged archive")

    # -- damage checks after a record was read to its end -------------------------------

    def record_damage(self, it: ArchiveIterator, record: ArcWarcRecord, errs: int) -> str | None:
        """What is wrong with the record just read to its end, if anything."""
        length = record.rec_headers.get_header("Content-Length")
        if length is None:
            return "record has no Content-Length"
        try:
            if int(length) < 0:
                raise ValueError(length)
        except ValueError:
            return f"bad Content-Length {length!r}"
        stream = record.raw_stream
        if isinstance(stream, LimitReader) and stream.limit > 0:
            return f"record truncated ({stream.limit} of {length} bytes missing)"
        reader = it.reader
        decomp = getattr(reader, "decompressor", None)
        if self.gz and it.next_line:
            raise _NonChunked()  # another record follows inside the same gzip member
        if self.gz and decomp is not None and not decomp.eof:
            return "gzip member truncated or corrupt"
        if it.err_count > errs:
            return "record not followed by a blank line (wrong Content-Length?)"
        return None

    # -- record-per-member (or plain) reading, with resynchronisation --------------------

    def read_from(self, fh: IO[bytes], start: int) -> Iterator[RawDocument | Problem]:
        """Records from ``start`` on; on damage, report it and restart at the next header."""
        pos: int | None = start
        while pos is not None:
            fh.seek(pos)
            it = _QuietArchiveIterator(fh, arc2warc=True)
            records = iter(it)
            pos = None
            while True:
                offset = it.offset
                try:
                    record = next(records)
                except StopIteration:
                    # warcio ends quietly on a member it cannot decompress or a cut-off header
                    if offset < self.size:
                        yield self.damage("unreadable data at end (truncated?)", offset)
                        pos = self.resync(fh, offset + 1)
                    break
                except ArchiveLoadFailed as exc:
                    if "non-chunked gzip" in str(exc):
                        yield from self.fallback(fh, self.last_offset)
                        return
                    yield self.damage(_describe(exc), offset)
                    pos = self.resync(fh, offset + 1)
                    break
                except Exception as exc:  # zlib/OS/parse errors from bad bytes
                    yield self.damage(_describe(exc), offset)
                    pos = self.resync(fh, offset + 1)
                    break
                offset = self.last_offset = it.offset
                uri = record.rec_headers.get_header("WARC-Target-URI")
                errs = it.err_count
                self.records_seen += 1
                out: RawDocument | Problem | None = None
                try:
                    out = self.convert(record, offset)
                    offset = it.get_record_offset()
                    problem = self.record_damage(it, record, errs)
                except _NonChunked:
                    if out is not None:
                        yield out
                    yield from self.fallback(fh, offset)
                    return
                except Exception as exc:
                    problem = _describe(exc)
                if problem:
                    yield self.damage(problem, offset, uri)
                    pos = self.resync(fh, offset + 1)
                    break
                self.options.reached(fh.tell())
                if out is not None:
                    yield out

    def resync(self, fh: IO[bytes], start: int) -> int | None:
        self.resynced = True
        try:
            return _find_resync(fh, start, self.gz)
        except OSError:
            return None

    # -- single-stream gzip: read sequentially through the decompressed data ------------

    def fallback(self, fh: IO[bytes], offset: int) -> Iterator[RawDocument | Problem]:
        """Read a gzip that is one stream rather than one member per record.

        Such a file cannot be seeked into, so it is decompressed from the start; records
        already handled are skipped and offsets become positions in the uncompressed data.
        """
        yield self.damage(
            "gzip holds several records in one member (not one member per record); "
            "read sequentially, offsets after this point are in the uncompressed data",
            offset,
        )
        skip = self.records_seen
        fh.seek(0)
        it = _QuietArchiveIterator(_StrictStream(gzip.GzipFile(fileobj=fh, mode="rb")), arc2warc=True)
        records = iter(it)
        index = 0
        while True:
            offset = it.offset
            try:
                record = next(records)
                index += 1
                if index <= skip:
                    continue
                offset = it.offset
                errs = it.err_count
                out = self.convert(record, offset)
                offset = it.get_record_offset()
                problem = self.record_damage_plain(it, record, errs)
            except StopIteration:
                return
            except Exception as exc:
                yield self.damage(f"{_describe(exc)} (uncompressed offset)", offset)
                return
            if problem:  # no seeking here: report it and carry on where warcio resumes
                uri = record.rec_headers.get_header("WARC-Target-URI")
                yield self.damage(problem, offset, uri)
            elif out is not None:
                yield out

    def record_damage_plain(
        self, it: ArchiveIterator, record: ArcWarcRecord, errs: int
    ) -> str | None:
        gz, self.gz = self.gz, False  # the stream is already decompressed
        try:
            return self.record_damage(it, record, errs)
        finally:
            self.gz = gz


def _detect_format(name: str, head: bytes) -> str:
    if is_arc(head):
        return "arc"
    if is_warc(head):
        return "warc"
    return "arc" if name.lower().endswith((".arc", ".arc.gz")) else "warc"


def read_warc(path: Path, options: ReadOptions) -> Iterator[RawDocument | Problem]:
    """HTML captures of a WARC/ARC archive (plain or gzip), streamed; never raises for bad data.

    ``options.max_bytes`` limits the size of one record's payload, not of the archive.
    """
    path = Path(path)
    source = str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, generator may stop early
        size = path.stat().st_size
    except OSError as exc:
        yield Problem(source, f"cannot open: {_describe(exc)}")
        return
    with fh:
        yield from read_warc_stream(fh, source, size, options, name=path.name)


def read_warc_stream(
    fh: IO[bytes],
    source: str,
    size: int,
    options: ReadOptions,
    name: str = "",
    inner: str | None = None,
) -> Iterator[RawDocument | Problem]:
    """The captures of an archive open as a seekable binary stream of ``size`` bytes: a file,
    or ``inner``, an archive inside the container ``source`` (a WACZ or zip member)."""
    where = f"{source}#{inner}" if inner else source
    try:
        head = fh.read(4096)
    except OSError as exc:
        yield Problem(where, f"cannot read: {_describe(exc)}")
        return
    if not head:
        yield Problem(where, "damaged archive: empty file", offset=0)
        return
    fmt = options.format if options.format in ("warc", "arc") else _detect_format(name, head)
    reader = _Reader(source, size, options, fmt, gz=head[:2] == GZIP_MAGIC, inner=inner)
    if not _is_record_start(_gunzip_head(head) if reader.gz else head):
        yield reader.damage("no WARC/ARC header at start of file", 0)
        start = reader.resync(fh, 1)
        if start is None:
            return
    else:
        start = 0
    try:
        yield from reader.read_from(fh, start)
    except OSError as exc:  # the file itself became unreadable mid-way
        yield reader.damage(f"read error: {_describe(exc)}", None)


# --------------------------------------------------------------------------- read_record


def _headers_dict(record: ArcWarcRecord) -> dict[str, str]:
    if record.http_headers:
        out: dict[str, str] = {}
        for name, value in record.http_headers.headers:
            out[name] = f"{out[name]}, {value}" if name in out else value
        status = record.http_headers.get_statuscode()
        if status:
            out.setdefault(":status", status)
        return out
    return {"Content-Type": record.content_type or ""}


def _first_record(stream: Any) -> tuple[dict[str, str], bytes] | None:
    try:
        it = _QuietArchiveIterator(stream, arc2warc=True)
        record = next(iter(it))
        payload = record.content_stream().read(MAX_FILE_BYTES)
        return _headers_dict(record), payload
    except (StopIteration, ArchiveLoadFailed, zlib.error, OSError, EOFError, ValueError):
        return None


def read_record(path: Path, offset: int) -> tuple[dict[str, str], bytes]:
    """(HTTP headers, decoded payload) of the record at ``offset``, for showing a capture.

    Raises ``ValueError`` for an offset that is not an int inside the file or where no
    record starts. For a single-stream gzip, offsets past the first record are positions
    in the uncompressed data (as :func:`read_warc` reported them) and may exceed the file size.
    """
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ValueError(f"offset must be a non-negative int, not {offset!r}")
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        gz = fh.read(2) == GZIP_MAGIC
        if offset < size:
            fh.seek(offset)
            if not gz or fh.read(3) == b"\x1f\x8b\x08":
                fh.seek(offset)
                found = _first_record(fh)
                if found is not None:
                    return found
        if not gz:
            raise ValueError(f"no record at offset {offset} (file size {size})")
        fh.seek(0)
        stream = gzip.GzipFile(fileobj=fh, mode="rb")
        try:
            remaining = offset
            while remaining:
                got = len(stream.read(min(remaining, _SCAN_CHUNK)))
                if not got:
                    break
                remaining -= got
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"no record at offset {offset}: {_describe(exc)}") from exc
        if remaining:
            raise ValueError(f"offset {offset} is beyond the end of the archive")
        found = _first_record(stream)
        if found is None:
            raise ValueError(f"no record at offset {offset}")
        return found
