"""The account of an ingest: what became of every input, a log file with one line for each, and
a summary a person can read at the end of the run.

Every document and problem is counted once (new + updated + duplicate + skipped + failed =
read); skips and failures are grouped by the kind of reason, each group with its count and first
examples; duplicates say which stored article they duplicate. The log (``logs/ingest-<time>.log``
in the data directory) is written as the run goes, so an interrupted run keeps its account.
Everything that came from an input (file and member names, URLs, titles, error messages) is
printed with its control characters escaped, so no input can forge a line of the report or send
escape sequences to the terminal.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .readers.base import Problem

if TYPE_CHECKING:
    from .store import Stored

# kinds of web archive records that hold no page: counted on one line, listed only in the log
ARCHIVE_RECORD_KINDS = ("revisit", "not HTML", "HTTP status", "no HTTP response")
EXAMPLES = 3  # examples kept per reason
# reasons shown with an example in each of the two sections (skipped, failed); the rest are
# counted on one line: the summary stays under 40 lines however varied the input
MAX_GROUPS = 5
_WIDTH = 150

# C0/C1 control characters (newline, escape, CSI ...), line and paragraph separators, and the
# bidirectional overrides that make text display in another order than it is stored
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def gave_no_article(problem: Problem) -> bool:
    """True when a problem cost an article: a failure, or a skip other than a web archive's
    records that are not pages (an archive's images and revisits beside its pages cost nothing)."""
    return not problem.skipped or problem.group not in ARCHIVE_RECORD_KINDS


def printable(text: object) -> str:
    """Text from an input made safe for a terminal or a log line: control characters, escape
    sequences and direction overrides become visible escapes (``\\n``, ``\\x1b``, ``\\u202e``)."""

    def escape(m: re.Match) -> str:
        ch = m.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or (
            f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
        )

    return _UNPRINTABLE.sub(escape, str(text))


def shorten(text: str, width: int = _WIDTH, keep: str = "both") -> str:
    """One line of at most ``width`` characters: cut in the middle (``keep="both"``), or keep
    the end (a path: its file name says most) or the start (a title)."""
    if len(text) <= width:
        return text
    if keep == "end":
        return "…" + text[-(width - 1) :]
    if keep == "start":
        return text[: width - 1] + "…"
    half = (width - 1) // 2
    return text[:half] + "…" + text[-(width - 1 - half) :]


@dataclass
class Duplicate:
    """A document that is an article already stored: where it was read and what it duplicates."""

    where: str
    of_id: str
    of_title: str
    why: str

    def describe(self, width: int = _WIDTH) -> str:
        """``where = “title” (why, id)``, the place and the title each shortened to fit."""
        tail = f" ({self.why}, id {self.of_id})"
        room = max(width - len(tail) - 6, 40)
        title = shorten(printable(self.of_title), room // 2, keep="start")
        where = shorten(printable(self.where), room - len(title), keep="end")
        return f"{where} = “{title}”{tail}"


@dataclass
class IngestProgress:
    """How far an ingest has got, for a progress display: files and bytes of the total."""

    files_total: int = 0
    bytes_total: int = 0
    files_done: int = 0
    bytes_done: int = 0
    documents: int = 0
    current: str = ""  # the file being read
    started: float = field(default_factory=time.monotonic)


@dataclass
class IngestReport:
    """Every input accounted for: new + updated + duplicate + skipped (with the failed among
    them) = read."""

    files: int = 0
    read: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    skipped: list[Problem] = field(default_factory=list)  # every problem, failures included
    duplicates: list[Duplicate] = field(default_factory=list)  # the first few
    duplicate_why: Counter = field(default_factory=Counter)
    interrupted: bool = False
    stopped: str = ""  # why the run stopped before the end, when not interrupted by a person (a full disk)
    bytes: int = 0
    log_path: Path | None = None
    started: float = field(default_factory=time.monotonic)
    # ids of the stored articles this run wrote: what the index must take again
    changed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _log: TextIO | None = field(default=None, repr=False)

    @property
    def failed(self) -> list[Problem]:
        return [p for p in self.skipped if not p.skipped]

    @property
    def stored(self) -> int:
        return self.new + self.updated

    # -- recording, as the run goes ----------------------------------------------------------

    def open_log(self, logs: Path, name: str = "ingest", header: str = "") -> Path:
        """Start the log file ``<logs>/<name>-<time>.log`` (a new one, never another run's)."""
        logs.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for n in range(1, 1000):
            path = logs / (f"{name}-{stamp}.log" if n == 1 else f"{name}-{stamp}-{n}.log")
            try:
                self._log = open(path, "x", encoding="utf-8")  # noqa: SIM115 - closed by close_log
                break
            except FileExistsError:
                continue
        self.log_path = path
        self._comment(header or name)
        self._write("# outcome", "article id or kind of reason", "where", "what")
        return path

    def close_log(self) -> None:
        if self._log is not None:
            log, self._log = self._log, None
            try:
                log.close()
            except OSError:  # a full disk: the log ends where it could be written
                pass

    def append_to_log(self, lines: list[str]) -> None:
        """Add lines (the summary, once the index is updated) to a closed log."""
        if self.log_path is not None:
            try:
                with open(self.log_path, "a", encoding="utf-8") as fh:
                    fh.writelines("# " + printable(line) + "\n" for line in lines)
            except OSError:  # a full disk: the summary is still printed
                pass

    def _write(self, *fields: str) -> None:
        """One line of tab-separated fields, each escaped (a tab or newline in an input cannot
        shift a column or start a line)."""
        self._line("\t".join(printable(f) for f in fields))

    def _comment(self, line: str) -> None:
        self._line("# " + printable(line))

    def _line(self, line: str) -> None:
        if self._log is not None:
            try:
                self._log.write(line + "\n")
            except OSError:  # the disk is full: the run stops for that itself, the log stops here
                self.close_log()

    def record_stored(self, where: str, stored: Stored) -> None:
        """An article the store took: new, updated, or a duplicate of a stored one."""
        outcome = stored.outcome
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome == "duplicate":
            self.duplicate_why[stored.why] += 1
            dup = Duplicate(where, stored.article_id, stored.title, stored.why)
            if len(self.duplicates) < EXAMPLES:
                self.duplicates.append(dup)
            if stored.merged:
                self.changed["merged"].add(stored.article_id)
            self._write("duplicate", stored.article_id, where, f"of “{stored.title}” ({stored.why})")
            return
        self.changed[outcome].add(stored.article_id)
        self._write(outcome, stored.article_id, where, stored.title)

    def record_problem(self, problem: Problem) -> None:
        self.skipped.append(problem)
        mark = "skipped" if problem.skipped else "FAILED"
        self._write(mark, problem.group, problem.where, problem.reason)

    def record_unchanged(self, where: str, article_id: str | None) -> None:
        """A document stored by an earlier run from the same place, unchanged since."""
        self.duplicate += 1
        self.duplicate_why["already stored from this place"] += 1
        self._write("duplicate", article_id or "", where, "already stored from this place, unchanged")

    # -- the summary -------------------------------------------------------------------------

    def lines(self, indexed: int | None = None, caught_up: int = 0) -> list[str]:
        """The summary, last thing a run prints (under 40 lines whatever the input)."""
        took = time.monotonic() - self.started
        size = f" ({human_size(self.bytes)})" if self.bytes else ""
        out = [f"read {self.files:,} files{size} in {human_duration(took)}: {self.read:,} documents and records"]
        failed = self.failed
        skipped = [p for p in self.skipped if p.skipped]
        whys = ", ".join(f"{n:,} {why}" for why, n in self.duplicate_why.most_common())
        out.append(_count("new", self.new, "articles stored for the first time"))
        out.append(_count("updated", self.updated, "read again from the same place, extraction changed"))
        out.append(_count("duplicate", self.duplicate, "already in the archive" + (f": {whys}" if whys else "")))
        out += [f"        e.g. {d.describe()}" for d in self.duplicates]
        out.append(_count("skipped", len(skipped), "not articles"))
        # the fewer the reasons, the more examples of each (the summary stays under 40 lines)
        shown = min(len({p.group for p in skipped} - set(ARCHIVE_RECORD_KINDS)), MAX_GROUPS) + min(
            len({p.group for p in failed}), MAX_GROUPS)  # fmt: skip
        examples = 3 if shown <= 4 else 2 if shown <= 7 else 1
        out += _groups(skipped, examples)
        out.append(_count("failed", len(failed), "damaged or unreadable input"))
        out += _groups(failed, examples)
        total = self.new + self.updated + self.duplicate + len(self.skipped)
        check = "" if total == self.read else f" (≠ {self.read:,} read: the run was interrupted)"
        out.append(f"  = {self.new:,} + {self.updated:,} + {self.duplicate:,} + {len(skipped):,} + {len(failed):,} "
                   f"= {total:,} documents{check}")  # fmt: skip
        if indexed is not None:
            out.append(self._indexed_line(indexed, caught_up))
        if self.stopped:
            out.append(f"stopped: {self.stopped}: what was stored before is kept; free some space and run again")
        elif self.interrupted:
            out.append("interrupted: what was stored before the interruption is kept; run again to finish")
        if self.log_path is not None:
            out.append(f"log: {printable(self.log_path)} (one line for every document and problem)")
        return out

    def _indexed_line(self, indexed: int, caught_up: int) -> str:
        new, updated = self.changed["new"], self.changed["updated"]
        gained = self.changed["merged"] - new - updated
        this_run = indexed - caught_up
        parts = [f"{len(new):,} new"]
        if updated:
            parts.append(f"{len(updated):,} updated")
        if gained:
            parts.append(f"{len(gained):,} stored earlier that gained a source from a duplicate")
        if caught_up:
            parts.append(f"{caught_up:,} left over from an interrupted run")
        changed = len(new | updated | gained)
        if this_run == changed:
            return f"indexed: {indexed:,} = " + " + ".join(parts)
        if this_run > changed:  # no usable index was there: it was built from the whole store
            return f"indexed: {indexed:,} (a new index of every stored article; this run changed {changed:,})"
        return f"indexed: {indexed:,} (this run changed {changed:,}: the rest is indexed by the next run)"

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "read": self.read,
            "new": self.new,
            "updated": self.updated,
            "duplicate": self.duplicate,
            "duplicate_reasons": dict(self.duplicate_why),
            "skipped": [
                {"where": p.describe(), "reason": p.reason, "kind": p.group, "failed": not p.skipped}
                for p in self.skipped
            ],
            "interrupted": self.interrupted,
            "log": str(self.log_path) if self.log_path else None,
        }


def _count(name: str, n: int, what: str) -> str:
    return f"  {name + ': ' + format(n, ','):<20} {what}"


def _groups(problems: list[Problem], examples: int = 1) -> list[str]:
    """Problems grouped by the kind of reason, largest first, each with a count and its first
    examples; web archive records that hold no page are one line."""
    records = Counter(p.group for p in problems if p.group in ARCHIVE_RECORD_KINDS)
    groups: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        if p.group not in ARCHIVE_RECORD_KINDS:
            groups[p.group].append(p)
    out = []
    if records:
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in records.most_common())
        out.append(f"    {sum(records.values()):>8,}  web archive records that are not pages ({kinds})")
    ranked = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    for group, members in ranked[:MAX_GROUPS]:
        out.append(f"    {len(members):>8,}  {shorten(printable(group), 100)}")
        out += [f"              e.g. {shorten(printable(p.describe()))}" for p in members[:examples]]
    rest = ranked[MAX_GROUPS:]
    if rest:
        out.append(f"    {sum(len(m) for _, m in rest):>8,}  for {len(rest)} other reasons (in the log)")
    return out


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def human_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    return f"{minutes // 60} h {minutes % 60:02d} min"
