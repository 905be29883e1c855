"""Scale benchmark (issue 6): ingest, re-index, disk, query latency and web memory at growing sizes,
with SQLite FTS5 over the same articles as a baseline. Run by hand, not a test.

    python bench/scale.py --sizes 10000,50000,106520 --work /tmp/quarry-bench
    python bench/scale.py --sizes 10000 --work /tmp/quarry-bench --skip-ingest   # reuse the work dir

Sizes are incremental: the archive of size N is a copy of the previous size's data directory plus
the next lines of the corpus, so only the new lines are ingested. Every stage writes its figures to
``<work>/n<N>/results.json`` as soon as it finishes; a stage whose figures are already there is not
run again (``--redo STAGE,...`` forces it), so an interrupted run resumes where it stopped.
Stages: ingest, rebuild, sizes, fts5, queries, http. The markdown table goes to bench/RESULTS.md
(``--results``).

Queries come from bench/queries.txt (``class<TAB>query``). Each is timed through
``Archive.search`` in four modes — (a) top 20 only, (b) top 20 + snippets, (c) the full page (nine
facets, snippets, histogram), (d) the full page with three facet filters (a category, a year and a
location, the top values of the browse facets) — and the same modes on FTS5 (bench/fts5.py); then
the full page over HTTP against ``quarry serve --production`` on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_CORPUS = Path("/work/shared/corpus/reuters-news-106k/reuters_news_106k.jsonl.gz")
QUERIES = Path(__file__).with_name("queries.txt")
RESULTS_MD = Path(__file__).with_name("RESULTS.md")
NOTES_HEADING = "\n## Notes"
STAGES = ("ingest", "rebuild", "sizes", "fts5", "queries", "http")
MODES = ("a", "b", "c", "d")
MODE_NAMES = {
    "a": "(a) top 20",
    "b": "(b) top 20 + snippets",
    "c": "(c) full page",
    "d": "(d) full page + 3 filters",
    "e": "(e) full page over HTTP",
}

# targets from issue 6
T_INGEST = 25.0  # articles/s
T_REINDEX = 200.0  # articles/s
T_UNCHANGED = 30.0  # s
T_FULL_P95 = 100.0  # ms
T_RATIO = 3.0  # Quarry / FTS5 per class
T_BROAD_P95 = 250.0  # ms
T_WEB_RSS = 1024.0  # MB


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ subprocesses


def quarry_cmd() -> list[str]:
    return [sys.executable, "-m", "quarry.web.cli"]


def _tree_pids(pid: int) -> list[int]:
    """A process and all its descendants (from the parent pid of every /proc entry)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def _tree_rss_kb(pid: int, key: str = "VmRSS") -> int:
    """Summed VmRSS (or another /proc status figure) of a process and its descendants (kB)."""
    return sum(proc_status(p).get(key, 0) for p in _tree_pids(pid))


def _tree_size(pid: int) -> int:
    """How many processes the tree under ``pid`` holds (itself included)."""
    return len(_tree_pids(pid))


def proc_status(pid: int) -> dict[str, int]:
    out = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads"):
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def run_timed(cmd: list[str], timeout: float, log_path: Path) -> dict:
    """Run a command in its own session with a timeout; wall time, exit status, the peak RSS of
    the largest process (wait4 rusage) and the peak summed RSS of the process tree (sampled)."""
    log(f"$ {' '.join(cmd)}")
    env = dict(os.environ, QUARRY_CACHE_SIZE="0")  # cold, like the API figures
    with open(log_path, "ab") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=str(ROOT),
            env=env,
            start_new_session=True,
        )
        peak_tree = 0
        stop = threading.Event()
        timed_out = []

        def sample() -> None:
            nonlocal peak_tree
            while not stop.is_set():
                peak_tree = max(peak_tree, _tree_rss_kb(proc.pid))
                if time.perf_counter() - t0 > timeout and not timed_out:
                    timed_out.append(True)
                    try:
                        os.killpg(proc.pid, signal.SIGTERM)  # the session this run started
                    except ProcessLookupError:
                        pass
                stop.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": round(elapsed, 2),
        "exit": proc.returncode,
        "timed_out": bool(timed_out),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_tree_rss_mb": round(peak_tree / 1024, 1),
        "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),  # the tree's user+sys CPU
    }


