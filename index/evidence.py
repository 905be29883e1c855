"""Evidence for a link between two entities: the articles naming both, and in each the
sentences that name both (keyword in context, both names marked).

Where each name occurs comes from the article's stored mentions (or, for an article stored
before mentions were kept, from its names searched in its text: :mod:`archive.entities.annotate`);
sentences are the project's own tokeniser's (:mod:`archive.entities.text`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from quarry.archive.entities.annotate import paragraph_marks
from quarry.archive.entities.text import sentence_spans
from quarry.archive.model import Article

from .api import Evidence, EvidenceArticle, Mark, Passage, SearchRequest, SearchResult
from .association import log_likelihood
from .columns import Columns

PASSAGES_PER_ARTICLE = 5
CONTEXT = 160  # characters kept either side of the names in a long sentence
LONG = 600  # a "sentence" longer than this (a list, a table row) is cut around the names

Entity = tuple[str, str]  # (type, canonical name)


def resolve(columns: Columns, entity: Entity) -> Entity | None:
    """The entity as the archive writes it (any case), or None when no article names it."""
    etype, name = entity
    col = columns.fields.get(etype)
    if etype not in ("person", "organization", "location") or col is None:
        return None
    ids = col.ids_of([name])
    return (etype, col.vocab[ids[0]]) if ids else None


def _sentences(text: str, marks: list[Mark]) -> list[tuple[int, int]]:
    """The paragraph's sentence spans, two joined when a name runs across their boundary
    (an abbreviation the tokeniser took for a full stop)."""
    spans = [list(s) for s in sentence_spans(text)]
    out: list[list[int]] = []
    for span in spans:
        if out and any(m[0] < out[-1][1] < m[1] for m in marks):
            out[-1][1] = span[1]
        else:
            out.append(span)
    return [(s, e) for s, e in out]


def _passage(text: str, start: int, end: int, marks: list[Mark]) -> Passage:
    """The sentence text[start:end] with its marks made relative, cut around the names when
    it is very long."""
    if end - start > LONG:
        first = min(m[0] for m in marks)
        last = max(m[1] for m in marks)
        cut_start, cut_end = max(start, first - CONTEXT), min(end, last + CONTEXT)
        if cut_end - cut_start < end - start:
            prefix = "… " if cut_start > start else ""
            suffix = " …" if cut_end < end else ""
            shift = cut_start - len(prefix)
            body = prefix + text[cut_start:cut_end] + suffix
            return Passage(body, [(m[0] - shift, m[1] - shift, m[2], m[3]) for m in marks])
    return Passage(text[start:end], [(m[0] - start, m[1] - start, m[2], m[3]) for m in marks])


def passages(article: Article, a: Entity, b: Entity, authority=None,
             limit: int = PASSAGES_PER_ARTICLE) -> tuple[list[Passage], int]:  # fmt: skip
    """The sentences of ``article`` naming both ``a`` and ``b`` (at most ``limit``, in text
    order) and how many more there are."""
    wanted = {a, b}
    found: list[Passage] = []
    total = 0
    for text, marks in zip(article.body, paragraph_marks(article, authority), strict=False):
        mine = [m for m in marks if (m[2], m[3]) in wanted]
        if {(m[2], m[3]) for m in mine} != wanted:
            continue
        for start, end in _sentences(text, mine):
            inside = [m for m in mine if start <= m[0] and m[1] <= end]
            if {(m[2], m[3]) for m in inside} == wanted:
                total += 1
                if len(found) < limit:
                    found.append(_passage(text, start, end, inside))
    return found, total - len(found)


def evidence_page(columns: Columns, final: np.ndarray, req: SearchRequest, a: Entity, b: Entity,
                  search: Callable[[SearchRequest], SearchResult],
                  articles: Callable[[list[str]], dict[str, Article]], authority) -> Evidence:  # fmt: skip
    """The evidence page of ``a`` and ``b`` within the result set ``final`` of ``req``."""
    has = {}
    for etype, name in (a, b):
        col = columns.fields[etype]
        has[(etype, name)] = col.docs_with_any(col.ids_of([name]), columns.ndocs) & final
    considered = int(final.sum())
    a_count, b_count = int(has[a].sum()), int(has[b].sum())
    together = int((has[a] & has[b]).sum())
    score = float(log_likelihood(together, a_count, b_count, considered)) if considered else 0.0
    both = replace(req, within=(*req.within, a, b), with_facets=False, with_histogram=False,
                   with_snippets=False)  # fmt: skip
    result = search(both)
    found = articles([h.id for h in result.hits])
    shown = []
    for hit in result.hits:
        article = found.get(hit.id)
        sentences, more = passages(article, a, b, authority) if article else ([], 0)
        shown.append(EvidenceArticle(hit, sentences, more))
    return Evidence(a, b, result, shown, considered, a_count, b_count, round(score, 3))
