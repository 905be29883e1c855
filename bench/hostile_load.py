"""The expensive requests of issue 15, and the load-test client that sends them throughout a run
(``bench/loadtest.py --expensive 1``): each must get a bounded answer (a refusal, a capped or
stopped result) while the other clients keep their latency.
"""

from __future__ import annotations

import http.client
import time
from collections import Counter
from urllib.parse import urlencode

WORDS = ("oil", "bank", "iraq", "market", "trade", "price", "government", "company", "report", "minister",
         "election", "president", "growth", "dollar", "profit", "rates", "china", "share", "police", "talks",
         "court", "attack", "energy", "budget", "army", "union", "crisis", "reform", "export", "deal")  # fmt: skip
FACETS = ("category", "year", "month", "author", "site", "language", "person", "organization", "location")
BOUND_SECONDS = 8.0  # the request deadline (5 s) with room for the page to be written
BOUND_BYTES = 2_000_000


def requests(categories: list[str]) -> list[tuple[str, str, set[int]]]:
    """(label, path, the statuses that are a bounded answer) of each expensive request."""
    many = [("f.category", f"Category {n:04d}") for n in range(2000)]
    chosen = (categories + [f"Category {n:04d}" for n in range(100)])[:100]  # real ones first
    return [
        ("2,000 values of one facet", "/?" + urlencode([("q", "oil"), *many]), {400, 414}),
        ("101 values of one facet", "/?" + urlencode([("f.category", f"c{n}") for n in range(101)]), {400}),
        ("100 values of one facet", "/?" + urlencode([("q", "oil")] + [("f.category", c) for c in chosen]), {200}),
        ("50 fuzzy terms", "/api/search?" + urlencode({"q": " OR ".join(f"{w}~2" for w in WORDS + WORDS[:20])}), {200}),
        ("16 fuzzy terms", "/?" + urlencode({"q": " OR ".join(f"{w}~2" for w in WORDS[:16])}), {200}),
        ("16 wildcards", "/api/search?" + urlencode({"q": " OR ".join(f"{c}*" for c in "abcdefghilmnoprs")}), {200}),
        ("fl.<facet>=1000 on nine facets", "/api/search?" + urlencode({f"fl.{f}": "1000" for f in FACETS}), {200}),
        ("300 parameters", "/api/search?" + urlencode([(f"p{n}", "1") for n in range(300)]), {400}),
        ("a 100 KB request line", "/?q=" + "a" * 100_000, {0, 400, 414, 431}),
        ("2,000 characters of OR", "/?" + urlencode({"q": " OR ".join(WORDS * 20)[:2000]}), {200}),
        ("nested 500 deep", "/api/search?" + urlencode({"q": "(" * 500 + "oil" + ")" * 500}), {200}),
        ("the last page of 100", "/?" + urlencode({"q": "", "size": "100", "page": "10000"}), {200}),
    ]  # fmt: skip


def send(host: str, port: int, path: str) -> tuple[int, int]:
    """(status, body bytes) on a connection of its own (0: the server closed it unanswered)."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, len(resp.read())
    except (ConnectionError, http.client.HTTPException):
        return 0, 0
    finally:
        conn.close()


def client(host: str, port: int, categories: list[str], stop_at: float, out: list) -> None:
    """Send the expensive requests in turn until ``stop_at``; each answer is recorded as
    ``("expensive: <label>", seconds, bounded, status, bytes)``."""
    todo = requests(categories)
    n = 0
    while time.monotonic() < stop_at:
        label, path, accepted = todo[n % len(todo)]
        n += 1
        t0 = time.perf_counter()
        status, size = send(host, port, path)
        took = time.perf_counter() - t0
        bounded = status in accepted and took <= BOUND_SECONDS and size <= BOUND_BYTES
        out.append((f"expensive: {label}", took, bounded, status, size))


def report(rows: list) -> str:
    """One line per expensive request: how often, how answered, how long at most, how large."""
    lines = ["| expensive request | count | bounded | statuses | p50 ms | max ms | max KB |",
             "|---|---:|---:|---|---:|---:|---:|"]  # fmt: skip
    for label in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == label]
        took = sorted(r[1] for r in mine)
        statuses = ", ".join(f"{s} ×{c}" for s, c in Counter(r[3] for r in mine).most_common())
        lines.append(f"| {label.removeprefix('expensive: ')} | {len(mine)} | {sum(r[2] for r in mine)} | {statuses} "
                     f"| {took[len(took) // 2] * 1000:.0f} | {took[-1] * 1000:.0f} | {max(r[4] for r in mine) / 1000:.0f} |")  # fmt: skip
    return "\n".join(lines)
