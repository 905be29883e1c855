"""Keyword-in-context snippets: the passages of a text around the query's words, marked.

Whoosh's highlighter runs the whole analyzer chain token by token through generators, which
cost tens of milliseconds per result page. Here the text is split with the field's own
tokenizer pattern and each distinct word goes through the field's analyzer once (a cache per
field), so a word matches exactly when the index would have matched it. The words to mark come
from the one walk of the parsed query (:mod:`index.plan`).
"""

from __future__ import annotations

import html
import re

from quarry.archive.model import Article

from .schema import language_field, word_analysis

SNIPPET_CHARS = 300  # a result without a marked word shows this much of its opening
HIGHLIGHT_WINDOW = 3000  # marks are looked for here first, in the rest only when none are found
MAX_FRAGMENTS = 2
FRAGMENT_CHARS = 150  # a fragment grows over nearby matches up to about this length
SURROUND = 60  # characters of context before the first and after the last match
_WORD_CACHE_LIMIT = 200_000


class WordMatcher:
    """Decides whether a surface word would be indexed as one of a set of terms."""

    def __init__(self, analyzer, pattern: re.Pattern, stem_margin: int | None = None):
        self.analyzer = analyzer
        self.pattern = pattern
        # a word can only be indexed as a term if it starts with the term minus this many final
        # characters (None: no such guarantee, every word is analysed)
        self.stem_margin = stem_margin
        self._cache: dict[str, tuple[str, ...]] = {}
        self._finders: dict[frozenset[str], re.Pattern] = {}

    @classmethod
    def for_field(cls, field) -> WordMatcher:
        return cls(*word_analysis(field))

    def terms_of(self, word: str) -> tuple[str, ...]:
        found = self._cache.get(word)
        if found is None:
            if len(self._cache) > _WORD_CACHE_LIMIT:
                self._cache.clear()
            try:
                found = tuple(t.text for t in self.analyzer(word))
            except Exception:  # noqa: BLE001 - an analyzer failure only loses a mark
                found = ()
            self._cache[word] = found
        return found

    def spans(self, text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
        """Character spans of the words in ``text`` that are indexed as one of ``terms``."""
        out = []
        terms_of = self.terms_of
        finder = self._finder(terms)
        if finder is None:
            candidates = self.pattern.finditer(text)
        else:
            # only words starting like a term are analysed (the rest cannot match)
            candidates = (self.pattern.match(text, m.start()) for m in finder.finditer(text))
        for m in candidates:
            if m is not None and any(t in terms for t in terms_of(m.group())):
                out.append((m.start(), m.end()))
        return out

    def _finder(self, terms: frozenset[str]) -> re.Pattern | None:
        if self.stem_margin is None:
            return None
        finder = self._finders.get(terms)
        if finder is None:
            if len(self._finders) > 256:
                self._finders.clear()
            prefixes = {t[: max(1, len(t) - self.stem_margin)] for t in terms}
            alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
            # at the start of a token: not after a letter, nor after "x." inside one ("U.S")
            finder = re.compile(rf"(?<!\w)(?<!\w\.)(?:{alternatives})", re.IGNORECASE)
            self._finders[terms] = finder
        return finder


def kwic(text: str, spans: list[tuple[int, int]], max_fragments: int = MAX_FRAGMENTS,
         fragment_chars: int = FRAGMENT_CHARS, surround: int = SURROUND) -> str:
    """Escaped HTML: the best passages around ``spans`` (most matches first, shown in text
    order), the matches in ``<mark>``, passages joined by an ellipsis. Empty without spans."""
    if not spans:
        return ""
    groups: list[list[tuple[int, int]]] = []
    for span in spans:
        if groups and span[1] - groups[-1][0][0] <= fragment_chars:
            groups[-1].append(span)
        else:
            groups.append([span])
    best = sorted(range(len(groups)), key=lambda i: (-len(groups[i]), i))[:max_fragments]
    parts = []
    for i in sorted(best):
        group = groups[i]
        start = _word_start(text, max(0, group[0][0] - surround))
        end = _word_end(text, min(len(text), group[-1][1] + surround))
        pieces, pos = [], start
        for a, b in group:
            pieces.append(html.escape(text[pos:a]))
            pieces.append("<mark>" + html.escape(text[a:b]) + "</mark>")
            pos = b
        pieces.append(html.escape(text[pos:end]))
        passage = "".join(pieces).replace("\n", " ")
        parts.append(("… " if start > 0 else "") + passage.strip() + (" …" if end < len(text) else ""))
    return " ".join(parts).replace("… …", "…")


def _word_start(text: str, pos: int) -> int:
    """Move a cut forward to the start of a word (never into the middle of one)."""
    if pos <= 0 or not text[pos - 1].isalnum():
        return pos
    space = text.find(" ", pos)
    return pos if space < 0 else space + 1


def _word_end(text: str, pos: int) -> int:
    if pos >= len(text) or not text[pos].isalnum():
        return pos
    space = text.rfind(" ", 0, pos)
    return pos if space < 0 else space


def snippet(text: str, matcher: WordMatcher | None, terms: frozenset[str], window: int,
            fallback_chars: int) -> str:
    """The marked passages of ``text`` (its opening ``window`` characters first, the rest only
    when the opening has no match), or its escaped opening when nothing matches."""
    if matcher is not None and terms:
        for part in ((text[:window], text) if len(text) > window else (text,)):
            spans = matcher.spans(part, terms)
            if spans:
                return kwic(text, spans)  # a prefix's offsets are the text's
    plain = text[:fallback_chars]
    if len(text) > fallback_chars:
        plain = plain.rsplit(" ", 1)[0] + " …"
    return html.escape(plain)


class Highlighter:
    """Snippets and "also headlined" lines of one index generation's articles: one word matcher
    per text field, built on first use and kept (its cache of analysed words grows with use)."""

    def __init__(self, schema):
        self.schema = schema
        self._matchers: dict[str, WordMatcher] = {}

    def _words(self, article: Article, marks: dict[str, frozenset[str]]
               ) -> tuple[WordMatcher | None, frozenset[str]]:  # fmt: skip
        """The word matcher of the field the article's text is searched in, and its words."""
        fieldname = language_field(article.language) or "body"
        if fieldname not in marks and "body" in marks:
            fieldname = "body"
        words = marks.get(fieldname, frozenset())
        if not words:
            return None, words
        matcher = self._matchers.get(fieldname)
        if matcher is None:
            matcher = self._matchers[fieldname] = WordMatcher.for_field(self.schema[fieldname])
        return matcher, words

    def snippet(self, article: Article, marks: dict[str, frozenset[str]]) -> str:
        """Keyword-in-context from the stored text: escaped, with matches in <mark>."""
        matcher, words = self._words(article, marks)
        return snippet(article.text, matcher, words, HIGHLIGHT_WINDOW, SNIPPET_CHARS)

    def also_titled(self, article: Article, marks: dict[str, frozenset[str]]) -> str:
        """The first other headline with a query word the title lacks, marked: it says why an
        article whose title does not show the words was found."""
        if not article.other_titles:
            return ""
        matcher, words = self._words(article, marks)
        if matcher is None:
            return ""
        title = article.title
        in_title = {t for a, b in matcher.spans(title, words) for t in matcher.terms_of(title[a:b])}
        for other in article.other_titles:
            spans = matcher.spans(other, words)
            if any(set(matcher.terms_of(other[a:b])) - in_title for a, b in spans):
                whole = len(other)  # one passage: the whole headline
                return kwic(other, spans, max_fragments=1, fragment_chars=whole, surround=whole)
        return ""
