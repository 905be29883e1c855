"""Mentions and their offsets: a paragraph's candidate spans, and the article-wide
:class:`Mention` records made from them.

``Article.text`` is the body paragraphs joined by a blank line; a mention's ``start``/``end``
index that text, so ``article.text[m.start:m.end] == m.text`` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from quarry.archive.model import Mention

PARAGRAPH_SEPARATOR = "\n\n"  # how Article.text joins the body


@dataclass
class Span:
    """A candidate entity: characters [start, end) of one paragraph."""

    start: int
    end: int
    type: str  # person | organization | location
    canonical: str | None = None
    forced: bool = False  # placed by the alias table, not by the tagger
    first_in_sentence: bool = False
    ambiguous: bool = False  # an ambiguous alias: stands only with support in the article
    shouted: bool = False  # found in a sentence in capitals
    dateline: bool = False  # the place of a dateline ("CHICAGO (Reuters) -")
    typed: bool = False  # typed by its context ("analyst at X", "X, the group that ...")


@dataclass
class Found:
    """A span placed in its document: the paragraph it is in and the text it covers."""

    paragraph: int
    span: Span
    text: str
    name: str  # the canonical name, or the text until document rules settle it
    type: str


def paragraph_starts(paragraphs: list[str]) -> list[int]:
    """Offset of each paragraph in the joined text."""
    out, pos = [], 0
    for p in paragraphs:
        out.append(pos)
        pos += len(p) + len(PARAGRAPH_SEPARATOR)
    return out


def to_mentions(paragraphs: list[str], found: list[Found]) -> list[Mention]:
    """Article-wide mentions in text order (offsets into the joined paragraphs)."""
    starts = paragraph_starts(paragraphs)
    out = [
        Mention(
            text=f.text,
            type=f.type,
            name=f.name,
            start=starts[f.paragraph] + f.span.start,
            end=starts[f.paragraph] + f.span.end,
        )
        for f in found
    ]
    out.sort(key=lambda m: (m.start, m.end))
    return out


def paragraph_spans(
    paragraphs: list[str], mentions: list[Mention]
) -> list[list[tuple[int, int, str, str]]]:
    """Per paragraph, (start, end, type, name) of the mentions inside it, offsets made the
    paragraph's; a mention that no longer fits the text (edited body) is left out."""
    starts = paragraph_starts(paragraphs)
    out: list[list[tuple[int, int, str, str]]] = [[] for _ in paragraphs]
    i = 0
    for m in sorted(mentions, key=lambda m: (m.start, m.end)) if paragraphs else []:
        while i + 1 < len(starts) and starts[i + 1] <= m.start:
            i += 1
        s, e = m.start - starts[i], m.end - starts[i]
        if 0 <= s < e <= len(paragraphs[i]) and paragraphs[i][s:e] == m.text:
            out[i].append((s, e, m.type, m.name))
    return out
