"""The engine over the annotations: ``tag:`` and ``note:`` as query fields (with AND, OR, NOT
around them), the Tag facet counted over the result set, collections and id sets as result sets,
tags and notes on hits, and all of it holding across a rebuild (articles are held by id).

Expected sets are computed from the annotations written here and the ids the plain search
returns, never from the masks or counts under test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quarry.archive.annotations import AnnotationsDB
from quarry.archive.datadir import DataDir
from quarry.index.api import ErrorKind, SearchRequest
from quarry.index.engine import Archive
from quarry.index.update import rebuild

ALL = SearchRequest(page_size=100)


@pytest.fixture(scope="module")
def data(built_archive, tmp_path_factory):
    target = tmp_path_factory.mktemp("annotated") / "data"
    shutil.copytree(built_archive, target)
    return target


@pytest.fixture(scope="module")
def engine(data):
    return Archive(data)


@pytest.fixture(scope="module")
def ids(engine) -> list[str]:
    found = [h.id for h in engine.search(ALL).hits]
    assert len(found) >= 6
    return found


@pytest.fixture(scope="module")
def annotated(data, ids):
    """Tags and notes on the first articles: returns {tag: ids} and {article: note}."""
    a, b, c, d = ids[:4]
    with AnnotationsDB.open(data) as db:
        db.notes.add_tags(a, ["chapter-3", "key"])
        db.notes.add_tags(b, ["Chapter-3"])
        db.notes.add_tags(c, ["key", "funding trail"])
        db.notes.set_note(a, "The courts ruled on funding in Kandahar.")
        db.notes.set_note(d, "Courts, elsewhere; funding is unclear.")
    return {"chapter-3": {a, b}, "key": {a, c}, "funding trail": {c}}, {a, d}


def found(engine, q: str = "", **kw) -> set[str]:
    result = engine.search(SearchRequest(q=q, page_size=100, **kw))
    assert result.query_error is None, (q, result.query_error)
    assert result.total == len(result.hits)
    return {h.id for h in result.hits}


def test_tag_and_note_clauses_combine_like_any_field(engine, ids, annotated):
    tags, noted = annotated
    every = set(ids)
    assert found(engine, "tag:chapter-3") == tags["chapter-3"]
    assert found(engine, "tag:CHAPTER-3") == tags["chapter-3"]  # one tag whatever the case
    assert found(engine, "tags:key") == tags["key"]
    assert found(engine, 'tag:"funding trail"') == tags["funding trail"]
    assert found(engine, "tag:chap*") == tags["chapter-3"]
    assert found(engine, "tag:chapter-3 AND tag:key") == tags["chapter-3"] & tags["key"]
    assert found(engine, "tag:chapter-3 OR tag:key") == tags["chapter-3"] | tags["key"]
    assert found(engine, "tag:key NOT tag:chapter-3") == tags["key"] - tags["chapter-3"]
    assert found(engine, "-tag:key") == every - tags["key"]
    assert found(engine, "note:court") == noted  # stemmed, like the article text
    assert found(engine, 'note:"funding in kandahar"') == {ids[0]}
    assert found(engine, 'note:"courts funding"~4') == noted
    assert found(engine, "note:kand*") == {ids[0]}
    assert found(engine, "(tag:chapter-3 OR note:unclear) -tag:key") == (tags["chapter-3"] | {ids[3]}) - tags["key"]
    assert found(engine, "tag:no-such-tag") == set()
    words = found(engine, "taliban")
    assert found(engine, "taliban OR tag:key") == words | tags["key"]
    assert found(engine, "taliban tag:key") == words & tags["key"]


def test_the_tag_facet_counts_over_the_result_set_and_filters_and_excludes(engine, ids, annotated):
    tags, _ = annotated
    result = engine.search(SearchRequest())
    facet = next(f for f in result.facets if f.name == "tag")
    assert {v.value: v.count for v in facet.values} == {t: len(s) for t, s in tags.items()}
    assert facet.label == "Tag"
    narrowed = engine.search(SearchRequest(q="tag:key"))
    counts = {v.value: v.count for v in next(f for f in narrowed.facets if f.name == "tag").values}
    assert counts == {t: len(s & tags["key"]) for t, s in tags.items() if s & tags["key"]}
    assert found(engine, filters={"tag": ["chapter-3", "funding trail"]}) == tags["chapter-3"] | tags["funding trail"]
    assert found(engine, filters={"tag": ["CHAPTER-3"]}) == tags["chapter-3"]
    assert found(engine, excludes={"tag": ["key"]}) == set(ids) - tags["key"]
    # a selected tag keeps the other tags' counts (OR within a facet), like every facet
    chosen = engine.search(SearchRequest(filters={"tag": ["key"]}))
    counts = {v.value: v.count for v in next(f for f in chosen.facets if f.name == "tag").values}
    assert counts["chapter-3"] == len(tags["chapter-3"])


def test_hits_carry_their_tags_and_note(engine, ids, annotated):
    hits = {h.id: h for h in engine.search(ALL).hits}
    assert hits[ids[0]].tags == ["chapter-3", "key"] and hits[ids[0]].note.startswith("The courts")
    assert hits[ids[4]].tags == [] and hits[ids[4]].note == ""
    assert engine.search(ALL).to_json()["results"][0].keys() >= {"tags", "note"}


def test_a_new_tag_is_counted_on_the_next_search(data, engine, ids, annotated):
    before = found(engine, "tag:fresh")
    with AnnotationsDB.open(data) as db:
        db.notes.add_tags(ids[5], ["fresh"])
        assert found(engine, "tag:fresh") == before | {ids[5]}  # the same engine, no restart
        db.notes.remove_tag(ids[5], "fresh")
    assert found(engine, "tag:fresh") == before


def test_a_collection_and_an_id_set_are_result_sets(data, engine, ids):
    chosen = ids[1:5]
    with AnnotationsDB.open(data) as db:
        coll = db.collections.create("Four", chosen)
    assert found(engine, collection=coll.id) == set(chosen)
    result = engine.search(SearchRequest(collection=coll.id))
    assert result.histogram and sum(b.count for b in result.histogram) + result.undated == 4
    sites = {v.value: v.count for v in next(f for f in result.facets if f.name == "site").values}
    assert sum(sites.values()) <= 4
    plain = found(engine, "group")
    assert found(engine, "group", collection=coll.id) == plain & set(chosen)
    assert found(engine, ids=frozenset(ids[:2] + ["not-an-article"])) == set(ids[:2])
    assert found(engine, collection=coll.id, ids=frozenset(ids[:2])) == {ids[1]}
    assert found(engine, collection="nonexistent") == set()
    listed = engine.result_ids(SearchRequest(collection=coll.id, sort="oldest"))
    assert sorted(listed.ids) == sorted(chosen) and "/" in listed.index_version
    assert [a.id for a in engine.export_rows(SearchRequest(collection=coll.id, sort="oldest"))] == listed.ids
    assert SearchRequest.from_args({"collection": [coll.id]}).collection == coll.id
    assert SearchRequest.from_args({"collection": ["../x"]}).collection is None
    assert ("collection", coll.id) in SearchRequest(collection=coll.id).to_args()


def test_annotations_hold_by_article_id_across_a_rebuild(tmp_path, built_archive):
    data = tmp_path / "data"
    shutil.copytree(built_archive, data)
    engine = Archive(data)
    ids = [h.id for h in engine.search(ALL).hits]
    version = engine.health().index_version
    with AnnotationsDB.open(data) as db:
        db.notes.add_tags(ids[-1], ["last"])
        coll = db.collections.create("Ends", [ids[0], ids[-1]])
    done = rebuild(data, force=True)
    assert done.rebuilt
    after = Archive(data)
    assert after.health().index_version != version  # a new index, made from the store
    assert found(after, "tag:last") == {ids[-1]}
    assert found(after, collection=coll.id) == {ids[0], ids[-1]}


def test_without_an_annotations_database_nothing_is_tagged_and_nothing_fails(tmp_path, built_archive):
    data = tmp_path / "data"
    shutil.copytree(built_archive, data)
    engine = Archive(data)
    result = engine.search(SearchRequest(q="tag:x OR note:y"))
    assert result.total == 0 and result.query_error is None and result.suggestion is None
    facet = next(f for f in engine.search(SearchRequest()).facets if f.name == "tag")
    assert facet.values == [] and not facet.timed_out
    assert engine.health().ok and not engine.health().notes


def test_an_annotations_database_made_anew_is_read_afresh(tmp_path, built_archive):
    data = tmp_path / "data"
    shutil.copytree(built_archive, data)
    engine = Archive(data)
    ids = [h.id for h in engine.search(ALL).hits]
    with AnnotationsDB.open(data) as db:
        db.notes.add_tags(ids[0], ["before"])
    assert found(engine, "tag:before") == {ids[0]}  # the engine now holds a connection to it
    path = DataDir(data).annotations
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    assert found(engine, "tag:before") == set()
    with AnnotationsDB.open(data) as db:  # the same number of writes as the one before
        db.notes.add_tags(ids[1], ["after"])
    assert found(engine, "tag:after") == {ids[1]} and found(engine, "tag:before") == set()
    facet = next(f for f in engine.search(SearchRequest()).facets if f.name == "tag")
    assert [v.value for v in facet.values] == ["after"]


def test_an_unreadable_annotations_database_is_said_and_searching_goes_on(tmp_path, built_archive):
    data = tmp_path / "data"
    shutil.copytree(built_archive, data)
    DataDir(data).annotations.write_bytes(b"this is not a database " * 100)
    engine = Archive(data)
    result = engine.search(SearchRequest(q="group"))
    assert result.total > 0 and result.error_kind is None  # the archive itself answers
    assert next(f for f in result.facets if f.name == "tag").values == []
    tagged = engine.search(SearchRequest(q="tag:x"))
    assert tagged.error_kind is ErrorKind.UNAVAILABLE and "annotations database" in tagged.query_error
    assert any("annotations database" in note for note in engine.health().notes)
