"""The annotations database on its own: collections, tags, notes, saved searches, JSON Lines
transfer, and exports with tags, notes and a collection's header (validated by rispy,
bibtexparser and json). No index is involved."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import bibtexparser
import pytest
import rispy

from quarry.archive.annotations import (
    AnnotationsDB,
    AnnotationsError,
    AnnotationsUnavailable,
    ArticleNotes,
)
from quarry.archive.annotations.exporting import ExportHeader, describe_query, write_annotated
from quarry.archive.annotations.transfer import export_lines, import_lines
from quarry.archive.datadir import DataDir
from quarry.archive.exports import EXPORT_FORMATS
from quarry.archive.model import Article

HOSTILE = '=cmd|"/c calc"!A1 {braces} \\ 100% & <script>x</script>'


@pytest.fixture()
def db(tmp_path):
    with AnnotationsDB.open(tmp_path) as opened:
        yield opened


# -- the database ---------------------------------------------------------------------------------


def test_it_lives_where_the_data_dir_says_and_reads_as_nothing_before_first_write(tmp_path):
    assert AnnotationsDB.open(tmp_path, readonly=True) is None
    with AnnotationsDB.open(tmp_path) as db:
        assert db.path == DataDir(tmp_path).annotations
        assert db.revision == 0
        db.notes.add_tags("a1", ["x"])
        assert db.revision == 1
    reader = AnnotationsDB.open(tmp_path, readonly=True)
    assert reader.notes.tag_pairs() == [("a1", "x")]
    with pytest.raises(sqlite3.OperationalError):  # read-only really is
        reader.conn.execute("DELETE FROM tags")


def test_no_database_is_made_where_there_is_no_data_directory(tmp_path):
    with pytest.raises(AnnotationsUnavailable):
        AnnotationsDB.open(tmp_path / "missing")
    assert not (tmp_path / "missing").exists()


def test_a_database_from_a_newer_quarry_is_refused_not_changed(tmp_path):
    AnnotationsDB.open(tmp_path).close()
    conn = sqlite3.connect(DataDir(tmp_path).annotations)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    for readonly in (True, False):
        with pytest.raises(AnnotationsUnavailable, match="newer Quarry"):
            AnnotationsDB.open(tmp_path, readonly=readonly)


def test_collections_freeze_ids_and_keep_hand_changes_as_record(db):
    c = db.collections.create("  Chapter   3 ", ["a", "b", "c", "b"], query="q=x", index_version="v/1", author="ann")
    assert (c.name, c.frozen_count, c.count, c.author) == ("Chapter 3", 3, 3, "ann")
    assert db.collections.members(c.id) == ["a", "b", "c"]
    assert db.collections.add(c.id, ["d", "a"], "bob") == 1  # "a" is in it already
    assert db.collections.remove(c.id, "b", "bob") and db.collections.remove(c.id, "d", "bob")
    assert not db.collections.remove(c.id, "zzz")
    c = db.collections.get(c.id)
    assert (c.count, c.added, c.removed, c.updated_by) == (2, 0, 1, "bob")
    assert db.collections.members(c.id) == ["a", "c"]
    assert db.collections.frozen(c.id) == ["a", "b", "c"]  # what was frozen stays known
    assert db.collections.add(c.id, ["b"]) == 1  # a frozen article comes back in its place
    assert db.collections.members(c.id) == ["a", "b", "c"]
    assert [x.id for x in db.collections.of_article("a")] == [c.id]
    assert db.collections.containing(["a", "q"]) == {"a": [c.id]}
    c = db.collections.edit(c.id, name="Renamed", description="Why these", author="ann")
    assert (c.name, c.description) == ("Renamed", "Why these")
    assert db.collections.delete(c.id) and db.collections.get(c.id) is None
    assert db.conn.execute("SELECT COUNT(*) FROM collection_items").fetchone()[0] == 0


@pytest.mark.parametrize("name,message", [("", "needs a name"), ("   ", "needs a name"), ("x" * 201, "at most")])
def test_bad_collection_names_are_refused_and_nothing_is_written(db, name, message):
    with pytest.raises(AnnotationsError, match=message):
        db.collections.create(name, ["a"])
    assert db.collections.list() == [] and db.revision == 0


def test_unknown_collections_are_named(db):
    assert db.collections.get("nope") is None and db.collections.get("../x") is None
    with pytest.raises(AnnotationsError, match="no collection"):
        db.collections.add("nope", ["a"])


def test_tags_keep_one_spelling_whatever_the_case(db):
    assert db.notes.add_tags("a", ["Chapter-3", " key   source "], "ann") == ["Chapter-3", "key source"]
    assert db.notes.add_tags("b", ["chapter-3", "CHAPTER-3"]) == ["Chapter-3"]
    assert db.notes.add_tags("a", ["CHAPTER-3"]) == []
    assert sorted(db.notes.tag_pairs()) == [("a", "Chapter-3"), ("a", "key source"), ("b", "Chapter-3")]
    assert db.notes.tag_counts() == [("Chapter-3", 2), ("key source", 1)]
    assert sorted(db.notes.tagged("term", "chapter-3")) == ["a", "b"]
    assert sorted(db.notes.tagged("prefix", "chap")) == ["a", "b"]
    assert db.notes.tagged("wildcard", "key*") == ["a"]
    assert db.notes.remove_tag("a", "CHAPTER-3") and db.notes.tags_of("a") == ["key source"]


@pytest.mark.parametrize("tag,message", [("a,b", "comma"), ("", "empty"), ("x" * 65, "at most")])
def test_bad_tags_are_refused(db, tag, message):
    with pytest.raises(AnnotationsError, match=message):
        db.notes.add_tags("a", [tag])
    assert db.notes.tag_pairs() == []


def test_an_article_holds_at_most_50_tags(db):
    db.notes.add_tags("a", [f"t{n}" for n in range(50)])
    with pytest.raises(AnnotationsError, match="at most 50"):
        db.notes.add_tags("a", ["one more"])
    assert len(db.notes.tags_of("a")) == 50


def test_notes_are_searched_with_stems_phrases_proximity_prefixes_and_wildcards(db):
    db.notes.set_note("a", "The courts of the Taliban in Kandahar ruled again.", "ann")
    db.notes.set_note("b", "Courts elsewhere; the Taliban ruled nothing.", "ann")
    assert sorted(db.notes.note_matches("term", ("court",))) == ["a", "b"]
    assert db.notes.note_matches("phrase", ("taliban", "in", "kandahar")) == ["a"]
    assert db.notes.note_matches("phrase", ("courts", "taliban")) == []
    assert sorted(db.notes.note_matches("phrase", ("courts", "taliban"), 4)) == ["a", "b"]
    assert db.notes.note_matches("prefix", ("kand",)) == ["a"]
    assert db.notes.note_matches("wildcard", ("k?ndahar",)) == ["a"]
    assert db.notes.note_matches("term", ('"',)) == []  # no word at all: nothing, no error
    note = db.notes.set_note("a", "Rewritten entirely", "bob")
    assert (note.author, note.updated_by) == ("ann", "bob")
    assert db.notes.note_matches("term", ("kandahar",)) == [] and db.notes.note_matches("term", ("rewritten",)) == ["a"]
    assert db.notes.set_note("a", "   ") is None and db.notes.note_of("a") is None
    assert db.notes.note_matches("term", ("rewritten",)) == []


def test_annotations_of_many_articles_at_once(db):
    db.notes.add_tags("a", ["x", "y"])
    db.notes.set_note("b", "text")
    ids = [f"id{n}" for n in range(1200)] + ["a", "b"]  # more than one statement's parameters
    assert db.notes.annotations_of(ids) == {"a": ArticleNotes(["x", "y"], ""), "b": ArticleNotes([], "text")}


def test_saved_searches_compare_with_each_users_last_look(db):
    s = db.saved.create("Watch", "q=taliban", ["a", "b"], index_version="v/1", author="ann")
    assert db.saved.baseline(s.id, "bob").ids == ["a", "b"]  # never opened: when it was saved
    first = db.saved.record(s.id, "bob", ["a", "b", "c"])
    assert db.saved.baseline(s.id, "bob").ids == ["a", "b", "c"]
    assert db.saved.baseline(s.id, "ann").ids == ["a", "b"]
    assert db.saved.snapshot(s.id, first.id).ids == ["a", "b", "c"]
    for n in range(5):
        db.saved.record(s.id, "bob", ["a"] * n)
    kept = [x for x in db.saved.snapshots(s.id) if x.user == "bob"]
    assert len(kept) == 3 and db.saved.snapshot(s.id, first.id) is None
    assert db.saved.baseline(s.id, "").user == ""  # the first one is kept for everyone
    assert db.saved.rename(s.id, "Watch 2").name == "Watch 2"
    assert db.saved.delete(s.id) and db.saved.snapshots(s.id) == []


# -- JSON Lines out and in ------------------------------------------------------------------------


def _fill(db: AnnotationsDB) -> None:
    c = db.collections.create("Chapter 3", ["a", "b", "c"], query="q=taliban&f.category=Analysis", author="ann")
    db.collections.add(c.id, ["d"], "ann")
    db.collections.remove(c.id, "b", "ann")
    db.notes.add_tags("a", ["chapter-3", HOSTILE.replace(",", "")[:60]], "ann")
    db.notes.set_note("a", HOSTILE + "\nsecond line", "ann")
    s = db.saved.create("Watch", "q=taliban", ["a"], author="ann")
    db.saved.record(s.id, "ann", ["a", "b"])


def _records(db: AnnotationsDB) -> list[dict]:
    return [json.loads(line) for line in export_lines(db)][1:]


def two_dirs(tmp_path):
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    return tmp_path / "one", tmp_path / "two"


def test_export_import_round_trip_and_a_second_import_duplicates_nothing(tmp_path):
    two_dirs(tmp_path)
    with AnnotationsDB.open(tmp_path / "one") as one, AnnotationsDB.open(tmp_path / "two") as two:
        _fill(one)
        lines = list(export_lines(one))
        assert json.loads(lines[0])["type"] == "quarry-annotations"
        report = import_lines(two, lines)
        assert not report.problems
        assert dict(report.added) == {"collection": 1, "tag": 2, "note": 1, "saved_search": 1}
        assert _records(two) == _records(one)
        again = import_lines(two, lines)
        assert not again.added and not again.updated and sum(again.unchanged.values()) == 5
        assert _records(two) == _records(one)
        assert two.notes.note_matches("term", ("second",)) == ["a"]  # the note is searchable


def test_import_merges_newer_edits_and_keeps_what_is_here(tmp_path):
    two_dirs(tmp_path)
    with AnnotationsDB.open(tmp_path / "one") as one, AnnotationsDB.open(tmp_path / "two") as two:
        _fill(one)
        import_lines(two, export_lines(one))
        cid = one.collections.list()[0].id
        two.notes.add_tags("z", ["mine"])  # only here
        records = _records(one)
        for r in records:
            if r["type"] == "note":
                r.update(text="newer text", updated_at="2999-01-01T00:00:00Z")
            if r["type"] == "collection":
                r.update(name="Newer name", updated_at="2999-01-01T00:00:00Z")
                r["items"].append({**r["items"][0], "article_id": "e", "frozen": False, "position": 9})
        report = import_lines(two, [json.dumps(r) + "\n" for r in records])
        assert report.updated["note"] == 1 and report.updated["collection"] == 1
        assert two.notes.note_of("a").text == "newer text"
        assert two.collections.get(cid).name == "Newer name"
        assert two.collections.members(cid) == ["a", "c", "d", "e"]
        assert two.notes.tags_of("z") == ["mine"]
        for r in records:  # an older edit does not replace a newer one
            if r["type"] == "note":
                r.update(text="older text", updated_at="2000-01-01T00:00:00Z")
        import_lines(two, [json.dumps(r) + "\n" for r in records])
        assert two.notes.note_of("a").text == "newer text"


def test_unreadable_lines_are_named_and_skipped(db):
    lines = ['{"type": "quarry-annotations", "version": 1}\n', "not json\n", '["a list"]\n',
             '{"type": "tag", "article_id": "a"}\n', '{"type": "tag", "article_id": "a", "tag": "x,y", "created_at": "t"}\n',
             '{"type": "wat"}\n', '{"type": "collection", "id": "../../etc", "name": "x"}\n',
             '{"type": "tag", "article_id": "a", "tag": "good", "created_at": "2024-01-01T00:00:00Z"}\n']  # fmt: skip
    report = import_lines(db, lines)
    assert [p.split(":")[0] for p in report.problems] == [f"line {n}" for n in (2, 3, 4, 5, 6, 7)]
    assert "'tag' is missing" in report.problems[2] and "comma" in report.problems[3]
    assert db.notes.tag_pairs() == [("a", "good")]
    report = import_lines(db, ['{"type": "quarry-annotations", "version": 2}\n'])
    assert report.problems == ["line 1: format version 2, not 1"]


# -- exports --------------------------------------------------------------------------------------


def articles() -> list[Article]:
    return [
        Article(id="a1", title="Courts {and} 100% & co", body=["First paragraph."], authors=["Dana Fischer"],
                categories=["Analysis"], site="Example Monitor", url="https://example.org/a1"),
        Article(id="a2", title="=Second", body=["Text."], authors=[], categories=[]),
        Article(id="a3", title="Third", body=["More."], authors=["Ivo Petrov"], categories=["Reports"]),
    ]  # fmt: skip


NOTES = {"a1": ArticleNotes(["chapter-3", "key & core"], HOSTILE + "\nline two"), "a3": ArticleNotes(["chapter-3"], "")}
HEADER = ExportHeader(id="c0ffee0001", name="Chapter {3} & co", description="Why: " + HOSTILE, search="the query “x”",
                      query="q=x", frozen_at="2024-03-01T10:00:00Z", index_version="v1/2", frozen_count=3,
                      count=3, exported_at="2024-04-01T10:00:00Z", url="http://127.0.0.1:8080/collection/c0ffee0001")  # fmt: skip


def export(fmt: str, header: ExportHeader | None = HEADER, notes=NOTES) -> str:
    return "".join(write_annotated(fmt, articles(), lambda ids: {i: notes[i] for i in ids if i in notes}, header))


def test_without_annotations_or_header_the_writers_output_is_unchanged():
    for fmt in ("jsonl", "ris", "bib", "csl.json"):
        assert export(fmt, None, {}) == "".join(EXPORT_FORMATS[fmt][2](articles())), fmt


def test_ris_export_validates_with_tags_notes_and_the_collection_on_every_record():
    records = rispy.loads(export("ris"))
    assert [r["id"] for r in records] == ["a1", "a2", "a3"]
    assert set(records[0]["keywords"]) >= {"chapter-3", "key & core", "Analysis"}
    assert any("line two" in n and "calc" in n for n in records[0]["notes"])
    for r in records:
        assert any(n.startswith("Quarry collection “Chapter {3} & co” (id c0ffee0001): 3 articles") for n in r["notes"])
    assert all(r.get("type_of_reference") for r in records)


def test_bibtex_export_validates_with_a_comment_header_and_merged_fields():
    library = bibtexparser.parse_string(export("bib"))
    assert library.failed_blocks == []
    assert len(library.entries) == 3
    assert "c0ffee0001" in library.comments[0].comment and "frozen 2024-03-01T10:00:00Z" in library.comments[0].comment
    first = library.entries[0].fields_dict
    assert "chapter-3" in first["keywords"].value and "Analysis" in first["keywords"].value
    assert "line two" in first["note"].value and "Quarry archive id a1" in first["note"].value
    for entry in library.entries:  # merged, never a second field of the same name
        names = [f.key.lower() for f in entry.fields]
        assert len(names) == len(set(names)), names


def test_csl_json_export_is_an_array_of_items_with_notes():
    items = json.loads(export("csl.json"))
    assert [i["id"] for i in items] == ["a1", "a2", "a3"]
    assert all(i["type"] and i["title"] for i in items)
    assert "line two" in items[0]["note"] and "chapter-3" in items[0]["keyword"]
    assert all("Quarry collection" in i["note"] for i in items)


def test_jsonl_export_leads_with_the_collection_then_articles_with_tags_and_note():
    lines = [json.loads(line) for line in export("jsonl").splitlines()]
    assert lines[0]["type"] == "quarry-collection" and lines[0]["id"] == "c0ffee0001" and lines[0]["count"] == 3
    assert [x["id"] for x in lines[1:]] == ["a1", "a2", "a3"]
    assert lines[1]["tags"] == ["chapter-3", "key & core"] and lines[1]["note"].endswith("line two")
    assert "tags" not in lines[2] and lines[3]["tags"] == ["chapter-3"] and "note" not in lines[3]


def test_csv_export_has_tag_and_note_columns_and_the_collection_as_first_record():
    rows = list(csv.DictReader(io.StringIO(export("csv"))))
    assert rows[0]["id"] == "collection:c0ffee0001" and "frozen 2024-03-01T10:00:00Z" in rows[0]["text"]
    assert rows[0]["note"].startswith("Why: ")
    assert [r["id"] for r in rows[1:]] == ["a1", "a2", "a3"]
    assert rows[1]["tags"] == "chapter-3; key & core" and rows[1]["note"].startswith("'=cmd")  # defused
    assert rows[2]["title"] == "'=Second" and rows[2]["tags"] == rows[2]["note"] == ""
    plain = list(csv.DictReader(io.StringIO(export("csv", None, {}))))
    assert [r["id"] for r in plain] == ["a1", "a2", "a3"]


def test_a_search_is_described_for_people():
    text = describe_query("q=taliban&f.category=Analysis&x.site=Example+Wire&from=2021&collection=abc")
    assert text == "the query “taliban”, category Analysis, not site Example Wire, from 2021, within collection abc"
    assert describe_query("") == "browsing the whole archive"
