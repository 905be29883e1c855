"""Tests for the WARC/ARC reader: archives are written at test time with warcio (or by hand)."""

from __future__ import annotations

import gzip
from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from quarry.archive.model import RawDocument
from quarry.archive.readers.base import Problem, ReadOptions
from quarry.archive.readers.warc import is_arc, is_warc, read_record, read_warc

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "corpus" / "pywb-sample-warcs" / "warcs"

PAGE1 = b"<!doctype html><html><head><title>One</title></head><body><p>First page</p></body></html>"
PAGE2 = b"<html><body><p>Second page, caf\xc3\xa9</p></body></html>"
PAGE3 = b"<html><body><p>A resource record</p></body></html>"
DATE1 = "2024-01-02T03:04:05Z"
DATE2 = "2024-01-02T03:04:06Z"


def _response(
    writer: WARCWriter, url: str, body: bytes, ctype: str, status: str = "200 OK", date: str = DATE1
):
    http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    return writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )


def _write_warc(path: Path, gz: bool) -> dict[str, str]:
    """A WARC with every kind of record the reader must tell apart; returns record ids by URL."""
    ids: dict[str, str] = {}
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        r1 = _response(w, "http://example.com/one", PAGE1, "text/html", date=DATE1)
        ids["http://example.com/one"] = r1.rec_headers.get_header("WARC-Record-ID")
        w.write_record(r1)
        req = w.create_warc_record(
            "http://example.com/one",
            "request",
            payload=BytesIO(b"GET /one HTTP/1.1\r\nHost: example.com\r\n\r\n"),
            length=41,
        )
        w.write_record(req)
        r2 = _response(w, "http://example.com/two", PAGE2, "text/html; charset=UTF-8", date=DATE2)
        ids["http://example.com/two"] = r2.rec_headers.get_header("WARC-Record-ID")
        w.write_record(r2)
        w.write_record(
            w.create_revisit_record(
                "http://example.com/one",
                r1.rec_headers.get_header("WARC-Payload-Digest"),
                "http://example.com/one",
                DATE1,
            )
        )
        w.write_record(
            _response(w, "http://example.com/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
        )
        w.write_record(_response(w, "http://example.com/site.css", b"body{color:red}", "text/css"))
        w.write_record(
            _response(
                w, "http://example.com/missing", b"<html>nope</html>", "text/html", "404 Not Found"
            )
        )
        res = w.create_warc_record(
            "http://example.com/res",
            "resource",
            payload=BytesIO(PAGE3),
            length=len(PAGE3),
            warc_content_type="text/html; charset=iso-8859-1",
            warc_headers_dict={"WARC-Date": DATE2},
        )
        ids["http://example.com/res"] = res.rec_headers.get_header("WARC-Record-ID")
        w.write_record(res)
    return ids


def _split(
    items: list[RawDocument | Problem],
) -> tuple[list[RawDocument], list[Problem], list[Problem]]:
    docs = [x for x in items if isinstance(x, RawDocument)]
    skipped = [x for x in items if isinstance(x, Problem) and x.skipped]
    damaged = [x for x in items if isinstance(x, Problem) and not x.skipped]
    return docs, skipped, damaged


def _read(path: Path) -> list[RawDocument | Problem]:
    return list(read_warc(path, ReadOptions()))


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "plain"])
def test_warc_records_are_sorted_out(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("a.warc.gz" if gz else "a.warc")
    ids = _write_warc(path, gz)
    docs, skipped, damaged = _split(_read(path))

    assert damaged == []
    assert [d.url for d in docs] == [
        "http://example.com/one",
        "http://example.com/two",
        "http://example.com/res",
    ]
    assert [d.content for d in docs] == [PAGE1, PAGE2, PAGE3]
    assert [d.captured for d in docs] == [DATE1, DATE2, DATE2]
    assert [d.encoding for d in docs] == [None, "UTF-8", "iso-8859-1"]
    assert [d.record_id for d in docs] == [ids[d.url] for d in docs]
    for d in docs:
        assert (d.kind, d.format, d.member, d.source) == ("html", "warc", d.url, str(path))
    offsets = [d.offset for d in docs]
    assert offsets[0] > 0 and offsets == sorted(set(offsets))

    assert [(p.reason, p.member) for p in skipped] == [
        (f"revisit of http://example.com/one ({DATE1})", "http://example.com/one"),
        ("not HTML (image/png)", "http://example.com/logo.png"),
        ("not HTML (text/css)", "http://example.com/site.css"),
        ("HTTP 404", "http://example.com/missing"),
    ]
    assert all(p.offset is not None and p.offset > offsets[0] for p in skipped)

    for d in docs:
        headers, payload = read_record(path, d.offset)
        assert payload == d.content
    assert read_record(path, offsets[0])[0]["Content-Type"] == "text/html"


def test_read_record_validates_offset(tmp_path: Path) -> None:
    path = tmp_path / "a.warc"
    _write_warc(path, gz=False)
    size = path.stat().st_size
    for bad in (-1, size, size + 10, "12", 1.5, True):
        with pytest.raises(ValueError):
            read_record(path, bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        read_record(path, 5)  # inside the first record: no record starts there


def test_sniffers(tmp_path: Path) -> None:
    plain, gz = tmp_path / "a.warc", tmp_path / "a.warc.gz"
    _write_warc(plain, gz=False)
    _write_warc(gz, gz=True)
    for path in (plain, gz):
        head = path.read_bytes()[:512]
        assert is_warc(head) and not is_arc(head)
    arc = tmp_path / "a.arc"
    _write_arc(arc)
    for head in (arc.read_bytes()[:512], gzip.compress(arc.read_bytes())[:512]):
        assert is_arc(head) and not is_warc(head)
    assert not is_warc(b"<html>") and not is_arc(b"\x1f\x8b\x08garbage")
    assert is_warc(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n")


def _arc_record(line_head: str, body: bytes) -> bytes:
    return f"{line_head} {len(body)}\n".encode() + body + b"\n"


def _write_arc(path: Path, gz: bool = False) -> None:
    """A minimal ARC v1: filedesc header, one HTML page, one image (one gzip member each)."""
    header_body = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    html = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE1
    png = b"HTTP/1.0 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG"
    records = [
        _arc_record(f"filedesc://{path.name} 127.0.0.1 20240102030405 text/plain", header_body),
        _arc_record("http://example.com/one 10.0.0.1 20240102030405 text/html", html),
        _arc_record("http://example.com/logo.png 10.0.0.1 20240102030406 image/png", png),
    ]
    path.write_bytes(b"".join(gzip.compress(r) for r in records) if gz else b"".join(records))


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_arc(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("a.arc.gz" if gz else "a.arc")
    _write_arc(path, gz)
    docs, skipped, damaged = _split(_read(path))
    assert damaged == []
    assert [(d.url, d.captured, d.format, d.content) for d in docs] == [
        ("http://example.com/one", DATE1, "arc", PAGE1)
    ]
    assert [p.reason for p in skipped] == ["not HTML (image/png)"]
    assert read_record(path, docs[0].offset)[1] == PAGE1


# --------------------------------------------------------------------------- damage


def _member_offsets(path: Path) -> list[int]:
    """Start of every record, as the reader reports it for an undamaged file."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        return [it.get_record_offset() for _ in it]


def test_truncated_gzip(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    _write_warc(good, gz=True)
    starts = _member_offsets(good)  # warcinfo, one, request, two, ...
    cut = (starts[1] + starts[2]) // 2  # in the middle of the 2nd record's gzip member
    bad = tmp_path / "cut.warc.gz"
    bad.write_bytes(good.read_bytes()[:cut])
    docs, skipped, damaged = _split(_read(bad))
    assert docs == [] and skipped == []
    assert len(damaged) == 1 and damaged[0].offset == starts[1]
    assert damaged[0].reason.startswith("damaged archive:")


def test_truncated_member_followed_by_valid_records(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    _write_warc(good, gz=True)
    data = good.read_bytes()
    starts = _member_offsets(good)
    cut = (starts[1] + starts[2]) // 2
    bad = tmp_path / "cut-then-more.warc.gz"
    bad.write_bytes(data[:cut] + data[starts[2] :])  # record "one" cut off, the rest appended
    docs, skipped, damaged = _split(_read(bad))
    assert [p.offset for p in damaged] == [starts[1]]
    assert [d.url for d in docs] == ["http://example.com/two", "http://example.com/res"]
    assert len(skipped) == 4
    for d in docs:
        assert read_record(bad, d.offset)[1] == d.content


def test_corrupt_gzip_member_then_good_records(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    _write_warc(good, gz=True)
    data = bytearray(good.read_bytes())
    starts = _member_offsets(good)
    # clobber the deflate data of record "one" (keep the gzip header so it still looks gzip)
    for i in range(starts[1] + 20, starts[1] + 60):
        data[i] ^= 0x5A
    bad = tmp_path / "corrupt.warc.gz"
    bad.write_bytes(bytes(data))
    docs, skipped, damaged = _split(_read(bad))
    assert [d.url for d in docs] == ["http://example.com/two", "http://example.com/res"]
    assert len(damaged) == 1 and damaged[0].offset == starts[1]
    assert len(skipped) == 4
    good_docs = _split(_read(good))[0]
    assert [d.offset for d in docs] == [d.offset for d in good_docs[1:]]


def test_garbage_between_members(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    _write_warc(good, gz=True)
    data = good.read_bytes()
    starts = _member_offsets(good)
    junk = b"\x1f\x8b\x08\x00not really gzip" + b"\x00" * 50
    bad = tmp_path / "junk.warc.gz"
    bad.write_bytes(data[: starts[3]] + junk + data[starts[3] :])
    docs, _, damaged = _split(_read(bad))
    assert [d.url for d in docs] == [
        "http://example.com/one",
        "http://example.com/two",
        "http://example.com/res",
    ]
    assert [p.offset for p in damaged] == [starts[3]]
    for d in docs:
        assert read_record(bad, d.offset)[1] == d.content


def _plain_warc_with_bad_length(tmp_path: Path, delta: int) -> tuple[Path, list[int]]:
    good = tmp_path / "good.warc"
    _write_warc(good, gz=False)
    data = good.read_bytes()
    starts = _member_offsets(good)
    # record 1 is "one": rewrite its Content-Length
    head_end = data.index(b"\r\n\r\n", starts[1])
    head = data[starts[1] : head_end]
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    new_head = head.replace(
        f"Content-Length: {length}".encode(), f"Content-Length: {length + delta}".encode()
    )
    bad = tmp_path / f"badlen{delta}.warc"
    bad.write_bytes(data[: starts[1]] + new_head + data[head_end:])
    return bad, starts


@pytest.mark.parametrize("delta", [-30, 200], ids=["too-short", "too-long"])
def test_wrong_content_length(tmp_path: Path, delta: int, capfd) -> None:
    bad, starts = _plain_warc_with_bad_length(tmp_path, delta)
    docs, skipped, damaged = _split(_read(bad))
    # reported once, as a problem: warcio's own "Offset: ... Remainder: ..." warning on stderr
    # would scramble the progress display and the summary
    assert capfd.readouterr().err == ""
    assert [p.offset for p in damaged] == [starts[1]]
    assert "damaged archive" in damaged[0].reason
    # the damaged record is not a document, but everything after it is still read
    assert [d.url for d in docs] == ["http://example.com/two", "http://example.com/res"]
    assert len(skipped) == 4


def test_single_stream_gzip(tmp_path: Path) -> None:
    plain = tmp_path / "a.warc"
    _write_warc(plain, gz=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    docs, skipped, damaged = _split(_read(whole))
    plain_docs = _split(_read(plain))[0]
    assert [d.content for d in docs] == [d.content for d in plain_docs]
    assert [d.offset for d in docs] == [d.offset for d in plain_docs]  # uncompressed offsets
    assert len(skipped) == 4
    assert len(damaged) == 1 and damaged[0].offset == 0
    for d in docs:
        assert read_record(whole, d.offset)[1] == d.content


def test_not_an_archive_and_empty(tmp_path: Path) -> None:
    empty = tmp_path / "e.warc"
    empty.write_bytes(b"")
    junk = tmp_path / "j.warc.gz"
    junk.write_bytes(b"\x1f\x8b" + b"\x00" * 100)
    for path in (empty, junk, tmp_path / "missing.warc"):
        items = _read(path)
        assert items and all(isinstance(x, Problem) and not x.skipped for x in items)


# --------------------------------------------------------------------------- pywb samples

# documents, skipped, damage problems per sample file
EXPECTED = {
    "bad.arc": (0, 1, 3),
    "dupes.warc.gz": (1, 11, 0),
    "example-bad.warc.gz.bad": (1, 2, 1),
    "example-extra.warc": (2, 2, 0),
    "example-url-agnostic-orig.warc.gz": (1, 0, 0),
    "example-url-agnostic-revisit.warc.gz": (0, 1, 0),
    "example-wget-1-14.warc.gz": (1, 3, 0),
    "example-wpull.warc.gz": (1, 1, 0),
    "example.arc": (1, 0, 0),
    "example.arc.gz": (1, 0, 0),
    "example.warc": (1, 2, 1),
    "example.warc.gz": (1, 2, 0),
    "example2.warc.gz": (1, 0, 0),
    "httpbin-resource.warc.gz": (0, 1, 0),
    "iana.warc.gz": (16, 155, 0),
    "missing-status-text.warc": (0, 1, 0),
    "post-test.warc.gz": (0, 3, 0),
}


@pytest.mark.shared
def test_pywb_samples() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"shared corpus not available at {SAMPLES}")
    counts: dict[str, tuple[int, int, int]] = {}
    for path in sorted(SAMPLES.iterdir()):
        docs, skipped, damaged = _split(_read(path))
        counts[path.name] = (len(docs), len(skipped), len(damaged))
        assert all(p.offset is not None for p in damaged), path.name
        for d in docs:
            assert d.url and d.captured and d.offset is not None
            assert read_record(path, d.offset)[1] == d.content
    for name, expected in EXPECTED.items():
        if name in counts:
            assert counts[name] == expected, name
    # the deliberately damaged files report where the damage is
    assert counts["example-bad.warc.gz.bad"][2] >= 1
    assert counts["example.warc"][2] >= 1
    assert Counter(c[0] for c in counts.values())[0] < len(counts)
