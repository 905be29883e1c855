"""Keys for finding a text again in another copy of it: the extractor's lines in the page's
HTML, the page's JSON-LD body, its description. Case, punctuation and spacing differ between
the copies; the words do not."""

from __future__ import annotations

import re

__all__ = ["opening", "word_count", "word_list", "words"]

_WORD = re.compile(r"\w+")
# scripts written without spaces between words: kana, CJK ideographs (and extension A,
# compatibility ideographs), half-width katakana; Hangul is written with spaces
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")
_SPACED_WORD = re.compile(f"[^\\W{_UNSPACED}]+")


def word_list(text: str) -> list[str]:
    """The text's words, lower-cased."""
    return _WORD.findall(text.casefold())


def words(text: str) -> str:
    """The text's words, lower-cased and joined by single spaces."""
    return " ".join(word_list(text))


def opening(text: str, count: int = 12) -> str:
    """The first ``count`` words of a text, as found again in another copy of it."""
    return " ".join(word_list(text[: 40 * count])[:count])  # no word is forty letters long


def word_count(text: str) -> int:
    """The text's length in words, for thresholds such as "a line of prose has eight words":
    Chinese and Japanese put no spaces between words, so each of their characters counts as
    half a word (a word of theirs is about two characters long); other scripts' words are
    the runs of letters and digits between spaces and punctuation."""
    return len(_SPACED_WORD.findall(text)) + len(_UNSPACED_CHAR.findall(text)) // 2
