"""What makes two documents one article (issue 13, item 4): the same text, or the same address
with the same text; an address shared by different texts does not merge them."""

from __future__ import annotations

import io
import json
import shutil

from conftest import FIXTURES, make_archive
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from quarry.archive.datadir import DataDir
from quarry.archive.model import same_text
from quarry.archive.store import Store
from quarry.index.api import SearchRequest
from quarry.index.engine import Archive

HOME = FIXTURES / "canonical-home"  # five stories whose rel=canonical names the home page


def _articles(data):
    store = Store(DataDir(data).store)
    try:
        return list(store.iter_articles())
    finally:
        store.close()


def test_stories_sharing_a_canonical_url_are_separate_articles(tmp_path):
    report = make_archive(tmp_path / "data", HOME, entities=False)
    assert (report.new, report.duplicate) == (5, 0)
    articles = _articles(tmp_path / "data")
    assert len({a.id for a in articles}) == 5
    archive = Archive(tmp_path / "data")
    assert archive.search(SearchRequest()).total == 5
    for title in ("Flooding cuts the road", "Court hears appeal", "Teachers strike", "New bridge opens",
                  "Cholera cases rise"):  # fmt: skip
        assert archive.search(SearchRequest(q=f'title:"{title}"')).total == 1, title


def test_the_same_story_again_is_a_duplicate_of_the_right_article(tmp_path):
    data = tmp_path / "data"
    make_archive(data, HOME, entities=False)
    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(HOME / "story-3.html", again / "copy-of-3.html")
    # a capture of story 4 in a web archive, under the address its canonical link gives
    with open(again / "crawl.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://www.example-daily.test/", "response",
                                                      payload=io.BytesIO((HOME / "story-4.html").read_bytes()),
                                                      http_headers=http))  # fmt: skip
    report = make_archive(data, again, entities=False)
    assert (report.new, report.duplicate) == (0, 2)
    by_title = {a.title: a for a in _articles(data)}
    assert len(by_title) == 5
    assert {p.source.rsplit("/", 1)[-1] for p in by_title["Teachers strike over unpaid salaries in Yobe"].provenance} == {
        "story-3.html", "copy-of-3.html"}  # fmt: skip
    assert len(by_title["New bridge opens over the Benue at Makurdi"].provenance) == 2
    dup_titles = {d.of_title for d in report.duplicates}
    assert dup_titles == {"Teachers strike over unpaid salaries in Yobe", "New bridge opens over the Benue at Makurdi"}


def test_records_with_one_url_and_different_texts_are_two_articles(tmp_path):
    path = tmp_path / "export.jsonl"
    url = "https://news.example.org/live-updates"
    rows = [
        {"title": "Live: talks resume", "body": "Delegations arrived in Doha on Monday for a new round of talks.", "url": url},
        {"title": "Live: talks resume", "body": "A ceasefire took effect at midnight, both sides said on Tuesday.", "url": url},
        # the first text again, a word changed: the same address and the same text
        {"title": "Live: talks resume", "body": "Delegations arrived in Doha on Monday for a fresh round of talks.", "url": url},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = make_archive(tmp_path / "data", path, entities=False)
    assert (report.new, report.duplicate) == (2, 1)
    assert report.duplicate_why == {"the same address and text": 1}
    assert len(_articles(tmp_path / "data")) == 2


def test_same_text():
    story = ["Delegations arrived in Doha on Monday for a new round of talks between the two sides.",
             "Mediators said they hoped for an agreement before the end of the month."]  # fmt: skip
    assert same_text(story, [" ".join(story).upper()])  # normalised
    assert same_text(story, story[:1])  # one text holds the other
    assert same_text(story, [*story, "Related: more stories from the region."])
    assert not same_text(story, ["A ceasefire took effect at midnight, both sides said on Tuesday.",
                                 "Aid lorries crossed the border in the morning."])  # fmt: skip
    assert same_text(["Yes."], ["yes"]) and not same_text(["Yes."], ["No."])
