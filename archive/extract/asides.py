"""Text the page sets beside the article, out of the article's text: fact boxes, photo
captions and the article's header.

The extractor keeps what sits inside the article's container, and pages put more there than
the story: a box of facts, a disclaimer or a list of sources that the page calls a fact box or
an info box; the caption under each photo; the header above the text with its kicker and a
second copy of the headline. The story is read without them (a caption says what a photo
shows, a fact box is read beside the text, not in it). A video's caption is the article's own
(``embeds`` puts it back). A line the page also sets as a paragraph of its own stays, and when
these lines would be most of the text, they are the article and all stay.
"""

from __future__ import annotations

import re

from lxml import etree

from quarry.archive.extract.text_keys import words

__all__ = ["drop_asides"]

_BOX = re.compile(r"(?:info|fact|fakten)[-_]?box", re.I)  # also "Infobox", "fact_box"
_BOX_TAGS = ("div", "section", "aside", "article")
# the boxes by a test lxml makes itself, cheaply; their names are then read in Python
_CANDIDATES = etree.XPath(
    "(" + "|".join(f"//{tag}" for tag in _BOX_TAGS) + ")[contains(@class, 'ox') or "
    "contains(@id, 'ox')] | //figcaption | //header"
)
_BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "td", "blockquote", "figcaption")
_MIN_PART_WORDS = 5  # a line found inside a longer text of a box, not a word of its title


def _roots(tree: etree._Element) -> list[etree._Element]:
    """The page's fact boxes, photo captions and headers."""
    return [
        el for el in _CANDIDATES(tree)
        if el.tag in ("figcaption", "header")
        or _BOX.search(f"{el.get('class') or ''} {el.get('id') or ''}")
    ]  # fmt: skip


def drop_asides(body: list[str], tree: etree._Element) -> list[str]:
    """``body`` without the lines of the page's fact boxes, photo captions and headers, unless
    they would leave less than a quarter of it."""
    roots = _roots(tree) if len(body) >= 2 else []
    if not roots:
        return body
    # the text of each, its pieces apart: a title and its paragraph, the lines either side of
    # a <br>
    wholes = [f" {words(' '.join(root.itertext()))} " for root in roots]
    keys = [words(line) for line in body]
    drop = {key for key in keys if key and any(f" {key} " in w for w in wholes)}
    short = {key for key in drop if len(key.split()) < _MIN_PART_WORDS}
    if short:  # a short line is the whole text of an element there, not a word of a longer one
        texts = {words(el.text_content()) for root in roots for el in root.iter(etree.Element)}
        drop -= short - texts
    if not drop:
        return body
    # also a paragraph of the page's own: an article that opens with its standfirst again, a
    # subheading that the header's summary begins with
    inside = {el for root in roots for el in root.iter()}  # held, so each keeps its proxy
    drop -= {words(el.text_content()) for el in tree.iter(*_BLOCKS) if el not in inside}
    kept = [line for line, key in zip(body, keys, strict=True) if key not in drop]
    if sum(len(p.split()) for p in kept) < 0.25 * sum(len(p.split()) for p in body):
        return body
    return kept
