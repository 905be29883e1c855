"""More like this: the articles whose words are most like one article's.

Whoosh's own recipe (its ``more_like``): the article's 12 most distinctive words for this index,
ORed, each weighted by how distinctive it is; run through the array matcher and ranked like any
search.
"""

from __future__ import annotations

from quarry.archive.model import Article

from .generations import Generation
from .ranking import ordered

KEY_TERMS = 12
KEY_TERMS_FROM = 100_000  # characters of a long article its key words are taken from


def similar_ids(gen: Generation, article: Article, limit: int) -> list[str]:
    """The ids of the ``limit`` articles most like ``article`` (itself excluded)."""
    docnum = gen.columns.docnum_of(article.id)
    if docnum is None:
        return []
    with gen.lock:
        text = (article.title + "\n" + article.text)[:KEY_TERMS_FROM]
        weighted = gen.postings.key_terms("body", text, KEY_TERMS)
        mask, scores = gen.matcher.any_of("body", weighted)
    mask &= gen.columns.live
    mask[docnum] = False
    docnums, _ = ordered(gen.columns, "relevance", scores, mask, limit)
    return [gen.columns.ids[d] for d in docnums]
