"""What the engine derives from a whole result set: entity pages, entity networks, the evidence
of a link, exports and the ids a collection freezes. Part of :class:`index.engine.Archive` (its
base class), kept apart because each begins from the same mask of every matching article, not
from a page of hits.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from quarry.archive.model import Article
from quarry.archive.store import StoreError

from . import ranking
from .api import (
    ASSOCIATION_MEASURE,
    MAX_NETWORK_PER_TYPE,
    MIN_TOGETHER,
    NETWORK_PER_TYPE,
    Deadline,
    EngineError,
    EntityView,
    Evidence,
    IdList,
    Network,
    SearchRequest,
)
from .columns import Columns
from .entity_page import entity_view
from .evidence import evidence_page, resolve
from .failures import REFUSALS, index_failed, refused, store_failed
from .generations import Generation
from .network import entity_network
from .plan import Plan

EXPORT_BATCH = 500


class ResultSets:
    """Needs of the engine it is part of: ``_generations``, ``_plan``, ``_select``, ``_store``,
    ``search``, ``authority`` and ``request_deadline``."""

    def _result_set(
        self, gen: Generation, req: SearchRequest
    ) -> tuple[Plan, Columns, np.ndarray, np.ndarray | None]:
        """Every article ``req`` matches, as a mask over the columns (with the researcher's tags),
        with the plan and the scores; EngineError (REFUSED) for a query that cannot be run."""
        try:
            plan = self._plan(gen, req)
            columns, scores, _, _, final, _, _ = self._select(gen, plan, Deadline(None, self.request_deadline))
        except REFUSALS as exc:
            raise refused(exc) from exc
        except StoreError as exc:
            raise store_failed(exc) from exc
        except EngineError:
            raise
        except Exception as exc:  # noqa: BLE001 - as in search: a damaged index file
            raise index_failed(f"the result set of {req.q!r}") from exc
        return plan, columns, final, scores

    def entity(self, etype: str, name: str, req: SearchRequest | None = None) -> EntityView | None:
        gen = self._generations.current()
        return entity_view(gen.columns, self.authority, etype, name, req or SearchRequest(sort="newest"),
                           self.search, lambda r: self._result_set(gen, r)[2], MIN_TOGETHER)  # fmt: skip

    def network(self, req: SearchRequest, per_type: int = NETWORK_PER_TYPE,
                min_together: int = MIN_TOGETHER) -> Network:  # fmt: skip
        deadline = Deadline()
        gen = self._generations.current()
        plan, _, final, _ = self._result_set(gen, req)
        per_type = min(max(int(per_type), 1), MAX_NETWORK_PER_TYPE)
        min_together = max(int(min_together), 1)
        nodes, edges = entity_network(gen.columns, final, per_type, min_together)
        return Network(req, int(final.sum()), nodes, edges, per_type, min_together, ASSOCIATION_MEASURE,
                       plan.error, deadline.elapsed() * 1000)  # fmt: skip

    def evidence(self, req: SearchRequest, a: tuple[str, str], b: tuple[str, str]) -> Evidence | None:
        gen = self._generations.current()
        a, b = resolve(gen.columns, a), resolve(gen.columns, b)
        if a is None or b is None:
            return None
        _, _, final, _ = self._result_set(gen, req)
        store = self._store()
        return evidence_page(gen.columns, final, req, a, b, self.search,
                             lambda ids: store.get_many(ids) if store is not None else {},
                             self.authority)  # fmt: skip

    def export_rows(self, req: SearchRequest) -> Iterator[Article]:
        ids = self.result_ids(req).ids
        try:
            first = self._batch(ids[:EXPORT_BATCH])  # a store that cannot be read fails here, not mid-stream
        except StoreError as exc:
            raise store_failed(exc) from exc
        return self._stream(ids, first)

    def result_ids(self, req: SearchRequest) -> IdList:
        gen = self._generations.current()
        plan, columns, final, scores = self._result_set(gen, req)
        docnums, _ = ranking.ordered(columns, plan.request.sort, scores, final, None)
        return IdList([columns.ids[d] for d in docnums], f"{gen.version_dir.name}/{gen.generation}", plan.error)

    def _batch(self, ids: list[str]) -> list[Article]:
        """The stored articles of ``ids`` in order (records that cannot be decoded left out)."""
        store = self._store()  # the thread streaming a response may not be the one that began it
        found = store.get_many(ids) if store is not None and ids else {}
        return [found[aid] for aid in ids if aid in found]

    def _stream(self, ids: list[str], first: list[Article]) -> Iterator[Article]:
        """The articles of ``ids`` in order, read from the store in batches."""
        yield from first
        for start in range(EXPORT_BATCH, len(ids), EXPORT_BATCH):
            yield from self._batch(ids[start : start + EXPORT_BATCH])
