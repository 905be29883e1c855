"""A small thread-safe least-recently-used map, for what a generation computes per query.

Researchers click facets, page and export the same query over and over; with the query's
matches and scores kept per index generation, only the first click pays.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Hashable
from typing import Any


class LRUCache:
    """Up to ``size`` entries (0: keeps nothing); the least recently used goes first."""

    def __init__(self, size: int):
        self.size = size
        self._data: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
