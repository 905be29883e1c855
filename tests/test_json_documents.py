"""JSON documents (issue 13, item 2): one record, an array of records or an object holding one
are read as records with the JSONL/CSV field mapping; a pretty-printed JSON file is never read as
JSON Lines; a JSON file without records is one skipped line saying what it holds."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import FIXTURES

from quarry.archive.extract import NoArticle, extract
from quarry.archive.readers import ReadOptions, detect_format, read_path
from quarry.archive.readers.base import Problem

EXPORTS = FIXTURES / "exports"


def _read(path, **options):
    opts = ReadOptions(**options)
    docs, problems = [], []
    for item in read_path(path, opts):
        (problems if isinstance(item, Problem) else docs).append(item)
    return docs, problems, opts


def test_pretty_printed_files_are_json_documents_not_json_lines():
    for name in ("articles-array.json", "one-record.json", "wrapped.json", "crawler-settings.json"):
        assert detect_format(EXPORTS / name) == "json", name


def test_array_of_records_with_the_usual_field_names():
    docs, problems, opts = _read(EXPORTS / "articles-array.json")
    assert problems == []
    assert [d.member for d in docs] == ["item 1", "item 2", "item 3"]
    first = extract(docs[0], opts.field_map)
    assert first.title == "Militants attack checkpoint near Gao"
    assert first.body == ["Gunmen attacked an army checkpoint near Gao on Sunday, the army said.",
                          "Two soldiers were wounded."]  # fmt: skip
    assert first.published == date(2023, 5, 14)
    assert first.site == "sahel-monitor.example"
    assert first.authors == [] and first.categories == ["Mali", "Security"]
    assert first.provenance[0].format == "json" and first.provenance[0].member == "item 1"
    with pytest.raises(NoArticle):
        extract(docs[2])  # a headline without text: skipped with the reason, like a JSONL row


def test_one_record():
    (doc,), problems, _ = _read(EXPORTS / "one-record.json")
    assert problems == [] and doc.member is None
    a = extract(doc)
    assert (a.title, a.site, a.published) == ("Ceasefire holds for a second week in the north", "Example News",
                                              date(2023, 4, 21))  # fmt: skip
    assert len(a.body) == 2


def test_object_wrapping_an_array_and_the_field_mapping():
    field_map = {"title": "story.headline", "body": "story.text"}
    docs, problems, _ = _read(EXPORTS / "wrapped.json", field_map=field_map)
    assert problems == []
    assert [d.member for d in docs] == ["data.articles item 1", "data.articles item 2"]
    titles = [extract(d, field_map).title for d in docs]
    assert titles == ["Envoy meets junta leaders in Bamako", "Drought pushes herders south"]
    # without the mapping nothing in it has two article fields: one line says what it holds
    docs, (problem,), _ = _read(EXPORTS / "wrapped.json")
    assert docs == [] and problem.reason == (
        "JSON document without records (an object with keys status, query, meta, data)")


def test_json_without_records_is_one_skipped_line():
    docs, (problem,), _ = _read(EXPORTS / "crawler-settings.json")
    assert docs == []
    assert problem.skipped and problem.kind == "JSON document without records"
    assert problem.reason == "JSON document without records (an object with keys name, version, options, seeds)"


@pytest.mark.parametrize(
    "content,reason",
    [
        ("[]", "JSON array without records (empty)"),
        ('["a", "b", 3]', "JSON array without records (3 items, none an object)"),
        ('"just a string"', "JSON document without records (a string)"),
        ("{}", "empty JSON object"),
    ],
)
def test_other_json_without_records(tmp_path, content, reason):
    path = tmp_path / "x.json"
    path.write_text(content)
    docs, problems, _ = _read(path)
    assert docs == [] and [(p.reason, p.skipped) for p in problems] == [(reason, True)]


def test_items_that_are_not_objects_are_one_line(tmp_path):
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([{"title": "A", "body": "Text a."}, "x", {"title": "B", "body": "Text b."}, 4], indent=2))
    docs, (problem,), _ = _read(path)
    assert [d.member for d in docs] == ["item 1", "item 3"]
    assert problem.reason == "2 of 4 items are not JSON objects (items 2, 4)"


def test_an_array_is_read_item_by_item_across_reads(tmp_path, monkeypatch):
    import quarry.archive.readers.exports as exports

    monkeypatch.setattr(exports, "_CHUNK", 7)  # every item crosses several reads
    records = [{"title": f"T{i}", "body": "é " * i + "text", "n": 12345 + i} for i in range(20)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    positions = []
    docs, problems, _ = _read(path, progress=positions.append)
    assert problems == [] and [d.record for d in docs] == records
    assert positions == sorted(positions) and positions[-1] == path.stat().st_size


def test_damaged_array_keeps_the_items_before_the_damage(tmp_path):
    path = tmp_path / "cut.json"
    text = json.dumps([{"title": "A", "body": "Text a."}, {"title": "B", "body": "Text b."}], indent=2)
    path.write_text(text[: text.index('"B"') + 5])
    docs, (problem,), _ = _read(path)
    assert [d.record["title"] for d in docs] == ["A"]
    assert not problem.skipped and problem.kind == "damaged JSON" and "item 2" in problem.reason


def test_json_lines_named_json_and_a_one_line_document(tmp_path):
    lines = tmp_path / "export.json"
    lines.write_text("".join(json.dumps({"title": f"T{i}", "body": "Text."}) + "\n" for i in range(3)))
    assert detect_format(lines) == "jsonl"
    assert [d.member for d in _read(lines)[0]] == ["line 1", "line 2", "line 3"]
    one = tmp_path / "one.json"  # one record on one line longer than the sniffed head
    one.write_text(json.dumps({"title": "T", "body": "word " * 5000}))
    assert detect_format(one) == "json"
    (doc,), problems, _ = _read(one)
    assert problems == [] and doc.record["title"] == "T"
    two = tmp_path / "two.json"  # JSON Lines with a long first line: read as lines after all
    two.write_text(json.dumps({"title": "A", "body": "word " * 5000}) + "\n" + json.dumps({"title": "B", "body": "x"}))
    assert [d.member for d in _read(two)[0]] == ["line 1", "line 2"]


def test_text_that_starts_with_a_bracket_is_not_json(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("[Update] The ministry said on Monday that the border would reopen next week.\n")
    assert detect_format(path) == "pagetext"


def test_json_document_over_the_size_limit(tmp_path):
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"title": "T", "body": "x" * 5000}, indent=1))
    docs, (problem,), _ = _read(path, max_bytes=1000)
    assert docs == [] and "larger than" in problem.reason and not problem.skipped


def test_ingesting_pretty_printed_json_reports_each_file_once(tmp_path):
    from conftest import make_archive

    report = make_archive(tmp_path / "data", EXPORTS, entities=False)
    assert report.new == 3  # two array items with text and the single record
    reasons = sorted(p.reason for p in report.skipped)
    assert reasons == [
        "JSON document without records (an object with keys name, version, options, seeds)",
        "JSON document without records (an object with keys status, query, meta, data)",
        "no article found (no body text)",  # the headline-only item
    ]
