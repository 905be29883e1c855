"""What readers yield besides documents: problems and deliberate skips, each with a reason.

A reader is a function ``read(path: Path, options: ReadOptions) -> Iterator[RawDocument | Problem]``.
It never raises for bad input: damage becomes a ``Problem`` (the run goes on), and records that are
not articles (images, CSS, robots.txt, ...) become a ``Problem`` with ``skipped=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

MAX_FILE_BYTES = 50 * 1024 * 1024
# one record of an export (a JSON Lines line, a CSV row, an item of a JSON array): a long article
# is a few hundred KB; a record over this is refused, and read past without being held
MAX_RECORD_BYTES = 8_000_000


@dataclass
class Problem:
    """An input (or a part of one) that produced no document, and why."""

    source: str
    reason: str
    member: str | None = None
    offset: int | None = None
    skipped: bool = False  # True: deliberately passed over (not an article); False: damaged/failed
    # the kind of reason, where the reason names particulars (a URL, a line number, an error):
    # what the report groups by; empty when the reason itself is the kind
    kind: str = ""

    @property
    def group(self) -> str:
        return self.kind or self.reason

    @property
    def where(self) -> str:
        return place(self.source, self.member, self.offset)

    def describe(self) -> str:
        return f"{self.where}: {self.reason}"


def too_large(source: str, what: str, size: int, limit: int, **where) -> Problem:
    """A record refused for its size (it was read past, never held whole)."""
    return Problem(source, f"{what}: a record of {size / 1e6:,.0f} MB, over the {limit / 1e6:,.0f} MB limit for "
                   "one record", kind="record too large", **where)  # fmt: skip


def place(source: str, member: str | None = None, offset: int | None = None) -> str:
    """Where a document is: its file, the member inside it, the byte offset (or line number)."""
    where = source
    if member:
        where += f" [{member}]"
    if offset is not None and not (member or "").endswith(f" {offset}"):  # not "[line 5] @ offset 5"
        where += f" @ offset {offset}"
    return where


@dataclass
class ReadOptions:
    """Options every reader accepts."""

    field_map: dict[str, str] = field(default_factory=dict)  # export column -> Article field
    max_bytes: int = MAX_FILE_BYTES
    max_record_bytes: int = MAX_RECORD_BYTES  # characters, strictly: near enough for a limit
    format: str | None = None  # force a format instead of detecting it
    follow_symlinks: bool = False  # follow symbolic links met inside the folders given
    # told the byte position reading has reached in the file being read (a progress display)
    progress: Callable[[int], None] | None = field(default=None, compare=False, repr=False)

    def reached(self, position: int) -> None:
        if self.progress is not None:
            self.progress(position)
