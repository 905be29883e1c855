"""One article: its page (metadata, annotated body, provenance, similar), JSON and citations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template

from archive.model import Article

from . import views
from .exports import EXPORT_FORMATS, article_citation, export_response
from .store import get_archive

bp = Blueprint("articles", __name__)

CITE_FORMATS = ("ris", "bib", "csl.json")


def load_article(article_id: str) -> Article:
    """The article or a 404 (ids are short hex strings; anything else cannot exist)."""
    article = get_archive().article(article_id) if len(article_id) <= 200 else None
    if article is None:
        abort(404, description="No article with that id is in this archive.")
    return article


def highwire_meta(a: Article, live_links: bool) -> list[tuple[str, str]]:
    """Highwire Press (Google Scholar / Zotero) and Dublin Core meta tags as (name, content)."""
    meta = [("citation_title", a.title)]
    meta += [("citation_author", name) for name in a.authors]
    day = a.published_day
    if day:
        meta.append(("citation_publication_date", f"{day.year:04d}/{day.month:02d}/{day.day:02d}"))
    if a.site:
        meta += [("citation_journal_title", a.site), ("citation_publisher", a.site)]
    if a.language:
        meta.append(("citation_language", a.language))
    if live_links and views.is_web_url(a.url):
        meta.append(("citation_abstract_html_url", a.url))
    meta.append(("DC.title", a.title))
    meta += [("DC.creator", name) for name in a.authors]
    if day:
        meta.append(("DC.date", day.isoformat()))
    if a.site:
        meta.append(("DC.publisher", a.site))
    if a.language:
        meta.append(("DC.language", a.language))
    return meta


def _annotate(a: Article) -> list[Any]:
    try:
        return get_archive().annotate(a)
    except Exception:  # noqa: BLE001 - a failed annotation must not hide the text
        current_app.logger.exception("annotate failed for %s", a.id)
        return []


def _similar(a: Article) -> list[Any]:
    try:
        return get_archive().similar(a.id, limit=8)
    except Exception:  # noqa: BLE001 - "more like this" is optional
        current_app.logger.exception("similar failed for %s", a.id)
        return []


@bp.get("/article/<article_id>")
def page(article_id: str) -> str:
    a = load_article(article_id)
    live = bool(current_app.config.get("LIVE_LINKS"))
    return render_template(
        "article.html",
        a=a,
        paragraphs=views.annotated_paragraphs(a.body, _annotate(a)),
        similar=_similar(a),
        meta=highwire_meta(a, live),
        citation=article_citation(a),
        cite_formats=CITE_FORMATS,
    )


@bp.get("/api/article/<article_id>")
def api(article_id: str) -> Response:
    return jsonify(load_article(article_id).to_dict())


@bp.get("/article/<article_id>/cite.<fmt>")
def cite(article_id: str, fmt: str) -> Response:
    if fmt not in EXPORT_FORMATS:
        abort(404, description="Unknown citation format.")
    a = load_article(article_id)
    return export_response(fmt, [a], f"quarry-{a.id}")
