"""Word lists from outside the training data, as CRF features: how common a word is in the
language, and how common it is as a given name or a surname.

A CRF trained on 800,000 tokens has never seen most words. For an unseen capitalised word these
lists say whether it is an ordinary word of the language ("Hungry", "Fridge") or looks like a
person's name ("Lippa", "Danelia"): the word's frequency class on the Zipf scale (from
``wordfreq``, whose data is CC BY-SA 4.0) and its rank among the given names and surnames of the
1990 US Census (public domain, packaged by ``names``). On the tune split of ``../shared/ner-train``
the English model rose from 0.731 to 0.736 overall F1 with them (people 0.810 to 0.821), the
German one from 0.622 to 0.636.

``quarry train-ner`` builds the table (:func:`build`, which needs the ``train`` extra) and writes
``model/words-<lang>.bin.gz`` beside the model; taggers read that file (:meth:`WordList.read`)
and need neither package. The lists hold 365,000 English and 690,000 German words: as Python
strings they took 60 and 110 MB and half a second to load, so the file holds one byte of classes
per word, found by a 64-bit hash of the word (BLAKE2b; a clash between two of the listed words
is about one in 10^8), in sorted arrays: 3 and 6 MB in memory, read in a few milliseconds.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .tablefile import write_bytes

# the census lists, commonest first: (file in the ``names`` package, how many, feature, rank cuts)
CENSUS = (
    ("dist.male.first", 1219, "fn", (300,)),
    ("dist.female.first", 4275, "fn", (300,)),
    ("dist.all.last", 90_000, "ln", (3_000, 30_000)),
)
# one byte per word: bits 0-2 the frequency class (0-7), 3-4 the given-name class (0 none, 1-2),
# 5-6 the surname class (0 none, 1-3)
_SHIFT = {"zf": 0, "fn": 3, "ln": 5}
_MAGIC = b"quarry-wordlist-1\n"
_CACHE_LIMIT = 200_000


def _hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def _need(module: str):
    """A package of the ``train`` extra, or an error that says how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ModuleNotFoundError(
            f"training the word-list feature needs {module!r}: pip install -e '.[train]'"
        ) from exc


def _census() -> dict[str, dict[str, int]]:
    """{lower-case name: {"fn" or "ln": class}}: for a name in both given-name lists, its
    better class."""
    folder = Path(_need("names").__file__).resolve().parent
    out: dict[str, dict[str, int]] = {}
    for file, count, feature, cuts in CENSUS:
        with open(folder / file, encoding="utf-8") as fh:
            for rank, line in enumerate(fh):
                if rank >= count:
                    break
                classes = out.setdefault(line.split(maxsplit=1)[0].lower(), {})
                level = 1 + sum(rank >= c for c in cuts)
                classes[feature] = min(level, classes.get(feature, level))
    return out


@lru_cache(maxsize=4)
def build(language: str) -> WordList:
    """The table of ``language`` from ``wordfreq`` and the census lists (training time only)."""
    get_frequency_dict = _need("wordfreq").get_frequency_dict
    freq = {
        word: int(round(math.log10(f) + 9, 2))  # wordfreq's Zipf value, its class
        for word, f in get_frequency_dict(language).items()
        if any(c.isalpha() for c in word)
    }
    return WordList.of(freq, _census())


class WordList:
    """Frequency classes and census name classes of lower-case words."""

    def __init__(self, keys: np.ndarray, codes: np.ndarray) -> None:
        """``keys``: the sorted 64-bit hashes of the words; ``codes``: each one's class byte."""
        self._keys = keys
        self._codes = codes
        self._cache: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    @classmethod
    def of(cls, freq: dict[str, int], names: dict[str, dict[str, int]] | None = None) -> WordList:
        """The table of ``freq`` (word -> frequency class) and ``names`` (word -> {"fn"/"ln":
        class})."""
        codes: dict[int, int] = {}
        for word, zf in freq.items():
            codes[_hash(word)] = max(0, min(7, zf))
        for word, classes in (names or {}).items():
            h = _hash(word)
            for feature, level in classes.items():
                codes[h] = codes.get(h, 0) | (level << _SHIFT[feature])
        keys = sorted(codes)
        return cls(
            np.array(keys, dtype=np.uint64), np.array([codes[k] for k in keys], dtype=np.uint8)
        )

    def __len__(self) -> int:
        return len(self._keys)

    def _code(self, word: str) -> int:
        h = np.uint64(_hash(word))
        i = int(np.searchsorted(self._keys, h))
        return int(self._codes[i]) if i < len(self._keys) and self._keys[i] == h else 0

    def frequency_class(self, word: str) -> int:
        """How common ``word`` (lower-case) is in the language: its Zipf class, 0 if unlisted."""
        return self._code(word) & 7

    def features(self, tok: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(the token's own features, its name classes for its neighbours): "zf=<class>" (0
        for a word not listed) and "fn1"/"fn2"/"ln1".."ln3" for a listed given name or surname."""
        hit = self._cache.get(tok)
        if hit is not None:
            return hit
        if not any(c.isalpha() for c in tok):
            out: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        else:
            code = self._code(tok.lower())
            names = tuple(
                f"{feature}{level}"
                for feature in ("fn", "ln")
                if (level := (code >> _SHIFT[feature]) & 3)
            )
            out = ((f"zf={code & 7}", *names), names)
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        self._cache[tok] = out
        return out

    def tags(self, tokens: Sequence[str]) -> list[tuple[str, ...]]:
        """Per token: its features, and its neighbours' name classes ("-1ln1", "1fn1")."""
        feats = [self.features(t) for t in tokens]
        out = []
        for i, (own, _) in enumerate(feats):
            near = [f"-1{c}" for c in feats[i - 1][1]] if i > 0 else []
            if i + 1 < len(feats):
                near += [f"1{c}" for c in feats[i + 1][1]]
            out.append((*own, *near))
        return out

    # ---- the shipped file ---------------------------------------------------------------
    def write(self, path: Path) -> None:
        """The sorted hashes (little-endian uint64) and their class bytes, gzip-compressed,
        reproducible."""
        count = len(self._keys).to_bytes(8, "little")
        keys = self._keys.astype("<u8").tobytes()
        write_bytes(path, _MAGIC + count + keys + self._codes.tobytes())

    @classmethod
    def read(cls, path: Path) -> WordList:
        data = gzip.decompress(Path(path).read_bytes())
        if not data.startswith(_MAGIC):
            raise ValueError(f"{path}: not a word-list table (retrain with `quarry train-ner`)")
        pos = len(_MAGIC)
        n = int.from_bytes(data[pos : pos + 8], "little")
        pos += 8
        return cls(
            np.frombuffer(data, dtype="<u8", count=n, offset=pos).astype(np.uint64),
            np.frombuffer(data, dtype=np.uint8, count=n, offset=pos + 8 * n).copy(),
        )
