"""The CSV export: the text column cut (the default), whole or left out, and no cell over the
32,767 characters a spreadsheet cell holds; through the writer, the web export and the CLI."""

from __future__ import annotations

import csv
import io
import re

import pytest

from quarry.archive.exports import (
    BODY_CUT_CHARS,
    CELL_LIMIT,
    CSV_FIELDS,
    EXPORT_FORMATS,
    cut,
    write_csv,
    writer_options,
)
from quarry.archive.model import Article, Entities

LONG = ("Paragraph of a very long report. " * 5400).strip()  # 172,799 characters


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def long_article() -> Article:
    return Article(
        id="1ong1ong1ong1ong", title="🙂" * 20_000, body=[LONG[:100_000], LONG[100_000:]],
        authors=["Jane Doe"] * 4000, entities=Entities(person=[f"Person {i}" for i in range(5000)]),
    )  # fmt: skip


def test_no_cell_is_over_the_spreadsheet_limit_in_any_column():
    for body in ("cut", "full", "none"):
        header, row = rows("".join(write_csv([long_article()], body=body)))
        assert len(header) == len(row)
        assert all(units(cell) <= CELL_LIMIT for cell in row), body
        for name in ("title", "authors", "persons"):
            cell = row[header.index(name)]
            assert re.search(r" … \[cut: [\d,]+ of [\d,]+ characters; a spreadsheet cell holds no more\]$", cell)
    # astral characters count twice, as spreadsheets count them
    assert units(rows("".join(write_csv([long_article()])))[1][1]) <= CELL_LIMIT


def test_body_cut_by_default_with_a_marker():
    header, row = rows("".join(write_csv([long_article()])))
    assert header == list(CSV_FIELDS)
    text = row[-1]
    assert text.startswith("Paragraph of a very long report.")
    kept = int(re.search(r"\[cut: ([\d,]+) of ([\d,]+) characters\]$", text)[1].replace(",", ""))
    assert kept <= BODY_CUT_CHARS and text.endswith(f"of {len(long_article().text):,} characters]")
    assert text[:kept] == long_article().text[:kept]  # cut at a word, nothing rewritten
    short = Article(id="5", title="t", body=["Short text."])
    assert rows("".join(write_csv([short])))[1][-1] == "Short text."


def test_body_full_keeps_what_a_cell_holds_and_says_how_much_was_left():
    header, row = rows("".join(write_csv([long_article()], body="full")))
    text = row[-1]
    assert CELL_LIMIT - 200 < units(text) <= CELL_LIMIT
    assert text.endswith(f"of {len(long_article().text):,} characters; a spreadsheet cell holds no more]")


def test_body_none_leaves_the_column_out():
    header, row = rows("".join(write_csv([long_article()], body="none")))
    assert "text" not in header and len(row) == len(CSV_FIELDS) - 1


def test_cut_is_exact_at_the_edges():
    assert cut("abc", 3) == "abc"
    out = cut("word " * 100, 60)
    assert units(out) <= 60 and out.startswith("word word") and out.endswith("characters]")
    assert units(cut("🙂" * 100, 50)) <= 50


def test_writer_options():
    assert writer_options("csv", {}) == {"body": "cut"}
    assert writer_options("csv", {"body": " NONE "}) == {"body": "none"}
    assert writer_options("ris", {"body": "bogus"}) == {}  # only CSV has the option
    with pytest.raises(ValueError, match="body='bogus' is not an option: use one of cut, full, none"):
        writer_options("csv", {"body": "bogus"})
    assert EXPORT_FORMATS["csv"][2] is write_csv


def test_web_export_takes_the_body_option(client):
    header, *body_rows = rows(client.get("/export.csv?body=none").get_data(as_text=True))
    assert "text" not in header and body_rows
    full = rows(client.get("/export.csv?q=report&body=full").get_data(as_text=True))
    assert full[0][-3:] == ["text", "tags", "note"]  # the researcher's tags and note come last
    resp = client.get("/export.csv?body=everything")
    assert resp.status_code == 400 and "body=&#39;everything&#39; is not an option" in resp.get_data(as_text=True)
    assert client.get("/export.ris?body=everything").status_code == 200  # not a RIS option
    hit = client.get("/api/search?size=1").get_json()["results"][0]
    header = rows(client.get(f"/article/{hit['id']}/cite.csv?body=none").get_data(as_text=True))[0]
    assert "text" not in header


def test_cli_export_takes_the_body_option(built_archive, runner):
    from quarry.web.cli import main

    out = runner.invoke(main, ["search", "--data-dir", str(built_archive), "--format", "csv", "--body", "none"])
    assert out.exit_code == 0, out.output
    assert "text" not in rows(out.output)[0] and len(rows(out.output)) > 1
    out = runner.invoke(main, ["search", "--data-dir", str(built_archive), "--format", "ris", "--body", "none"])
    assert out.exit_code == 2 and "--body applies to --format csv only" in out.output
    for fmt in EXPORT_FORMATS:  # every format still works from the command line
        out = runner.invoke(main, ["search", "--data-dir", str(built_archive), "--format", fmt, "taliban"])
        assert out.exit_code == 0 and out.output.strip(), fmt
