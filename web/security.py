"""Safe viewing: no remote resources, no framing, no referrers leaking to outside sites.

Researchers open pages about extremist material; the archive must never make their browser
contact the sites it describes. Every response gets the same strict headers.
"""

from __future__ import annotations

from flask import Flask, Response

CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Response) -> Response:
    """Set the safe-viewing headers on any response (pages, JSON, exports, static, errors)."""
    for name, value in SECURITY_HEADERS.items():
        if name == "Content-Security-Policy" and "sandbox" in response.headers.get(name, ""):
            continue  # a captured page's own, stricter policy (see articles.capture)
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
