"""Keys for finding a text again in another copy of it: the extractor's lines in the page's
HTML, the page's JSON-LD body, its description. Case, punctuation and spacing differ between
the copies; the words do not."""

from __future__ import annotations

import re

__all__ = ["opening", "word_list", "words"]

_WORD = re.compile(r"\w+")


def word_list(text: str) -> list[str]:
    """The text's words, lower-cased."""
    return _WORD.findall(text.casefold())


def words(text: str) -> str:
    """The text's words, lower-cased and joined by single spaces."""
    return " ".join(word_list(text))


def opening(text: str, count: int = 12) -> str:
    """The first ``count`` words of a text, as found again in another copy of it."""
    return " ".join(word_list(text[: 40 * count])[:count])  # no word is forty letters long