# ------------------------------------------------------------------------------ work dir


class Run:
    def __init__(self, work: Path, size: int):
        self.work = work
        self.size = size
        self.dir = work / f"n{size}"
        self.data = self.dir / "data"
        self.results_path = self.dir / "results.json"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.results = (
            json.loads(self.results_path.read_text()) if self.results_path.exists() else {}
        )

    def save(self) -> None:
        tmp = self.results_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.results, indent=1))
        os.replace(tmp, self.results_path)

    @property
    def log_path(self) -> Path:
        return self.dir / "commands.log"


def slice_corpus(corpus: Path, work: Path, start: int, stop: int) -> Path:
    """Lines [start, stop) of the corpus as their own JSONL file (written once)."""
    path = work / "input" / f"reuters-{start:06d}-{stop:06d}.jsonl"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with gzip.open(corpus, "rt", encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if n >= stop:
                break
            if n >= start:
                dst.write(line)
    os.replace(tmp, path)
    return path


def stage_ingest(run: Run, prev: Run | None, corpus: Path, timeout: float) -> None:
    start = prev.size if prev else 0
    part = slice_corpus(corpus, run.work, start, run.size)
    if run.data.exists():
        shutil.rmtree(run.data)
    if prev is not None:
        log(f"copying {prev.data} -> {run.data}")
        shutil.copytree(prev.data, run.data)
    cmd = [
        *quarry_cmd(),
        "ingest",
        str(part),
        "--data-dir",
        str(run.data),
        "--map",
        "categories=section_slug",
        "--json",
    ]
    res = run_timed(cmd, timeout, run.log_path)
    n = run.size - start
    res.update(lines=n, articles_per_s=round(n / res["seconds"], 1) if res["seconds"] else None)
    summary = _last_json_line(run.log_path)
    if summary:
        res["summary"] = {k: v for k, v in summary.items() if isinstance(v, (int, float, str))}
    run.results["ingest"] = res
    run.save()
    log(f"ingest {n} lines: {res}")


def _last_json_line(path: Path) -> dict | None:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def stage_rebuild(run: Run, timeout: float) -> None:
    from quarry.archive.datadir import DataDir
    from quarry.archive.store import Store

    store = Store(DataDir(run.data).store, readonly=True)
    count = store.count()
    store.close()
    cmd = [*quarry_cmd(), "rebuild", "--force", "--data-dir", str(run.data)]
    first = run_timed(cmd, timeout, run.log_path)
    first.update(articles=count, articles_per_s=round(count / first["seconds"], 1))
    # nothing changed since: plain `quarry rebuild` checks the index and has nothing to do
    again = run_timed([c for c in cmd if c != "--force"], timeout, run.log_path)
    again.update(articles=count)
    run.results["rebuild"] = first
    run.results["rebuild_unchanged"] = again
    run.save()
    log(f"rebuild {count}: {first}; unchanged: {again}")


def du_mb(path: Path) -> float:
    if not path.exists():
        return 0.0
    if path.is_file():
        return round(path.stat().st_blocks * 512 / 2**20, 1)
    total = 0
    for p in path.rglob("*"):
        try:
            if p.is_file() and not p.is_symlink():
                total += p.stat().st_blocks * 512
        except OSError:
            pass
    return round(total / 2**20, 1)


def stage_sizes(run: Run) -> None:
    from quarry.archive.datadir import DataDir
    from quarry.index.build import current_version

    data = DataDir(run.data)
    version = current_version(data)
    store = data.store
    run.results["sizes"] = {
        "index_mb": du_mb(version) if version else None,
        "index_version": version.name if version else None,
        "store_mb": round(sum(du_mb(Path(str(store) + s)) for s in ("", "-wal", "-shm")), 1),
        "captures_mb": du_mb(data.captures),
        "data_dir_mb": du_mb(run.data),
    }
    run.save()
    log(f"sizes: {run.results['sizes']}")


# ------------------------------------------------------------------------------ queries


def load_queries(path: Path) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cls, _, q = line.partition("\t")
        out.append((cls.strip(), q.strip()))
    return out


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 2)


