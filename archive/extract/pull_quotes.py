"""Pull quotes out of the article's text.

Magazines and news pages set a sentence of the story again in large type beside it (a pull
quote, a highlighted quote) to catch the eye. The extractor keeps it as a paragraph of its own,
so the story reads the sentence twice and its words count twice. A line whose words all stand,
in order, inside a longer paragraph of the same text is such a copy and leaves. A line too short
to be a sentence stays, and so does one the page sets as a heading: some pages head each part of
an interview with a quote from it.
"""

from __future__ import annotations

from lxml import etree

from quarry.archive.extract.text_keys import words

__all__ = ["drop_pull_quotes"]

_MIN_WORDS = 6  # a pull quote is a sentence or most of one; a subheading is shorter
_HEADINGS = etree.XPath("//h1|//h2|//h3|//h4|//h5|//h6")


def drop_pull_quotes(body: list[str], tree: etree._Element) -> list[str]:
    """``body`` without the lines that repeat part of a longer paragraph of it."""
    keys = [words(line) for line in body]
    padded = [f" {key} " for key in keys]
    copies = {
        key for i, key in enumerate(keys)
        if key.count(" ") + 1 >= _MIN_WORDS
        and any(
            len(other) > len(key) + 2 and f" {key} " in other
            for j, other in enumerate(padded) if j != i
        )
    }  # fmt: skip
    if copies:  # the page's headings are read only when there is a copy to keep or drop
        copies -= {words(el.text_content()) for el in _HEADINGS(tree)}
    return [line for line, key in zip(body, keys, strict=True) if key not in copies]
