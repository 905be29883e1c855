"""Where to mark entities on an article's page: per body paragraph, the spans to link.

From the mentions stored with the article (each as written, with its canonical name), so a
page marks exactly what was tagged, an alias phrase whole. An article stored before mentions
existed (entities but no mentions) falls back to searching its text for its entities'
names and known aliases.
"""

from __future__ import annotations

import re

from quarry.archive.model import Article

from .authority import Authority
from .mentions import paragraph_spans

Mark = tuple[int, int, str, str]  # (start, end, type, canonical name) in the paragraph


def paragraph_marks(article: Article, authority: Authority | None = None) -> list[list[Mark]]:
    """Per body paragraph, the (start, end, type, canonical name) spans to mark."""
    if article.entity_mentions:
        return paragraph_spans(article.body, article.entity_mentions)
    return _search_marks(article, authority)


def _search_marks(article: Article, authority: Authority | None) -> list[list[Mark]]:
    """The article's entities (canonical names and known aliases) found in its text, longest
    first, never overlapping. Short all-caps forms and the table's ambiguous aliases match
    only as written ("IS", "ISIS"), the rest ignoring case."""
    forms: dict[str, tuple[str, str]] = {}  # folded surface form -> entity
    exact: dict[str, tuple[str, str]] = {}
    for etype, names in article.entities.as_dict().items():
        for canonical in names:
            variants = [canonical, *(authority.aliases(etype, canonical) if authority else [])]
            for form in variants:
                form = form.strip()
                if form.casefold().startswith("the "):
                    form = form[4:]  # mark "the Taliban" as "Taliban"
                if len(form) < 2:
                    continue
                entry = authority.entry(form, etype) if authority else None
                if (len(form) <= 3 and form.isupper()) or (entry and entry.ambiguous):
                    exact.setdefault(form, (etype, canonical))
                else:
                    forms.setdefault(form.casefold(), (etype, canonical))
    if not forms and not exact:
        return [[] for _ in article.body]
    patterns = []
    for table, flags, key in ((forms, re.IGNORECASE, str.casefold), (exact, 0, str)):
        if table:
            alternatives = "|".join(re.escape(f) for f in sorted(table, key=len, reverse=True))
            patterns.append((re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags), table, key))
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