def summarise(samples: dict[str, list[float]]) -> dict:
    """class -> latencies (ms)  ->  class -> {n, p50, p95, max}, plus 'all'."""
    out = {}
    every: list[float] = []
    for cls, values in samples.items():
        every += values
        out[cls] = {
            "n": len(values),
            "p50": pct(values, 50),
            "p95": pct(values, 95),
            "max": round(max(values), 2),
        }
    if every:
        out["all"] = {
            "n": len(every),
            "p50": pct(every, 50),
            "p95": pct(every, 95),
            "max": round(max(every), 2),
        }
    return out


def quarry_request(q: str, mode: str, filters: dict[str, str]):
    from quarry.index.api import SearchRequest

    full = mode in ("c", "d")
    return SearchRequest(
        q=q,
        sort="relevance" if q.strip() not in ("", "*") else "newest",
        filters={k: [v] for k, v in filters.items()} if mode == "d" else {},
        with_facets=full,
        with_histogram=full,
        with_snippets=mode != "a",
    )


def pick_filters(archive) -> dict[str, str]:
    """The top category, year and location of the browse page (the three facet filters of (d))."""
    from quarry.index.api import SearchRequest

    res = archive.search(SearchRequest(q="", sort="newest"))
    picked = {}
    for facet in res.facets:
        if facet.name in ("category", "location") and facet.values:
            picked[facet.name] = facet.values[0].value
        if facet.name == "year" and facet.values:
            # the year with most articles (the facet lists years newest first)
            picked["year"] = max(facet.values, key=lambda v: v.count).value
    return picked


def stage_fts5(run: Run) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import fts5

    res = fts5.build(run.data, run.dir / "fts5.sqlite")
    res["size_mb"] = du_mb(run.dir / "fts5.sqlite")
    run.results["fts5_build"] = res
    run.save()
    log(f"fts5 build: {res}")


