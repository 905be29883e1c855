"""One :class:`index.search.Archive` per app, kept on ``app.extensions['quarry']``.

The Archive caches searchers per index version itself, so the web layer only holds it. It is
created lazily (first request) under a lock, because waitress serves requests on threads.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app

EXTENSION_KEY = "quarry"
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Reserve the extension slot; a test may pre-fill it with a fake archive."""
    app.extensions.setdefault(EXTENSION_KEY, None)


def get_archive() -> Any:
    """Return the app's Archive, opening it on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    arch = app.extensions.get(EXTENSION_KEY)
    if arch is not None:
        return arch
    with _lock:
        arch = app.extensions.get(EXTENSION_KEY)
        if arch is None:
            from quarry.index.search import Archive

            options = {"cache_size": int(app.config.get("SEARCH_CACHE_SIZE", 128))}
            budget = app.config.get("REQUEST_TIME_BUDGET")
            if budget is not None:  # slow facets are reported as timed out instead of holding the page
                options["facet_time_budget"] = float(budget)
            arch = Archive(app.config["DATA_DIR"], **options)
            app.extensions[EXTENSION_KEY] = arch
    return arch


def archive_stats() -> dict[str, Any]:
    """Archive stats for the page header; never lets a broken index break an error page."""
    try:
        return dict(get_archive().stats() or {})
    except Exception:  # noqa: BLE001 - the header is decoration, the page must render
        current_app.logger.exception("archive stats unavailable")
        return {}
