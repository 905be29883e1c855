"""Damage found and repaired (issue 15, item 4): `quarry check` finds each kind of damage to the
store and the index, `quarry rebuild` repairs what the index part finds, and no page, export or
command answers with a server error or a traceback meanwhile.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quarry.archive.datadir import DataDir
from quarry.index.build import current_version

ROOT = Path(__file__).resolve().parents[1]


def quarry(*args: str, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quarry.web.cli", *args, "--data-dir", str(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)  # fmt: skip


def client_of(data: Path):
    from quarry.web import create_app
    from quarry.web.settings import Settings

    return create_app(Settings(data_dir=data), {"TESTING": True}).test_client()


def stored_rows(data: Path) -> dict[str, dict]:
    db = sqlite3.connect(f"file:{DataDir(data).store}?mode=ro", uri=True)
    try:
        return {aid: json.loads(raw) for aid, raw in db.execute("SELECT id, data FROM articles")}
    finally:
        db.close()


def query_words(rows: dict[str, dict]) -> list[str]:
    """Searches that between them read most of the index: every word of every title, and a few
    of every body."""
    words: set[str] = set()
    for row in rows.values():
        words.update(re.findall(r"[a-z]{4,}", row["title"].lower()))
        for paragraph in row["body"][:3]:
            words.update(re.findall(r"[a-z]{5,}", paragraph.lower())[:15])
    return sorted(words)


def searches(client, words: list[str]) -> dict[str, tuple[int, int | None, str | None]]:
    """Every word searched through the JSON API: (status, total, error kind)."""
    out = {}
    for word in words:
        resp = client.get("/api/search", query_string={"q": word})
        body = resp.get_json() or {}
        out[word] = (resp.status_code, body.get("total"), body.get("error_kind"))
    return out


def pages_never_fail(client, rows: dict[str, dict], words: list[str]) -> list[str]:
    """Every kind of page over the damaged archive: none a server error (503 with a clear
    message is an answer); the bodies of those that could not answer as asked."""
    said = []
    urls = ["/", "/help", "/?q=" + words[0], "/?q=&f.category=Analysis", "/entity/organization/Taliban"]
    urls += [f"/article/{aid}" for aid in rows] + [f"/api/article/{aid}" for aid in rows]
    urls += [f"/?q={w}" for w in words] + [f"/export.{fmt}?q=" for fmt in ("csv", "jsonl", "ris")]
    for url in urls:
        resp = client.get(url)
        body = resp.get_data(as_text=True)  # streamed exports are read to the end here
        assert resp.status_code < 500 or resp.status_code == 503, (url, resp.status_code, body[:400])
        assert "Traceback" not in body, url
        if url.startswith("/api/"):
            json.loads(body)
        elif url.startswith("/export"):
            assert resp.status_code in (200, 503), url
        else:
            assert body.rstrip().endswith("</html>"), url
        if resp.status_code != 200 or not url.startswith(("/article/", "/api/article/", "/export")):
            # (an article's provenance names the files it was read from; nothing else may)
            assert not re.search(r"/(tmp|work|home|root|var)/", body), (url, "a server path is shown", body[:400])
        if resp.status_code == 503 or "quarry rebuild" in body or "quarry check" in body:
            said.append(body)
    return said


# -- the kinds of damage ---------------------------------------------------------------------------


def _index_file(data: Path, suffix: str) -> Path:
    version = current_version(data)
    found = sorted(version.glob(f"*{suffix}"), key=lambda p: p.stat().st_size)
    return found[-1]


def truncated_columns(data: Path) -> str:
    path = max(current_version(data).glob("columns-*.npz"), key=lambda p: int(p.stem.split("-")[1]))
    os.truncate(path, path.stat().st_size // 2)
    return path.name


def overwritten_postings(data: Path) -> str:
    path = _index_file(data, ".pst")
    with open(path, "r+b") as fh:
        fh.seek(max(0, path.stat().st_size // 2 - 2048))
        fh.write(random.Random(15).randbytes(4096))
    return path.name


def truncated_postings(data: Path) -> str:
    path = _index_file(data, ".pst")
    os.truncate(path, path.stat().st_size // 2)
    return path.name


def flipped_store_row(data: Path) -> str:
    """One byte of one article's stored JSON changed in the file itself (SQLite's integrity check
    does not look inside a row); returns the article's id."""
    store = DataDir(data).store
    db = sqlite3.connect(store)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    aid = db.execute("SELECT id FROM articles ORDER BY id LIMIT 1").fetchone()[0]
    db.close()
    raw = bytearray(store.read_bytes())
    at = raw.find(b'{"id": "' + aid.encode())
    assert at > 0
    raw[at] = ord("[")
    store.write_bytes(bytes(raw))
    db = sqlite3.connect(store)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    return aid


INDEX_DAMAGE = {
    "truncated-columns": truncated_columns,
    "overwritten-postings": overwritten_postings,
    "truncated-postings": truncated_postings,
}


