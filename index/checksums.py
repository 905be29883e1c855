"""Checksums of an index version's files, written when a generation is committed and verified by
``quarry check`` and ``quarry rebuild``.

Whoosh never checks what it reads back: 4 KiB overwritten inside a postings file is only found
when a search happens to decode that block (a zlib error, a 500), and a truncated file at the
next search that reaches it. So every writer records the size and SHA-256 of each file the
generation it committed uses (``meta.json``'s ``files``), and the checks compare them. Segment
files never change once written, so a file already recorded keeps its recorded checksum: damage
between two commits is still found.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

# files of a version directory that are not part of a generation's data
_NOT_DATA = re.compile(r"^(meta\.json|MAIN_WRITELOCK|CURRENT|PREVIOUS)$|\.tmp$|^\.")
_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")
_COLUMNS = re.compile(r"^columns-(\d+)\.npz$")


def generation_files(version_dir: Path, generation: int) -> list[Path]:
    """The files of one generation: its table of contents, its segments' files and its facet
    columns (not those of other generations, which readers of an older one may still use)."""
    out = []
    for path in sorted(version_dir.iterdir()):
        name = path.name
        if not path.is_file() or _NOT_DATA.search(name):
            continue
        other = _TOC.match(name) or _COLUMNS.match(name)
        if other and int(other.group(1)) != generation:
            continue
        out.append(path)
    return out


def digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def record(version_dir: Path, generation: int, known: dict | None = None) -> dict[str, dict]:
    """``{file name: {"size", "sha256"}}`` for the generation's files. A segment file ``known``
    already keeps its recorded size and checksum: Whoosh writes one once and never changes it,
    so a difference found later is damage, whichever commit came between."""
    known = known or {}
    out = {}
    for path in generation_files(version_dir, generation):
        old = known.get(path.name)
        if old and not _COLUMNS.match(path.name) and not _TOC.match(path.name):
            out[path.name] = old
        else:
            out[path.name] = {"size": path.stat().st_size, "sha256": digest(path)}
    return out


def differences(version_dir: Path, recorded: dict[str, dict]) -> dict[str, str]:
    """``{file name: what is wrong}`` for each recorded file that is missing, of another size or
    with another checksum."""
    out = {}
    for name, want in sorted(recorded.items()):
        path = version_dir / name
        try:
            size = path.stat().st_size
        except OSError:
            out[name] = "missing"
            continue
        if size != want.get("size"):
            out[name] = f"{size:,} bytes where {want.get('size', 0):,} were written"
        elif digest(path) != want.get("sha256"):
            out[name] = "its content changed since it was written (checksum differs)"
    return out


def is_columns(name: str) -> bool:
    """A generation's facet columns: derived from the index, so rebuilt rather than trusted."""
    return bool(_COLUMNS.match(name))
