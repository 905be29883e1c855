"""Pages that come packed: MHTML single-file pages, zipped folders of pages, WACZ web archives.

- MHTML (``.mht``, ``.mhtml``: a browser's "save as single file") is a MIME message; its HTML
  part is the page, its ``Content-Location`` the page's URL and its ``Date`` when it was saved.
- A zip is read like a folder: every page and web archive in it, each member found by its
  content as loose files are.
- A WACZ (what ArchiveWeb.page, Webrecorder and Browsertrix export) is a zip whose
  ``archive/`` folder holds the WARC files; its indexes and page lists are not captures.

Nothing is unpacked to disk; a member is read within the same size limits as a loose file.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import gzip
import io
import zipfile
import zlib
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path

from ..model import RawDocument
from .base import Problem, ReadOptions

_SKIP_MEMBERS = {".DS_Store", "Thumbs.db"}


def is_mhtml(head: bytes, name: str = "") -> bool:
    """True for the start of an MHTML file: MIME headers announcing a multipart/related body."""
    top = head[:4096].lstrip().lower()
    if b"multipart/related" not in top:
        return False
    headers = top.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    return (
        b"mime-version:" in headers
        or name.lower().endswith((".mht", ".mhtml"))
        or top.startswith((b"from:", b"snapshot-content-location:", b"subject:", b"date:"))
    )


def mhtml_documents(
    content: bytes, source: str, member: str | None = None
) -> Iterator[RawDocument | Problem]:
    """The page inside an MHTML file: its first HTML part."""
    try:
        message = email.message_from_bytes(content, policy=email.policy.compat32)
    except Exception as exc:  # noqa: BLE001 - the email parser is lenient; anything else is damage
        why = f"damaged MHTML file ({type(exc).__name__}: {exc})"
        yield Problem(source, why, member=member, kind="damaged MHTML file")
        return
    part = next(
        (p for p in message.walk() if p.get_content_type() in ("text/html", "application/xhtml+xml")),
        None,
    )
    if part is None:
        yield Problem(source, "MHTML file without an HTML part", member=member, skipped=True)
        return
    html = part.get_payload(decode=True) or b""
    if not html.strip():
        yield Problem(source, "MHTML file with an empty page", member=member)
        return
    url = part.get("Content-Location") or message.get("Snapshot-Content-Location")
    captured = None
    if message.get("Date"):
        try:
            captured = parsedate_to_datetime(str(message["Date"])).isoformat()
        except (TypeError, ValueError):
            captured = None
    yield RawDocument(
        source=source,
        kind="html",
        content=html,
        member=member,
        url=str(url).strip() if url else None,
        captured=captured,
        encoding=part.get_content_charset(),
        format="mhtml",
    )


def read_zip(path: Path, options: ReadOptions) -> Iterator[RawDocument | Problem]:
    """The pages and web archives in a zip (or a WACZ), member by member."""
    from . import detect_format  # the same detection as for loose files
    from .warc import read_warc_stream

    source = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield Problem(source, f"damaged zip file ({exc})", kind="damaged zip file")
        return
    with archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" in names or "mimetype" in names:
            # Word/Excel/OpenDocument files and e-books are zips too, of a document's parts
            yield Problem(source, "an office document or e-book, not pages", skipped=True)
            return
        wacz = "datapackage.json" in names or path.name.lower().endswith(".wacz")
        opened = 0
        for info in archive.infolist():
            name = info.filename
            base = name.rsplit("/", 1)[-1]
            if info.is_dir() or not base or base.startswith(".") or base in _SKIP_MEMBERS:
                continue
            if name.startswith("__MACOSX/") or (wacz and not name.startswith("archive/")):
                continue  # resource forks; a WACZ's indexes, page lists and metadata
            opened += 1
            try:
                with archive.open(info) as fh:
                    head = fh.read(8192)
                if head[:2] == b"\x1f\x8b":
                    gz_head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head)
                else:
                    gz_head = None
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error) as exc:
                yield Problem(source, f"damaged zip member ({exc})", member=name, kind="damaged zip member")
                continue
            if not head:
                yield Problem(source, "empty file", member=name)
                continue
            fmt = detect_format(Path(name), head if gz_head is None else gz_head)
            try:
                if fmt in ("warc", "arc"):
                    inner = dataclasses.replace(options, progress=_within(options, info))
                    with archive.open(info) as fh:
                        yield from read_warc_stream(
                            fh, source, info.file_size, inner, name=name, inner=name
                        )
                elif fmt in ("html", "pagetext", "mhtml"):
                    yield from _zip_page(archive, info, source, fmt, gz_head is not None, options)
                elif fmt in ("zip", "wacz"):
                    why = "a zip inside a zip is not opened: unpack it first"
                    yield Problem(source, why, member=name, skipped=True)
                else:
                    why = f"{fmt.upper()} export inside a zip is not read: unpack it first"
                    yield Problem(source, why, member=name, skipped=True)
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error) as exc:
                yield Problem(source, f"damaged zip member ({exc})", member=name, kind="damaged zip member")
            options.reached(info.header_offset + info.compress_size)
        if not opened:
            why = "WACZ without web archives (nothing under archive/)" if wacz else "empty zip file"
            yield Problem(source, why)


def _within(options: ReadOptions, info: zipfile.ZipInfo):
    """A member's read position as a position in the zip file (for a progress display)."""
    ratio = info.compress_size / max(info.file_size, 1)
    return lambda position: options.reached(info.header_offset + int(position * ratio))


def _zip_page(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    source: str,
    fmt: str,
    gz: bool,
    options: ReadOptions,
) -> Iterator[RawDocument | Problem]:
    from . import page_documents  # the same checks as for a loose page

    name = info.filename
    limit = options.max_bytes
    if info.file_size > limit:
        why = f"file too large ({info.file_size / 1e6:.0f} MB > {limit / 1e6:.0f} MB limit for a page)"
        yield Problem(source, why, member=name)
        return
    with archive.open(info) as fh:
        content = fh.read(limit + 1)
    if gz:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(content)) as inner:
                content = inner.read(limit + 1)
        except (OSError, EOFError) as exc:
            yield Problem(source, f"damaged gzip file ({exc})", member=name, kind="damaged gzip file")
            return
    yield from page_documents(content, source, fmt, options, fmt, member=name)
