"""Extraction: a raw document in, an :class:`Article` (without entities) out."""

from __future__ import annotations

from ..model import Article, RawDocument, replayed_url
from .clean import site_from_url
from .record import RecordError, extract_record


class NoArticle(Exception):
    """The document holds no article (a navigation page, a 404 page, an empty record)."""


def extract(raw: RawDocument, field_map: dict[str, str] | None = None) -> Article:
    """The article in a raw document; raises :class:`NoArticle` when there is none."""
    if raw.kind == "record":
        article = extract_record(raw, field_map)
    elif raw.kind == "pagetext":
        from .pagetext import extract_pagetext

        article = extract_pagetext(raw)
    else:
        from .html import extract_html

        article = extract_html(raw)
    if article is None:
        raise NoArticle("no article found" if raw.kind != "record" else "no article found (no body text)")
    replay = replayed_url(raw.url) or replayed_url(article.url)
    if replay:  # a page replayed from a web archive: its original URL, and when it was captured
        article.url = replay[0]
    if not article.site:  # no publisher named anywhere: the site the article's address names
        article.site = site_from_url(article.url)
    captured = raw.captured or (replay[1] if replay else None)
    if captured and not any(p.captured for p in article.provenance):
        for p in article.provenance:
            p.captured = captured
    return article


__all__ = ["NoArticle", "RecordError", "extract"]
