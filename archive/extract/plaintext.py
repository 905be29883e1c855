"""Articles from plain text that is not a page capture: press releases, wire stories, statements,
transcripts, notes. The whole text is the article: every paragraph, list item, table row and
question and answer, however short.

What is taken out of the text goes into a field: the title (the first line, when it reads as a
title: short, no final period), a byline under it ("By ..."), a date line at the top. The
publication day comes from that date line or from the dateline that opens a news story
("WASHINGTON, March 3 (Reuters) -", "BRUSSELS, 3 March 2023 —"); a dateline without a year takes
the year the text gives elsewhere (a date line, a copyright notice), and none when it gives none.

Lines are kept as the text sets them out: hard-wrapped prose is joined back into paragraphs;
list items, table rows (cells joined by " | ") and speaker turns ("Q:", "MINISTER:") stay lines
of their own.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import date, datetime

from .metadata import parse_date_text

_BULLET = re.compile(r"^(?:[•·▪►◦‣○●■□–—*+-]|\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,3}\))\s+\S")
_TURN = re.compile(r"^(?:Q|A|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s?[:：]\s+\S")
_CELL_SPLIT = re.compile(r"\t+|\s{2,}|\s*\|\s*")
_NUMBERISH = re.compile(r"^[-+−]?[\d.,%$€£ ]*\d[\d.,%$€£ ]*$")
_BYLINE = re.compile(r"^(?:[Bb]y|[Ww]ritten by|[Aa]uthors?:|[Vv]on|[Pp]ar|[Pp]or|[Dd]i|[Dd]oor)\s+(?=[A-ZÀ-Þ])")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# "WASHINGTON, March 3 (Reuters) -", "KABUL, Afghanistan, 3 March 2023 —",
# "Brussels, March 3, 2023 /Example Newswire/ --"
_DATELINE = re.compile(
    rf"^(?P<place>[A-ZÀ-Þ][\w’'.\- ]{{1,40}}?(?:,\s*[A-ZÀ-Þ][\w’'.\- ]{{1,30}}?)?),?\s+"
    rf"(?P<date>{_MONTH}\s+{_DAY}(?:,?\s+(?P<y1>\d{{4}}))?|{_DAY}\s+{_MONTH}(?:,?\s+(?P<y2>\d{{4}}))?"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))"
    r"\s*(?:\([^)]{1,40}\)|/[^/]{1,40}/)?\s*(?:[-–—]+|:)\s"
)
_DATE_PREFIX = re.compile(
    r"^(?:(?:published|posted|updated|released|issued|date|dated|first published)\b\s*(?:on)?\s*:?\s*)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?",
    re.I,
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d|2100)\b")
_COPYRIGHT_YEAR = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\D{0,40}?)\b(1[89]\d\d|20\d\d)\b", re.I)


@dataclass
class _Para:
    text: str
    kind: str  # text, bullet, row, turn
    indent: int = 0  # of its first line
    lines: int = 1
    last: int = 0  # length of its last line


_QA_LABELS = {"q", "a", "question", "answer"}


def plain_article(lines: list[str]) -> dict | None:
    """The fields of a plain-text article (title, body, published, authors), or None when the
    text holds no sentence, list or table (a word or two, a column of links)."""
    paras = _paragraphs(lines)
    if not paras or not any(len(p.text.split()) >= 4 or p.kind == "row" for p in paras):
        return None
    published: date | datetime | None = None
    if len(paras) > 2 and paras[0].kind == "text" and _date_line(paras[0].text):  # the date first
        published = _date_line(paras.pop(0).text)
    title = paras.pop(0).text if len(paras) > 1 and _is_title(paras[0]) else None
    authors: list[str] = []
    for i, p in enumerate(paras[:3]):
        if p.kind == "text" and is_byline(p.text) and len(paras) > 1:
            authors = byline_authors(paras.pop(i).text)
            break
    for i, p in enumerate(paras[:4] if published is None else []):
        found = _date_line(p.text) if p.kind == "text" else None
        if found is not None and len(paras) > 1:
            published = found
            paras.pop(i)
            break
    body = [p.text for p in paras]
    if published is None:
        published = _dateline_date(body[:3], lines)
    return {
        "title": title or _title_from(body[0]),
        "body": body,
        "published": published,
        "authors": authors,
    }


def _paragraphs(lines: list[str]) -> list[_Para]:
    """Blocks between blank lines, each split into paragraphs, list items, rows and turns."""
    wrapped, width = _wrap_width(lines)
    out: list[_Para] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(line.rstrip())
            continue
        if block:
            out += _block(block, wrapped, width)
            block = []
    return out


def _wrap_width(lines: list[str]) -> tuple[bool, float]:
    """Whether the text is hard-wrapped, and about the width it was wrapped at: most lines that
    go on in the next line run close to it (prose set one paragraph a line has longer lines)."""
    stripped = [ln.strip() for ln in lines]
    going_on = [
        len(s) for s, nxt in zip(stripped, [*stripped[1:], ""], strict=True)
        if nxt and len(s.split()) >= 4 and not _BULLET.match(s)
    ]  # fmt: skip
    if len(going_on) < 3:
        going_on = [len(s) for s in stripped if len(s.split()) >= 4]
    if len(going_on) < 2:
        return False, 0.0
    width = statistics.quantiles(going_on, n=4)[-1]
    return 30 <= width <= 100, width


def _block(block: list[str], wrapped: bool, width: float) -> list[_Para]:
    rows = [_cells(ln) for ln in block]
    multi = sum(len(r) >= 2 for r in rows)
    table = multi >= 2 and multi * 2 >= len(rows)
    base = min(_indent(ln) for ln in block)
    out: list[_Para] = []
    for line, cells in zip(block, rows, strict=True):
        text = " ".join(line.split())
        if not any(ch.isalnum() for ch in text):
            continue  # rules and separators: "----", "* * *", "###"
        if table and len(cells) >= 2:
            out.append(_Para(" | ".join(cells), "row"))
            continue
        kind = "bullet" if _BULLET.match(text) else "turn" if _TURN.match(text) else "text"
        indent = _indent(line)
        prev = out[-1] if out else None
        if prev is not None and kind == "text" and _continues(prev, indent, base, wrapped, width):
            prev.text += " " + text
            prev.lines += 1
            prev.last = len(text)
        else:
            out.append(_Para(text, kind, indent, last=len(text)))
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _continues(prev: _Para, indent: int, base: int, wrapped: bool, width: float) -> bool:
    """True when a line goes on with the paragraph, list item or turn above it: it hangs
    under a list item, or the text is hard-wrapped and the line above ran to near the width (a
    short line above is a heading, the end of a paragraph or a list item); an indented line
    starts a paragraph of its own (newswire)."""
    if prev.kind == "row":
        return False
    if prev.kind != "text" and indent > prev.indent:
        return True
    if not wrapped or (prev.kind == "text" and indent > base):
        return False
    return prev.last >= 0.6 * width


def _cells(line: str) -> list[str]:
    """The cells of a table row (split at tabs, runs of spaces or "|"), or the line alone."""
    stripped = line.strip().strip("|")
    if "\t" not in stripped and "  " not in stripped and "|" not in stripped:
        return [stripped]
    cells = [c.strip() for c in _CELL_SPLIT.split(stripped) if c.strip()]
    if len(cells) < 2:
        return [stripped]
    # prose with two spaces after its full stops is not a table: a row has short cells, or numbers
    if not any(_NUMBERISH.match(c) for c in cells) and max(len(c.split()) for c in cells) > 6:
        return [stripped]
    return cells


def _is_title(p: _Para) -> bool:
    words = p.text.split()
    label = p.text.split(":", 1)[0].strip().casefold() if p.kind == "turn" else ""
    return (
        (p.kind == "text" or (p.kind == "turn" and label not in _QA_LABELS))
        and p.lines == 1
        and 1 <= len(words) <= 25
        and len(p.text) <= 200
        and not p.text.endswith((".", ",", ";", ":"))
        and _DATELINE.match(p.text + " ") is None
        and _date_line(p.text) is None
        and not is_byline(p.text)
    )


def _title_from(paragraph: str, limit: int = 100) -> str:
    """A title for a text that has none: its opening words."""
    if len(paragraph) <= limit:
        return paragraph
    cut = paragraph[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + " …"


def _date_line(text: str) -> date | datetime | None:
    """The date of a line that is only a date ("3 March 2023", "Published: Friday, March 3,
    2023 10:15 GMT", "2023-03-03")."""
    if len(text) > 60 or len(text.split()) > 9 or not _YEAR.search(text):
        return None
    rest = _DATE_PREFIX.sub("", text.strip())
    found = parse_date_text(rest)
    if found is None:
        return None
    # nothing but the date (and a time) may be on the line
    leftover = re.sub(rf"{_MONTH}|\d+|\b(?:at|am|pm|a\.m\.|p\.m\.|(?-i:[A-Z]{{2,5}}))\b|[\s,.:/+()-]",
                      "", rest, flags=re.I)  # fmt: skip
    return found if len(leftover) <= 3 else None


def _dateline_date(paragraphs: list[str], lines: list[str]) -> date | datetime | None:
    for text in paragraphs:
        m = _DATELINE.match(text)
        if not m:
            continue
        if m.group("iso") or m.group("y1") or m.group("y2"):
            return parse_date_text(m.group("date"))
        year = _text_year(lines)
        return parse_date_text(f"{m.group('date')} {year}") if year else None
    return None


def _text_year(lines: list[str]) -> str | None:
    """The year a text gives for itself: in a copyright notice."""
    for line in reversed(lines):
        m = _COPYRIGHT_YEAR.search(line)
        if m:
            return m.group(1)
    return None


def is_byline(line: str) -> bool:
    """True for a line that names the authors: "By Anna Keller and Jonas Berg", "Von Lena
    Novak" (the names capitalised, no full stop: not "By the end of the year, ...")."""
    m = _BYLINE.match(line)
    if not m or len(line.split()) > 12 or line.endswith("."):
        return False
    words = [w for w in line[m.end() :].split() if w.casefold() not in ("and", "und", "et", "y", "e", "&")]
    return sum(w[:1].isupper() for w in words) >= max(1, 0.6 * len(words))


def byline_authors(line: str) -> list[str]:
    """The names in a byline, each a value ("By A and B" -> [A, B])."""
    from .clean import clean_authors

    line = _BYLINE.sub("", line.strip()) if _BYLINE.match(line.strip()) else line.strip()
    return clean_authors(p.strip() for p in re.split(r",\s*|\s+and\s+|\s*&\s*|\s+und\s+", line))
