"""Packed pages: MHTML single-file pages, zipped folders of pages, WACZ web archives."""

from __future__ import annotations

import json
import quopri
import zipfile
from io import BytesIO
from pathlib import Path

from conftest import CORPUS, make_archive
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from quarry.archive.datadir import DataDir
from quarry.archive.extract import extract
from quarry.archive.readers import detect_format, read_path
from quarry.archive.readers.base import Problem
from quarry.archive.store import Store
from quarry.index.api import SearchRequest
from quarry.index.engine import Archive
from quarry.web.cli import main

PAGE = (CORPUS / "html" / "hamas-funding.html").read_bytes()
URL = "https://security-review.example/2023/04/hamas-crypto"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _mhtml(html: bytes = PAGE, url: str = URL, charset: str | None = "utf-8") -> bytes:
    """A page as Chrome saves it ("Webpage, Single File"): quoted-printable HTML, base64 image."""
    import base64

    boundary = "----MultipartBoundary--Qh7bQ3"
    parts = [
        "From: <Saved by Blink>",
        f"Snapshot-Content-Location: {url}",
        "Subject: How Hamas Moves Money Through Crypto Exchanges",
        "Date: Tue, 11 Apr 2023 09:30:00 +0200",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{boundary}"',
        "",
        "",
        f"--{boundary}",
        "Content-Type: text/html" + (f"; charset={charset}" if charset else ""),
        "Content-ID: <frame-1@mhtml.blink>",
        "Content-Transfer-Encoding: quoted-printable",
        f"Content-Location: {url}",
        "",
        quopri.encodestring(html).decode("ascii"),
        f"--{boundary}",
        "Content-Type: image/png",
        "Content-Transfer-Encoding: base64",
        "Content-Location: https://security-review.example/logo.png",
        "",
        base64.encodebytes(PNG).decode("ascii"),
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(parts).encode("ascii")


def _warc(pages: dict[str, bytes]) -> bytes:
    buf = BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, body in pages.items():
        ctype = "image/png" if body.startswith(b"\x89PNG") else "text/html; charset=utf-8"
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                           warc_headers_dict={"WARC-Date": "2023-04-12T10:00:00Z"})  # fmt: skip
        writer.write_record(record)
    return buf.getvalue()


