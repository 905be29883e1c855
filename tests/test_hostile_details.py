"""The smaller findings of issue 15 (item 5): articles an interrupted ingest left unindexed are
named, a full disk is a message and a summary, a lock that is a directory is a message, killed
rebuilds' folders are cleaned up, /opensearch.xml never takes its origin from a Host header,
direction overrides and control characters are shown escaped on pages and in every command's
output, and no web page names a server path.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_archive

from quarry.archive.datadir import DataDir
from quarry.archive.pipeline import ingest
from quarry.archive.store import Store
from quarry.index.api import SearchRequest
from quarry.index.build import current_version
from quarry.index.engine import Archive
from quarry.web.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BODY = ("Officials in Kabul said the courts would hear the cases of the detained militia members next month, "
        "after the ceasefire talks in the capital ended without an agreement on the prisoners.")  # fmt: skip


def records(path: Path, n: int, offset: int = 0, **extra) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(offset, offset + n):
            fh.write(json.dumps({"title": f"Report {i} on the courts", "body": f"Report {i}. {BODY}",
                                 "url": f"https://example.org/r{i}", **extra}) + "\n")  # fmt: skip
    return path


def quarry(*args: str, data: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quarry.web.cli", *args, "--data-dir", str(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env or {})})  # fmt: skip


def client_of(data: Path, **settings):
    from quarry.web import create_app

    return create_app(Settings(data_dir=data, **settings), {"TESTING": True}).test_client()


# -- articles an interrupted ingest stored but did not index ---------------------------------------


def test_stored_articles_not_yet_indexed_are_named_by_serve_and_every_page(tmp_path, monkeypatch):
    import waitress
    from click.testing import CliRunner

    from quarry.web.cli import main

    data = tmp_path / "data"
    make_archive(data, records(tmp_path / "a.jsonl", 5), entities=False)
    store = Store(DataDir(data).store)
    try:  # what a killed ingest leaves: stored, never indexed
        ingest([records(tmp_path / "b.jsonl", 3, offset=5)], store, entities=False, data_dir=data, workers=1)
    finally:
        store.close()
    assert Archive(data).health().unindexed == 3
    page = client_of(data).get("/").get_data(as_text=True)
    assert "3 stored articles are not indexed yet" in page and "quarry rebuild" in page
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: None)
    result = CliRunner().invoke(main, ["serve", "--data-dir", str(data), "--port", "0"])
    assert "3 stored articles are not indexed yet" in result.output and "quarry rebuild" in result.output
    assert quarry("rebuild", data=data).returncode == 0
    assert Archive(data).health().unindexed == 0
    assert "not indexed yet" not in client_of(data).get("/").get_data(as_text=True)


# -- a full disk -------------------------------------------------------------------------------------


def test_a_full_disk_during_ingest_is_a_message_and_the_summary(tmp_path, monkeypatch, runner):
    """SQLite's own 'database or disk is full' (its page limit reached), as a full disk gives it."""
    from quarry.web.cli import main

    data = tmp_path / "data"
    make_archive(data, records(tmp_path / "a.jsonl", 3), entities=False)
    real_init = Store.__init__

    def small_disk(self, path, readonly=False):
        real_init(self, path, readonly)
        if not readonly:
            pages = self.db.execute("PRAGMA page_count").fetchone()[0]
            self.db.execute(f"PRAGMA max_page_count = {pages + 2}")

    monkeypatch.setattr(Store, "__init__", small_disk)
    big = tmp_path / "big.jsonl"
    with open(big, "w") as fh:
        for i in range(200):
            fh.write(json.dumps({"title": f"Long report {i}", "body": f"Long report {i}. " + BODY * 20,
                                 "url": f"https://example.org/long{i}"}) + "\n")  # fmt: skip
    result = runner.invoke(main, ["ingest", str(big), "--data-dir", str(data), "--no-entities", "--workers", "1"])
    out = result.output
    assert result.exit_code == 3, out
    assert "disk holding the archive is full" in out and "Traceback" not in out
    assert re.search(r"^read 1 files", out, re.M) and "new:" in out, out  # the summary
    monkeypatch.setattr(Store, "__init__", real_init)
    assert Archive(data).search(SearchRequest()).total >= 3  # what was there is kept


