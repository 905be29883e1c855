"""Time the citation writers over real bylines and titles (run by hand, not a test).

    python bench/citations.py [--n 2000] [--corpus ../shared/corpus/reuters-news-106k/...]

Reads the first N records of the Reuters 106k JSONL (title, authors, date, url), turns them
into Articles through the project's own record extractor, and times each export format over
all of them: records per second and milliseconds per record, single thread. The CSL styles
are parsed once per process; the first record of each style is timed apart (the parse).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

from quarry.archive.exports import EXPORT_FORMATS
from quarry.archive.extract import NoArticle, extract
from quarry.archive.model import RawDocument

DEFAULT = Path(__file__).resolve().parents[2] / "shared/corpus/reuters-news-106k/reuters_news_106k.jsonl.gz"


def articles(path: Path, n: int) -> list:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if len(out) >= n:
                break
            record = json.loads(line)
            raw = RawDocument(source=path.name, kind="record", record=record, offset=i, format="jsonl")
            try:
                out.append(extract(raw))
            except NoArticle:
                continue
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} is absent (../shared is only on development machines)")
    arts = articles(args.corpus, args.n)
    print(f"{len(arts)} articles from {args.corpus.name}\n")
    print("| format | first record, ms | records/s | ms/record |")
    print("|---|---|---|---|")
    for fmt, (_, _, writer) in EXPORT_FORMATS.items():
        start = time.perf_counter()
        chunks = writer(arts)
        next(iter(chunks), None)  # the header or the first record (a style's parse)
        first = time.perf_counter() - start
        start = time.perf_counter()
        size = sum(len(c) for c in chunks)
        rest = time.perf_counter() - start
        per = rest / max(len(arts) - 1, 1)
        print(f"| {fmt} | {first * 1000:.1f} | {1 / per:,.0f} | {per * 1000:.2f} |  ({size:,} chars)")


if __name__ == "__main__":
    main()