@pytest.mark.parametrize("damage", list(INDEX_DAMAGE))
def test_index_damage_is_found_served_around_and_repaired(damage, archive_copy):
    data = archive_copy
    rows = stored_rows(data)
    words = query_words(rows)
    client = client_of(data)
    before = searches(client, words)
    assert all(s == 200 and kind is None for s, _, kind in before.values())
    assert quarry("check", data=data).returncode == 0

    name = INDEX_DAMAGE[damage](data)
    check = quarry("check", data=data)
    assert check.returncode == 1, check.stdout + check.stderr
    out = check.stdout + check.stderr
    assert re.search(r"^store: healthy", out, re.M), out
    assert re.search(r"^index: damaged", out, re.M) and name in out, out
    assert "Traceback" not in out

    # a fresh web app over the damaged index: no page is a server error
    client = client_of(data)
    pages_never_fail(client, rows, words)
    during = searches(client, words)
    assert all(s == 200 for s, _, _ in during.values()), during

    rebuilt = quarry("rebuild", data=data)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "up to date" not in rebuilt.stderr and name in rebuilt.stderr, rebuilt.stderr
    assert quarry("check", data=data).returncode == 0
    client = client_of(data)
    assert searches(client, words) == before  # every search works again, with the same totals


def test_a_damaged_store_row_is_reported_and_skipped(archive_copy):
    data = archive_copy
    rows = stored_rows(data)
    words = query_words(rows)
    client = client_of(data)
    before = searches(client, words)
    aid = flipped_store_row(data)

    check = quarry("check", data=data)
    out = check.stdout + check.stderr
    assert check.returncode == 1, out
    assert re.search(r"^store: damaged", out, re.M) and aid in out, out
    assert re.search(r"^index: healthy", out, re.M), out

    client = client_of(data)
    pages_never_fail(client, rows, words)
    page = client.get(f"/article/{aid}")
    assert page.status_code == 503 and "stored record is damaged" in page.get_data(as_text=True)
    api = client.get(f"/api/article/{aid}")
    assert api.status_code == 503 and "damaged" in api.get_json()["error"]["message"]
    during = searches(client, words)
    assert all(s == 200 and kind is None for s, _, kind in during.values()), during
    shown = client.get("/api/search", query_string={"size": 100}).get_json()
    assert aid not in {h["id"] for h in shown["results"]}
    export = client.get("/export.jsonl")
    assert export.status_code == 200
    assert len(export.get_data(as_text=True).splitlines()) == len(rows) - 1

    rebuilt = quarry("rebuild", "--force", data=data)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Traceback" not in rebuilt.stderr and aid in rebuilt.stderr and "damaged" in rebuilt.stderr
    client = client_of(data)
    after = searches(client, words)
    assert all(s == 200 and kind is None for s, _, kind in after.values()), after
    assert client.get("/api/search").get_json()["total"] == len(rows) - 1
    assert before.keys() == after.keys()

    # ingesting its source again replaces the damaged record
    source = rows[aid]["provenance"][0]["source"]
    again = quarry("ingest", source, "--no-entities", data=data)
    assert re.search(r"updated: 1\b", again.stderr) and "Traceback" not in again.stderr, again.stderr
    assert quarry("check", data=data).returncode == 0
    assert client_of(data).get(f"/article/{aid}").status_code == 200
    assert searches(client_of(data), words) == before


def _damage_header(store: Path) -> None:
    with open(store, "r+b") as fh:
        fh.write(b"not a database!!")


def _damage_schema(store: Path) -> None:
    with open(store, "r+b") as fh:  # page 1 after the 100-byte header: the schema table's page
        fh.seek(100)
        fh.write(b"\xff" * 4000)


@pytest.mark.parametrize("damage", [_damage_header, _damage_schema], ids=["header", "schema"])
def test_a_damaged_store_file_is_a_clear_error_everywhere(damage, archive_copy):
    data = archive_copy
    rows = stored_rows(data)
    words = query_words(rows)[:5]
    sqlite3.connect(DataDir(data).store).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
    damage(DataDir(data).store)

    client = client_of(data)
    said = pages_never_fail(client, rows, words)
    assert said and all("store" in body for body in said), said[:1]
    assert client.get(f"/article/{next(iter(rows))}").status_code == 503
    for args in (["check"], ["rebuild"], ["rebuild", "--force"], ["search", "courts"], ["serve", "--port", "1"]):
        res = quarry(*args, data=data)
        out = res.stdout + res.stderr
        assert res.returncode == 3, (args, out)
        assert "Traceback" not in out and "article store" in out and "cannot be read" in out, (args, out)


def test_an_index_without_checksums_is_read_whole_to_find_damage(archive_copy):
    """An index built before checksums were kept: `quarry rebuild` reads it whole, rebuilds it
    when damaged, and records its checksums when sound."""
    data = archive_copy
    words = query_words(stored_rows(data))
    before = searches(client_of(data), words)
    meta_path = current_version(data) / "meta.json"
    meta = json.loads(meta_path.read_text())
    for key in ("files", "generation"):
        meta.pop(key)
    meta_path.write_text(json.dumps(meta))
    sound = quarry("rebuild", data=data)
    assert sound.returncode == 0 and "up to date" in sound.stderr, sound.stderr
    assert "files" in json.loads(meta_path.read_text())  # recorded now

    meta_path.write_text(json.dumps(meta))
    overwritten_postings(data)
    check = quarry("check", data=data)
    assert check.returncode == 1 and "no checksums recorded" in check.stdout, check.stdout
    rebuilt = quarry("rebuild", data=data)
    assert rebuilt.returncode == 0 and "index rebuilt" in rebuilt.stderr, rebuilt.stderr
    assert searches(client_of(data), words) == before
