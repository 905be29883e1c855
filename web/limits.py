"""What one request may ask: the limits every request meets before any page runs.

gunicorn refuses a request line over 4,094 bytes, more than 100 header fields and a field over
8,190 bytes; waitress has no such limits of its own (only the size of the whole head, which
``quarry serve`` sets), so the app applies gunicorn's whatever serves it. On top of them: at most
``MAX_PARAMETERS`` query parameters (any page: the search, entity and export pages and those of
other blueprints alike), and a request body of at most ``MAX_BODY_BYTES``. A search asking for
too many values of one facet is refused by ``SearchRequest.from_args`` itself
(:class:`~quarry.index.api.RequestTooLarge`), answered here as a 400 too.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, request
from flask.typing import ResponseReturnValue

from quarry.index.api import RequestTooLarge

from .errors import render_error

MAX_REQUEST_LINE = 4094  # bytes, as gunicorn's limit_request_line
MAX_HEADER_FIELDS = 100  # as gunicorn's limit_request_fields
MAX_HEADER_FIELD_BYTES = 8190  # as gunicorn's limit_request_field_size
MAX_PARAMETERS = 200  # query parameters of one request
MAX_BODY_BYTES = 2 * 1024 * 1024  # a form's body (no page takes uploads)
# waitress's own limit on a request's whole head (its default is 256 KB): a long line is refused
# before it is read whole; room for gunicorn's request line and many ordinary headers
WAITRESS_HEADER_BYTES = 32 * 1024


def _request_line_bytes(environ: dict) -> int:
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not target:
        target = quote(environ.get("PATH_INFO", ""), safe="/;:@&=+$,%~")
        if environ.get("QUERY_STRING"):
            target += "?" + environ["QUERY_STRING"]
    return len(environ.get("REQUEST_METHOD", "GET")) + len(target) + len(environ.get("SERVER_PROTOCOL", "")) + 2


def check_limits() -> ResponseReturnValue | None:
    """A clear error page (JSON under /api/) for a request over a limit; None for the rest."""
    environ = request.environ
    if _request_line_bytes(environ) > MAX_REQUEST_LINE:
        return render_error(414, f"The address is too long: at most {MAX_REQUEST_LINE:,} bytes (fewer "
                                 "values, or a shorter query).")  # fmt: skip
    fields = [(k, v) for k, v in environ.items() if k.startswith("HTTP_") or k in ("CONTENT_TYPE", "CONTENT_LENGTH")]
    if len(fields) > MAX_HEADER_FIELDS or any(len(k) + len(str(v)) + 2 > MAX_HEADER_FIELD_BYTES for k, v in fields):
        return render_error(431, f"The request's headers are too large: at most {MAX_HEADER_FIELDS} fields of "
                                 f"{MAX_HEADER_FIELD_BYTES:,} bytes each.")  # fmt: skip
    query = environ.get("QUERY_STRING", "")
    if query.count("&") >= MAX_PARAMETERS and _parameters() > MAX_PARAMETERS:
        return render_error(400, f"Too many parameters: a request may have at most {MAX_PARAMETERS} "
                                 f"({_parameters():,} were given).")  # fmt: skip
    return None


def _parameters() -> int:
    return sum(len(values) for values in request.args.listvalues())


def _too_large(exc: RequestTooLarge) -> ResponseReturnValue:
    return render_error(400, f"This request asks for too much: {exc}.")


def init_app(app: Flask) -> None:
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_BODY_BYTES)
    app.before_request(check_limits)
    app.register_error_handler(RequestTooLarge, _too_large)
