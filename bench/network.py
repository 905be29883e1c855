"""Entity network, evidence and entity page latency (issue 14 item 5, issue 12 item 7). Run by hand.

    python bench/network.py --data-dir /tmp/quarry-bench/n106520/data          # an existing archive
    python bench/network.py --articles 10000 --work /tmp/network-bench         # build one first

Target: the network of a 10,000-article result set at 106,000 articles in <= 300 ms p95.

Result sets: date windows of the archive holding ``--set-size`` articles each (exact sizes,
whatever the archive), the queries of bench/queries.txt whose result sets are within a factor of
two of it, and the whole archive (browse). Each is timed cold (an engine without caches, so the
query is matched every time, as on a first visit) through ``Archive.network``, then drawn
(layout and SVG, ``web/network_draw.py``), then as the whole page and the GEXF file through
the Flask test client. Entity pages (``Archive.entity``: a search plus the association counts,
variants and dates) are timed for the most frequent names of each type and names ranked 50th
and 500th; evidence pages for each network's strongest link. Wall time and thread CPU time
(less sensitive to other load) are reported with the load average: say when the machine was
shared. With ``--articles`` an archive of the first N Reuters articles is ingested into
``<work>/n<N>/data`` by bench/scale.py's own steps (reused when it is there).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import scale  # noqa: E402 - the scale benchmark's corpus slicing, ingest and percentiles

TARGET_P95_MS = 300.0


def timed(fn, repeat: int) -> tuple[list[float], list[float], object]:
    """Wall and thread-CPU milliseconds of ``repeat`` calls (after one warm-up), and a result."""
    result = fn()
    wall, cpu = [], []
    for _ in range(repeat):
        c0, t0 = time.thread_time(), time.perf_counter()
        result = fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    return wall, cpu, result


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": scale.pct(values, 50), "p95": scale.pct(values, 95),
            "max": round(max(values), 2) if values else None}  # fmt: skip


def date_windows(columns, size: int, count: int) -> list[tuple[str, str]]:
    """Up to ``count`` (from, to) day ranges holding about ``size`` dated articles each."""
    from datetime import date

    days = np.sort(columns.day[(columns.day >= 0) & columns.live])
    if len(days) < size:
        return []
    starts = np.linspace(0, len(days) - size, num=count).astype(int)
    out = []
    for s in dict.fromkeys(starts.tolist()):
        out.append((date.fromordinal(int(days[s])).isoformat(), date.fromordinal(int(days[s + size - 1])).isoformat()))
    return out


def result_sets(archive, size: int, queries: list[str]) -> list[tuple[str, object]]:
    from quarry.index.api import SearchRequest

    sets = [(f"dates {a}..{b}", SearchRequest(date_from=a, date_to=b, sort="newest"))
            for a, b in date_windows(archive.generation().columns, size, 5)]  # fmt: skip
    for q in queries:
        total = archive.search(SearchRequest(q=q, with_facets=False, with_histogram=False, with_snippets=False)).total
        if size / 2 <= total <= size * 2:
            sets.append((f"q={q}", SearchRequest(q=q)))
    sets.append(("browse (everything)", SearchRequest(sort="newest")))
    return sets


def entity_names(archive) -> list[tuple[str, str]]:
    """The most frequent name of each type, and those ranked 50th and 500th."""
    from quarry.index.api import SearchRequest

    res = archive.search(SearchRequest(facet_limits={t: 500 for t in ("person", "organization", "location")},
                                       with_snippets=False, with_histogram=False))  # fmt: skip
    out = []
    for facet in res.facets:
        if facet.name in ("person", "organization", "location"):
            for rank in (0, 49, 499):
                if rank < len(facet.values):
                    out.append((facet.name, facet.values[rank].value))
    return out


def ensure_archive(args) -> Path:
    if args.data_dir:
        return args.data_dir
    run = scale.Run(args.work, args.articles)
    if not run.data.exists():
        scale.stage_ingest(run, None, args.corpus, args.timeout)
    return run.data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, help="an existing archive (nothing is written to it)")
    ap.add_argument("--articles", type=int, default=10_000, help="without --data-dir: build this size")
    ap.add_argument("--work", type=Path, default=Path("/tmp/network-bench"))
    ap.add_argument("--corpus", type=Path, default=scale.DEFAULT_CORPUS)
    ap.add_argument("--timeout", type=float, default=3 * 3600)
    ap.add_argument("--set-size", type=int, default=10_000, help="articles per result set")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, help="write the figures here as JSON")
    args = ap.parse_args()

    from quarry.index.api import SearchRequest
    from quarry.index.engine import Archive
    from quarry.web import create_app
    from quarry.web.network_draw import network_svg
    from quarry.web.settings import Settings

    data_dir = ensure_archive(args)
    load_before = os.getloadavg()
    archive = Archive(data_dir, cache_size=0)  # cold: every request matches its query again
    health = archive.health()
    if not health.ok:
        sys.exit(f"{data_dir}: {health.error}")
    scale.log(f"{health.articles:,} articles in {data_dir}")
    queries = [q for _, q in scale.load_queries(scale.QUERIES)]
    sets = result_sets(archive, args.set_size, queries)
    app = create_app(Settings(data_dir=data_dir, cache_size=0), {"TESTING": True})
    client = app.test_client()
    rows, all_engine, all_cpu, all_page = [], [], [], []
    for label, req in sets:
        wall, cpu, net = timed(lambda req=req: archive.network(req), args.repeat)
        with app.test_request_context():
            draw, _, _ = timed(lambda net=net: network_svg(net, ["/e"] * len(net.nodes), ["/x"] * len(net.edges), "bench"), args.repeat)
        query = urlencode(req.to_args())
        page, _, _ = timed(lambda q=query: client.get("/network?" + q), args.repeat)
        gexf, _, _ = timed(lambda q=query: client.get("/network.gexf?" + q), 1)
        evidence = []
        if net.edges:
            e = net.edges[0]
            a, b = net.nodes[e.source], net.nodes[e.target]
            evidence, _, _ = timed(lambda req=req, a=a, b=b: archive.evidence(req, (a.type, a.name), (b.type, b.name)),
                                   args.repeat)  # fmt: skip
        rows.append({"set": label, "articles": net.total, "nodes": len(net.nodes), "edges": len(net.edges),
                     "network_ms": summary(wall), "network_cpu_ms": summary(cpu), "draw_ms": summary(draw),
                     "page_ms": summary(page), "gexf_ms": summary(gexf), "evidence_ms": summary(evidence)})  # fmt: skip
        if args.set_size / 2 <= net.total <= args.set_size * 2:
            all_engine += wall
            all_cpu += cpu
            all_page += page
        scale.log(f"{label}: {net.total:,} articles, network p95 {summary(wall)['p95']} ms, page p95 {summary(page)['p95']} ms")
    entities = []
    for etype, name in entity_names(archive):
        wall, cpu, view = timed(lambda t=etype, n=name: archive.entity(t, n, SearchRequest(sort="newest")), args.repeat)
        page, _, _ = timed(lambda t=etype, n=name: client.get(f"/entity/{t}/{quote(n)}"), args.repeat)
        entities.append({"entity": f"{etype}:{name}", "articles": view.result.total, "engine_ms": summary(wall),
                         "cpu_ms": summary(cpu), "page_ms": summary(page)})  # fmt: skip
        scale.log(f"entity {etype}:{name} ({view.result.total:,} articles): p95 {summary(wall)['p95']} ms")
    results = {
        "data_dir": str(data_dir), "articles": health.articles, "set_size": args.set_size,
        "repeat": args.repeat, "sets": rows, "entities": entities,
        "network_sized_sets": {"engine_ms": summary(all_engine), "engine_cpu_ms": summary(all_cpu),
                               "page_ms": summary(all_page)},
        "target_p95_ms": TARGET_P95_MS,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }  # fmt: skip
    print_table(results)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


def print_table(results: dict) -> None:
    print(f"\n{results['articles']:,} articles; result sets of ~{results['set_size']:,}; "
          f"load average {results['loadavg_before']} -> {results['loadavg_after']} on {results['cpus']} CPUs\n")  # fmt: skip
    print("| result set | articles | nodes | links | network p50 / p95 ms (CPU p95) | drawing p95 | page p95 | GEXF | evidence p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results["sets"]:
        print(f"| {r['set']} | {r['articles']:,} | {r['nodes']} | {r['edges']} | {r['network_ms']['p50']} / "
              f"{r['network_ms']['p95']} ({r['network_cpu_ms']['p95']}) | {r['draw_ms']['p95']} | "
              f"{r['page_ms']['p95']} | {r['gexf_ms']['max']} | {r['evidence_ms']['p95']} |")  # fmt: skip
    sized = results["network_sized_sets"]
    print(f"\nsets within a factor of two of the size: network p95 {sized['engine_ms']['p95']} ms "
          f"(CPU {sized['engine_cpu_ms']['p95']}), page p95 {sized['page_ms']['p95']} ms; "
          f"target {results['target_p95_ms']:.0f} ms")  # fmt: skip
    print("\n| entity page | articles | engine p50 / p95 ms (CPU p95) | page p95 ms |")
    print("|---|---:|---:|---:|")
    for e in results["entities"]:
        print(f"| {e['entity']} | {e['articles']:,} | {e['engine_ms']['p50']} / {e['engine_ms']['p95']} "
              f"({e['cpu_ms']['p95']}) | {e['page_ms']['p95']} |")  # fmt: skip
    median = statistics.median(e["engine_ms"]["p95"] for e in results["entities"]) if results["entities"] else None
    print(f"\nentity pages: median of the p95s {median} ms")


if __name__ == "__main__":
    main()
