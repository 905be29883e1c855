"""What the engine says when it cannot do what was asked: every failure becomes an
:class:`~index.api.EngineError` of its kind, with a message for people that never names a server
path (the details, paths and tracebacks go to the log).
"""

from __future__ import annotations

import logging

from quarry.archive.store import DamagedRecord, StoreError, StoreUnreadable

from .api import EngineError, ErrorKind
from .arraymatch import TooManyTerms
from .plan import TooCostly

log = logging.getLogger("quarry.index.engine")

# not run at all: a wildcard for too many words, too many such terms, nesting too deep
REFUSALS = (RecursionError, TooManyTerms, TooCostly)
DAMAGED_INDEX = ("the index could not be read (it may be damaged): `quarry check` finds out, "
                 "`quarry rebuild` repairs it")  # fmt: skip


def refused(exc: RecursionError | TooManyTerms | TooCostly) -> EngineError:
    """Why a query is not run (counts over part of it would mislead)."""
    if isinstance(exc, RecursionError):
        return EngineError(ErrorKind.REFUSED, "the query is too deeply nested to run; simplify it")
    return EngineError(ErrorKind.REFUSED, str(exc))


def store_failed(exc: StoreError) -> EngineError:
    """The store could not be read: one article's record, or the whole file."""
    log.error("article store: %s", exc)
    if isinstance(exc, DamagedRecord):
        return EngineError(ErrorKind.DAMAGED, "this article's stored record is damaged and cannot be shown; "
                           "`quarry check` names every damaged record, and ingesting its source again "
                           "replaces it")  # fmt: skip
    if isinstance(exc, StoreUnreadable):
        return EngineError(ErrorKind.UNAVAILABLE, "the article store cannot be read (it may be damaged): "
                           "`quarry check` says what is wrong")  # fmt: skip
    return EngineError(ErrorKind.UNAVAILABLE, f"the article store failed ({type(exc).__name__}): "
                       "`quarry check` says what is wrong")  # fmt: skip


def index_failed(what: str) -> EngineError:
    """Reading the index failed part way (a damaged file fails in whatever reads it): logged
    with its traceback, said plainly. Call it from an ``except`` block."""
    log.exception("%s failed while reading the index", what)
    return EngineError(ErrorKind.UNAVAILABLE, DAMAGED_INDEX)
