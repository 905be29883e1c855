"""Messy and varied inputs: web archives, duplicates across formats, size limits, languages,
captured pages, and the Reuters-21578 export through a field mapping."""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from pathlib import Path

from conftest import CORPUS, FIXTURES, make_archive, shared_path
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from quarry.archive.datadir import DataDir
from quarry.archive.extract import extract
from quarry.archive.model import RawDocument
from quarry.archive.pipeline import ingest
from quarry.archive.readers import ReadOptions, read_path
from quarry.archive.readers.base import Problem
from quarry.archive.store import Store
from quarry.index.api import SearchRequest
from quarry.index.build import build_index
from quarry.index.engine import Archive
from quarry.web.settings import Settings

HAMAS = CORPUS / "html" / "hamas-funding.html"
HAMAS_URL = "https://security-review.example/2023/04/hamas-crypto"


def write_warc(path: Path, pages: list[tuple[str, bytes]], gz: bool = True) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)


def test_same_article_from_warc_html_and_jsonl_is_stored_once(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_warc(inputs / "crawl.warc.gz", [(HAMAS_URL + "?utm_source=feed", HAMAS.read_bytes())])
    (inputs / "page.html").write_bytes(HAMAS.read_bytes())
    (inputs / "export.jsonl").write_text(json.dumps({
        "title": "How Hamas Moves Money Through Crypto Exchanges",
        "text": "Investigators say Hamas has shifted part of its fundraising to exchanges.",
        "url": HAMAS_URL, "date": "2023-04-11",
    }) + "\n")
    data = tmp_path / "data"
    report = make_archive(data, inputs, entities=False)
    assert (report.new, report.duplicate) == (1, 2)
    store = Store(DataDir(data).store)
    try:
        (article,) = list(store.iter_articles())
    finally:
        store.close()
    assert sorted(p.format.split(".")[0] for p in article.provenance) == ["html", "jsonl", "warc"]
    warc = next(p for p in article.provenance if p.format.startswith("warc"))
    assert warc.offset is not None and warc.record_id and warc.captured


def test_warc_capture_is_served_inert_from_the_data_dir(tmp_path):
    from quarry.web import create_app

    inputs = tmp_path / "in"
    inputs.mkdir()
    hostile = HAMAS.read_bytes().replace(b"</article>", b"<script>window.__x=1</script></article>")
    write_warc(inputs / "crawl.warc", [(HAMAS_URL, hostile)], gz=False)
    data = tmp_path / "data"
    make_archive(data, inputs, entities=False)
    (inputs / "crawl.warc").unlink()  # the capture comes from the data directory, not the source
    client = create_app(Settings(data_dir=data), {"TESTING": True}).test_client()
    hit = client.get("/api/search").get_json()["results"][0]
    page = client.get(f"/article/{hit['id']}").get_data(as_text=True)
    assert f"/article/{hit['id']}/capture/0" in page
    capture = client.get(f"/article/{hit['id']}/capture/0")
    assert capture.status_code == 200
    shown = capture.get_data(as_text=True)
    assert "window.__x=1" not in shown and "Hamas" in shown  # its text, sanitised (issue 15)
    raw = client.get(f"/article/{hit['id']}/capture/0/raw")  # the bytes as captured: a download
    assert b"window.__x=1" in raw.get_data() and raw.mimetype == "application/octet-stream"
    assert raw.headers["Content-Disposition"].startswith("attachment")
    csp = capture.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox") and "script-src" not in csp and "default-src 'none'" in csp
    assert client.get(f"/article/{hit['id']}/capture/5").status_code == 404


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "huge.html"
    with open(big, "wb") as fh:
        fh.truncate(51 * 1024 * 1024)  # sparse: nothing is held in memory
    (problem,) = list(read_path(big))
    assert isinstance(problem, Problem) and "too large" in problem.reason
    small_limit = list(read_path(HAMAS, ReadOptions(max_bytes=1000)))
    assert "too large" in small_limit[0].reason


def test_german_page_keeps_its_language_and_is_stemmed_in_german(tmp_path):
    german = next(p for p in (FIXTURES / "html").iterdir() if "de" in p.name.lower() or "german" in p.name.lower())
    data = tmp_path / "data"
    make_archive(data, german, HAMAS, entities=False)
    archive = Archive(data)
    langs = {f.name: {v.value: v.count for v in f.values} for f in archive.search(SearchRequest()).facets}["language"]
    assert langs == {"de": 1, "en": 1}
    store = Store(DataDir(data).store)
    try:
        article = next(a for a in store.iter_articles() if a.language == "de")
    finally:
        store.close()
    # pick a long German word from the text and search an inflected variant of it
    word = max((w.strip(".,;:!?\"'()„“") for w in article.text.split()), key=len)
    assert archive.search(SearchRequest(q=word)).total == 1
    assert archive.search(SearchRequest(q=word + "en")).total == 1  # German stemming folds the ending


def test_pagetext_and_html_captures_survive_reextract_after_the_source_moves(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "page.html").write_bytes(HAMAS.read_bytes())
    data = tmp_path / "data"
    make_archive(data, inputs, entities=False)
    before = Archive(data).search(SearchRequest()).to_json()
    build_index(data)
    assert Archive(data).search(SearchRequest()).to_json()["facets"] == before["facets"]


def test_reuters21578_through_the_jsonl_reader_with_a_field_mapping(tmp_path):
    path = shared_path("corpus", "reuters21578", "reuters21578.jsonl")
    options = ReadOptions(field_map={"categories": "topics", "published": "date"})
    articles = problems = 0
    topic_counts: Counter = Counter()
    for item in read_path(path, options):
        if isinstance(item, Problem):
            problems += 1
            continue
        try:
            a = extract(item, options.field_map)
        except Exception:  # noqa: BLE001 - headline-only items: counted below
            problems += 1
            continue
        articles += 1
        assert a.published is not None and 1986 <= a.published.year <= 1988
        topic_counts.update(a.categories)
    assert articles + problems == 21578
    assert articles >= 19000
    # a slice through the whole pipeline: counts equal the labels counted straight from the JSON
    lines = path.read_text(encoding="utf-8").splitlines()[:300]
    sliced = tmp_path / "slice.jsonl"
    sliced.write_text("\n".join(lines) + "\n{broken\n")
    data = tmp_path / "data"
    store = Store(DataDir(data).store)
    try:
        report = ingest([sliced], store, options, entities=False, data_dir=data, workers=1)
    finally:
        store.close()
    build_index(data)
    records = [json.loads(line) for line in lines]
    with_body = [r for r in records if (r.get("body") or "").strip()]
    assert report.stored + report.duplicate == len(with_body)
    assert report.stored + report.duplicate + len(report.skipped) == report.read == 301
    assert any("not valid JSON" in p.reason for p in report.failed)
    expected = Counter()
    seen_text = set()
    for r in with_body:
        key = " ".join(r["body"].split()).lower()
        if key in seen_text:
            continue
        seen_text.add(key)
        expected.update(set(r["topics"] or []))
    result = Archive(data).search(SearchRequest(facet_limits={"category": 1000}))
    category = next(f for f in result.facets if f.name == "category")
    assert {v.value: v.count for v in category.values} == dict(expected)


def test_fundus_page_gives_the_same_article_loose_or_archived(tmp_path):
    root = shared_path("corpus", "fundus-news-html")
    manifest = [json.loads(line) for line in (root / "gold_manifest.jsonl").open()]
    pages = [m for m in manifest if m["country"] in ("us", "gb", "au", "ca")][:12]
    assert pages
    warc_pages = [(m["url"], gzip.decompress((root / m["html_file"]).read_bytes())) for m in pages]
    write_warc(tmp_path / "fundus.warc.gz", warc_pages)
    archived = {}
    for item in read_path(tmp_path / "fundus.warc.gz"):
        assert not isinstance(item, Problem), item
        archived[item.url] = extract(item)
    assert len(archived) == len(pages)
    for m, (url, body) in zip(pages, warc_pages, strict=True):
        loose = extract(RawDocument(source=m["html_file"], kind="html", content=body, url=url))
        a = archived[url]
        assert (a.title, a.published, a.authors, a.body, a.language) == (
            loose.title, loose.published, loose.authors, loose.body, loose.language), url


def test_exports_whose_fields_hold_html_are_read_as_exports(tmp_path):
    from quarry.archive.readers import detect_format

    jsonl = tmp_path / "scraped.jsonl"
    jsonl.write_text(json.dumps({"title": "T", "text": "<html><body onload=x()>page</body></html>"}) + "\n")
    csv_file = tmp_path / "scraped.csv"
    csv_file.write_text('title,text\nT,"<html><head></head><body>page</body></html>"\n')
    unnamed = tmp_path / "export-without-extension"
    unnamed.write_text(json.dumps({"title": "T", "html": "<body>" + "x" * 9000 + "</body>"}) + "\n")
    assert detect_format(jsonl) == "jsonl"
    assert detect_format(csv_file) == "csv"
    assert detect_format(unnamed) == "jsonl"
    assert detect_format(HAMAS) == "html"
