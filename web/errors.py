"""Friendly error pages (HTML) and error objects (JSON under /api/)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: "The request could not be understood.",
    404: "Nothing here. The page, article or entity is not in this archive.",
    405: "That method is not allowed here.",
    500: "Something went wrong on our side. The error has been logged.",
    503: "The archive is not available right now.",
}


def render_error(code: int, message: str | None = None) -> ResponseReturnValue:
    """Render an error as JSON for the API and as a page for people."""
    message = message or MESSAGES.get(code, "Error")
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": code, "message": message}}), code
    return render_template("error.html", code=code, message=message), code


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    """Use our wording unless the view gave a specific description (never for a 500)."""
    code = exc.code or 500
    custom = exc.description if exc.description != type(exc).description else None
    return render_error(code, None if code == 500 else custom)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
