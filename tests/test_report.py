"""The account of an ingest a person can read (issue 13, items 3 and 4): a short summary last,
grouped by reason, whose numbers add up; a log with a line for every input; progress on the
terminal; control characters from inputs escaped; `quarry extract` failing when an input gave no
article."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from quarry.archive.report import IngestProgress, printable
from quarry.archive.store import Stored
from quarry.web.cli import main
from quarry.web.progress import IngestDisplay

PAGE = (CORPUS / "html" / "hamas-funding.html").read_bytes()
NAV = (FIXTURES / "bad" / "nav-only.html").read_bytes()
EVIL = "evil\n  new: 999 \x1b[2J\x1b[31mred\u202e.html"  # a newline, ANSI escapes, a direction override


def _warc(path: Path, pages: dict[str, tuple[str, bytes]], revisits: list[str] = ()) -> Path:
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        for url, (ctype, body) in pages.items():
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
        for url in revisits:
            w.write_record(w.create_revisit_record(url, "sha1:AAAA", url, "2024-01-02T03:04:05Z"))
    return path


def _inputs(root: Path) -> Path:
    """A folder with something of everything: a page, its duplicate, CSS/images/revisits in an
    archive, broken export lines, JSON without records, a page without an article, a hostile
    file name and a hostile title."""
    root.mkdir()
    assets = {f"https://site.example/img/{i}.png": ("image/png", b"\x89PNG....") for i in range(40)}
    assets.update({f"https://site.example/css/{i}.css": ("text/css", b"body{}") for i in range(20)})
    assets["https://security-review.example/2023/04/hamas-crypto"] = ("text/html", PAGE)
    _warc(root / "crawl.warc.gz", assets, revisits=[f"https://site.example/css/{i}.css" for i in range(30)])
    (root / "saved-page.html").write_bytes(PAGE)  # the same article as the capture
    lines = [json.dumps({"title": f"Story {i}", "body": f"Officials said on day {i} that the talks would go on."})
             for i in range(5)]  # fmt: skip
    lines += ["{broken"] * 12
    lines.append(json.dumps({"title": "Evil \x1b[2J title\n  new: 5", "body": "Officials said on day 0 that the talks would go on."}))
    (root / "export.jsonl").write_text("\n".join(lines) + "\n")
    for i in range(10):
        (root / f"settings-{i}.json").write_text(json.dumps({"name": "crawler", "depth": i}, indent=2))
    (root / EVIL).write_bytes(NAV)
    return root


def _summary(output: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("read "))
    return lines[start:]


def test_summary_is_short_grouped_escaped_and_adds_up(tmp_path, runner):
    inputs = _inputs(tmp_path / "in")
    data = tmp_path / "data"
    out = runner.invoke(main, ["ingest", "--data-dir", str(data), "--no-entities", str(inputs)])
    assert out.exit_code == 1, out.output  # the broken lines failed
    summary = _summary(out.output)
    text = "\n".join(summary)
    assert len(summary) < 40, text
    # no raw control character reaches the terminal, and no input forged a line
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", out.output)
    assert "\\x1b[2J" in text and "\\u202e" in text
    assert not any(line.startswith("  new: 999") or line.startswith("  new: 5") for line in out.output.splitlines())
    # the counts: 5 stories + the page = 6 new; the saved page and the hostile title are duplicates
    assert summary[1].startswith("  new: 6 ")
    assert summary[3].startswith("  duplicate: 2 ") and "2 the same text" in summary[3]
    assert "“How Hamas Moves Money Through Crypto Exchanges”" in text  # what it duplicated
    # the archive's 90 images, style sheets and revisits are one line
    assert re.search(r"\b90  web archive records that are not pages \((not HTML 60, revisit 30|revisit 30, not HTML 60)\)", text)
    assert re.search(r"\b10  JSON document without records\n", text)
    assert re.search(r"\b12  not valid JSON\n", text) and text.count("e.g. ") <= 12
    assert "= 6 + 0 + 2 + 101 + 12 = 121 documents" in text
    assert summary[-2].startswith("indexed: 6 = 6 new")
    # the log: named last, one line for every document and problem
    log = Path(summary[-1].removeprefix("log: ").split(" (one line")[0])
    assert log.parent == data / "logs" and log.name.startswith("ingest-")
    rows = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert len(rows) == 121 and all(len(r) == 4 for r in rows)
    assert sum(r[0] == "new" for r in rows) == 6 and sum(r[0] == "FAILED" for r in rows) == 12
    assert any(r[0] == "duplicate" and "How Hamas Moves Money" in r[3] for r in rows)
    assert "# indexed: 6 = 6 new" in log.read_text()  # the summary closes the log


def test_a_second_run_says_why_indexed_differs_from_new(tmp_path, runner):
    data = tmp_path / "data"
    first = runner.invoke(main, ["ingest", "--data-dir", str(data), "--no-entities", str(CORPUS / "html")])
    assert "indexed: 1 = 1 new" in first.output
    again = tmp_path / "again"
    again.mkdir()
    (again / "copy.html").write_bytes(PAGE)
    out = runner.invoke(main, ["ingest", "--data-dir", str(data), "--no-entities", str(CORPUS / "html"), str(again)])
    assert out.exit_code == 0, out.output
    assert "  new: 0 " in out.output
    assert "duplicate: 2 " in out.output and "1 already stored from this place" in out.output
    assert "indexed: 1 = 0 new + 1 stored earlier that gained a source from a duplicate" in out.output


def test_a_file_that_yields_nothing_is_said_so(tmp_path):
    from quarry.archive.pipeline import iter_raw
    from quarry.archive.readers import ReadOptions

    warc = _warc(tmp_path / "only-info.warc.gz", {})  # a warcinfo record and nothing else
    (problem,) = list(iter_raw([warc], ReadOptions()))
    assert problem.skipped and problem.reason == "nothing to read in this file"


def test_progress_lines_when_piped():
    clock = iter(range(0, 1000, 4)).__next__
    stream = io.StringIO()
    display = IngestDisplay(stream=stream, interval=10, clock=clock)
    state = IngestProgress(files_total=4, bytes_total=4_000_000, started=0)
    for n in range(1, 9):
        state.files_done, state.bytes_done, state.documents = n // 2, n * 500_000, n * 10
        state.current = EVIL
        display(state)
    display.close()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "ingest: 4 files, 4.0 MB to read"
    assert 3 <= len(lines) <= 5  # every 10 s of the fake clock, and a last line
    assert re.match(r"ingest: \d/4 files, \d+ documents, [\d.]+ MB of 4\.0 MB \(\d+%\), [\d.]+ KB/s, [\d.]+ documents/s", lines[1])
    assert "left" in lines[1]
    assert lines[-1].startswith("ingest: 4/4 files, 80 documents, 4.0 MB of 4.0 MB (100%)")


def test_progress_lines_thin_out_in_a_long_run():
    times = iter([0, *range(10, 3601, 10)]).__next__
    stream = io.StringIO()
    display = IngestDisplay(stream=stream, interval=10, clock=times)
    state = IngestProgress(files_total=1, bytes_total=10**9, started=0)
    for _ in range(361):  # an hour, a document every ten seconds
        display(state)
    assert 20 <= len(stream.getvalue().splitlines()) <= 50  # not 360


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_escapes_file_names():
    stream = _Terminal()
    display = IngestDisplay(stream=stream)
    state = IngestProgress(files_total=2, bytes_total=2000, current=EVIL)
    display(state)
    state.files_done, state.bytes_done, state.documents = 2, 2000, 7
    display.last = -1.0  # due for a redraw
    display(state)
    display.close()
    shown = stream.getvalue()
    assert "2/2 files, 7 documents" in shown and "100%" in shown
    assert "\x1b" not in shown and "\u202e" not in shown and "\n" not in shown
    assert "[31mred\\u202e.html" in shown  # the end of the name, escaped


def test_extract_exits_1_when_an_input_gives_no_article(tmp_path, runner):
    page = CORPUS / "html" / "hamas-funding.html"
    ok = runner.invoke(main, ["extract", "--no-entities", str(page)])
    assert ok.exit_code == 0
    nav = tmp_path / "nav-only.html"
    nav.write_bytes(NAV)
    out = runner.invoke(main, ["extract", "--no-entities", str(page), str(nav)])
    assert out.exit_code == 1
    assert "skipped: " + str(nav) + ": no article found" in out.output
    assert len([line for line in out.output.splitlines() if line.startswith("{")]) == 1
    # an archive's style sheets beside its page cost nothing; an archive of style sheets alone
    # gave no article
    with_page = _warc(tmp_path / "a.warc.gz", {"https://x.example/s.css": ("text/css", b"a{}"),
                                               "https://security-review.example/a": ("text/html", PAGE)})  # fmt: skip
    assert runner.invoke(main, ["extract", "--no-entities", str(with_page)]).exit_code == 0
    css_only = _warc(tmp_path / "b.warc.gz", {"https://x.example/s.css": ("text/css", b"a{}")})
    out = runner.invoke(main, ["extract", "--no-entities", str(css_only)])
    assert out.exit_code == 1 and f"skipped: {css_only}: no article: only web archive records" in out.output


@pytest.mark.parametrize("skips,failures", [(30, 30), (6, 2), (4, 3), (2, 2), (1, 0)])
def test_summary_stays_short_however_varied_the_problems(skips, failures):
    from quarry.archive.readers.base import Problem
    from quarry.archive.report import IngestReport

    report = IngestReport()
    for n in range(30):
        for kind in ("revisit", "not HTML", f"skip reason {n % skips}"):
            report.record_problem(Problem(f"f{n}", kind, skipped=True))
        if failures:
            report.record_problem(Problem(f"g{n}", f"failure {n % failures}\nforged: 1"))
    report.read = len(report.skipped)
    for n in range(5):
        report.record_stored(f"h{n}", Stored("duplicate", "abc", "Title", "the same text"))
    lines = report.lines(indexed=0, caught_up=3)
    assert len(lines) < 40, "\n".join(lines)
    assert sum(line.strip().startswith("e.g.") for line in lines) >= min(skips + failures, 10)
    if skips == 30:
        assert [line.strip() for line in lines].count("25  for 25 other reasons (in the log)") == 2
    assert "60  web archive records that are not pages (revisit 30, not HTML 30)" in [line.strip() for line in lines]
    assert all("\n" not in line for line in lines)


def test_indexed_line_names_its_parts():
    from quarry.archive.report import IngestReport

    report = IngestReport()
    for n in range(3):
        report.record_stored(f"a{n}", Stored("new", f"id{n}", "T"))
    report.record_stored("b", Stored("updated", "old1", "T"))
    report.record_stored("c", Stored("duplicate", "old2", "T", "the same text", merged=True))
    report.record_stored("d", Stored("duplicate", "id0", "T", "the same text", merged=True))  # new this run
    report.read = 6
    assert report.lines(indexed=7, caught_up=2)[-1] == (
        "indexed: 7 = 3 new + 1 updated + 1 stored earlier that gained a source from a duplicate "
        "+ 2 left over from an interrupted run")  # fmt: skip
    assert report.lines(indexed=40)[-1] == "indexed: 40 (a new index of every stored article; this run changed 5)"


def test_printable():
    assert printable("a\nb\tc\x1b[0m\x9b\u202e\u2028é") == "a\\nb\\tc\\x1b[0m\\x9b\\u202e\\u2028é"