def stage_queries(run: Run, queries_path: Path, repeat: int) -> None:
    import gc

    sys.path.insert(0, str(Path(__file__).parent))
    from quarry.index.engine import Archive

    queries = load_queries(queries_path)
    load_before = os.getloadavg()
    archive = Archive(run.data, cache_size=0)  # cold: every query pays in full, as a first visit
    health = archive.health()
    if not health.ok:  # e.g. an index made by an older Quarry: its figures would be meaningless
        raise SystemExit(f"{run.data}: {health.error}\n(`--stages rebuild --redo rebuild` rebuilds it)")
    for note in health.notes:
        log(f"note: {note}")
    filters = pick_filters(archive)
    log(f"{len(queries)} queries; filters for (d): {filters}")
    fts = open_fts5(run)
    engines = {"quarry": lambda q, m: archive.search(quarry_request(q, m, filters))}
    if fts is not None:
        engines["fts5"] = lambda q, m: fts.search(
            q,
            filters if m == "d" else None,
            snippets=m != "a",
            facets=m in ("c", "d"),
            histogram=m in ("c", "d"),
        )
    timings: dict = {}
    cpu_timings: dict = {}  # thread CPU time per query: less sensitive to other load on the machine
    totals: dict = {}
    per_query: dict = {}
    for engine, fn in engines.items():
        for mode in MODES:
            for _cls, q in queries:  # warm-up pass
                fn(q, mode)
            samples: dict[str, list[float]] = {}
            cpu_samples: dict[str, list[float]] = {}
            gc.collect()
            for _ in range(repeat):
                for cls, q in queries:
                    c0 = time.thread_time()
                    t0 = time.perf_counter()
                    res = fn(q, mode)
                    ms = (time.perf_counter() - t0) * 1000
                    cpu_samples.setdefault(cls, []).append((time.thread_time() - c0) * 1000)
                    samples.setdefault(cls, []).append(ms)
                    per_query.setdefault(engine, {}).setdefault(mode, {})[q] = round(ms, 2)
                    if mode in ("a", "d"):
                        total = res.total if hasattr(res, "total") else res["total"]
                        totals.setdefault(engine, {}).setdefault(mode, {})[q] = total
            timings.setdefault(engine, {})[mode] = summarise(samples)
            cpu_timings.setdefault(engine, {})[mode] = summarise(cpu_samples)
            log(f"{engine} {mode}: all {timings[engine][mode]['all']}")
    if fts is not None:
        fts.close()
    # how often the two engines agree on the number of matches (a sanity check of the translation)
    ndocs = run.size
    agree = {}
    for mode in ("a", "d"):
        qa, fa = totals.get("quarry", {}).get(mode, {}), totals.get("fts5", {}).get(mode, {})
        common = [q for q in qa if q in fa]
        close = [q for q in common if abs(qa[q] - fa[q]) <= max(2, 0.1 * max(qa[q], fa[q]))]
        agree[mode] = {"queries": len(common), "within_10pct": len(close)}
    broad_share = {
        q: round(t / ndocs, 3)
        for (cls, q) in queries
        if cls == "broad"
        for t in [totals.get("quarry", {}).get("a", {}).get(q, 0)]
    }
    slowest = sorted(per_query.get("quarry", {}).get("c", {}).items(), key=lambda kv: -kv[1])[:10]
    run.results["queries"] = {
        "count": len(queries),
        "repeat": repeat,
        "filters_d": filters,
        "timings": timings,
        "cpu_timings": cpu_timings,
        "total_agreement": agree,
        "broad_match_share": broad_share,
        "slowest_full_page": slowest,
        "totals": totals,
        "per_query_ms": per_query,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }
    run.save()
    stage_profile(run, archive, slowest[0][0] if slowest else "said", filters)


def open_fts5(run: Run):
    import fts5

    path = run.dir / "fts5.sqlite"
    return fts5.FTS5Archive(path) if path.exists() else None


