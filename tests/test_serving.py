"""`quarry serve --production --workers 2`: gunicorn worker processes, each with its own archive.

The server runs as a real subprocess on 127.0.0.1 (a free port) against a copy of the fixture
archive. Worker processes are found through /proc (children of the master pid); which of them has
answered searches is read from /proc/<pid>/fd: a worker that has served a search holds open files
of the data directory (the Whoosh segments, store.sqlite), a fresh one none. The master must hold
none at any time: every worker opens its archive after the fork, nothing is shared.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
QUERIES = ["taliban", "islamic state", "", "radical*", "europe", "attack", "propaganda", "al-shabaab"]

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Connection": "close"})  # a new accept per request
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def children(pid: int) -> set[int]:
    """Live (non-zombie) processes whose parent is ``pid``, from /proc/*/stat."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def data_files_open(pid: int, data_dir: Path) -> list[str]:
    """The files under ``data_dir`` that process ``pid`` holds open."""
    out = []
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return out
    root = str(data_dir.resolve())
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(root + os.sep):
            out.append(target)
    return out


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


@pytest.fixture()
def server(archive_copy, tmp_path):
    port = free_port()
    log = open(tmp_path / "serve.log", "w+b")  # noqa: SIM115 - closed below
    cmd = [sys.executable, "-m", "quarry.web.cli", "serve", "--production", "--workers", "2", "--threads", "2",
           "--port", str(port), "--data-dir", str(archive_copy)]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip

    def output() -> str:
        log.flush()
        log.seek(0)
        return log.read().decode("utf-8", "replace")

    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, f"quarry serve exited with {proc.returncode}:\n{output()}"
        assert time.monotonic() < deadline, f"quarry serve did not answer in 60 s:\n{output()}"
        try:
            status, _ = get(port, "/help", timeout=5)  # a page that does not open the archive
            if status == 200:
                break
        except OSError:
            pass
        time.sleep(0.2)
    try:
        yield proc, port, archive_copy, output
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def test_two_worker_processes_answer_searches_and_sigterm_stops_them(server):
    proc, port, data_dir, output = server

    # two worker processes under the master (gunicorn may still be spawning the second one)
    deadline = time.monotonic() + 20
    while len(workers := children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workers) == 2, (workers, output())
    assert proc.pid not in workers
    assert not data_files_open(proc.pid, data_dir), "the master opened the archive before forking"

    # concurrent searches on fresh connections until both workers have answered some
    statuses: list[int] = []
    lock = threading.Lock()

    def search(n: int) -> None:
        q = QUERIES[n % len(QUERIES)]
        args = {"q": q, "page": str(1 + n % 3)}
        if n % 2:
            args["f.category"] = "Analysis"
        status, body = get(port, "/api/search?" + urlencode(args))
        if status == 200:
            assert b'"total"' in body
        with lock:
            statuses.append(status)

    served: dict[int, list[str]] = {}
    n = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch = [threading.Thread(target=search, args=(n + i,)) for i in range(8)]
        n += len(batch)
        for t in batch:
            t.start()
        for t in batch:
            t.join()
        served = {pid: data_files_open(pid, data_dir) for pid in workers}
        if all(served.values()):
            break
    assert statuses and set(statuses) == {200}, (sorted(set(statuses)), output())
    assert all(served.values()), (
        f"after {n} searches only workers {[p for p, f in served.items() if f]} of {sorted(workers)} "
        f"had opened the archive:\n{output()}")  # fmt: skip
    # each worker opened the archive itself; the master still holds nothing of it
    assert not data_files_open(proc.pid, data_dir)
    assert children(proc.pid) == workers, "a worker died and was replaced while serving"

    # SIGTERM to the master: a clean shutdown within a few seconds, workers included
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail(f"quarry serve still running 15 s after SIGTERM:\n{output()}")
    took = time.monotonic() - t0
    assert code == 0, output()
    assert took < 10, f"shutdown took {took:.1f} s"
    assert not any(alive(pid) for pid in workers), "a worker outlived the master"
    with pytest.raises(OSError):
        get(port, "/help", timeout=2)
    text = output()
    assert "Traceback" not in text, text
    assert "gunicorn: 2 workers" in text, text
