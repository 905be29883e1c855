"""Annotations are the researcher's own: ``quarry rebuild --force``, ``--reextract`` and a kill -9
of ``quarry ingest`` leave them as they were, and ``quarry annotations export|import`` carries
them over whole. And the commands: ``quarry collection list|show|export``, ``quarry saved``."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time

import bibtexparser
import pytest
import rispy
from conftest import FIXTURES
from test_reliability import _wait_for_lock_holder, kill9, run_quarry, start_quarry, write_corpus

from quarry.archive.annotations import AnnotationsDB
from quarry.archive.datadir import DataDir
from quarry.index.api import SearchRequest
from quarry.index.engine import Archive

MORE = FIXTURES / "workflow" / "more.jsonl"


@pytest.fixture()
def data(built_archive, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(built_archive, target)
    return target


def annotate(data) -> dict:
    """A collection, tags, a note and a saved search; returns what they should resolve to."""
    engine = Archive(data)
    found = engine.result_ids(SearchRequest(q="group", filters={"category": ["Analysis"]}))
    everything = engine.result_ids(SearchRequest()).ids
    with AnnotationsDB.open(data) as db:
        coll = db.collections.create("Chapter 3", found.ids, query="q=group&f.category=Analysis",
                                     index_version=found.index_version, author="local")  # fmt: skip
        db.notes.add_tags(everything[0], ["chapter-3"], "local")
        db.notes.add_tags(everything[-1], ["chapter-3", "late"], "local")
        db.notes.set_note(everything[-1], "Keep: the funding trail.", "local")
        saved = db.saved.create("Group watch", "q=group", engine.result_ids(SearchRequest(q="group")).ids)
    return {"collection": coll.id, "members": set(found.ids), "tagged": {everything[0], everything[-1]},
            "noted": {everything[-1]}, "saved": saved.id}  # fmt: skip


def state(data) -> list[str]:
    """The whole annotations database as exported (the export time left out)."""
    res = run_quarry("annotations", "export", "--data-dir", str(data))
    assert res.returncode == 0, res.stderr
    return res.stdout.splitlines()[1:]


def assert_intact(data, expected: dict, exported: list[str]) -> None:
    db = sqlite3.connect(f"file:{DataDir(data).annotations}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
    assert state(data) == exported
    engine = Archive(data)
    ids = lambda **kw: {h.id for h in engine.search(SearchRequest(page_size=100, **kw)).hits}  # noqa: E731
    assert ids(collection=expected["collection"]) == expected["members"]
    assert ids(q="tag:chapter-3") == expected["tagged"]
    assert ids(q="note:funding") == expected["noted"]


def test_rebuild_force_leaves_annotations_as_they_were(data):
    expected = annotate(data)
    before = state(data)
    res = run_quarry("rebuild", "--force", "--data-dir", str(data))
    assert res.returncode == 0 and "index rebuilt" in res.stderr, res.stderr
    assert_intact(data, expected, before)


def test_reextract_leaves_annotations_as_they_were(data):
    expected = annotate(data)
    before = state(data)
    res = run_quarry("rebuild", "--reextract", "--data-dir", str(data))
    assert res.returncode in (0, 1) and "index rebuilt" in res.stderr, res.stderr  # 1: the bad fixtures
    assert_intact(data, expected, before)


@pytest.mark.slow
def test_kill9_of_ingest_leaves_annotations_as_they_were(data, tmp_path):
    expected = annotate(data)
    before = state(data)
    corpus = write_corpus(tmp_path / "more.jsonl", 600, seed=3)
    killed = 0
    for delay in (0.5, 2.0):
        proc = start_quarry("ingest", str(corpus), "--data-dir", str(data), "--no-entities")
        _wait_for_lock_holder(data, proc)
        time.sleep(delay)
        killed += kill9(proc)
        assert_intact(data, expected, before)
    assert killed, "the kill should land while the ingest is working"
    res = run_quarry("ingest", str(corpus), "--data-dir", str(data), "--no-entities")
    assert res.returncode == 0, res.stderr
    assert_intact(data, expected, before)


def test_export_import_round_trip_through_the_commands(data, tmp_path):
    expected = annotate(data)
    exported = tmp_path / "annotations.jsonl"
    res = run_quarry("annotations", "export", "--data-dir", str(data), "-o", str(exported))
    assert res.returncode == 0, res.stderr
    fresh = tmp_path / "fresh"
    shutil.copytree(data, fresh)
    DataDir(fresh).annotations.unlink()
    for suffix in ("-wal", "-shm"):
        DataDir(fresh).annotations.with_name(DataDir(fresh).annotations.name + suffix).unlink(missing_ok=True)
    res = run_quarry("annotations", "import", str(exported), "--data-dir", str(fresh), "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["added"] == {"collection": 1, "tag": 3, "note": 1, "saved_search": 1}
    assert_intact(fresh, expected, state(data))
    again = run_quarry("annotations", "import", str(exported), "--data-dir", str(fresh), "--json")
    assert json.loads(again.stdout)["added"] == {} and state(fresh) == state(data)
    broken = tmp_path / "broken.jsonl"
    broken.write_text(exported.read_text() + "{not json\n")
    res = run_quarry("annotations", "import", str(broken), "--data-dir", str(fresh))
    bad_line = len(exported.read_text().splitlines()) + 1
    assert res.returncode == 1 and f"skipped line {bad_line}: Expecting property name" in res.stderr


def test_collection_commands(data):
    expected = annotate(data)
    cid = expected["collection"]
    res = run_quarry("collection", "list", "--data-dir", str(data), "--json")
    listed = [json.loads(line) for line in res.stdout.splitlines()]
    assert [c["id"] for c in listed] == [cid] and listed[0]["count"] == len(expected["members"])
    res = run_quarry("collection", "show", cid, "--data-dir", str(data))
    assert res.returncode == 0 and "Chapter 3" in res.stdout
    assert {line.split()[0] for line in res.stdout.splitlines()[3:]} == expected["members"]
    shown = json.loads(run_quarry("collection", "show", cid, "--data-dir", str(data), "--json").stdout)
    assert set(shown["ids"]) == expected["members"]
    ris = run_quarry("collection", "export", cid, "--format", "ris", "--data-dir", str(data))
    records = rispy.loads(ris.stdout)
    assert {r["id"] for r in records} == expected["members"]
    assert all(any(f"(id {cid})" in n for n in r["notes"]) for r in records)
    bib = run_quarry("collection", "export", cid, "--format", "bib", "--data-dir", str(data)).stdout
    assert not bibtexparser.parse_string(bib).failed_blocks
    res = run_quarry("collection", "show", "nope", "--data-dir", str(data))
    assert res.returncode == 2 and "no collection" in res.stderr


def test_saved_prints_what_is_new_after_an_ingest(data):
    expected = annotate(data)
    res = run_quarry("saved", "--data-dir", str(data), "--json")
    row = json.loads(res.stdout)
    assert (row["name"], row["new_count"]) == ("Group watch", 0)
    assert run_quarry("ingest", str(MORE), "--data-dir", str(data)).returncode == 0
    res = run_quarry("saved", "--data-dir", str(data))
    assert res.returncode == 0 and "3 new" in res.stdout and "Group watch" in res.stdout
    row = json.loads(run_quarry("saved", "--data-dir", str(data), "--json").stdout)
    assert row["new_count"] == 3 and row["found_now"] == row["new_count"] + len(
        Archive(data).result_ids(SearchRequest(q="group")).ids) - 3  # fmt: skip
    with AnnotationsDB.open(data, readonly=True) as db:  # printing marks nothing seen
        assert db.saved.baseline(expected["saved"], "local").user == ""
    empty = run_quarry("saved", "--data-dir", str(data / "nowhere"))
    assert empty.returncode == 0 and "no saved searches" in empty.stderr
