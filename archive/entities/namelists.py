"""Name lists learned from the training data: the names tagged PER, ORG and LOC there, and
given names (the first word of a person's name of two words or more), as a CRF feature.

A name seen in training as an organisation is likely one again ("Gazprom", "Hezbollah"). So
that the CRF learns how far to trust that, a training sentence never sees its own document's
names: the training units are cut into :data:`FOLDS` folds and a unit's features come from the
list built from the other folds (:func:`jackknife`). The shipped list
(``model/names-<lang>.tsv``, built by ``quarry train-ner``) holds the names of every training
unit and tags any text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

FOLDS = 10
MAX_WORDS = 6
TYPES = ("PER", "ORG", "LOC")
Sentence = list[tuple[str, str]]


def _key(tokens: Sequence[str]) -> str:
    return " ".join(tokens).casefold()


def names_of(sentences: Iterable[Sentence]) -> tuple[Counter, Counter]:
    """(Counter of (name key, type), Counter of given names) in labelled sentences."""
    names: Counter = Counter()
    given: Counter = Counter()
    for sent in sentences:
        cur: list[str] = []
        typ = ""
        for tok, lab in [*sent, ("", "O")]:
            if cur and not (lab.startswith("I-") and lab[2:] == typ):
                if len(cur) <= MAX_WORDS:
                    names[(_key(cur), typ)] += 1
                if typ == "PER" and len(cur) >= 2 and cur[0][:1].isupper():
                    given[cur[0].casefold()] += 1
                cur = []
            if lab != "O":
                if not cur:
                    typ = lab[2:]
                cur.append(tok)
    return names, given


class NameList:
    """Names by type and given names; ``tags(tokens)`` gives the per-token features."""

    def __init__(self, names: Counter, given: Counter) -> None:
        types: dict[str, Counter] = defaultdict(Counter)
        for (key, typ), n in names.items():
            types[key][typ] += n
        self._types = {k: _main_types(c) for k, c in types.items()}
        self._given = {k for k, n in given.items() if n >= 1}
        self._first = {k.split(" ", 1)[0] for k in self._types}
        self._max = max((k.count(" ") + 1 for k in self._types), default=1)

    def __len__(self) -> int:
        return len(self._types)

    def tags(self, tokens: Sequence[str]) -> list[tuple[str, ...]]:
        """Per token: features of the longest listed name over it ("nB=ORG" at its first
        word, "nI=ORG" inside), and "gn" for a listed given name. A name must start with a
        capital letter or a digit."""
        n = len(tokens)
        out: list[tuple[str, ...]] = [()] * n
        keys = [t.casefold() for t in tokens]
        i = 0
        while i < n:
            if not (tokens[i][:1].isupper() or tokens[i][:1].isdigit()) or keys[i] not in self._first:
                i += 1
                continue
            for j in range(min(n, i + self._max), i, -1):
                types = self._types.get(" ".join(keys[i:j]))
                if types:
                    out[i] = tuple("nB=" + t for t in types)
                    for k in range(i + 1, j):
                        out[k] = tuple("nI=" + t for t in types)
                    i = j
                    break
            else:
                i += 1
        for k, key in enumerate(keys):
            if key in self._given and tokens[k][:1].isupper():
                out[k] = (*out[k], "gn")
        return out

    # ---- the shipped file ---------------------------------------------------------------
    def write(self, path: Path) -> None:
        """``name<TAB>TYPE[,TYPE]`` lines (given names as ``name<TAB>GIVEN``), sorted."""
        lines = [f"{k}\t{','.join(v)}" for k, v in sorted(self._types.items())]
        lines += [f"{k}\tGIVEN" for k in sorted(self._given)]
        Path(path).write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> NameList:
        names: Counter = Counter()
        given: Counter = Counter()
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            key, _, types = line.partition("\t")
            for typ in types.split(","):
                if typ == "GIVEN":
                    given[key] += 1
                elif typ:
                    names[(key, typ)] += 1
        return cls(names, given)


def _main_types(counts: Counter) -> tuple[str, ...]:
    """The types a name has in at least a third of its labelled occurrences, commonest first."""
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(t for t, n in ranked if 3 * n >= total)


def build(units: Iterable[Iterable[Sentence]]) -> NameList:
    """The name list of labelled units."""
    return NameList(*names_of(s for u in units for s in u))


def jackknife(units: Sequence[Sequence[Sentence]], folds: int = FOLDS) -> list[NameList]:
    """One list per fold, each built from the units of all other folds: unit ``i`` is in fold
    ``i % folds``, and is tagged with ``lists[i % folds]``."""
    per_fold = [names_of(s for u in units[f::folds] for s in u) for f in range(folds)]
    out = []
    for f in range(folds):
        names: Counter = Counter()
        given: Counter = Counter()
        for g, (n, gv) in enumerate(per_fold):
            if g != f:
                names.update(n)
                given.update(gv)
        out.append(NameList(names, given))
    return out
