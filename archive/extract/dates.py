"""The publication date: what the page declares, then the URL, then htmldate's reading."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from lxml import etree

from quarry.archive.extract.metadata import date_from_url, parse_date_text

__all__ = ["choose_date"]


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


def choose_date(
    tree: etree._Element, md: dict[str, Any], url: str | None, traf_date: str | None
) -> date | datetime | None:
    today = date.today()
    marked, plain = _time_elements(tree)
    for text in md["dates"] + marked:
        value = parse_date_text(text)
        if value and _day(value) <= today:
            return _to_published(value)
    from_url = date_from_url(url)
    if from_url:
        return from_url
    # htmldate's heuristics (via trafilatura) beat an unmarked <time>, often a comment's or
    # a sidebar's.
    for text in ([traf_date] if traf_date else []) + plain:
        value = parse_date_text(text)
        if value and _day(value) <= today:
            return _to_published(value)
    return None

