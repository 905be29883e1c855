"""One article: its page (metadata, annotated body, provenance, similar), JSON and citations.

The citation box offers each style as a plain link (``/article/<id>?style=mla``, no script
needed); ``/api/article/<id>/citation?style=mla`` is its JSON twin.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from markupsafe import Markup

from quarry.archive.citation import DEFAULT_STYLE, STYLES, csl_item, render, style_title
from quarry.archive.model import Article
from quarry.index.api import Capture, Hit, Mark

from . import capture_view, views
from .annotation_views import annotations_json
from .engine import get_engine, get_settings
from .exports import checked_options, export_response

bp = Blueprint("articles", __name__)

SHOWN_CHARS = 200_000  # of an article's text on its page; the rest is a download

CITE_FORMATS = ("ris", "bib", "csl.json")


def load_article(article_id: str) -> Article:
    """The article or a 404 (ids are short hex strings; anything else cannot exist)."""
    article = get_engine().article(article_id) if len(article_id) <= 200 else None
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


def _annotate(a: Article) -> list[list[Mark]]:
    try:
        return get_engine().paragraph_marks(a)
    except Exception:  # noqa: BLE001 - a failed annotation must not hide the text
        current_app.logger.exception("annotate failed for %s", a.id)
        return []


def _similar(a: Article) -> list[Hit]:
    try:
        return get_engine().similar(a.id, limit=8)
    except Exception:  # noqa: BLE001 - "more like this" is optional
        current_app.logger.exception("similar failed for %s", a.id)
        return []


def _style_arg() -> tuple[str, str | None]:
    """The style asked for (the default when none is) and a note when the name is unknown."""
    asked = request.args.get("style", "").strip()
    if not asked or asked in STYLES:
        return asked or DEFAULT_STYLE, None
    default = STYLES[DEFAULT_STYLE].label
    return DEFAULT_STYLE, f"There is no citation style “{asked[:40]}”; showing {default}."


def citation(a: Article, style: str) -> dict[str, Any]:
    """The article cited in ``style``: plain text, sanitised HTML and the CSL-JSON record."""
    item = csl_item(a)
    out = {"style": style, "label": STYLES[style].label, "style_title": style_title(style),
           "text": "", "html": "", "csl": item}  # fmt: skip
    try:
        out["text"], out["html"] = render(item, style), render(item, style, html=True)
    except Exception:  # noqa: BLE001 - the record and the downloads still stand
        current_app.logger.exception("citation of %s in %s failed", a.id, style)
    return out

def shown_part(a: Article, limit: int) -> Article:
    """The article with only the paragraphs a page shows: up to ``limit`` characters of its
    body, the last paragraph cut to fit (a record can hold megabytes of text)."""
    body, room = [], limit
    for paragraph in a.body:
        if room <= 0:
            break
        body.append(paragraph[:room])
        room -= len(paragraph)
    return dataclasses.replace(a, body=body)


@bp.get("/article/<article_id>")
def page(article_id: str) -> str:
    a = load_article(article_id)
    live = get_settings().live_links
    style, style_note = _style_arg()
    cite = citation(a, style)
    shown = shown_part(a, SHOWN_CHARS)
    return render_template(
        "article.html",
        a=a,
        paragraphs=views.annotated_paragraphs(shown.body, _annotate(shown)),
        shown_chars=sum(map(len, shown.body)),
        total_chars=sum(map(len, a.body)),
        similar=_similar(a),
        meta=highwire_meta(a, live),
        cite=cite,
        cite_html=Markup(cite["html"]),  # sanitised to <i>, <b>, <sup>, <sub>, <span> by render
        styles=STYLES.values(),
        style_note=style_note,
        cite_formats=CITE_FORMATS,
        captures=get_engine().captures(a),
    )


# A captured page is shown as a sanitised rendering (web/capture_view.py) in a sandboxed unique
# origin: no scripts, no remote requests, no forms, no frames; its raw bytes are a download.
CAPTURE_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")  # fmt: skip


def _captured(article_id: str, n: int) -> tuple[Article, Capture]:
    a = load_article(article_id)
    if not 0 <= n < len(a.provenance):
        abort(404, description="No such source for this article.")
    page = get_engine().capture(a.id, n)
    if page is None:
        abort(404, description="The captured page was not kept for this source.")
    return a, page


@bp.get("/article/<article_id>/capture/<int:n>")
def capture(article_id: str, n: int) -> Response:
    """The page as captured, rendered inert: only its text and structure (an HTML page), or its
    text (a plain-text capture), under a policy that forbids everything else."""
    a, page = _captured(article_id, n)
    if page.kind == "html":
        response = Response(capture_view.page(page.text, a.title), mimetype="text/html")
    else:
        response = Response(page.text, mimetype="text/plain")
    response.headers["Content-Security-Policy"] = CAPTURE_CSP
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.get("/article/<article_id>/capture/<int:n>/raw")
def capture_raw(article_id: str, n: int) -> Response:
    """The bytes as captured, as a file to download: never rendered by the browser."""
    a, page = _captured(article_id, n)
    response = Response(page.raw, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="quarry-{a.id}-source-{n}.bin"'
    return response  # (a sandboxing policy here would forbid the download itself)


@bp.get("/article/<article_id>/text.txt")
def text(article_id: str) -> Response:
    """The article's whole text as a download (its page shows the first part of a long one)."""
    a = load_article(article_id)
    response = Response(a.title + "\n\n" + a.text + "\n", mimetype="text/plain")
    response.headers["Content-Disposition"] = f'attachment; filename="quarry-{a.id}.txt"'
    return response


@bp.get("/api/article/<article_id>")
def api(article_id: str) -> Response:
    a = load_article(article_id)
    return jsonify({**a.to_dict(), "annotations": annotations_json(a.id)})


@bp.get("/api/article/<article_id>/citation")
def api_citation(article_id: str) -> Response:
    """The article page's citation box as JSON: ``?style=`` one of ``styles`` (APA if none)."""
    a = load_article(article_id)
    style = request.args.get("style", "").strip() or DEFAULT_STYLE
    if style not in STYLES:
        abort(400, description=f"Unknown citation style {style[:40]!r}. Try one of: "
              + ", ".join(STYLES) + ".")  # fmt: skip
    data = citation(a, style)
    data["styles"] = {key: s.label for key, s in STYLES.items()}
    return jsonify(data)


@bp.get("/article/<article_id>/cite.<fmt>")
def cite(article_id: str, fmt: str) -> Response:
    options = checked_options(fmt, request.args)
    a = load_article(article_id)
    return export_response(fmt, [a], f"quarry-{a.id}", options)
