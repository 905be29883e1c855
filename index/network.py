"""The entity network of a result set: its most frequent people, organisations and places, and
which of them go together.

Nodes are the ``per_type`` names of each entity type named in most articles of the set (ties
A–Z). Two nodes are linked when the articles of the set naming both are at least
``min_together`` and more than their frequencies predict; the link's weight is Dunning's G²
over the set (:mod:`index.association`), so a name in nearly every article links to nothing.
The counts are exact: every pair of nodes named in each article of the set, counted with numpy.
"""

from __future__ import annotations

import numpy as np

from quarry.archive.model import ENTITY_TYPES

from .api import NetworkEdge, NetworkNode
from .association import log_likelihood, more_than_chance, pmi
from .columns import Columns
from .facets import top_values


def top_nodes(columns: Columns, final: np.ndarray, per_type: int) -> list[tuple[str, int, int]]:
    """(type, value id, articles) of the ``per_type`` most frequent names of each type."""
    out = []
    for etype in ENTITY_TYPES:
        col = columns.fields[etype]
        counts = col.count(final)
        for vid in top_values(np.flatnonzero(counts), counts, per_type):
            out.append((etype, vid, int(counts[vid])))
    return out


def incidence(columns: Columns, final: np.ndarray, nodes: list[tuple[str, int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """(article, node) pairs of the set: which article (a docnum) names which node (an index
    into ``nodes``), sorted by article."""
    docs, found = [], []
    for etype in ENTITY_TYPES:
        col = columns.fields[etype]
        mine = [(n, vid) for n, (t, vid, _) in enumerate(nodes) if t == etype]
        if not mine:
            continue
        node_of = np.full(len(col.vocab), -1, dtype=np.int64)
        for n, vid in mine:
            node_of[vid] = n
        at = col.entries(final)
        node = node_of[col.values[at]]
        hit = node >= 0
        docs.append(col.owner[at][hit])
        found.append(node[hit])
    doc, node = np.concatenate(docs), np.concatenate(found)
    order = np.argsort(doc, kind="stable")
    return doc[order], node[order]


def together_counts(doc: np.ndarray, node: np.ndarray, size: int) -> np.ndarray:
    """A size × size matrix of the articles naming both nodes (the diagonal: naming one), from
    (article, node) pairs sorted by article: every pair of nodes within each article, counted.
    Integer work only: a BLAS product would be as exact, but on a busy machine a threaded BLAS
    can take a thousand times longer for so small a matrix."""
    _, first, per_doc = np.unique(doc, return_index=True, return_counts=True)
    partners = np.repeat(per_doc, per_doc)  # for each entry, how many entries its article has
    starts = np.repeat(first, per_doc)  # and where they begin
    left = np.repeat(np.arange(len(node)), partners)
    begin = np.cumsum(partners) - partners
    right = np.repeat(starts, partners) + np.arange(len(left)) - np.repeat(begin, partners)
    codes = node[left] * size + node[right]
    return np.bincount(codes, minlength=size * size).reshape(size, size)


def entity_network(columns: Columns, final: np.ndarray, per_type: int,
                   min_together: int) -> tuple[list[NetworkNode], list[NetworkEdge]]:  # fmt: skip
    """The nodes and edges (strongest first) of the result set ``final``."""
    found = top_nodes(columns, final, per_type)
    nodes = [NetworkNode(t, columns.fields[t].vocab[vid], count) for t, vid, count in found]
    if len(nodes) < 2:
        return nodes, []
    together = together_counts(*incidence(columns, final, found), len(nodes))
    counts = np.array([n.count for n in nodes], dtype=np.int64)
    total = int(final.sum())
    i, j = np.triu_indices(len(nodes), k=1)
    k = together[i, j]
    scores = log_likelihood(k, counts[i], counts[j], total)
    keep = (k >= max(min_together, 1)) & more_than_chance(k, counts[i], counts[j], total)
    i, j, k, scores = i[keep], j[keep], k[keep], scores[keep]
    ratios = pmi(k, counts[i], counts[j], total)
    order = np.lexsort((j, i, -scores))
    edges = [
        NetworkEdge(int(i[e]), int(j[e]), int(k[e]), round(float(scores[e]), 3), round(float(ratios[e]), 3))
        for e in order
    ]
    return nodes, edges
