"""Paragraphs the extractor skipped in the middle of the article, put back.

Trafilatura now and then drops a paragraph of the article's own text: the first one after an
advertisement slot, a long one after a subheading, one whose links it counts as a link list.
A paragraph that sits between two paragraphs the extractor kept, in the same container as
them (the very element, or one of the same tag and class when the page breaks its article into
several), is the article's text too; it goes back in its place. Paragraphs made mostly of links,
boilerplate lines and anything before the first or after the last kept paragraph stay out.
"""

from __future__ import annotations

from lxml import etree

from quarry.archive.extract.boilerplate import is_boilerplate
from quarry.archive.extract.text_keys import opening, word_count, word_list

__all__ = ["fill_gaps"]

_MIN_WORDS = 8  # a line of prose, not a label, a credit or a button


def _link_share(el: etree._Element, length: int) -> float:
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return linked / length if length else 1.0


def fill_gaps(body: list[str], tree: etree._Element) -> list[str]:
    """``body`` with the prose paragraphs of its own containers that lie between two of its
    paragraphs in the page and that the extractor left out, each in its place."""
    if len(body) < 2:
        return body
    keys: dict[str, int] = {}
    for i, line in enumerate(body):
        keys.setdefault(opening(line), i)
    paras = list(tree.iter("p"))
    hits: list[int] = []  # positions in paras of the paragraphs the extractor kept
    homes: set[etree._Element] = set()
    kinds: set[tuple[str, str]] = set()
    seen: set[str] = set()
    for pos, para in enumerate(paras):
        key = opening(para.text_content())
        if key and key in keys and key not in seen:
            seen.add(key)
            hits.append(pos)
            parent = para.getparent()
            homes.add(parent)
            if parent.get("class"):
                kinds.add((parent.tag, parent.get("class")))
    if len(hits) < 2:
        return body
    # the body's words run together: a drop cap ("N a endlich") splits a word the page joins
    known = "".join(word_list(" ".join(body)))
    added: dict[int, list[str]] = {}
    last = keys[opening(paras[hits[0]].text_content())]
    for pos in range(hits[0] + 1, hits[-1]):
        para = paras[pos]
        text = " ".join(para.text_content().split())
        key = opening(text)
        if key in keys:
            last = max(last, keys[key])
            continue
        parent = para.getparent()
        if parent not in homes and (parent.tag, parent.get("class")) not in kinds:
            continue
        squashed = "".join(word_list(text))
        if word_count(text) < _MIN_WORDS or squashed[:80] in known or is_boilerplate(text):
            continue
        if _link_share(para, len(text)) > 0.5:
            continue
        known += squashed
        added.setdefault(last, []).append(text)
    if not added:
        return body
    out: list[str] = []
    for i, line in enumerate(body):
        out += [line, *added.get(i, [])]
    return out
