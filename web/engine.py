"""The app's settings and its one search engine, kept on ``app.extensions``.

The engine (:class:`quarry.index.api.Engine`) caches searchers per index generation itself, so
the web layer only holds it. It is opened lazily (first request) under a lock, because waitress
serves requests on threads; a test may put its own engine in the slot first.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from quarry.index.api import Engine, Health

from .settings import Settings

ENGINE_KEY = "quarry"
SETTINGS_KEY = "quarry.settings"
_lock = threading.Lock()


def init_app(app: Flask, settings: Settings) -> None:
    """Keep the settings; reserve the engine's slot (a test may pre-fill it with a double)."""
    app.extensions[SETTINGS_KEY] = settings
    app.extensions.setdefault(ENGINE_KEY, None)


def get_settings() -> Settings:
    return current_app.extensions[SETTINGS_KEY]


def get_engine() -> Engine:
    """The app's engine, opened on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    engine = app.extensions.get(ENGINE_KEY)
    if engine is not None:
        return engine
    with _lock:
        engine = app.extensions.get(ENGINE_KEY)
        if engine is None:
            engine = app.extensions[ENGINE_KEY] = app.extensions[SETTINGS_KEY].open_engine()
    return engine


def health() -> Health | None:
    """The archive's health for the page header; never lets a broken index break a page."""
    try:
        return get_engine().health()
    except Exception:  # noqa: BLE001 - the header is decoration, the page must render
        current_app.logger.exception("archive health unavailable")
        return None
