"""Lists of other stories inside an article's text, found by what they are in the page: links.

Pages put teasers for other stories between and after an article's paragraphs ("You may also
like", "Most read", "More on this story"); the extractor often keeps them, and without their
markup they read like short paragraphs or list items. In the page they are blocks whose words
are all link text (a headline that links to another story), or headlines shown twice (once for
screen readers, once on screen). Sentences with a link in them are the article's and stay.
"""

from __future__ import annotations

import re

from lxml import etree

from quarry.archive.extract.text_keys import word_list

__all__ = ["drop_link_blocks"]

_BLOCK_TAGS = ("li", "p", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "figcaption")
_LIST_MARK = re.compile(r"^[-•*▪►]\s+")
# the date a teaser list shows before each linked headline: "- 19.03.2024 Headline"
_LEAD_DATE = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}),?\s+")
_MAX_WORDS = 50  # a teaser, not a paragraph of the article that happens to be one link


def _link_only_texts(tree: etree._Element) -> set[str]:
    """The texts of blocks of the page whose words are all (nine tenths) inside links, and of
    list items that are a linked headline after a kicker ("Kicker: <a>Headline</a>")."""
    found: set[str] = set()
    linked: dict[etree._Element, int] = {}  # block -> its words inside links
    for link in tree.iter("a"):
        if not _leaves(link):
            continue
        for inner in link.iter(_BLOCK_TAGS):  # a teaser whose heading is inside the link
            words = word_list(inner.text_content())
            if 0 < len(words) <= _MAX_WORDS:
                found.add(" ".join(words))
        block = next(link.iterancestors(_BLOCK_TAGS), None)
        if block is not None:
            linked[block] = linked.get(block, 0) + len(word_list(link.text_content()))
    for block, count in linked.items():
        text = block.text_content()
        words = word_list(text)
        if not words or len(words) > _MAX_WORDS:
            continue
        kicker = (
            block.tag == "li"
            and count >= 0.5 * len(words)
            and len(words) - count <= 6
            and not text.rstrip().endswith((".", "!", "?"))
        )
        if count >= 0.9 * len(words) or kicker:
            found.add(" ".join(words))
    return found


def _leaves(link: etree._Element) -> bool:
    """True for a link to another page: not an anchor or a jump within this one (a table of
    contents repeats the article's own headings)."""
    href = (link.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "javascript:"))


def _doubled(words: list[str]) -> bool:
    """A headline or a name said twice in one line, a screen-reader copy beside the visible
    one: "Title Title", "Ana RuizAnaRuiz"."""
    half = len(words) // 2
    if half >= 3 and len(words) % 2 == 0 and words[:half] == words[half:]:
        return True
    letters = "".join(words)
    middle = len(letters) // 2
    return len(letters) >= 12 and len(letters) % 2 == 0 and letters[:middle] == letters[middle:]


def drop_link_blocks(body: list[str], tree: etree._Element) -> list[str]:
    """``body`` without the lines that are a link-only block of the page or a doubled
    headline; a short heading left with nothing after it but dropped lines goes too."""
    if not body:
        return body
    links = _link_only_texts(tree)
    kept: list[str] = []
    dropped_after: list[bool] = []  # per kept line: was the line after it dropped?
    for line in body:
        words = word_list(_LEAD_DATE.sub("", _LIST_MARK.sub("", line)))
        if len(words) <= _MAX_WORDS and (" ".join(words) in links or _doubled(words)):
            if dropped_after:
                dropped_after[-1] = True
            continue
        kept.append(line)
        dropped_after.append(False)
    # the heading of a dropped list ("More from the region:") that ends the text
    while kept and dropped_after[-1] and _is_heading(kept[-1]):
        kept.pop()
        dropped_after.pop()
    return kept


def _is_heading(line: str) -> bool:
    return len(line.split()) <= 8 and not line.endswith((".", "!", "?", '"', "”"))
