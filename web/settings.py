"""One settings object for the web app and the ``quarry`` commands alike.

Read once, from command-line flags and the environment (flags win), and handed to
:func:`quarry.web.create_app` and to the commands, which open the engine from it: ``quarry search``
and the web app search with the same cache and time budget.

Environment: ``QUARRY_DATA`` (the data directory), ``QUARRY_CACHE_SIZE`` (queries whose matches
are kept per index generation; 0 keeps none), ``QUARRY_TIME_BUDGET`` (seconds a request may spend
before optional work such as facet counts is left out), ``QUARRY_REQUEST_DEADLINE`` (seconds after
which a search stops and answers with what it found), ``QUARRY_LIVE_LINKS`` (1: outbound links
are live), ``QUARRY_ALLOW_REMOTE`` (1: binding beyond loopback is intended), ``QUARRY_PUBLIC_URL``
(where people reach the archive, for the absolute links OpenSearch needs), ``QUARRY_USER_HEADER``
(the request header in which an authenticating reverse proxy names the user: annotations are
written by that user; unset, only a loopback bind writes, as the one local user).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from quarry.archive.datadir import DataDir, default_data_dir
from quarry.index.api import (
    DEFAULT_CACHE_SIZE,
    DEFAULT_REQUEST_DEADLINE,
    DEFAULT_TIME_BUDGET,
    Engine,
)

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class SettingsError(ValueError):
    """A setting given in the environment that cannot be used."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
    cache_size: int = DEFAULT_CACHE_SIZE
    time_budget: float = DEFAULT_TIME_BUDGET
    request_deadline: float = DEFAULT_REQUEST_DEADLINE
    live_links: bool = False
    host: str = "127.0.0.1"
    port: int = 8080
    allow_remote: bool = False
    user_header: str | None = None  # set by the reverse proxy: who is signed in (web/authorship.py)
    # where people reach the archive (``https://quarry.example.org``), for links that must be
    # absolute (OpenSearch); None: only a loopback or the bound address is taken from a request
    public_url: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))

    @classmethod
    def load(cls, **flags: Any) -> Settings:
        """Settings from the environment, overridden by the flags given (None: not given)."""
        values: dict[str, Any] = {}
        for name, key, convert in _ENVIRONMENT:
            raw = os.environ.get(key, "").strip()
            if raw:
                try:
                    values[name] = convert(raw)
                except ValueError:
                    raise SettingsError(f"{key}={raw!r} is not a valid {name.replace('_', ' ')}") from None
        values.update({k: v for k, v in flags.items() if v is not None})
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**values)

    @property
    def data(self) -> DataDir:
        return DataDir(self.data_dir)

    @property
    def remote(self) -> bool:
        """Binding beyond loopback: the archive would be reachable from other machines."""
        return self.host not in LOOPBACK

    def open_engine(self) -> Engine:
        """The search engine over the data directory, with these settings."""
        from quarry.index.engine import Archive

        return Archive(self.data_dir, cache_size=self.cache_size, time_budget=self.time_budget,
                       request_deadline=self.request_deadline)


def _public_url(text: str) -> str:
    """An http(s) origin, perhaps with a path, without a query or a trailing slash."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(text)
    return text.strip().rstrip("/")


def _flag(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(text)


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _header_name(text: str) -> str:
    """An HTTP header name (RFC 9110 token characters only)."""
    if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}", text):
        raise ValueError(text)
    return text


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:  # also refuses nan
        raise ValueError(text)
    return value


_ENVIRONMENT = (
    ("cache_size", "QUARRY_CACHE_SIZE", _count),
    ("time_budget", "QUARRY_TIME_BUDGET", _seconds),
    ("request_deadline", "QUARRY_REQUEST_DEADLINE", _seconds),
    ("live_links", "QUARRY_LIVE_LINKS", _flag),
    ("allow_remote", "QUARRY_ALLOW_REMOTE", _flag),
    ("user_header", "QUARRY_USER_HEADER", _header_name),
    ("public_url", "QUARRY_PUBLIC_URL", _public_url),
)
