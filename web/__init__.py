"""Quarry's web front end: a Flask app built by :func:`create_app` (Flask tutorial layout).

Nothing happens at import time; the archive is opened lazily on first use so that building an
app (for tests, for the CLI) never touches the index.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from quarry.archive.datadir import default_data_dir


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, optional instance config, the test config, blueprints, hooks."""
    # the instance folder is named outright: Flask cannot locate one for a package inside the
    # ``quarry`` namespace (its search paths hold none of the project's folders)
    instance = Path(__file__).resolve().parent.parent / "instance"
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    app.config.from_mapping(
        DATA_DIR=default_data_dir(),
        LIVE_LINKS=False,
        REQUEST_TIME_BUDGET=2.0,  # seconds for the facets of one request
        # queries whose matches and rankings are kept per index generation (0: none)
        SEARCH_CACHE_SIZE=int(os.environ.get("QUARRY_CACHE_SIZE", "128")),
        JSON_SORT_KEYS=False,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.config["DATA_DIR"] = Path(app.config["DATA_DIR"])
    app.json.sort_keys = False  # keep SearchResult.to_json()'s order
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from . import articles, entities, errors, exports, search, security, store, views

    store.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    views.init_app(app)
    app.register_blueprint(search.bp)
    app.register_blueprint(articles.bp)
    app.register_blueprint(entities.bp)
    app.register_blueprint(exports.bp)
    return app


def get_archive() -> Any:
    """The app's one :class:`index.search.Archive` (re-exported from :mod:`web.store`)."""
    from .store import get_archive as _get

    return _get()
