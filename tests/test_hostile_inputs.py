"""Hostile input files (issue 15): symbolic links out of an ingested folder, records too large to
hold, names that would forge lines or drive the terminal in the command's output.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import make_archive

from quarry.archive.readers import ReadOptions, iter_files
from quarry.archive.store import Store
from quarry.index.api import SearchRequest
from quarry.index.engine import Archive

ARTICLE = ("Officials in Kabul said the courts would hear the cases of the detained militia members "
           "next month, after the ceasefire talks in the capital ended without an agreement.")  # fmt: skip


def _page(title: str) -> str:
    body = f"{title}: {ARTICLE}"  # every page its own text (the same text is one article)
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{body}</p><p>{body} A second paragraph follows with more words about it.</p>"
            "</article></body></html>")  # fmt: skip


@pytest.fixture()
def linked_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A folder to ingest holding a page, a link to a private file outside it, a link to a
    private folder outside it, and a link to a page inside it."""
    private = tmp_path / "private"
    private.mkdir()
    (private / "diary.html").write_text(_page("PRIVATE-DIARY secret notes"))
    (private / "more").mkdir()
    (private / "more" / "letters.html").write_text(_page("PRIVATE-LETTERS secret letters"))
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "page.html").write_text(_page("Ordinary page about courts"))
    os.symlink(private / "diary.html", folder / "diary.html")
    os.symlink(private / "more", folder / "elsewhere")
    os.symlink(folder / "page.html", folder / "again.html")
    return folder, private


def test_symlinks_in_a_folder_are_not_followed_and_are_reported(linked_folder, tmp_path, runner):
    from quarry.web.cli import main

    folder, _ = linked_folder
    data = tmp_path / "data"
    result = runner.invoke(main, ["ingest", str(folder), "--data-dir", str(data), "--no-entities"])
    assert result.exit_code == 0, result.output
    titles = [h.title for h in Archive(data).search(SearchRequest(page_size=100)).hits]
    assert titles == ["Ordinary page about courts"]
    assert not any("PRIVATE" in t for t in titles)
    store = Store(data / "store.sqlite", readonly=True)
    try:
        assert "PRIVATE" not in json.dumps([a.to_dict() for a in store.iter_articles()])
    finally:
        store.close()
    # the summary names the reason and each link skipped (in the log: every one of them)
    out = result.output
    assert re.search(r"\b3\s+symbolic link", out), out
    log = next((data / "logs").glob("ingest-*.log")).read_text()
    for name in ("diary.html", "elsewhere", "again.html"):
        assert re.search(rf"skipped\tsymbolic link\t.*{name}", log), (name, log)
    assert "--follow-symlinks" in out


def test_follow_symlinks_reads_them_and_never_loops(linked_folder, tmp_path, runner):
    from quarry.web.cli import main

    folder, _ = linked_folder
    os.symlink(folder, folder / "loop")  # a link to the folder itself
    data = tmp_path / "data"
    result = runner.invoke(main, ["ingest", str(folder), "--follow-symlinks", "--data-dir", str(data),
                                  "--no-entities"])  # fmt: skip
    assert result.exit_code == 0, result.output
    titles = sorted(h.title for h in Archive(data).search(SearchRequest(page_size=100)).hits)
    assert titles == ["Ordinary page about courts", "PRIVATE-DIARY secret notes", "PRIVATE-LETTERS secret letters"]


def test_a_symlink_named_on_the_command_line_is_followed(linked_folder, tmp_path):
    folder, private = linked_folder
    link = tmp_path / "typed.html"
    os.symlink(private / "diary.html", link)
    assert list(iter_files([link])) == [link]
    assert list(iter_files([folder / "elsewhere"])) == [folder / "elsewhere" / "letters.html"]
    data = tmp_path / "data"
    make_archive(data, link, entities=False)
    assert [h.title for h in Archive(data).search(SearchRequest()).hits] == ["PRIVATE-DIARY secret notes"]


def test_symlinks_are_skipped_by_the_walk_itself(linked_folder):
    folder, _ = linked_folder
    found = list(iter_files([folder]))
    assert [f for f in found if isinstance(f, Path)] == [folder / "page.html"]
    skipped = [f for f in found if not isinstance(f, Path)]
    assert {Path(p.source).name for p in skipped} == {"again.html", "diary.html", "elsewhere"}
    assert all(p.skipped and p.group == "symbolic link" for p in skipped)
    diary = next(p for p in skipped if p.source.endswith("diary.html"))
    assert "diary.html" in diary.reason and "--follow-symlinks" in diary.reason
    followed = [f for f in iter_files([folder], follow_symlinks=True)]
    assert all(isinstance(f, Path) for f in followed) and len(followed) == 4