@pytest.fixture()
def tiny_disk(tmp_path):
    """A 1 MB tmpfs, where the machine lets us mount one (root, no container limits)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()[:80]})")
    yield mount
    subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_really_full_disk_during_ingest(tiny_disk, tmp_path):
    big = tmp_path / "big.jsonl"
    with open(big, "w") as fh:
        for i in range(600):
            fh.write(json.dumps({"title": f"Long report {i}", "body": f"Long report {i}. " + BODY * 30,
                                 "url": f"https://example.org/long{i}"}) + "\n")  # fmt: skip
    res = quarry("ingest", str(big), "--no-entities", "--workers", "1", data=tiny_disk / "data")
    out = res.stdout + res.stderr
    assert res.returncode == 3, out
    assert "disk holding the archive is full" in out and "Traceback" not in out
    assert re.search(r"^read 1 files", out, re.M), out


def test_enospc_from_any_write_is_the_same_message(tmp_path, monkeypatch, runner):
    import quarry.archive.pipeline as pipeline
    from quarry.web.cli import main

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "save_capture", no_space)
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><article><h1>A page</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>")
    result = runner.invoke(main, ["ingest", str(page), "--data-dir", str(tmp_path / "data"), "--no-entities"])
    assert result.exit_code == 3 and "disk holding the archive is full" in result.output, result.output
    assert "read 1 files" in result.output


# -- the writer lock and abandoned builds ------------------------------------------------------------


def test_a_lock_that_is_a_directory_is_a_message(tmp_path):
    data = tmp_path / "data"
    make_archive(data, records(tmp_path / "a.jsonl", 2), entities=False)
    (data / "write.lock").unlink()
    (data / "write.lock").mkdir()
    for args in (["ingest", str(records(tmp_path / "b.jsonl", 1, offset=9))], ["rebuild", "--force"], ["check"]):
        res = quarry(*args, data=data)
        assert res.returncode == 3, (args, res.stderr)
        assert "write.lock" in res.stderr and "directory" in res.stderr and "Traceback" not in res.stderr


def test_killed_rebuilds_folders_are_cleaned_by_the_next_writer(tmp_path):
    data = tmp_path / "data"
    make_archive(data, records(tmp_path / "a.jsonl", 2), entities=False)
    abandoned = DataDir(data).index_root / ".building-v20260101-000000-99999-1"
    abandoned.mkdir()
    (abandoned / "MAIN_x.pst").write_bytes(b"half a build")
    assert quarry("ingest", str(records(tmp_path / "b.jsonl", 1, offset=5)), "--no-entities", data=data).returncode == 0
    assert not abandoned.exists()


# -- /opensearch.xml --------------------------------------------------------------------------------


def test_opensearch_never_takes_its_origin_from_a_host_header(tmp_path):
    data = tmp_path / "data"
    make_archive(data, records(tmp_path / "a.jsonl", 1), entities=False)
    evil = client_of(data).get("/opensearch.xml", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in evil and 'template="/?q={searchTerms}"' in evil
    local = client_of(data).get("/opensearch.xml", headers={"Host": "127.0.0.1:8080"}).get_data(as_text=True)
    assert 'template="http://127.0.0.1:8080/?q={searchTerms}"' in local
    public = client_of(data, public_url="https://quarry.example.org/archive/")
    body = public.get("/opensearch.xml", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert 'template="https://quarry.example.org/archive/?q={searchTerms}"' in body and "evil" not in body
    assert Settings.load(public_url=None).public_url is None


def test_public_url_setting_is_checked(monkeypatch):
    from quarry.web.settings import SettingsError

    monkeypatch.setenv("QUARRY_PUBLIC_URL", "https://quarry.example.org")
    assert Settings.load().public_url == "https://quarry.example.org"
    monkeypatch.setenv("QUARRY_PUBLIC_URL", "javascript:alert(1)")
    with pytest.raises(SettingsError):
        Settings.load()


# -- direction overrides and control characters ------------------------------------------------------

RLO, ESC = "\u202e", "\x1b"


@pytest.fixture()
def spoofing(tmp_path) -> Path:
    folder = tmp_path / f"in\nforged line {ESC}[31m"
    folder.mkdir()
    with open(folder / f"exp{RLO}lnosj.jsonl", "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"title": f"Invoice {RLO}fdp.exe{ESC}[2J\nforged: 0", "body": f"Spoof. {BODY}",
                             "url": f"https://example.org/files/{RLO}gpj.exe", "categories": [f"cat{ESC}[1m"]},
                            ensure_ascii=False) + "\n")  # fmt: skip
    data = tmp_path / "data"
    make_archive(data, folder, entities=False)
    return data


def test_bidi_controls_are_shown_escaped_on_pages(spoofing):
    client = client_of(spoofing)
    hit = client.get("/api/search").get_json()["results"][0]
    assert RLO in hit["url"]  # the data is kept as it is
    for url in (f"/article/{hit['id']}", "/", "/?q=spoof"):
        html = client.get(url).get_data(as_text=True)
        assert RLO not in html and ESC not in html, url
    html = client.get(f"/article/{hit['id']}").get_data(as_text=True)
    assert "https://example.org/files/\\u202egpj.exe" in html


def test_every_command_escapes_what_came_from_inputs(spoofing, tmp_path):
    data = spoofing
    outputs = {
        "search": quarry("search", "spoof", data=data),
        "search --json": quarry("search", "spoof", "--json", data=data),
        "check": quarry("check", data=data),
        "rebuild": quarry("rebuild", "--force", data=data),
    }
    inputs = next(tmp_path.glob("in*"))
    outputs["extract"] = quarry("extract", str(inputs), "--no-entities", data=data)
    outputs["ingest"] = quarry("ingest", str(inputs), "--no-entities", data=data)
    for name, res in outputs.items():
        out = res.stdout + res.stderr
        assert RLO not in out and ESC not in out, (name, out)
        assert "forged" not in "".join(line for line in out.splitlines() if line.startswith("forged")), name
    assert "\\u202e" in outputs["search"].stdout and "\\x1b" in outputs["search"].stdout
    assert json.loads(outputs["search --json"].stdout)["results"][0]["url"].endswith(f"{RLO}gpj.exe")
    assert json.loads(outputs["extract"].stdout.splitlines()[0])["title"].startswith(f"Invoice {RLO}")


# -- no server path on a web page --------------------------------------------------------------------


def test_error_pages_never_name_a_server_path(tmp_path, caplog):
    data = tmp_path / "data"
    make_archive(data, records(tmp_path / "a.jsonl", 2), entities=False)
    for toc in current_version(data).glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    client = client_of(data)
    for url in ("/", "/api/search", "/?q=courts", "/export.csv", "/entity/location/Kabul"):
        body = client.get(url).get_data(as_text=True)
        assert str(tmp_path) not in body and "/tmp/" not in body, (url, body[:500])
    page = client.get("/").get_data(as_text=True)
    assert "the index cannot be read" in page
    assert str(data) in caplog.text  # the path is in the server's log


def test_sqlite_damage_message_is_plain(tmp_path):
    data = tmp_path / "data"
    make_archive(data, records(tmp_path / "a.jsonl", 2), entities=False)
    db = sqlite3.connect(DataDir(data).store)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    with open(DataDir(data).store, "r+b") as fh:
        fh.write(b"garbage garbage!")
    body = client_of(data).get("/api/search?q=courts").get_data(as_text=True)
    assert str(tmp_path) not in body and "article store cannot be read" in body