def stage_profile(run: Run, archive, q: str, filters: dict[str, str]) -> None:
    """cProfile of the slowest full-page query (5 runs): the top functions by own time."""
    import cProfile
    import io
    import pstats

    req = quarry_request(q, "c", filters)
    archive.search(req)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for _ in range(5):
        archive.search(req)
    prof.disable()
    ms = (time.perf_counter() - t0) * 1000 / 5
    stats = pstats.Stats(prof)
    rows = []
    for (fname, line, func), (_cc, nc, tt, ct, _) in stats.stats.items():
        rows.append((tt / 5 * 1000, ct / 5 * 1000, nc // 5, f"{Path(fname).name}:{line}({func})"))
    by_tot = sorted(rows, key=lambda r: -r[0])[:15]
    by_cum = sorted(rows, key=lambda r: -r[1])[:25]
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(30)
    (run.dir / "profile.txt").write_text(buf.getvalue())
    run.results["profile"] = {
        "query": q,
        "ms_per_run_profiled": round(ms, 1),
        "top_own_time": [[round(a, 2), round(b, 2), n, name] for a, b, n, name in by_tot],
        "top_cumulative": [[round(a, 2), round(b, 2), n, name] for a, b, n, name in by_cum],
    }
    run.save()
    log(f"profile of {q!r}: {ms:.1f} ms/run; top own time: {by_tot[:5]}")


# ------------------------------------------------------------------------------ http


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stage_http(run: Run, queries_path: Path, timeout: float) -> None:
    queries = load_queries(queries_path)
    port = free_port()
    cmd = [
        *quarry_cmd(),
        "serve",
        "--production",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(run.data),
    ]
    log(f"$ {' '.join(cmd)}")
    env = dict(os.environ, QUARRY_CACHE_SIZE="0")  # cold, like the API figures
    logf = open(run.log_path, "ab")
    proc = subprocess.Popen(
        cmd, stdout=logf, stderr=subprocess.STDOUT, cwd=str(ROOT), env=env, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}/api/search?"
    try:
        deadline = time.time() + min(timeout, 300)
        while True:
            try:
                with urllib.request.urlopen(base + "q=warmup", timeout=30) as r:
                    r.read()
                break
            except OSError as exc:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(
                        f"quarry serve did not come up (exit {proc.poll()})"
                    ) from exc
                time.sleep(0.5)
        rss_idle = _tree_rss_kb(proc.pid)

        def get(q: str) -> float:
            url = base + urllib.parse.urlencode({"q": q})
            t0 = time.perf_counter()
            with urllib.request.urlopen(url, timeout=120) as r:
                body = r.read()
            ms = (time.perf_counter() - t0) * 1000
            json.loads(body)
            return ms

        for _, q in queries:
            get(q)
        samples: dict[str, list[float]] = {}
        for cls, q in queries:
            samples.setdefault(cls, []).append(get(q))
        status = proc_status(proc.pid)
        run.results["http"] = {
            "timings": summarise(samples),
            # the server's whole process tree (several worker processes under --production)
            "rss_idle_mb": round(rss_idle / 1024, 1),
            "rss_after_mb": round(_tree_rss_kb(proc.pid) / 1024, 1),
            "processes": _tree_size(proc.pid),
            "hwm_mb": round(_tree_rss_kb(proc.pid, "VmHWM") / 1024, 1),
            # anonymous (heap) vs file-backed (mmap'd index segments, counted once per process)
            "rss_anon_mb": round(_tree_rss_kb(proc.pid, "RssAnon") / 1024, 1),
            "rss_file_mb": round(_tree_rss_kb(proc.pid, "RssFile") / 1024, 1),
            "threads": status.get("Threads"),
        }
        run.save()
        log(f"http: {run.results['http']['timings'].get('all')} rss {status}")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the serve process this stage started
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        logf.close()


# ------------------------------------------------------------------------------ markdown


def machine() -> dict:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GB"
    except OSError:
        pass
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.strip()
            or "?"
        )
    except (OSError, subprocess.TimeoutExpired):
        commit = "?"
    return {
        "nproc": os.cpu_count(),
        "ram": mem,
        "cpu": cpu,
        "commit": commit,
        "python": platform.python_version(),
    }


def _f(x, nd=1, unit="") -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{nd}f}{unit}"
    return f"{x}{unit}"


def _ok(value, target, higher_better: bool) -> str:
    if value is None:
        return "–"
    good = value >= target if higher_better else value <= target
    return "✅" if good else "❌"


