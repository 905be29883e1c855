"""Who may write annotations, decided per request from the bind and the reverse proxy's header.

* ``QUARRY_USER_HEADER`` set: an authenticating reverse proxy stands in front and names the
  signed-in user in that header. Every write needs it, whatever the bind, and each annotation
  records that user as its author; a request without it is read-only.
* Not set, bound to loopback (127.0.0.1, the default): the one local user writes, as ``local``.
* Not set, bound anywhere else: nobody can be told apart, so the app is read-only.

A read-only request sees every annotation but no write buttons, and one line saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask, abort, g, request

from .annotations import write_problem
from .engine import get_settings

LOCAL_USER = "local"
MAX_USER = 200


@dataclass(frozen=True)
class Author:
    name: str | None  # who writes; None: this request is read-only
    notice: str = ""  # why it is read-only, one line for the page
    signed_in: bool = False  # named by the proxy


def current_author() -> Author:
    """Who this request writes as (decided once per request)."""
    if "_author" not in g:
        g._author = _decide()
    return g._author


def _decide() -> Author:
    settings = get_settings()
    if settings.user_header:
        raw = request.headers.get(settings.user_header, "")
        name = re.sub(r"[\x00-\x1f\x7f]", "", raw).strip()[:MAX_USER]
        if not name:
            return Author(None, "Read-only: you are not signed in (the proxy named no user).")
        author = Author(name, signed_in=True)
    elif settings.remote:
        return Author(None, "Read-only: notes, tags, collections and saved searches can be changed only "
                            "by a signed-in user behind an authenticating proxy (QUARRY_USER_HEADER).")  # fmt: skip
    else:
        author = Author(LOCAL_USER)
    problem = write_problem()
    if problem:
        return Author(None, f"Read-only: the annotations database cannot be written ({problem}).")
    return author


def require_author() -> str:
    """The author of a write, or a 403 saying why this request may not write."""
    author = current_author()
    if author.name is None:
        abort(403, description=author.notice)
    return author.name


def init_app(app: Flask) -> None:
    app.add_template_global(current_author, "current_author")
