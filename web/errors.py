"""Friendly error pages (HTML) and error objects (JSON under /api/)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from quarry.index.api import EngineError, ErrorKind

MESSAGES = {
    400: "The request could not be understood.",
    403: "That is not allowed here.",
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


# what an engine error means for a request: its status and how the page puts it
ENGINE_ERRORS = {
    ErrorKind.UNAVAILABLE: (503, "The archive cannot be read right now: {}."),
    ErrorKind.TIMED_OUT: (503, "The archive took too long to answer: {}."),
    ErrorKind.REFUSED: (400, "Could not run this search: {}."),
    ErrorKind.BAD_QUERY: (400, "Could not read this search: {}."),
    ErrorKind.DAMAGED: (503, "{}."),
}


def _engine_error(exc: EngineError) -> ResponseReturnValue:
    """An engine method that could not answer (its kind decides the status)."""
    code, wording = ENGINE_ERRORS[exc.kind]
    return render_error(code, wording.format(exc.message))


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(EngineError, _engine_error)
