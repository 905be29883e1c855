"""The researcher's layer at scale (issue 14): opening a 10,000-article collection, and the Tag
facet. Run by hand, not a test.

    python bench/workflow.py --work /tmp/quarry-workflow-bench                       # builds 10k
    python bench/workflow.py --work /tmp/quarry-workflow-bench --copy-from DATA_DIR  # reuses one
    python bench/workflow.py --work /tmp/quarry-workflow-bench --add 10000-12000      # more lines

The archive is ``<work>/data``: reused when it is there; otherwise a copy of ``--copy-from``'s
store and index (its annotations are never copied or touched), otherwise the first ``--articles``
lines of the Reuters corpus ingested as bench/scale.py does; ``--add START-STOP`` ingests more
lines of the corpus into it (an archive of 10,000 lines holds fewer articles, duplicates merged,
and the collection should hold 10,000). The bench then writes its own
annotations into ``<work>/data``: a collection of ``--collection`` article ids (a seeded random
choice), ``--tags`` tags on ``--tagged`` articles, and notes on some of them. Measured
(``--repeat`` timed runs after one untimed, p50 / p95 / max):

- the collection page, ``GET /collection/<id>`` through the Flask app in process (the engine's
  search over the collection with every facet and the histogram, the first page read from the
  store and rendered): the issue's target is 200 ms;
- the same search through the engine alone, and within the collection with a tag filter and a
  query;
- the Tag facet: building its column from the annotations (after each write: cold), counting it
  over the whole archive, a ``tag:`` query;
- saving the collection: the search's ids (``Engine.result_ids``) and the database insert.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from quarry.archive.annotations import AnnotationsDB
from quarry.archive.datadir import DataDir
from quarry.index.annotated import tag_column
from quarry.index.api import SearchRequest
from quarry.index.engine import Archive

DEFAULT_CORPUS = Path("/work/shared/corpus/reuters-news-106k/reuters_news_106k.jsonl.gz")
TARGET_MS = 200.0


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def ingest_lines(work: Path, data: Path, corpus: Path, start: int, stop: int) -> None:
    """Lines [start, stop) of the corpus into the archive, as bench/scale.py ingests them."""
    sys.path.insert(0, str(Path(__file__).parent))
    from scale import slice_corpus

    part = slice_corpus(corpus, work, start, stop)
    log(f"ingesting lines {start}-{stop} of {corpus.name}")
    cmd = [sys.executable, "-m", "quarry.web.cli", "ingest", str(part), "--data-dir", str(data),
           "--map", "categories=section_slug"]  # fmt: skip
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)


def prepare(work: Path, copy_from: Path | None, articles: int, corpus: Path, add: str | None) -> Path:
    data = work / "data"
    if DataDir(data).store.exists():
        log(f"reusing {data}")
    elif copy_from is not None:
        log(f"copying the store and index of {copy_from}")
        data.mkdir(parents=True)
        source = DataDir(copy_from)
        shutil.copy2(source.store, DataDir(data).store)
        shutil.copytree(source.index_root, DataDir(data).index_root)
    else:
        ingest_lines(work, data, corpus, 0, articles)
    if add:
        start, _, stop = add.partition("-")
        done = work / f"added-{start}-{stop}"
        if not done.exists():
            ingest_lines(work, data, corpus, int(start), int(stop))
            done.touch()
    return data


def timed(fn, repeat: int, before=None) -> dict[str, float]:
    """p50 / p95 / max of ``fn`` in ms; ``before`` runs untimed ahead of each run."""
    fn()  # untimed: opens the generation, fills caches that every later request shares
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[min(len(times) - 1, int(0.95 * len(times)))],
            "max": times[-1]}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--copy-from", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--add", metavar="START-STOP", help="ingest these corpus lines too")
    parser.add_argument("--collection", type=int, default=10_000, help="articles in the collection")
    parser.add_argument("--tagged", type=int, default=2_000, help="articles with tags")
    parser.add_argument("--tags", type=int, default=25, help="different tags")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    data = prepare(args.work, args.copy_from, args.articles, args.corpus, args.add)
    for suffix in ("", "-wal", "-shm"):  # the bench's own annotations, made afresh
        Path(str(DataDir(data).annotations) + suffix).unlink(missing_ok=True)

    engine = Archive(data)
    everything = engine.result_ids(SearchRequest(sort="oldest"))
    rng = random.Random(args.seed)
    chosen = rng.sample(everything.ids, min(args.collection, len(everything.ids)))
    tags = [f"theme-{n:02d}" for n in range(args.tags)]
    results: dict[str, object] = {"articles": len(everything.ids), "collection": len(chosen),
                                  "tagged": args.tagged, "tags": args.tags, "repeat": args.repeat,
                                  "machine": f"{platform.node()} {platform.processor() or platform.machine()}, "
                                             f"Python {platform.python_version()}"}  # fmt: skip
    with AnnotationsDB.open(data) as db:
        t0 = time.perf_counter()
        coll = db.collections.create("Bench", chosen, query="", index_version=everything.index_version)
        results["create_collection_ms"] = (time.perf_counter() - t0) * 1000
        for aid in rng.sample(everything.ids, min(args.tagged, len(everything.ids))):
            db.notes.add_tags(aid, rng.sample(tags, rng.randint(1, 3)))
        for aid in rng.sample(everything.ids, min(500, len(everything.ids))):
            db.notes.set_note(aid, f"Note on {aid}: funding trail, courts, sources to check.")
    log(f"{len(everything.ids)} articles, collection of {len(chosen)}, {args.tagged} tagged")

    from quarry.web import create_app
    from quarry.web.settings import Settings

    app = create_app(Settings(data_dir=data), {"TESTING": True})
    app.extensions["quarry"] = engine
    client = app.test_client()

    def page(path: str) -> None:
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        resp.get_data()

    cid = coll.id
    writer = AnnotationsDB.open(data)
    flips = iter(range(10**9))

    def write() -> None:  # a tag added or taken away: the revision rises, caches are rebuilt
        n = next(flips)
        if n % 2:
            writer.notes.remove_tag(chosen[0], "bench-flip")
        else:
            writer.notes.add_tags(chosen[0], ["bench-flip"])
    gen = engine.generation()
    pairs = AnnotationsDB.open(data, readonly=True).notes.tag_pairs()
    tags_column = tag_column(pairs, gen.columns)
    in_collection = gen.columns.mask_of(chosen)
    measured = {
        "collection page (GET /collection/<id>)": lambda: page(f"/collection/{cid}"),
        "collection page 2, sorted oldest": lambda: page(f"/collection/{cid}?page=2&sort=oldest"),
        "collection JSON (/api/collection/<id>, all ids)": lambda: page(f"/api/collection/{cid}"),
        "engine: search over the collection": lambda: engine.search(SearchRequest(collection=cid)),
        "engine: collection + tag filter": lambda: engine.search(SearchRequest(collection=cid, filters={"tag": [tags[0]]})),
        "engine: collection + query": lambda: engine.search(SearchRequest(q="oil", collection=cid)),
        "Tag facet column build (cold, after a write)": lambda: tag_column(pairs, gen.columns),
        "Tag facet count over the collection": lambda: tags_column.count(in_collection),
        "engine: tag: query": lambda: engine.search(SearchRequest(q=f"tag:{tags[1]} OR tag:{tags[2]}")),
        "saving: the search's ids (result_ids)": lambda: engine.result_ids(SearchRequest(sort="oldest")),
    }  # fmt: skip
    timings = {}
    cold = "collection page right after a tag was written (caches rebuilt)"
    timings[cold] = timed(lambda: page(f"/collection/{cid}"), args.repeat, before=write)
    for name, fn in measured.items():
        timings[name] = timed(fn, args.repeat)
        log(f"{name}: p50 {timings[name]['p50']:.1f} ms, p95 {timings[name]['p95']:.1f} ms")
    results["timings_ms"] = timings
    out = args.work / "workflow-results.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"\n{results['articles']:,} articles; a collection of {results['collection']:,}; "
          f"{args.tagged:,} articles with {args.tags} tags; {args.repeat} runs each\n")  # fmt: skip
    print("| measured | p50 | p95 | max |\n|---|---|---|---|")
    for name, t in timings.items():
        print(f"| {name} | {t['p50']:.2f} ms | {t['p95']:.2f} ms | {t['max']:.2f} ms |")
    print(f"\nsaving a collection of {results['collection']:,}: database insert {results['create_collection_ms']:.0f} ms")
    writer.close()
    page_p95 = max(timings["collection page (GET /collection/<id>)"]["p95"], timings[cold]["p95"])
    print(f"collection page p95 {page_p95:.0f} ms: {'within' if page_p95 <= TARGET_MS else 'OVER'} the {TARGET_MS:.0f} ms target")
    return 0 if page_p95 <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