def _wacz(path: Path, warc: bytes) -> Path:
    """A WACZ as ArchiveWeb.page exports it: WARCs under archive/, indexes and a page list."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.warc.gz", warc, compress_type=zipfile.ZIP_STORED)
        z.writestr("indexes/index.cdx", "example.com/ 20230412100000 {}\n")
        z.writestr("pages/pages.jsonl", json.dumps({"format": "json-pages-1.0"}) + "\n"
                   + json.dumps({"url": URL, "title": "How Hamas Moves Money", "ts": "2023-04-12"}) + "\n")  # fmt: skip
        z.writestr("datapackage.json", json.dumps({"profile": "data-package", "wacz_version": "1.1.1"}))
    return path


def _articles(path: Path) -> tuple[list, list[Problem]]:
    docs, problems = [], []
    for item in read_path(path):
        (problems if isinstance(item, Problem) else docs).append(item)
    return [extract(d) for d in docs], problems


def test_mhtml_page_gives_the_same_article_as_the_loose_page(tmp_path: Path) -> None:
    saved = tmp_path / "hamas.mhtml"
    saved.write_bytes(_mhtml())
    assert detect_format(saved) == "mhtml"
    (article,), problems = _articles(saved)
    loose = extract(next(iter(read_path(CORPUS / "html" / "hamas-funding.html"))))
    assert problems == []
    assert (article.title, article.body, article.url, article.published, article.authors) == (
        loose.title, loose.body, loose.url, loose.published, loose.authors
    )
    assert not any("=3D" in p or "=\n" in p for p in article.body)  # no quoted-printable left
    prov = article.provenance[0]
    assert (prov.format, prov.captured) == ("mhtml", "2023-04-11T09:30:00+02:00")


def test_mhtml_in_another_charset_and_without_a_page(tmp_path: Path) -> None:
    latin = PAGE.replace(b'<meta charset="utf-8">', b"").replace(
        b"Priya Raman", "Zoë Müller".encode("cp1252")
    )
    saved = tmp_path / "page.mht"
    saved.write_bytes(_mhtml(latin, charset="windows-1252"))
    (article,), _ = _articles(saved)
    assert article.authors == ["Zoë Müller"]
    empty = tmp_path / "images-only.mhtml"
    empty.write_bytes(_mhtml().replace(b"Content-Type: text/html", b"Content-Type: text/plain"))
    docs, problems = _articles(empty)
    assert docs == [] and [p.reason for p in problems] == ["MHTML file without an HTML part"]


def test_wacz_captures_are_read_and_its_indexes_are_not(tmp_path: Path) -> None:
    other = PAGE.replace(b"Hamas Moves Money", b"Smugglers Move Gold").replace(b"hamas-crypto", b"gold")
    warc = _warc({URL: PAGE, URL.replace("hamas-crypto", "gold"): other,
                  "https://security-review.example/logo.png": PNG})  # fmt: skip
    wacz = _wacz(tmp_path / "collection.wacz", warc)
    assert detect_format(wacz) == "wacz"
    articles, problems = _articles(wacz)
    assert sorted(a.title for a in articles) == [
        "How Hamas Moves Money Through Crypto Exchanges",
        "How Smugglers Move Gold Through Crypto Exchanges",
    ]
    # the image is a skipped record of the WARC inside; pages.jsonl and the index are not inputs
    assert [(p.source, p.reason, p.skipped) for p in problems] == [
        (f"{wacz}#archive/data.warc.gz", "not HTML (image/png)", True)
    ]
    hamas = next(a for a in articles if "Hamas" in a.title)
    prov = hamas.provenance[0]
    assert (prov.source, prov.format, prov.captured) == (str(wacz), "warc", "2023-04-12T10:00:00Z")
    assert prov.record_id and prov.offset is not None


def test_wacz_ingests_like_the_loose_page_and_reextracts(tmp_path: Path, runner) -> None:
    data = tmp_path / "data"
    wacz = _wacz(tmp_path / "c.wacz", _warc({URL: PAGE}))
    report = make_archive(data, wacz, CORPUS / "html")
    # the WACZ capture and the loose page are one article with two sources
    assert (report.new, report.duplicate) == (1, 1)
    store = Store(DataDir(data).store, readonly=True)
    try:
        (article,) = list(store.iter_articles())
    finally:
        store.close()
    assert sorted(p.format for p in article.provenance) == ["html", "warc"]
    out = runner.invoke(main, ["rebuild", "--reextract", "--data-dir", str(data)])
    assert out.exit_code == 0, out.output
    assert Archive(data).search(SearchRequest(q="crypto")).total == 1


def test_zip_of_pages_reads_each_member_and_reports_the_rest(tmp_path: Path) -> None:
    bundle = tmp_path / "saved-pages.zip"
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("pages/hamas.html", PAGE)
        z.writestr("pages/eer.txt", (CORPUS / "pages" / "eer-one-category.txt").read_bytes())
        z.writestr("pages/saved.mhtml", _mhtml(PAGE.replace(b"Hamas Moves", b"Militias Move"),
                                             url=URL.replace("hamas", "militia")))  # fmt: skip
        z.writestr("pages/logo.png", PNG)
        z.writestr("pages/items.jsonl", '{"title": "t", "body": "b"}\n')
        z.writestr("inner.zip", b"PK\x05\x06" + b"\x00" * 18)
        z.writestr("__MACOSX/pages/._hamas.html", b"\x00\x05\x16\x07")
        z.writestr("pages/.DS_Store", b"\x00\x00")
    assert detect_format(bundle) == "zip"
    articles, problems = _articles(bundle)
    assert len(articles) == 3
    members = sorted(a.provenance[0].member for a in articles)
    assert members == ["pages/eer.txt", "pages/hamas.html", "pages/saved.mhtml"]
    assert all(a.provenance[0].source == str(bundle) for a in articles)
    reasons = {p.member: p.reason for p in problems}
    assert reasons == {
        "pages/logo.png": "binary file, not a text or HTML page",
        "pages/items.jsonl": "JSONL export inside a zip is not read: unpack it first",
        "inner.zip": "a zip inside a zip is not opened: unpack it first",
    }


def test_office_documents_are_not_opened_as_zips_of_pages(tmp_path: Path) -> None:
    docx = tmp_path / "report.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document><w:body>' + "text " * 200 + "</w:body></w:document>")
    epub = tmp_path / "book.epub"
    with zipfile.ZipFile(epub, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("OEBPS/chapter1.xhtml", PAGE)
    for path in (docx, epub):
        (problem,) = list(read_path(path))
        assert problem.reason == "an office document or e-book, not pages" and problem.skipped


def test_damaged_zip_is_one_clear_line(tmp_path: Path) -> None:
    good = tmp_path / "ok.zip"
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("a.html", PAGE)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(good.read_bytes()[:-30])  # the central directory cut off
    items = list(read_path(broken))
    assert len(items) == 1 and isinstance(items[0], Problem)
    assert items[0].reason.startswith("damaged zip file")


def test_pywb_sample_waczs() -> None:
    from conftest import shared_path

    folder = shared_path("corpus", "pywb-sample-warcs", "waczs")
    docs = list(read_path(folder / "valid_example_1.wacz"))
    assert [d.url for d in docs if not isinstance(d, Problem)] == ["http://www.example.com/"]
    (problem,) = list(read_path(folder / "invalid_example_1.wacz"))
    assert problem.reason == "WACZ without web archives (nothing under archive/)"


def test_fundus_pages_give_the_same_articles_loose_or_packed(tmp_path: Path) -> None:
    import gzip

    from conftest import shared_path

    from quarry.archive.model import RawDocument

    root = shared_path("corpus", "fundus-news-html")
    manifest = [json.loads(line) for line in (root / "gold_manifest.jsonl").open()]
    pages = {m["url"]: gzip.decompress((root / m["html_file"]).read_bytes()) for m in manifest[::20]}
    loose = {url: extract(RawDocument(source="x", kind="html", content=body, url=url)) for url, body in pages.items()}
    wacz = _wacz(tmp_path / "fundus.wacz", _warc(pages))
    bundle = tmp_path / "fundus.zip"
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for n, (url, body) in enumerate(pages.items()):
            z.writestr(f"saved/{n}.mhtml", _mhtml(body, url=url, charset=None))
    for packed in (wacz, bundle):
        articles, problems = _articles(packed)
        assert problems == []
        assert sorted(a.url for a in articles) == sorted(pages)  # the URL the archive or file gave
        for article in articles:
            want = loose[article.url]
            assert (article.title, article.published, article.authors, article.body, article.language) == (
                want.title, want.published, want.authors, want.body, want.language
            ), article.url


WAYBACK = "https://web.archive.org/web/20230412093000/"


def _wayback_copy(page: bytes = PAGE) -> bytes:
    """The page as saved from the Wayback Machine: its toolbar inserted, its links rewritten."""
    text = page.decode("utf-8")
    text = text.replace("<body>", (
        '<body><!-- BEGIN WAYBACK TOOLBAR INSERT --><div id="wm-ipp-base"><div id="wm-logo">'
        '<a href="/web/">Wayback Machine</a></div><span>12 captures</span>'
        "<span>11 Apr 2023 - 02 Jun 2024</span></div>"
        f'<div id="wm-ipp-print">The Wayback Machine - {WAYBACK}{URL}</div>'
        "<!-- END WAYBACK TOOLBAR INSERT -->"), 1)  # fmt: skip
    text = text.replace(f'href="{URL}"', f'href="{WAYBACK}{URL}"').replace('href="/', f'href="{WAYBACK}https://security-review.example/')
    return text.encode("utf-8")


def test_page_saved_from_the_wayback_machine_is_the_original_article(tmp_path: Path) -> None:
    saved = tmp_path / "wayback.html"
    saved.write_bytes(_wayback_copy())
    (article,), _ = _articles(saved)
    loose = extract(next(iter(read_path(CORPUS / "html" / "hamas-funding.html"))))
    assert (article.url, article.id, article.title, article.body) == (loose.url, loose.id, loose.title, loose.body)
    assert article.provenance[0].captured == "2023-04-12T09:30:00Z"
    assert not any("Wayback" in p or "captures" in p for p in article.body)
    # stored once with the live copy, both sources listed
    data = tmp_path / "data"
    report = make_archive(data, saved, CORPUS / "html" / "hamas-funding.html", entities=False)
    assert (report.new, report.duplicate) == (1, 1)


def test_pages_saved_by_browsers_keep_their_address_and_save_time(tmp_path: Path) -> None:
    text = PAGE.decode("utf-8").replace(f'<link rel="canonical" href="{URL}">', "")
    chrome = tmp_path / "chrome.html"  # "Save as: Webpage, complete" (the mark of the web)
    chrome.write_text(f"<!-- saved from url=(0054){URL}?ref=home -->\n" + text, encoding="utf-8")
    singlefile = tmp_path / "singlefile.html"
    singlefile.write_text(text.replace("<!DOCTYPE html>", "<!DOCTYPE html> <!--\n Page saved with SingleFile \n"
                                       f" url: {URL} \n saved date: Wed Apr 12 2023 09:30:00 GMT+0200 "
                                       "(Central European Summer Time)\n-->"), encoding="utf-8")  # fmt: skip
    (from_chrome,), _ = _articles(chrome)
    (from_singlefile,), _ = _articles(singlefile)
    assert from_chrome.url == f"{URL}?ref=home" and from_singlefile.url == URL
    assert from_chrome.id == from_singlefile.id  # "?ref=" is a tracking parameter
    assert from_chrome.provenance[0].captured is None
    assert from_singlefile.provenance[0].captured == "2023-04-12T09:30:00+02:00"
