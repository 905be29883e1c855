"""The export blueprint: a whole result set, streamed, in any of the export formats.

The writers themselves live in :mod:`quarry.archive.exports` (no Flask), shared with the CLI;
result sets go out with the researcher's tags and notes (:mod:`quarry.archive.annotations.exporting`).
A writer's options come from the same URL (``/export.csv?q=...&body=none``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Blueprint, Response, abort, request, stream_with_context

from quarry.archive.annotations.exporting import ExportHeader, write_annotated
from quarry.archive.exports import EXPORT_FORMATS, writer_options
from quarry.archive.model import Article
from quarry.index.api import SearchRequest

from .annotation_views import notes_lookup
from .engine import get_engine

bp = Blueprint("exports", __name__)


def checked_options(fmt: str, args: Mapping[str, str]) -> dict[str, str]:
    """The writer options of ``fmt`` in ``args``: a 404 naming the formats for an unknown
    format, a 400 saying why for an option the writer does not take."""
    if fmt not in EXPORT_FORMATS:
        abort(404, description=f"Unknown export format {fmt!r}. Try one of: "
              + ", ".join(EXPORT_FORMATS) + ".")  # fmt: skip
    try:
        return writer_options(fmt, args)
    except ValueError as exc:
        abort(400, description=f"Could not export: {exc}.")


def export_response(fmt: str, articles: Iterable[Article], filename: str,
                    options: Mapping[str, str] | None = None, *, annotated: bool = False,
                    header: ExportHeader | None = None) -> Response:  # fmt: skip
    """A streamed download of ``articles`` in ``fmt`` (404 for an unknown format); ``annotated``:
    with their tags and notes, and a collection's ``header``."""
    options = checked_options(fmt, {}) if options is None else options
    mimetype, ext, writer = EXPORT_FORMATS[fmt]
    chunks = (write_annotated(fmt, articles, notes_lookup, header, **options) if annotated
              else writer(articles, **options))  # fmt: skip
    response = Response(stream_with_context(chunks), content_type=f"{mimetype}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{ext}"'
    return response


@bp.get("/export.<fmt>")
def export(fmt: str) -> Response:
    """The WHOLE result set of the search arguments, streamed, in the request's sort order."""
    options = checked_options(fmt, request.args)
    req = SearchRequest.from_args(request.args)
    # an EngineError (unavailable, refused) is raised here, before the first byte is sent
    return export_response(fmt, get_engine().export_rows(req), "quarry-export", options, annotated=True)
