"""Cross-site request forgery: every write is a POST carrying a token only this site's pages hold.

A per-browser session id lives in an HttpOnly, SameSite=Strict cookie; the token in each form is
an HMAC of that id and the writing user under a secret kept in the annotations database (so every
worker process of one archive agrees on it). A POST whose token is missing or wrong, or that comes
from another origin, is refused with 403 before its view runs. No JavaScript is needed: the token
is a hidden field of plain HTML forms (``X-CSRF-Token`` works too).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, request

from .annotations import writable_db
from .authorship import current_author, require_author
from .engine import get_settings

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SECRET_KEY = "quarry.csrf_secret"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
REFUSED = "This form has expired or did not come from this archive's own pages: reload the page and try again."


def _cookie_name() -> str:
    # cookies are shared by every port of a host: one archive's session must not replace another's
    return f"quarry_session_{get_settings().port}"


def _secret() -> bytes:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    secret = app.extensions.get(SECRET_KEY)
    if secret is None:
        secret = app.extensions[SECRET_KEY] = writable_db().secret("csrf")
    return secret


def _expected(session: str, author: str) -> str:
    return hmac.new(_secret(), f"{session}\n{author}".encode(), hashlib.sha256).hexdigest()


def csrf_token() -> str:
    """The token for this request's forms (a session cookie is set with the response if new)."""
    session = request.cookies.get(_cookie_name()) or g.get("_new_session")
    if not session:
        session = g._new_session = secrets.token_urlsafe(24)
    return _expected(session, current_author().name or "")


def _check() -> None:
    """Refuse a write that is not from a signed-in (or local) user, or not from this site."""
    if request.method in SAFE_METHODS or request.url_rule is None:
        return  # reads, and URLs that do not exist (404/405 as ever)
    author = require_author()
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        abort(403, description=REFUSED)
    session = request.cookies.get(_cookie_name())
    sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    if not session or not sent or not hmac.compare_digest(sent, _expected(session, author)):
        abort(403, description=REFUSED)


def _set_cookie(response: Response) -> Response:
    session = g.get("_new_session")
    if session:
        response.set_cookie(_cookie_name(), session, httponly=True, samesite="Strict",
                            secure=request.is_secure)  # fmt: skip
    return response


def init_app(app: Flask) -> None:
    app.before_request(_check)
    app.after_request(_set_cookie)
    app.add_template_global(csrf_token, "csrf_token")
