"""Where an article's recognised entities occur in its text, paragraph by paragraph.

The article page links each mention to its entity page. This is a text search for the entities
the article was tagged with (their canonical names and known aliases), not a second tagging run,
so a page marks exactly the entities its facets count, quickly.
"""

from __future__ import annotations

import re

from ..model import Article
from .authority import Authority

Mark = tuple[int, int, str, str]  # (start, end, entity type, canonical name) within a paragraph


def paragraph_marks(article: Article, authority: Authority | None) -> list[list[Mark]]:
    """Entity spans per body paragraph: non-overlapping, the longest at each start."""
    forms: dict[str, tuple[str, str]] = {}  # surface form (folded unless an acronym) -> entity
    exact: dict[str, tuple[str, str]] = {}
    for etype, names in article.entities.as_dict().items():
        for canonical in names:
            variants = [canonical, *(authority.aliases(etype, canonical) if authority is not None else [])]
            for form in variants:
                form = form.strip()
                if form.casefold().startswith("the "):
                    form = form[4:]  # mark "the Taliban" as "Taliban"
                if len(form) < 2:
                    continue
                if len(form) <= 3 and form.isupper():
                    exact.setdefault(form, (etype, canonical))
                else:
                    forms.setdefault(form.casefold(), (etype, canonical))
    if not forms and not exact:
        return [[] for _ in article.body]
    patterns = []
    if forms:
        alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        patterns.append((re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), forms, str.casefold))
    if exact:
        alternatives = "|".join(re.escape(f) for f in sorted(exact, key=len, reverse=True))
        patterns.append((re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"), exact, lambda x: x))
    out = []
    for paragraph in article.body:
        spans = []
        for pattern, table, key in patterns:
            for m in pattern.finditer(paragraph):
                entity = table.get(key(m.group(0)))
                if entity:
                    spans.append((m.start(), m.end(), entity[0], entity[1]))
        spans.sort(key=lambda sp: (sp[0], -(sp[1] - sp[0])))
        kept: list[Mark] = []
        for span in spans:  # non-overlapping, longest first at each start
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        out.append(kept)
    return out
