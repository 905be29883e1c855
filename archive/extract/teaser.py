"""The teaser a page repeats above its article: the description it declares for social cards
and listings, set again in the page's header as a standfirst.

The extractor takes that standfirst for the article's first paragraph. It is the page's
summary of the article, not its text, when two things hold: it says what the declared
description says, and it stands apart from the article's paragraphs (in another container, such
as the header). A first paragraph that the description merely quotes, set among the others, is
the article's own and stays.
"""

from __future__ import annotations

from lxml import etree

from quarry.archive.extract.text_keys import opening

__all__ = ["drop_teaser"]

_HEAD_LINES = 2  # the teaser comes first, or after a kicker line
_KEY = 10  # words that identify a teaser: descriptions are often cut short after a few more
_BLOCKS = ("p", "h2", "h3", "h4", "div", "span", "strong", "li")
# the blocks whose text starts with the given characters, found by lxml itself rather than by
# reading every block's text in Python
_STARTING = etree.XPath(
    "//*[" + " or ".join(f"self::{tag}" for tag in _BLOCKS) + "]"
    "[starts-with(normalize-space(.), $start)]"
)


def _element_of(tree: etree._Element, line: str) -> etree._Element | None:
    """The innermost block of the page whose text begins as ``line`` does (the first such
    block in the page, then down through the children that still begin so)."""
    key = opening(line, _KEY)
    found = next(
        (el for el in _STARTING(tree, start=line[:30]) if opening(el.text_content(), _KEY) == key),
        None,
    )
    while found is not None:
        inner = next(
            (c for c in found.iterchildren(_BLOCKS) if opening(c.text_content(), _KEY) == key),
            None,
        )
        if inner is None:
            break
        found = inner
    return found


def drop_teaser(body: list[str], tree: etree._Element, descriptions: list[str]) -> list[str]:
    """``body`` without a leading line that repeats the page's declared description from
    outside the container of the article's paragraphs."""
    described = {opening(d, _KEY) for d in descriptions if len(d.split()) >= 6}
    if len(body) < 3 or not described:
        return body
    for i, line in enumerate(body[:_HEAD_LINES]):
        if opening(line, _KEY) not in described:
            continue
        teaser, following = _element_of(tree, line), _element_of(tree, body[i + 1])
        if teaser is None or following is None or teaser.getparent() is following.getparent():
            return body
        if any(a is teaser for a in following.iterancestors()):
            return body  # the description is the text's own opening, set in the same block
        return body[:i] + body[i + 1 :]
    return body
