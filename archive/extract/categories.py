"""The article's categories: sections, tags and keywords the page declares, without the
content system's own bookkeeping.

Page builders write their settings into the same keyword fields as the editors' tags:
``key:value`` tokens ("LockedPostSource:LOCKED_POST_SOURCE_NONE", "Elevated:false",
"LayerCake:0"), labelled values ("Page Type: Article", "WC: 1000-1999"), flags and identifiers
("_Prio_3", "editors_pick", "comments-enabled"), record ids (UUIDs, numbers) and empty values
("nil"). None of them is a category a researcher could filter by. Where a page labels several of
its values, those are a field dump: a value whose label names a category ("Category: Economy",
"Subject: Justice") is kept as its value, the others go; one labelled value among plain tags is
the editors' own ("Brexit: the deal").
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from quarry.archive.extract.clean import is_setting

__all__ = ["choose_categories", "clean_category"]

_CATEGORY_LABELS = {
    "category", "categories", "section", "subject", "topic", "topics", "tag", "tags", "keyword",
    "keywords", "rubrik", "ressort", "thema", "themen", "rubrique", "sección", "sezione",
}  # fmt: skip
_LABELLED = re.compile(r"^([^\W\d_][\w ]{0,30}?)\s*:\s+(\S.*)$")


def clean_category(value: str, field_dump: bool = False) -> str | None:
    """The category a declared value names, or None when it is the page builder's bookkeeping;
    ``field_dump`` when the page labels several of its values ("Page Type: Article")."""
    value = " ".join(unescape(value).split()).strip(" ,;|")
    if is_setting(value):
        return None
    labelled = _LABELLED.match(value) if field_dump else None
    if labelled:
        if labelled.group(1).strip().casefold() not in _CATEGORY_LABELS:
            return None
        value = labelled.group(2).strip()
    return None if is_setting(value) else value


def choose_categories(md: dict[str, Any], doc: Any) -> list[str]:
    """Sections and tags from the page's metadata, then trafilatura's, each value once."""
    values = [
        part for c in md["categories"] + list(doc.categories or []) + list(doc.tags or [])
        for part in str(c).split(",")
    ]  # fmt: skip
    field_dump = sum(bool(_LABELLED.match(v.strip())) for v in values) >= 2
    categories: list[str] = []
    for value in values:
        category = clean_category(value, field_dump)
        if category and category not in categories:
            categories.append(category)
    return categories
