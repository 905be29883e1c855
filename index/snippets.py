"""Keyword-in-context snippets: the passages of a text around the query's words, marked.

Whoosh's highlighter runs the whole analyzer chain token by token through generators, which
cost tens of milliseconds per result page. Here the text is split with the field's own
tokenizer pattern and each distinct word goes through the field's analyzer once (a cache per
field), so a word matches exactly when the index would have matched it. What to mark comes
from the one walk of the parsed query (:mod:`index.plan`): single words wherever they occur,
phrases only where the whole phrase occurs (its words in order, as the matcher matched them:
"Islamic State in Iraq" marks that phrase, never "in" or "state" elsewhere), and the mentions
of the entities searched as facet values.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from quarry.archive.model import Article

from .schema import language_field, word_analysis

SNIPPET_CHARS = 300  # a result without a marked word shows this much of its opening
HIGHLIGHT_WINDOW = 3000  # marks are looked for here first, in the rest only when none are found
HIGHLIGHT_LIMIT = 200_000  # and never past this (a record may hold megabytes of text)
MAX_FRAGMENTS = 2
FRAGMENT_CHARS = 150  # a fragment grows over nearby matches up to about this length
SURROUND = 60  # characters of context before the first and after the last match
_WORD_CACHE_LIMIT = 200_000

PhraseMark = tuple[tuple[str, ...], int]  # a phrase's indexed words and its slop


@dataclass(frozen=True)
class Marks:
    """What a query marks, per text field (title marks are the body's)."""

    words: dict[str, frozenset[str]] = field(default_factory=dict)
    phrases: dict[str, frozenset[PhraseMark]] = field(default_factory=dict)
    entities: frozenset[tuple[str, str]] = frozenset()  # (type, name): their mentions


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

    def phrase_spans(self, text: str, phrases: frozenset[PhraseMark]) -> list[tuple[int, int]]:
        """Character spans of ``text`` where a whole phrase occurs, from its first word to its
        last: each word 1 to ``slop`` indexed positions after the one before (Whoosh's phrase
        semantics; words the analyzer drops, such as stop words, take no position)."""
        by_first: dict[str, list[PhraseMark]] = {}
        for phrase in phrases:
            by_first.setdefault(phrase[0][0], []).append(phrase)
        finder = self._finder(frozenset(by_first))
        if finder is None:
            candidates = self.pattern.finditer(text)
        else:
            candidates = (self.pattern.match(text, m.start()) for m in finder.finditer(text))
        out = []
        for m in candidates:
            if m is None:
                continue
            wanted = [p for t in self.terms_of(m.group()) for p in by_first.get(t, ())]
            if not wanted:
                continue
            reach = max((len(words) - 1) * slop for words, slop in wanted)
            following: list[tuple[str, int]] = []  # (term, end) at positions 1, 2, ... after m
            for n in self.pattern.finditer(text, m.end()):
                following += [(t, n.end()) for t in self.terms_of(n.group())]
                if len(following) >= reach:
                    break
            ends = [_phrase_end(following, words, slop) for words, slop in wanted]
            if any(e is not None for e in ends):
                out.append((m.start(), max(e for e in ends if e is not None)))
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


def _phrase_end(following: list[tuple[str, int]], words: tuple[str, ...], slop: int) -> int | None:
    """Where the phrase whose first word is at position 0 ends (a character offset), if its
    other words follow as the matcher requires."""

    def end(k: int, pos: int) -> int | None:
        if k == len(words):
            return following[pos - 1][1] if pos else None
        for p in range(pos + 1, min(pos + slop, len(following)) + 1):
            if following[p - 1][0] == words[k]:
                found = end(k + 1, p)
                if found is not None:
                    return found
        return None

    return end(1, 0)


def merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in text order, overlapping ones joined (a word inside a marked phrase)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


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
            fallback_chars: int, phrases: frozenset[PhraseMark] = frozenset(),
            fixed: list[tuple[int, int]] = ()) -> str:  # fmt: skip
    """The marked passages of ``text`` (its opening ``window`` characters first, the rest only
    when the opening has no match), or its escaped opening when nothing matches. ``terms`` are
    marked wherever they occur, ``phrases`` only whole, ``fixed`` spans as they are."""
    if (matcher is not None and (terms or phrases)) or fixed:
        for part in ((text[:window], text[:HIGHLIGHT_LIMIT]) if len(text) > window else (text,)):
            spans = [(a, b) for a, b in fixed if b <= len(part)]
            if matcher is not None:
                spans += matcher.spans(part, terms) if terms else []
                spans += matcher.phrase_spans(part, phrases) if phrases else []
            if spans:
                return kwic(text, merged(spans))  # a prefix's offsets are the text's
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

    def _field(self, article: Article, marks: Marks
               ) -> tuple[WordMatcher | None, frozenset[str], frozenset[PhraseMark]]:  # fmt: skip
        """The word matcher of the field the article's text is searched in, its words and its
        phrases."""
        fieldname = language_field(article.language) or "body"
        if fieldname not in marks.words and fieldname not in marks.phrases:
            fieldname = "body"
        words = marks.words.get(fieldname, frozenset())
        phrases = marks.phrases.get(fieldname, frozenset())
        if not words and not phrases:
            return None, words, phrases
        matcher = self._matchers.get(fieldname)
        if matcher is None:
            matcher = self._matchers[fieldname] = WordMatcher.for_field(self.schema[fieldname])
        return matcher, words, phrases

    def snippet(self, article: Article, marks: Marks | None = None) -> str:
        """Keyword-in-context from the stored text: escaped, with matches in <mark>."""
        marks = marks or Marks()
        matcher, words, phrases = self._field(article, marks)
        mentions = [(m.start, m.end) for m in article.entity_mentions
                    if (m.type, m.name) in marks.entities]  # fmt: skip
        return snippet(article.text, matcher, words, HIGHLIGHT_WINDOW, SNIPPET_CHARS, phrases,
                       mentions)  # fmt: skip

    def also_titled(self, article: Article, marks: Marks | None = None) -> str:
        """The first other headline with a query word the title lacks, marked: it says why an
        article whose title does not show the words was found."""
        if not article.other_titles:
            return ""
        matcher, words, phrases = self._field(article, marks or Marks())
        if matcher is None:
            return ""

        def found(text: str) -> tuple[list[tuple[int, int]], set[str]]:
            spans = merged((matcher.spans(text, words) if words else [])
                           + (matcher.phrase_spans(text, phrases) if phrases else []))  # fmt: skip
            terms = {t for a, b in spans for w in matcher.pattern.finditer(text, a, b)
                     for t in matcher.terms_of(w.group())}  # fmt: skip
            return spans, terms

        in_title = found(article.title)[1]
        for other in article.other_titles:
            spans, terms = found(other)
            if terms - in_title:
                whole = len(other)  # one passage: the whole headline
                return kwic(other, spans, max_fragments=1, fragment_chars=whole, surround=whole)
        return ""
