"""Did you mean: a spelling for a query that found nothing.

Each word of the query that the index does not hold is replaced by the nearest indexed word (one
edit before two, the same first letter, the most frequent of equally near ones), shown as
written in an article that has it.
"""

from __future__ import annotations

from collections.abc import Callable

from quarry.archive.model import Article

from . import query as qp
from .generations import Generation

MAX_WORDS = 8
MAX_WORD_CHARS = 40


def suggest(gen: Generation, text: str, article_of: Callable[[str], Article | None]) -> str | None:
    """A corrected query, or None when every word is indexed (or nothing near is)."""
    words = qp.plain_words(text).split()
    if not words:
        return None
    analyzer = gen.schema["body"].analyzer
    corrected, changed = [], False
    with gen.lock:
        for word in words[:MAX_WORDS]:
            if len(word) > MAX_WORD_CHARS:
                corrected.append(word)
                continue
            stems = [t.text for t in analyzer(word)]
            if not stems or any(gen.postings.doc_frequency("body", gen.postings.encode("body", s)) for s in stems):
                corrected.append(word)
                continue
            best = _closest_word(gen, word.lower())
            surface = _surface_form(gen, best, article_of) if best else None
            corrected.append(surface or word)
            changed = changed or bool(surface)
    return " ".join(corrected) if changed else None


def _closest_word(gen: Generation, word: str) -> str | None:
    """The indexed word nearest to ``word`` (one edit before two; the same first letter),
    the most frequent of equally near ones."""
    vocabulary = gen.matcher.vocabulary("body")
    for maxdist in (1, 2):
        options = [w for w in vocabulary.within(word, maxdist, prefix=1) if w != word]
        if options:
            return max(options, key=lambda w: (gen.postings.doc_frequency("body", gen.postings.encode("body", w)), w))
    return None


def _surface_form(gen: Generation, stem: str, article_of: Callable[[str], Article | None]) -> str | None:
    """A word as written in an article for an indexed stem ("negoti" -> "negotiations")."""
    ids, _, _ = gen.postings.read("body", gen.postings.encode("body", stem))
    live = [int(d) for d in ids if gen.columns.live[d]][:1]
    article = article_of(gen.columns.ids[live[0]]) if live else None
    if article is None:
        return None
    analyzer = gen.schema["body"].analyzer
    text = article.text
    for token in analyzer(text, chars=True, mode="index"):
        if token.text == stem:
            return text[token.startchar : token.endchar].lower()
    return None