def write_markdown(runs: list[Run], path: Path) -> None:
    m = machine()
    runs = [r for r in runs if r.results]
    lines = [
        "# Scale benchmark (issue 6)",
        "",
        f"Generated by `python bench/scale.py` on {date.today().isoformat()}. Machine: {m['nproc']} cores "
        f"(`nproc`), {m['ram']} RAM, {m['cpu']}; Python {m['python']}; Quarry commit `{m['commit']}`.",
        "Corpus: Reuters news 2006–2013 (reuters_news_106k.jsonl.gz), the first N lines, ingested with "
        "`--map categories=section_slug` (entities on, 2 worker processes). Sizes are incremental: "
        "the ingest figure of a size covers only the lines added since the previous size.",
        "",
        "## Ingest, re-index, disk, memory",
        "",
        "| metric | target | " + " | ".join(f"{r.size:,} articles" for r in runs) + " |",
        "|---|---|" + "---|" * len(runs),
    ]

    def row(label, target, values):
        lines.append(f"| {label} | {target} | " + " | ".join(values) + " |")

    def g(r, *keys):
        d = r.results
        for k in keys:
            if not isinstance(d, dict) or k not in d:
                return None
            d = d[k]
        return d

    row(
        "ingest (read+extract+entities+store+index), art/s",
        f"≥ {T_INGEST:g}",
        [
            f"{_f(g(r, 'ingest', 'articles_per_s'))} {_ok(g(r, 'ingest', 'articles_per_s'), T_INGEST, True)}"
            f" ({_f(g(r, 'ingest', 'lines'))} in {_f(g(r, 'ingest', 'seconds'), 0)} s)"
            for r in runs
        ],
    )
    row(
        "ingest CPU time (all processes), s → art per CPU-s",
        "",
        [
            f"{_f(g(r, 'ingest', 'cpu_seconds'))} → {_f(g(r, 'ingest', 'lines') / g(r, 'ingest', 'cpu_seconds') if g(r, 'ingest', 'cpu_seconds') else None)}"
            for r in runs
        ],
    )
    row(
        "ingest peak RSS: largest process / whole tree, MB",
        "",
        [
            f"{_f(g(r, 'ingest', 'peak_rss_mb'), 0)} / {_f(g(r, 'ingest', 'peak_tree_rss_mb'), 0)}"
            for r in runs
        ],
    )
    row(
        "re-index from the store (`quarry rebuild`), art/s",
        f"≥ {T_REINDEX:g}",
        [
            f"{_f(g(r, 'rebuild', 'articles_per_s'))} {_ok(g(r, 'rebuild', 'articles_per_s'), T_REINDEX, True)}"
            f" ({_f(g(r, 'rebuild', 'seconds'))} s)"
            for r in runs
        ],
    )
    row(
        "rebuild CPU time, s → art per CPU-s",
        "",
        [
            f"{_f(g(r, 'rebuild', 'cpu_seconds'))} → {_f(g(r, 'rebuild', 'articles') / g(r, 'rebuild', 'cpu_seconds') if g(r, 'rebuild', 'cpu_seconds') else None)}"
            for r in runs
        ],
    )
    row(
        "rebuild peak RSS: largest process / tree, MB",
        "",
        [
            f"{_f(g(r, 'rebuild', 'peak_rss_mb'), 0)} / {_f(g(r, 'rebuild', 'peak_tree_rss_mb'), 0)}"
            for r in runs
        ],
    )
    row(
        "`quarry rebuild` with nothing changed, s",
        f"≤ {T_UNCHANGED:g}",
        [
            f"{_f(g(r, 'rebuild_unchanged', 'seconds'))} {_ok(g(r, 'rebuild_unchanged', 'seconds'), T_UNCHANGED, False)}"
            for r in runs
        ],
    )
    row("index on disk (current version), MB", "", [_f(g(r, "sizes", "index_mb")) for r in runs])
    row("store.sqlite (+wal), MB", "", [_f(g(r, "sizes", "store_mb")) for r in runs])
    row("captures/, MB", "", [_f(g(r, "sizes", "captures_mb")) for r in runs])
    row(
        "FTS5 baseline db, MB (build s)",
        "",
        [
            f"{_f(g(r, 'fts5_build', 'size_mb'))} ({_f(g(r, 'fts5_build', 'seconds'))} s)"
            for r in runs
        ],
    )
    row(
        "web app RSS after the HTTP query run (VmRSS / VmHWM, summed over its processes), MB",
        f"≤ {T_WEB_RSS:g}",
        [
            f"{_f(g(r, 'http', 'rss_after_mb'), 0)} / {_f(g(r, 'http', 'hwm_mb'), 0)} "
            f"{_ok(g(r, 'http', 'hwm_mb'), T_WEB_RSS, False)}"
            for r in runs
        ],
    )
    row(
        "… of which anonymous / file-backed (mmap), MB",
        "",
        [
            f"{_f(g(r, 'http', 'rss_anon_mb'), 0)} / {_f(g(r, 'http', 'rss_file_mb'), 0)}"
            for r in runs
        ],
    )

    for r in runs:
        qres = g(r, "queries")
        if not qres:
            continue
        tq = qres["timings"].get("quarry", {})
        tf = qres["timings"].get("fts5", {})
        classes = [c for c in tq.get("a", {}) if c != "all"] + ["all"]
        lines += [
            "",
            f"## Query latency at {r.size:,} articles (ms, p50 / p95)",
            "",
            f"{qres['count']} queries from bench/queries.txt, one warm-up pass then {qres['repeat']} timed "
            f"pass(es) per mode, single thread, through `Archive.search` and `bench/fts5.py`. "
            f"Filters of (d): {', '.join(f'{k}={v}' for k, v in qres['filters_d'].items())}. "
            f"Ratio = Quarry p95 / FTS5 p95 (target ≤ {T_RATIO:g}). Full page p95 target ≤ {T_FULL_P95:g} ms, "
            f"broad p95 ≤ {T_BROAD_P95:g} ms.",
            "",
            "| class | n | "
            + " | ".join(f"{MODE_NAMES[mo]} Quarry | FTS5 | ratio" for mo in MODES)
            + " | (e) HTTP full page |",
            "|---|---|" + "---|---|---|" * len(MODES) + "---|",
        ]
        for cls in classes:
            cells = []
            for mo in MODES:
                a, b = tq.get(mo, {}).get(cls), tf.get(mo, {}).get(cls)
                qa = f"{_f(a['p50'])} / {_f(a['p95'])}" if a else "–"
                if mo in ("c", "d") and a:
                    limit = T_BROAD_P95 if cls == "broad" else T_FULL_P95
                    qa += " " + _ok(a["p95"], limit, False)
                fb = f"{_f(b['p50'])} / {_f(b['p95'])}" if b else "–"
                ratio = a["p95"] / b["p95"] if a and b and b["p95"] else None
                rc = _f(ratio, 2) + (
                    ""
                    if ratio is None or mo not in ("c", "d")
                    else " " + _ok(ratio, T_RATIO, False)
                )
                cells += [qa, fb, rc]
            h = g(r, "http", "timings", cls)
            n = tq.get("a", {}).get(cls, {}).get("n", "")
            lines.append(
                f"| {cls} | {n} | "
                + " | ".join(cells)
                + f" | {_f(h['p50']) + ' / ' + _f(h['p95']) if h else '–'} |"
            )
        cq = qres.get("cpu_timings", {}).get("quarry", {})
        cf = qres.get("cpu_timings", {}).get("fts5", {})
        if cq:
            lines += [
                "",
                "The same runs in thread CPU time (`time.thread_time`, ms p50 / p95; independent of other "
                "load on the machine as long as it does not thrash caches), Quarry | FTS5 | ratio of p95:",
                "",
                "| class | "
                + " | ".join(f"{MODE_NAMES[mo]} Quarry | FTS5 | ratio" for mo in MODES)
                + " |",
                "|---|" + "---|---|---|" * len(MODES),
            ]
            for cls in classes:
                cells = []
                for mo in MODES:
                    a, b = cq.get(mo, {}).get(cls), cf.get(mo, {}).get(cls)
                    ratio = a["p95"] / b["p95"] if a and b and b["p95"] else None
                    cells += [
                        f"{_f(a['p50'])} / {_f(a['p95'])}" if a else "–",
                        f"{_f(b['p50'])} / {_f(b['p95'])}" if b else "–",
                        _f(ratio, 2),
                    ]
                lines.append(f"| {cls} | " + " | ".join(cells) + " |")
        agree = qres.get("total_agreement", {})
        share = qres.get("broad_match_share", {})
        lines += [
            "",
            "Share of the archive matched by the broad queries (Quarry): "
            + ", ".join(f"`{q or '(empty)'}` {s:.0%}" for q, s in share.items())
            + ".",
            "Match counts Quarry vs FTS5 within 10%: "
            + ", ".join(f"({mo}) {v['within_10pct']}/{v['queries']}" for mo, v in agree.items())
            + " (differences come from Whoosh's stop words and stemmer vs FTS5 porter, entity alias "
            "expansion, and field queries on facet columns).",
            "",
            f"System load average (1/5/15 min) before the query run: {qres.get('loadavg_before')}, after: "
            f"{qres.get('loadavg_after')} — the machine is shared; figures taken under load are pessimistic.",
            "",
            "Slowest full-page queries (Quarry, ms): "
            + ", ".join(f"`{q}` {ms:.0f}" for q, ms in qres.get("slowest_full_page", [])[:6])
            + ".",
        ]
        prof = g(r, "profile")
        if prof:
            lines += [
                "",
                f"Profile of the full page for `{prof['query']}` ({prof['ms_per_run_profiled']} ms per run under "
                "cProfile), top functions by own time (ms per run, calls):",
                "",
            ]
            for tt, ct, n, name in prof["top_own_time"][:10]:
                lines.append(f"- `{name}` {tt} ms own, {ct} ms cumulative, {n} calls")
            lines += ["", "and by cumulative time (ms per run):", ""]
            for _tt, ct, n, name in prof["top_cumulative"][:18]:
                lines.append(f"- `{name}` {ct} ms cumulative, {n} calls")
    lines += [
        "",
        "Raw figures: `<work>/n<N>/results.json`; command output: `<work>/n<N>/commands.log`.",
        "",
    ]
    # a hand-written "## Notes" section at the end of an existing file is kept
    notes = ""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if NOTES_HEADING in text:
            notes = text[text.index(NOTES_HEADING) :]
    path.write_text("\n".join(lines) + notes, encoding="utf-8")


