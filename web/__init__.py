"""Quarry's web front end: a Flask app built by :func:`create_app` (Flask tutorial layout).

Nothing happens at import time; the engine is opened lazily on first use so that building an
app (for tests, for the CLI) never touches the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .settings import Settings

# Quarry's own options are settings, not Flask configuration
_SETTINGS_IN_CONFIG = ("DATA_DIR", "LIVE_LINKS", "REQUEST_TIME_BUDGET", "SEARCH_CACHE_SIZE")


def create_app(settings: Settings | None = None, test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from ``settings`` (default: read from the environment); ``test_config`` is
    Flask configuration for tests (``{"TESTING": True}``), else the instance's ``config.py``."""
    settings = settings if settings is not None else Settings.load()
    if test_config is not None and set(test_config) & set(_SETTINGS_IN_CONFIG):
        raise TypeError("Quarry's options are settings: create_app(Settings(data_dir=...), test_config)")
    # the instance folder is named outright: Flask cannot locate one for a package inside the
    # ``quarry`` namespace (its search paths hold none of the project's folders)
    instance = Path(__file__).resolve().parent.parent / "instance"
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    app.config.from_mapping(JSON_SORT_KEYS=False)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.json.sort_keys = False  # keep SearchResult.to_json()'s order
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from . import (
        articles,
        engine,
        entities,
        errors,
        exports,
        limits,
        network,
        search,
        security,
        urls,
        views,
    )

    engine.init_app(app, settings)
    security.init_app(app)
    errors.init_app(app)
    limits.init_app(app)
    urls.init_app(app)
    views.init_app(app)
    app.register_blueprint(search.bp)
    app.register_blueprint(articles.bp)
    app.register_blueprint(entities.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(network.bp)
    _init_annotations(app)
    return app


def _init_annotations(app: Flask) -> None:
    """The researcher's layer: collections, tags and notes, saved searches, and who may write."""
    from . import (
        annotation_views,
        annotations,
        authorship,
        collection_writes,
        collections,
        csrf,
        notes,
        saved,
    )

    annotations.init_app(app)
    authorship.init_app(app)
    csrf.init_app(app)
    annotation_views.init_app(app)
    for module in (collections, collection_writes, notes, saved):
        app.register_blueprint(module.bp)
