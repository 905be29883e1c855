"""Summary boxes out of the article's text: the site's digest of the story, not the story.

Pages put a box of key points above the article ("Key points", "In brief", "Das Wichtigste in
Kürze"), often written by a program, and the extractor keeps it as the text's first lines, so
the same facts are read twice and the text opens with a list. The box is found by what the
page calls it (a class or id naming a summary, key points, takeaways or bullet points) and by
its shape: two or more short blocks, a small part of the article. Its lines go, with its title
and its note on who wrote it.
"""

from __future__ import annotations

import re

from lxml import etree

from quarry.archive.extract.text_keys import words

__all__ = ["drop_summary_boxes"]

_MARK = re.compile(r"summary|bullet-?points|key-?points|takeaways|tl-?dr", re.I)
_BLOCKS = ("li", "p")
_MAX_LINE_WORDS = 60


def _box_lines(tree: etree._Element) -> set[str]:
    """The texts (as ``words``) of every element inside the page's summary boxes."""
    found: set[str] = set()
    for el in tree.iter("div", "section", "aside", "ul"):
        if not _MARK.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            continue
        if any(_MARK.search(f"{a.get('class') or ''} {a.get('id') or ''}") for a in el.iterancestors()):
            continue  # the outermost box holds the title and the note too
        blocks = [b for b in el.iter(*_BLOCKS) if words(b.text_content())]
        if len(blocks) < 2 or any(len(b.text_content().split()) > _MAX_LINE_WORDS for b in blocks):
            continue  # one paragraph is a standfirst, long ones are the article
        for inner in el.iter(etree.Element):  # not its comments
            text = words(inner.text_content())
            if text and len(text.split()) <= _MAX_LINE_WORDS:
                found.add(text)
    return found


def drop_summary_boxes(body: list[str], tree: etree._Element) -> list[str]:
    """``body`` without the lines of the page's summary boxes, unless they would take half
    of it (then the box is the article)."""
    if len(body) < 2:
        return body
    boxed = _box_lines(tree)
    if not boxed:
        return body
    kept = [line for line in body if words(line) not in boxed]
    if sum(len(p.split()) for p in kept) < 0.5 * sum(len(p.split()) for p in body):
        return body
    return kept