# -- records too large to hold (item 3) ------------------------------------------------------------

BIG = 24 * 1024 * 1024  # characters in the oversized record's body
MAX_RECORD_BYTES = 8_000_000  # the stated limit for one record


def _record(n: int, body: str = "") -> dict:
    return {"title": f"Record {n} about courts", "body": body or f"Record {n}: {ARTICLE}",
            "url": f"https://example.org/r{n}"}  # fmt: skip


def _big_exports(folder: Path) -> dict[str, Path]:
    """The same three records (the middle one far over the limit) as JSONL, CSV and a JSON array."""
    import csv

    folder.mkdir(exist_ok=True)
    records = [_record(1), _record(2, "word " * (BIG // 5)), _record(3)]
    jsonl = folder / "big.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records))
    with open(folder / "big.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["title", "body", "url"])
        writer.writeheader()
        writer.writerows(records)
    (folder / "big.json").write_text(json.dumps(records))
    return {"jsonl": jsonl, "csv": folder / "big.csv", "json": folder / "big.json"}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_a_record_over_the_limit_is_refused_without_holding_it(fmt, tmp_path):
    import tracemalloc

    from quarry.archive.readers import read_path

    path = _big_exports(tmp_path / "in")[fmt]
    tracemalloc.start()
    try:
        items = [(type(i).__name__, getattr(i, "record", None), getattr(i, "group", None), getattr(i, "reason", ""))
                 for i in read_path(path, ReadOptions())]  # fmt: skip
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(kind, group) for kind, _, group, _ in items] == [
        ("RawDocument", None), ("Problem", "record too large"), ("RawDocument", None)], items
    assert [r["title"] for _, r, _, _ in items if r] == ["Record 1 about courts", "Record 3 about courts"]
    reason = items[1][3]
    assert "8 MB" in reason and ("line 2" in reason or "row 2" in reason or "item 2" in reason), reason
    assert peak < 2.5 * MAX_RECORD_BYTES, f"reading held {peak / 1e6:.0f} MB"


def test_oversized_record_is_a_line_of_the_report(tmp_path, runner):
    from quarry.web.cli import main

    path = _big_exports(tmp_path / "in")["jsonl"]
    data = tmp_path / "data"
    result = runner.invoke(main, ["ingest", str(path), "--data-dir", str(data), "--no-entities"])
    assert result.exit_code == 1, result.output  # a refused record is a failed input
    assert re.search(r"\b1\s+record too large", result.output), result.output
    assert Archive(data).search(SearchRequest()).total == 2


def test_a_record_over_the_limit_inside_a_json_document_is_refused(tmp_path):
    from quarry.archive.readers import read_path

    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps({"articles": [_record(1), _record(2, "word " * 2_000_000), _record(3)]}))
    items = list(read_path(path, ReadOptions()))
    assert [getattr(i, "group", "record") for i in items] == ["record", "record too large", "record"]
    assert "articles item 2" in items[1].reason


def test_a_very_long_article_page_is_cut_with_a_note_and_the_full_text_downloadable(tmp_path):
    from quarry.web import create_app
    from quarry.web.settings import Settings

    paragraphs = [f"Paragraph {n} of the long report on courts in Kabul. " + "words " * 200 for n in range(1500)]
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"title": "A very long report", "body": "\n\n".join(paragraphs),
                                "url": "https://example.org/long"}) + "\n")  # fmt: skip
    data = tmp_path / "data"
    make_archive(data, path, entities=False)
    hit = Archive(data).search(SearchRequest()).hits[0]
    client = create_app(Settings(data_dir=data), {"TESTING": True}).test_client()
    page = client.get(f"/article/{hit.id}")
    html = page.get_data(as_text=True)
    full = sum(len(p) for p in paragraphs)
    assert page.status_code == 200 and full > 1_500_000
    assert len(html) < 400_000, len(html)
    assert "Paragraph 0 of the long report" in html and "Paragraph 1499 " not in html
    assert re.search(r"the first [\d,]+ of its [\d,]+ characters are shown", html), html[-3000:]
    link = re.search(r'href="(/article/[0-9a-f]+/text\.txt)"', html)
    assert link, "the note links to the full text"
    text = client.get(link.group(1))
    assert text.status_code == 200 and text.mimetype == "text/plain"
    assert text.headers["Content-Disposition"].startswith("attachment")
    assert text.get_data(as_text=True).count("Paragraph ") == 1500
