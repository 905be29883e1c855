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

from quarry.archive.readers import iter_files
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