# ------------------------------------------------------------------------------ main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sizes", default="10000", help="comma-separated archive sizes (lines of the corpus)"
    )
    ap.add_argument("--work", type=Path, default=Path("/tmp/quarry-bench"))
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--results", type=Path, default=RESULTS_MD)
    ap.add_argument(
        "--skip-ingest", action="store_true", help="reuse the ingested archives in --work"
    )
    ap.add_argument(
        "--stages",
        default=",".join(STAGES),
        help=f"stages to run, in this order (of {','.join(STAGES)}; ingest always runs first)",
    )
    ap.add_argument("--redo", default="", help="stages to run again even when their figures exist")
    ap.add_argument("--repeat", type=int, default=1, help="timed passes over the queries per mode")
    ap.add_argument("--timeout", type=float, default=3 * 3600, help="seconds per subprocess")
    args = ap.parse_args()

    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    stages = [s for s in args.stages.split(",") if s]
    redo = set(s for s in args.redo.split(",") if s)
    args.work.mkdir(parents=True, exist_ok=True)
    # an incremental chain: every size builds on the largest smaller archive in the work dir
    known = sorted(
        {int(p.name[1:]) for p in args.work.glob("n*") if p.name[1:].isdigit()} | set(sizes)
    )
    prev = None
    for size in known:
        run = Run(args.work, size)
        if size not in sizes:
            prev = run
            continue
        log(f"== size {size} ==")

        def todo(stage: str, key: str, run: Run = run) -> bool:
            return stage in stages and (stage in redo or key not in run.results)

        if not args.skip_ingest and todo("ingest", "ingest"):
            if prev is not None and not prev.data.exists():
                sys.exit(
                    f"size {size} builds on {prev.dir}, which has no archive: run that size first"
                )
            stage_ingest(run, prev, args.corpus, args.timeout)
        if not run.data.exists():
            sys.exit(f"no archive in {run.data}: run without --skip-ingest")
        actions = {
            "rebuild": ("rebuild", lambda run=run: stage_rebuild(run, args.timeout)),
            "sizes": ("sizes", lambda run=run: stage_sizes(run)),
            "fts5": ("fts5_build", lambda run=run: stage_fts5(run)),
            "queries": ("queries", lambda run=run: stage_queries(run, args.queries, args.repeat)),
            "http": ("http", lambda run=run: stage_http(run, args.queries, args.timeout)),
        }
        for stage in stages:  # in the order given (rebuild last when time is short)
            if stage in actions and todo(stage, actions[stage][0]):
                actions[stage][1]()
                write_markdown([Run(args.work, s) for s in known], args.results)
        write_markdown(
            [Run(args.work, s) for s in known], args.results
        )  # every size in the work dir
        prev = run
    log(f"results: {args.results}")


if __name__ == "__main__":
    main()
