"""Fuzzy-term speed: Quarry's in-memory expansion against Whoosh's automaton, same words.

    python bench/fuzzy.py --data-dir DIR [--words 40] [--seed 1]

Takes random words of the archive's body field, misspells each (one edit), and expands
``word~1``, ``word~2`` and ``word~2/1`` (prefix 1) both ways: Whoosh walking a Levenshtein
automaton through each segment's term table, and ``index.fuzzy.Vocabulary``. Reports the
time per expansion (p50 / p95 / max) and fails if any expansion differs. Then times whole
searches (``Archive.search``, page of 20 with facets) for the same queries, the first one
including the vocabulary's build.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from whoosh import index as whoosh_index  # noqa: E402
from whoosh import query as wq  # noqa: E402

from quarry.index.api import SearchRequest  # noqa: E402
from quarry.index.build import INDEX_NAME, current_version  # noqa: E402
from quarry.index.engine import Archive  # noqa: E402
from quarry.index.fuzzy import Vocabulary  # noqa: E402

FORMS = ((1, 0), (2, 0), (2, 1))


def misspell(rng: random.Random, word: str) -> str:
    i = rng.randrange(len(word))
    op = rng.choice("sdi")
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if op == "s":
        return word[:i] + letter + word[i + 1 :]
    if op == "d" and len(word) > 3:
        return word[:i] + word[i + 1 :]
    return word[:i] + letter + word[i:]


def quantiles(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return f"{statistics.median(values) * 1000:.0f} / {p95 * 1000:.0f} / {values[-1] * 1000:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--words", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    ix = whoosh_index.open_dir(str(current_version(args.data_dir)), indexname=INDEX_NAME)
    reader = ix.reader()
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    field = reader.schema["body"]
    started = time.perf_counter()
    vocabulary = Vocabulary([field.from_bytes(b) for b in reader.lexicon("body")])
    built = time.perf_counter() - started
    rng = random.Random(args.seed)
    pool = [w for w in (field.from_bytes(b) for b in reader.lexicon("body")) if w.isalpha() and len(w) >= 4]
    words = [misspell(rng, w) for w in rng.sample(pool, args.words)]
    times: dict[str, dict[tuple[int, int], list[float]]] = {"whoosh": {}, "quarry": {}}
    for word in words:
        for maxdist, prefix in FORMS:
            q = wq.FuzzyTerm("body", word, maxdist=maxdist, prefixlength=prefix)
            t0 = time.perf_counter()
            expected: set[str] = set()
            for leaf in leaves:
                expected |= set(q._btexts(leaf))
            t1 = time.perf_counter()
            found = set(vocabulary.within(word, maxdist, prefix))
            t2 = time.perf_counter()
            if found != expected:
                print(f"DIFFERENT: {word}~{maxdist}/{prefix}: {sorted(found ^ expected)[:10]}")
                return 1
            times["whoosh"].setdefault((maxdist, prefix), []).append(t1 - t0)
            times["quarry"].setdefault((maxdist, prefix), []).append(t2 - t1)
    segments = len(leaves)
    print(f"## Fuzzy expansion, body field: {vocabulary.size:,} words, {segments} segments, "
          f"{len(words)} misspelt words\n")  # fmt: skip
    print(f"Vocabulary built in {built:.2f} s (once per index version and process).\n")
    print("| form | Whoosh automaton p50 / p95 / max | Quarry p50 / p95 / max | same words |")
    print("|---|---|---|---|")
    for maxdist, prefix in FORMS:
        form = f"word~{maxdist}" + (f"/{prefix}" if prefix else "")
        print(f"| {form} | {quantiles(times['whoosh'][(maxdist, prefix)])} | "
              f"{quantiles(times['quarry'][(maxdist, prefix)])} | yes |")  # fmt: skip
    archive = Archive(args.data_dir)
    archive.search(SearchRequest(q="the"))  # open the index, load columns
    searches = []
    for word in words:
        for maxdist, prefix in FORMS:
            text = f"{word}~{maxdist}" + (f"/{prefix}" if prefix else "")
            t0 = time.perf_counter()
            archive.search(SearchRequest(q=text))
            searches.append(time.perf_counter() - t0)
    print(f"\nWhole searches (page of 20, facets, snippets; all text fields), {len(searches)} "
          f"queries: first {searches[0] * 1000:.0f} ms (builds the vocabularies), then "
          f"p50 / p95 / max {quantiles(searches[1:])}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
