"""Datelines: the place a story was filed from, and the wire service's credit after it.

"LONDON (Reuters) -", "MEXICO CITY (AP) —", "NEW YORK, March 5 (Reuters) -", "PUTRAJAYA,
Nov 22 —". The place is a location mention; the credit in parentheses is the story's
byline, not a mention of the agency (the agency named in running text still is). The shape
is recognised, never the agency's name: any short capitalised credit in that place counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = r"[A-Z][\w.'\u2019\-]*"
_PLACES = rf"{_WORD}(?:[ /]{_WORD}){{0,3}}"
_DASH = r"[-\u2013\u2014]"
_WITH_CREDIT = re.compile(
    rf"^\s*(?:(?P<place>{_PLACES})(?:\s*,\s*(?P<when>[^()\n]{{1,40}}?))?\s*)?"
    rf"\((?P<credit>[A-Z][A-Za-z&'\- ]{{0,30}})\)\s*{_DASH}"
)
_WITHOUT_CREDIT = re.compile(
    rf"^\s*(?P<place>{_PLACES})(?:\s*,\s*(?P<when>[^()\n]{{1,40}}?))?\s+{_DASH}\s"
)


@dataclass(frozen=True)
class Dateline:
    """Character spans in the paragraph: each place of the dateline, and the credit."""

    places: tuple[tuple[int, int], ...]
    credit: tuple[int, int] | None


def _place_spans(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """"WASHINGTON/LONDON" -> two places."""
    out, pos = [], start
    for piece in text[start:end].split("/"):
        if piece.strip():
            b = pos + len(piece) - len(piece.lstrip())
            out.append((b, pos + len(piece.rstrip())))
        pos += len(piece) + 1
    return tuple(out)


def in_capitals(text: str) -> bool:
    """All its letters (two at least) are capitals: "CHICAGO", "U.S."."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def find_dateline(paragraph: str) -> Dateline | None:
    """The dateline that opens ``paragraph``, if it has one."""
    m = _WITH_CREDIT.match(paragraph)
    if m:
        places = _place_spans(paragraph, *m.span("place")) if m.group("place") else ()
        return Dateline(places, m.span("credit"))
    m = _WITHOUT_CREDIT.match(paragraph)
    if not m or not in_capitals(m.group("place")):
        return None
    when = m.group("when") or ""
    # a capitalised word and a dash open many sentences ("NATO — the alliance ..."): only a
    # place of two words or one followed by a date is taken for a dateline
    if " " not in m.group("place").strip() and not any(c.isdigit() for c in when):
        return None
    return Dateline(_place_spans(paragraph, *m.span("place")), None)
