"""The article's authors: one facet value per person, from metadata or the visible byline."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from quarry.archive.extract.clean import is_placeholder_author
from quarry.archive.extract.metadata import split_authors
from quarry.archive.extract.page_metadata import clean_text

__all__ = ["BYLINE_LINE", "choose_authors", "people"]

BYLINE_LINE = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+\S", re.I)
_BYLINE_XPATH = (
    "//*[@rel='author' or @itemprop='author' or contains(@class,'byline') "
    "or contains(@class,'author') or contains(@class,'autor')]"
)


def byline_authors(tree: etree._Element) -> list[str]:
    """Names from a visible byline element, for pages without author metadata."""
    for el in tree.xpath(_BYLINE_XPATH)[:10]:
        text = clean_text(el.text_content())
        if not text or len(text) > 100 or len(text.split()) > 12:
            continue
        names = split_authors(text)
        if names:
            return names
    return []


_CREDIT = re.compile(r"\b(?:image|photo|picture|foto|bild)s?\s*:|getty images|istock|shutterstock", re.I)


# News agencies credited beside the writers ("Felix Schröder und Jörg Soldwisch, dpa")
_AGENCIES = {
    "afp", "ap", "apa", "ani", "ansa", "anp", "belga", "dpa", "efe", "epd", "kna", "kyodo", "pap",
    "pti", "reuters", "ritzau", "sda", "sid", "tass", "upi", "xinhua", "yonhap",
}  # fmt: skip
# a writer's handle after the name: "Elena Oberholzer (obe)", "Corina Gall (cog.)"
_HANDLE = re.compile(r"\s*\([a-zäöüß]{2,4}\.?\)$")


def people(authors: list[str]) -> list[str]:
    """One facet value per person: a name list given as one value ("A B and C D", "A B, C D
    und E F", "A B og C D", "A B, C D, dpa") is split when every part is a full name or a news
    agency; a writer's handle in parentheses after the name and picture credits are dropped."""
    out: list[str] = []
    for name in authors:
        if _CREDIT.search(name) or (name.startswith("(") and name.endswith(")")):
            continue
        name = _HANDLE.sub("", name)
        parts = split_authors(name)
        if len(parts) < 2 or any(len(p.split()) < 2 and p.casefold() not in _AGENCIES for p in parts):
            parts = [name]  # "Smith, John", "AFP, Manila": one value as given
        out += [p for p in parts if p not in out]
    return out




def choose_authors(
    md: dict[str, Any], traf_author: str | None, tree: etree._Element, body: list[str]
) -> list[str]:
    """The authors: the first group the metadata gives, else trafilatura's, else the visible
    byline, else a "By ..." line at the top of the text."""
    authors: list[str] = []
    for group in md["authors"]:
        authors = _named(group)
        if authors:
            break
    if not authors and traf_author:
        authors = _named(split_authors(traf_author.split("; ")))
    if not authors:
        authors = _named(byline_authors(tree))
    if not authors:
        lead = next((p for p in body[:4] if BYLINE_LINE.match(p) and len(p.split()) <= 12), None)
        authors = _named(split_authors(lead)) if lead else []
    return people(authors)


def _named(names: list[str]) -> list[str]:
    return [n for n in names if n and not is_placeholder_author(n)]
