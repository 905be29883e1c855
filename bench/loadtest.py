"""A loopback load test of `quarry serve --production` (run by hand, not by the test suite).

Builds (or reuses, ``--data-dir``) an archive of the first N articles of the Reuters corpus,
starts ``quarry serve --production [--workers N]`` on 127.0.0.1 with a free port as a subprocess
(``--workers 1``: waitress, one process; 2 or more: gunicorn worker processes), and runs
concurrent clients (threads, http.client, 127.0.0.1 only) for a bounded time and request count:
searches from a realistic query list, facet clicks, article pages, JSON twins and small exports;
and ``--expensive`` clients (one) sending the expensive requests of issue 15 throughout
(bench/hostile_load.py). Prints requests/s, p50/p95/p99 latency and errors of the ordinary
clients as a markdown table, then how each expensive request was answered.

    python bench/loadtest.py --articles 10000 --no-entities            # quick build, then 60 s
    python bench/loadtest.py --data-dir /tmp/quarry-load --duration 60 # reuse an archive
    python bench/loadtest.py --data-dir /tmp/quarry-load --workers 2   # gunicorn, 2 processes
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import hostile_load  # bench/hostile_load.py: issue 15's expensive requests

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus" / "reuters-news-106k" / "reuters_news_106k.jsonl.gz"
HOST = "127.0.0.1"  # loopback only, always

QUERIES = [
    "oil prices", "iraq", "iran nuclear", "federal reserve", "interest rates", "china trade",
    "bush", "election", "afghanistan taliban", "north korea", "opec", "merger", "earnings",
    '"wall street"', '"united nations"', "hezbollah OR hamas", "bank*", "inflation -oil",
    "terror* attack", "baghdad bomb", "title:iraq", "category:us", "gold", "housing market",
    "microsoft", "google", "dollar", "pakistan", "russia gas", "sanctions", "", "",
]  # fmt: skip


def quarry(*args: str) -> list[str]:
    return [sys.executable, "-m", "quarry.web.cli", *args]


def store_count(data_dir: Path) -> int:
    import sqlite3

    from quarry.archive.datadir import DataDir

    path = DataDir(data_dir).store
    if not path.exists():
        return 0
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        db.close()


def build(data_dir: Path, source: Path, articles: int | None, entities: bool) -> None:
    have = store_count(data_dir)
    if (have and articles is None) or have >= (articles or 10_000):
        print(f"reusing {data_dir}: {have} articles", file=sys.stderr)
        return
    articles = articles or 10_000
    data_dir.mkdir(parents=True, exist_ok=True)
    export = data_dir.parent / f"{data_dir.name}-first-{articles}.jsonl"
    with gzip.open(source, "rt", encoding="utf-8") as src, open(export, "w", encoding="utf-8") as out:
        for n, line in enumerate(src):
            if n >= articles:
                break
            out.write(line)
    cmd = quarry("ingest", str(export), "--data-dir", str(data_dir), "--map", "published=day")
    if not entities:
        cmd.append("--no-entities")
    print("building:", " ".join(cmd[2:]), file=sys.stderr)
    t0 = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, check=False, stdin=subprocess.DEVNULL)
    print(f"built {store_count(data_dir)} articles in {time.monotonic() - t0:.0f} s", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    resp = conn.getresponse()
    return resp.status, resp.read()


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"quarry serve exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            status, _ = get(conn, "/api/search?size=1")
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("quarry serve did not answer in time")


class Workload:
    """Request paths drawn from what the archive holds (facet values and article ids)."""

    def __init__(self, port: int, seed: int = 1):
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        limits = {f"fl.{f}": "40" for f in ("category", "year", "month", "author", "person", "organization", "location")}
        _, body = get(conn, "/api/search?" + urlencode({"size": "100", **limits}))
        data = json.loads(body)
        self.values = {name: [v["value"] for v in vals] for name, vals in data["facets"].items() if vals}
        self.ids = [r["id"] for r in data["results"]]
        for q in ("iraq", "oil", "bank"):
            _, body = get(conn, "/api/search?" + urlencode({"q": q, "size": "100"}))
            self.ids += [r["id"] for r in json.loads(body)["results"]]
        conn.close()
        self.seed = seed

    def next(self, rnd: random.Random) -> tuple[str, str]:
        r = rnd.random()
        q = rnd.choice(QUERIES)
        if r < 0.40:
            args = {"q": q}
            if rnd.random() < 0.3:
                args["sort"] = rnd.choice(["newest", "oldest"])
            if rnd.random() < 0.2:
                args["page"] = str(rnd.randint(2, 5))
            return "search", "/?" + urlencode(args)
        if r < 0.55:
            return "api_search", "/api/search?" + urlencode({"q": q, "size": rnd.choice(["10", "20", "50"])})
        if r < 0.75:
            facet = rnd.choice(list(self.values))
            args = [("q", q), (f"f.{facet}", rnd.choice(self.values[facet]))]
            if rnd.random() < 0.3:
                other = rnd.choice(list(self.values))
                args.append((f"x.{other}", rnd.choice(self.values[other])))
            return "facet_click", "/?" + urlencode(args)
        if r < 0.92:
            return "article", "/article/" + quote(rnd.choice(self.ids))
        if r < 0.96:
            return "api_article", "/api/article/" + quote(rnd.choice(self.ids))
        # exports of a narrowed result set (one month, one query): bounded in size
        month = rnd.choice(self.values.get("month", ["2006-10"]))
        fmt = rnd.choice(["csv", "jsonl", "ris", "bib", "csl.json"])
        return "export", f"/export.{fmt}?" + urlencode({"q": rnd.choice(QUERIES[:20]), "f.month": month})


def client(port: int, work: Workload, seed: int, stop_at: float, budget: list[int],
           lock: threading.Lock, out: list[tuple[str, float, bool]]) -> None:  # fmt: skip
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    while time.monotonic() < stop_at:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        kind, path = work.next(rnd)
        t0 = time.perf_counter()
        ok = False
        try:
            status, body = get(conn, path)
            ok = status == 200 and (not path.startswith("/api/") or bool(json.loads(body)))
        except Exception:  # noqa: BLE001 - counted as an error
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
        out.append((kind, time.perf_counter() - t0, ok))
    conn.close()


def _tree_entries(pid: int) -> list[tuple[Path, list[str]]]:
    """(/proc entry, stat fields after the command name) of a live process and its direct
    children (Linux /proc; none elsewhere)."""
    try:
        entries = [e for e in Path("/proc").iterdir() if e.name.isdigit()]
    except OSError:
        return []
    found = []
    for entry in entries:
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(entry.name) == pid or int(fields[1]) == pid:
            found.append((entry, fields))
    return found


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a live process and its live children."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    return sum(int(f[11]) + int(f[12]) for _, f in _tree_entries(pid)) / tick  # utime, stime


def tree_rss_mb(pid: int) -> float:
    """Resident memory (VmRSS) of a process and its direct children, summed, MB."""
    total = 0
    for entry, _ in _tree_entries(pid):
        try:
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total / 1024


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy since boot (Linux /proc/stat; 0.0 elsewhere)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    return (user + nice + system + irq + softirq + steal) / tick


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k] * 1000


def report(results: list[tuple[str, float, bool]], elapsed: float) -> str:
    kinds = ["search", "api_search", "facet_click", "article", "api_article", "export"]
    lines = [
        "| requests | count | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in [*kinds, "all"]:
        rows = [r for r in results if kind == "all" or r[0] == kind]
        if not rows:
            continue
        lat = [r[1] for r in rows]
        errors = sum(1 for r in rows if not r[2])
        name = f"**{kind}**" if kind == "all" else kind
        lines.append(
            f"| {name} | {len(rows)} | {errors} | {len(rows) / elapsed:.1f} | {pct(lat, 50):.0f} "
            f"| {pct(lat, 95):.0f} | {pct(lat, 99):.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/quarry-loadtest"))
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--articles", type=int, default=None,
                    help="build an archive of the first N articles (default 10000) unless --data-dir "
                    "already holds one (with N: unless it holds at least N)")
    ap.add_argument("--no-entities", action="store_true", help="build without entity tagging (quick)")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--max-requests", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=0,
                    help="server processes: 0 = one per CPU (serve's default), 1 = waitress (one "
                    "process), 2+ = gunicorn workers")
    ap.add_argument("--threads", type=int, default=None,
                    help="threads per server process (default: quarry serve's, 8 waitress / 2 per gunicorn worker)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--expensive", type=int, default=1,
                    help="clients sending issue 15's expensive requests throughout (bench/hostile_load.py); "
                    "their answers are reported apart and must all be bounded")
    args = ap.parse_args()

    build(args.data_dir, args.source, args.articles, not args.no_entities)
    port = free_port()
    cmd = quarry("serve", "--production", "--host", HOST, "--port", str(port), "--workers",
                 str(args.workers), "--data-dir", str(args.data_dir))  # fmt: skip
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    server = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_ready(port, server)
        work = Workload(port, args.seed)
        # warm up, not counted: 30 requests on each of several connections at once, so that
        # every server process (each opens its own archive) has answered some of each kind
        warm: list = []
        warm_budget, warm_lock, warm_until = [30 * 4], threading.Lock(), time.monotonic() + 20
        warmers = [threading.Thread(target=client, args=(port, work, -i, warm_until, warm_budget, warm_lock, warm))
                   for i in range(4)]  # fmt: skip
        for t in warmers:
            t.start()
        for t in warmers:
            t.join()
        results: list[tuple[str, float, bool]] = []
        budget, lock = [args.max_requests], threading.Lock()
        t0 = time.monotonic()
        cpu0, server_cpu0, busy0 = os.times(), tree_cpu(server.pid), machine_busy()
        stop_at = t0 + args.duration
        threads = [
            threading.Thread(target=client, args=(port, work, args.seed * 1000 + i, stop_at, budget, lock, results))
            for i in range(args.clients)
        ]
        costly: list = []
        threads += [threading.Thread(target=hostile_load.client, args=(HOST, port, work.values.get("category", []),
                                                                      stop_at, costly))
                    for _ in range(args.expensive)]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        cpu1, server_cpu1, busy1 = os.times(), tree_cpu(server.pid), machine_busy()
        server_rss = tree_rss_mb(server.pid)  # caches filled by the run
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    workers = args.workers or len(os.sched_getaffinity(0))
    per = args.threads or (8 if workers <= 1 else 2)
    served = (f"waitress, 1 process x {per} threads" if workers <= 1
              else f"gunicorn, {workers} workers x {per} threads")  # fmt: skip
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\narchive: {store_count(args.data_dir)} articles in {args.data_dir}; "
          f"{args.clients} clients, {elapsed:.0f} s; {served}; load average after: {load}")  # fmt: skip
    client_cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    server_cpu = server_cpu1 - server_cpu0
    others = max(0.0, (busy1 - busy0) - server_cpu - client_cpu)
    print(f"CPU during the load: server {server_cpu:.0f} s, load clients {client_cpu:.0f} s, "
          f"other processes {others:.0f} s, of {elapsed:.0f} s x {os.cpu_count()} CPUs; "
          f"server memory after the run (VmRSS, all its processes): {server_rss:.0f} MB\n")  # fmt: skip
    print(report(results, elapsed))
    if costly:
        bounded = sum(r[2] for r in costly)
        print(f"\nexpensive requests (issue 15), {args.expensive} client(s): {len(costly)} sent, {bounded} answered "
              f"within {hostile_load.BOUND_SECONDS:g} s and {hostile_load.BOUND_BYTES / 1e6:g} MB as expected\n")  # fmt: skip
        print(hostile_load.report(costly))


if __name__ == "__main__":
    main()
