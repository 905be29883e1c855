"""Tags and notes on an article: POSTs from the article page's plain HTML forms.

:mod:`.csrf` has checked the form's token and that this request may write; each view records
the author and sends the browser back to the page the form was on (303).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, url_for

from quarry.archive.annotations import split_tags

from .annotation_views import safe_next
from .annotations import writable_db
from .articles import load_article
from .authorship import require_author

bp = Blueprint("notes", __name__)


def _back(article_id: str) -> Response:
    default = url_for("articles.page", article_id=article_id) + "#annotations"
    return redirect(safe_next(request.form.get("next"), default), code=303)


@bp.post("/article/<article_id>/tags")
def add_tags(article_id: str) -> Response:
    """Tag the article (several tags separated by commas)."""
    author = require_author()
    a = load_article(article_id)
    tags = split_tags(request.form.get("tags", ""))
    if not tags:
        abort(400, description="Type a tag to add (several separated by commas).")
    writable_db().notes.add_tags(a.id, tags, author)
    return _back(a.id)


@bp.post("/article/<article_id>/tags/remove")
def remove_tag(article_id: str) -> Response:
    require_author()
    a = load_article(article_id)
    writable_db().notes.remove_tag(a.id, request.form.get("tag", ""))
    return _back(a.id)


@bp.post("/article/<article_id>/note")
def set_note(article_id: str) -> Response:
    """Write the article's note (an empty note deletes it)."""
    author = require_author()
    a = load_article(article_id)
    writable_db().notes.set_note(a.id, request.form.get("note", ""), author)
    return _back(a.id)
