"""How strongly two entities go together in a set of articles: Dunning's log-likelihood.

Raw counts of articles naming both rank whatever is everywhere (a wire service, the capital of
the country an archive covers) first for every entity. The log-likelihood ratio G² (Dunning
1993) compares the articles naming both with what the two frequencies alone would predict, and
is not inflated for rare names the way pointwise mutual information is. A pair is *associated*
only when it is named together more often than expected, and at least ``min_together`` times.

Everything is computed exactly over whole count arrays (numpy), one article = one observation.
"""

from __future__ import annotations

import numpy as np


def _xlogx(x: np.ndarray) -> np.ndarray:
    """x · ln x with 0 · ln 0 = 0."""
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    pos = x > 0
    out[pos] = x[pos] * np.log(x[pos])
    return out


def log_likelihood(together, a, b, n) -> np.ndarray:
    """Dunning's G² of the 2×2 table of ``n`` articles: ``together`` name both, ``a`` the
    first, ``b`` the second (arrays broadcast). Signed: negative when the pair is named
    together less often than expected, so sorting by it puts real associations first."""
    k11 = np.asarray(together, dtype=np.float64)
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    k12, k21 = a - k11, b - k11
    k22 = n - a - b + k11
    cells = _xlogx(k11) + _xlogx(k12) + _xlogx(k21) + _xlogx(k22)
    margins = _xlogx(a) + _xlogx(n - a) + _xlogx(b) + _xlogx(n - b)
    g2 = 2.0 * (cells - margins + _xlogx(n))
    g2 = np.where(k11 * n == a * b, 0.0, np.maximum(g2, 0.0))  # exactly at chance: 0, not ±1e-12
    expected = np.divide(a * b, n, out=np.zeros_like(g2), where=n > 0)
    return np.where(k11 >= expected, g2, -g2)


def pmi(together, a, b, n) -> np.ndarray:
    """Pointwise mutual information, log2 of observed over expected (−inf when never together)."""
    k11 = np.asarray(together, dtype=np.float64)
    expected = np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64) / np.maximum(n, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(k11 > 0, np.log2(k11 / np.maximum(expected, 1e-300)), -np.inf)


def more_than_chance(together, a, b, n) -> np.ndarray:
    """True where a pair is named together more often than their frequencies predict
    (``together / n > a / n · b / n``), decided in integers: a pair exactly at chance has a
    G² of 0, which floating point may leave a hair above it."""
    together, a, b = (np.asarray(x, dtype=np.int64) for x in (together, a, b))
    return together * int(n) > a * b


def associated(together: np.ndarray, counts: np.ndarray, a: int, n: int,
               min_together: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The values (ids into ``together``/``counts``) associated with one entity, strongest
    first (ties by value id), and their G² scores.

    ``together[v]``: articles naming the entity and value ``v``; ``counts[v]``: articles naming
    ``v``; ``a``: articles naming the entity; ``n``: articles considered."""
    candidates = np.flatnonzero(together >= max(min_together, 1))
    scores = log_likelihood(together[candidates], a, counts[candidates], n)
    keep = more_than_chance(together[candidates], a, counts[candidates], n)
    candidates, scores = candidates[keep], scores[keep]
    order = np.lexsort((candidates, -scores))
    return candidates[order], scores[order]
