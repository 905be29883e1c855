"""Word clusters from unlabeled text: what kind of word a token is, learned from its neighbours.

A CRF sees each word form alone; a word it never saw in training says nothing to it. Words
that occur in the same contexts ("Tuesday"/"Friday", "Ministry"/"Commission",
"Gazprom"/"Siemens") fall into the same cluster, so a cluster id carries what the model learned
about the cluster's other words. Built by :func:`build` (``quarry train-ner``) from the text of
the training split (labels unused), shipped as ``model/clusters-<lang>.tsv``:

1. counts of each word (case kept) with the words up to two to its left and right, a
   neighbour named by its lower-case form when it is frequent, else by its short word shape;
2. positive pointwise mutual information of those counts (context distribution smoothed);
3. a truncated SVD (100 dimensions), rows made unit length;
4. k-means at a few granularities (coarse to fine): each word gets one cluster id per level.

Everything is seeded and ordered, so the same text gives the same file byte for byte.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

LEVELS = (64, 256, 1024)
MIN_COUNT = 3  # words seen fewer times get no cluster
CONTEXT_WORDS = 3000  # the commonest lower-case words name a neighbour; others by shape
WINDOW = (-2, -1, 1, 2)
DIMENSIONS = 100
SMOOTHING = 0.75
SEED = 20261207


def _shape(tok: str) -> str:
    out = []
    for c in tok:
        k = "X" if c.isupper() else "x" if c.islower() else "d" if c.isdigit() else c
        if not out or out[-1] != k:
            out.append(k)
    return "~" + "".join(out)[:4]


def _matrix(sentences: Iterable[Sequence[str]]):
    """(words, sparse PPMI matrix words x contexts)."""
    import numpy as np
    from scipy import sparse

    sentences = [list(s) for s in sentences]
    freq = Counter(t for s in sentences for t in s)
    words = sorted(w for w, n in freq.items() if n >= MIN_COUNT)
    row = {w: i for i, w in enumerate(words)}
    lower = Counter(t.lower() for s in sentences for t in s)
    common = {w for w, _ in sorted(lower.items(), key=lambda kv: (-kv[1], kv[0]))[:CONTEXT_WORDS]}
    col: dict[str, int] = {}
    pairs: Counter[tuple[int, int]] = Counter()
    for s in sentences:
        names = [t.lower() if t.lower() in common else _shape(t) for t in s]
        for i, tok in enumerate(s):
            r = row.get(tok)
            if r is None:
                continue
            for off in WINDOW:
                j = i + off
                ctx = names[j] if 0 <= j < len(s) else ("<s>" if j < 0 else "</s>")
                c = col.setdefault(f"{off}{ctx}", len(col))
                pairs[(r, c)] += 1
    keys = sorted(pairs)
    rows = np.array([k[0] for k in keys])
    cols = np.array([k[1] for k in keys])
    vals = np.array([pairs[k] for k in keys], dtype=np.float64)
    counts = sparse.csr_matrix((vals, (rows, cols)), shape=(len(words), len(col)))
    total = vals.sum()
    p_word = np.asarray(counts.sum(axis=1)).ravel() / total
    ctx = np.asarray(counts.sum(axis=0)).ravel() ** SMOOTHING
    p_ctx = ctx / ctx.sum()
    pmi = np.log(vals / total / (p_word[rows] * p_ctx[cols]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix(
        (pmi[keep], (rows[keep], cols[keep])), shape=(len(words), len(col))
    )
    return words, ppmi


def _kmeans(x, k: int, seed: int, iterations: int = 25):
    """Lloyd's k-means on unit rows with a seeded k-means++ start; returns labels."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = x.shape[0]
    k = min(k, n)
    centres = [x[int(rng.integers(n))]]
    dist = ((x - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        pick = int(rng.choice(n, p=dist / dist.sum())) if dist.sum() > 0 else int(rng.integers(n))
        centres.append(x[pick])
        dist = np.minimum(dist, ((x - x[pick]) ** 2).sum(axis=1))
    c = np.array(centres)
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(iterations):
        labels = np.argmax(x @ c.T - 0.5 * (c * c).sum(axis=1), axis=1)
        new = np.zeros_like(c)
        np.add.at(new, labels, x)
        sizes = np.bincount(labels, minlength=k)
        empty = sizes == 0
        new[~empty] /= sizes[~empty, None]
        new[empty] = c[empty]
        if np.allclose(new, c):
            break
        c = new
    return labels


def build(sentences: Iterable[Sequence[str]], levels: Sequence[int] = LEVELS) -> dict[str, tuple]:
    """word -> cluster id per level, from tokenised sentences of unlabeled text."""
    import numpy as np
    from scipy.sparse.linalg import svds

    words, ppmi = _matrix(sentences)
    if not words:
        return {}
    if min(ppmi.shape) > DIMENSIONS + 1:
        v0 = np.random.default_rng(SEED).standard_normal(min(ppmi.shape))
        u, s, _ = svds(ppmi, k=DIMENSIONS, v0=v0, random_state=SEED)
    else:  # a text too small for a truncated SVD (tests): the whole one
        u, s, _ = np.linalg.svd(ppmi.toarray(), full_matrices=False)
    vec = u * np.sqrt(s)
    vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
    vec = np.round(vec, 6)  # the same clusters whatever the last bits of the arithmetic
    labels = [_kmeans(vec, k, SEED + k) for k in levels]
    return {w: tuple(int(lab[i]) for lab in labels) for i, w in enumerate(words)}


def write(table: dict[str, tuple], path: Path) -> None:
    """The table as ``word<TAB>id<TAB>id...`` lines, sorted by word."""
    lines = ["\t".join([w, *map(str, ids)]) for w, ids in sorted(table.items())]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


class Clusters:
    """A shipped cluster table: ``features(token)`` gives the token's cluster features."""

    def __init__(self, table: dict[str, tuple]) -> None:
        self._table = table

    @classmethod
    def read(cls, path: Path) -> Clusters:
        table = {}
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            word, *ids = line.split("\t")
            table[word] = tuple(ids)
        return cls(table)

    def __len__(self) -> int:
        return len(self._table)

    def ids(self, tok: str) -> tuple | None:
        """The token's cluster ids: as written, else lower case, else capitalised (a word of
        a headline in capitals)."""
        t = self._table
        return t.get(tok) or t.get(tok.lower()) or (t.get(tok.capitalize()) if tok.isupper() else None)
