"""The publication date: what the page declares, then the URL, then htmldate's reading.

A page often declares its time in UTC for machines (``2024-05-03T22:30:00Z``) while it shows
its readers the local time ("4 May 2024, 00:30"), and the two fall on different days around
midnight. The day a reader of the page sees is the publication day, so when the page gives the
local time of the same moment anywhere (another declared timestamp with its offset, the text of
a ``<time>`` or date element, the day in its URL) that is the time kept.

A URL is minted when the article first appears, and keeps its day when the page is revised
and re-stamped. A stated day more than a day after the URL's is such a revision, and the URL's
day is kept; a stated day one day before it is not (a URL may carry the next day's print date).

A page that declares no date may still say it in its text ("This entry was posted on Saturday,
December 3rd, 2011"); that sentence beats htmldate's guesses, which may come from a link to an
older post. A URL that gives only the year and month (/2011/12/) rules out any day outside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from lxml import etree

from quarry.archive.extract.metadata import date_from_url, parse_date_text

__all__ = ["choose_date", "local_time"]


def _to_published(value: date | datetime | None) -> date | datetime | None:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.date()
    return value


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _time_elements(tree: etree._Element) -> tuple[list[str], list[str]]:
    """``<time datetime>`` values in the article: (marked as publication time, unmarked)."""
    marked: list[str] = []
    plain: list[str] = []
    scopes = tree.xpath("//article|//main|//*[@itemprop='articleBody']") or [tree]
    for scope in scopes[:1]:
        for el in scope.iter("time"):
            value = el.get("datetime") or el.text_content()
            if not value:
                continue
            hint = " ".join(
                (el.get(a) or "") for a in ("itemprop", "class", "pubdate", "data-type")
            ).lower()
            parent = el.getparent()
            if parent is not None:
                hint += " " + (parent.get("class") or "").lower()
            if "modif" in hint or "update" in hint:
                continue
            if "publish" in hint or "pubdate" in hint or el.get("pubdate") is not None:
                marked.append(value)
            else:
                plain.append(value)
    return marked, plain[:1]


# elements that show a date to the reader: <time>, and those whose class or itemprop says so
_SHOWN_DATES = (
    "//time | //*[contains(@class,'date') or contains(@class,'time') or contains(@class,'publish')"
    " or contains(@class,'dateline') or contains(@class,'byline') or @itemprop='datePublished']"
)
# offsets in use around the world: whole hours, and these half and three-quarter hours
_ODD_OFFSETS = {(3, 30), (4, 30), (5, 30), (5, 45), (6, 30), (9, 30), (10, 30), (12, 45)}


def _shown_texts(tree: etree._Element) -> list[str]:
    """Short texts of the page's date elements, as a reader sees them."""
    texts: list[str] = []
    for el in tree.xpath(_SHOWN_DATES)[:40]:
        text = " ".join(el.text_content().split())
        if 6 <= len(text) <= 80 and text not in texts:
            texts.append(text)
    return texts


def _real_offset(delta: timedelta) -> bool:
    minutes = round(delta.total_seconds() / 60)
    hours, rest = divmod(abs(minutes), 60)
    return minutes != 0 and abs(minutes) <= 14 * 60 and (rest == 0 or (hours, rest) in _ODD_OFFSETS)


def _is_utc(value: date | datetime) -> bool:
    return isinstance(value, datetime) and value.utcoffset() == timedelta(0)


def local_time(
    value: date | datetime,
    stated: list[date | datetime],
    shown: Callable[[], list[str]],
    url_day: date | None,
) -> date | datetime:
    """``value``, a moment the page declared in UTC, as the page's readers see it: the same
    moment among the ``stated`` timestamps with its local offset, else a naive local time in a
    text the page shows (``shown()``, read only when needed) that differs from it by a real time-zone offset, else the URL's day when it is
    a day that moment falls on somewhere. Anything but a UTC moment is returned as it is."""
    if not _is_utc(value):
        return value
    for other in stated:
        if (
            isinstance(other, datetime)
            and other.utcoffset() not in (None, timedelta(0))
            and abs(other - value) <= timedelta(minutes=1)
        ):
            return other
    utc = value.replace(tzinfo=None)
    for text in shown():
        naive = parse_date_text(text, naive_time=True)
        if isinstance(naive, datetime) and naive.tzinfo is None:
            delta = naive.replace(second=0, microsecond=0) - utc.replace(second=0, microsecond=0)
            if _real_offset(delta):
                return value.astimezone(timezone(delta))
    earliest, latest = (utc - timedelta(hours=12)).date(), (utc + timedelta(hours=14)).date()
    if url_day and url_day != utc.date() and earliest <= url_day <= latest:
        return url_day
    return value


# "published on" in the languages the archive meets most, before the day the text names
_PUBLISHED = re.compile(
    r"\b(?:published|posted|veröffentlicht|erschienen|publié|publicado|pubblicato|gepubliceerd"
    r"|opublikowano|publicerad|publisert|udgivet)\b",
    re.I,
)
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/")
_TEXT_NODES = etree.XPath("//body//text()[not(ancestor::script or ancestor::style)]")


def _said_in_text(tree: etree._Element) -> list[str]:
    """The text after "published"/"posted" in the page, up to the length of a date, then the
    text before it (German and Dutch say the day first: "am 3. Dezember 2011 veröffentlicht")."""
    said: list[str] = []
    for node in _TEXT_NODES(tree):
        if len(said) >= 6:
            break
        m = _PUBLISHED.search(node)
        if not m:
            continue
        parent = node.getparent()
        text = " ".join((parent.text_content() if parent is not None else str(node)).split())
        at = _PUBLISHED.search(text)
        if at:
            said += [text[at.end() : at.end() + 80], text[max(0, at.start() - 80) : at.start()]]
    return said


def _in_url_month(value: date | datetime, url: str | None) -> bool:
    m = _URL_MONTH.search(url or "")
    return not m or (_day(value).year, _day(value).month) == (int(m.group(1)), int(m.group(2)))


def choose_date(
    tree: etree._Element, md: dict[str, Any], url: str | None, traf_date: str | None
) -> date | datetime | None:
    """The publication date the page states (see the module's description for the local day)."""
    today = date.today()
    marked, plain = _time_elements(tree)
    stated = [v for v in (parse_date_text(t) for t in md["dates"] + marked) if v]
    from_url = date_from_url(url)
    for value in stated:
        if _day(value) <= today:
            if _is_utc(value):
                value = local_time(value, stated, lambda: _shown_texts(tree), from_url)
            if from_url and _day(value) > from_url + timedelta(days=1):
                return from_url  # a revision's stamp: the URL keeps the first day
            return _to_published(value)
    if from_url:
        return from_url
    # htmldate's heuristics (via trafilatura) beat an unmarked <time>, often a comment's or
    # a sidebar's.
    for text in _said_in_text(tree) + ([traf_date] if traf_date else []) + plain:
        value = parse_date_text(text)
        if value and _day(value) <= today and _in_url_month(value, url):
            return _to_published(value)
    return None
