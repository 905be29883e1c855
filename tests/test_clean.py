"""Field values that are not what they claim (issue 13, item 5): CMS flags as categories,
placeholders as authors, and the site named by the URL when the record names none."""

from __future__ import annotations

import json

import pytest

from quarry.archive.extract import extract
from quarry.archive.extract.clean import (
    clean_authors,
    clean_categories,
    is_placeholder_author,
    is_setting,
    site_from_url,
)
from quarry.archive.model import RawDocument
from quarry.archive.readers import read_path

BODY = "Officials in Niamey said the convoy was attacked near the border on Tuesday.\n\nTwo soldiers died."


def _record(**fields) -> RawDocument:
    return RawDocument(source="x.jsonl", kind="record", record={"body": BODY, **fields}, format="jsonl")


@pytest.mark.parametrize(
    "value", ["LockedPostSource:LOCKED_POST_SOURCE_NONE", "Elevated:false", "LayerCake:0", "tag=abc",
              "true", "0", "has_video_embed", "LOCKED_POST_SOURCE_NONE", "https://example.org/tag/x"],
)  # fmt: skip
def test_cms_settings_are_not_categories(value):
    assert is_setting(value)


@pytest.mark.parametrize("value", ["Politics: Europe", "Sahel", "Counter-terrorism", "9/11", "ISIS", "Middle East"])
def test_reader_categories_are_kept(value):
    assert not is_setting(value)
    assert clean_categories([value]) == [value]


@pytest.mark.parametrize("value", ["Username", "username", "admin", "{{author}}", "%author%", "By Username",
                                   "https://www.facebook.com/someone", "desk@example.org", ""])
def test_placeholders_are_not_authors(value):
    assert is_placeholder_author(value)


@pytest.mark.parametrize("value", ["Anna Keller", "Reuters Staff", "European Eye on Radicalization", "Ng"])
def test_names_are_authors(value):
    assert not is_placeholder_author(value)


def test_clean_lists_keep_order_and_drop_repeats():
    assert clean_categories(["Analysis", "Elevated:false", " Analysis ", "Sahel", "LayerCake:0"]) == ["Analysis", "Sahel"]
    assert clean_authors(["Username", "Anna Keller", "Anna  Keller", "admin", "Jonas Berg"]) == ["Anna Keller", "Jonas Berg"]


@pytest.mark.parametrize(
    "url,site",
    [
        ("https://www.example-news.org/2023/04/story", "example-news.org"),
        ("http://WWW.Example.COM:8080/a?utm_source=x", "example.com"),
        ("https://news.example.net/a", "news.example.net"),
        ("https://web.archive.org/web/20230412093000/https://www.example-news.org/a", "example-news.org"),
        ("https://xn--bcher-kva.example/a", "bücher.example"),
        ("javascript:alert(1)", None),
        ("not a url", None),
        (None, None),
    ],
)
def test_site_from_url(url, site):
    assert site_from_url(url) == site


def test_record_site_from_its_field_else_from_its_url():
    named = extract(_record(url="https://www.example-news.org/a", publisher="Example News"))
    assert named.site == "Example News"
    unnamed = extract(_record(url="https://www.example-news.org/a"))
    assert unnamed.site == "example-news.org"
    assert extract(_record()).site is None


def test_record_categories_and_authors_are_cleaned():
    a = extract(_record(
        categories=["World", "LockedPostSource:LOCKED_POST_SOURCE_NONE", "Elevated:false", "LayerCake:0", "Sahel"],
        authors=["Username", "Anna Keller"],
    ))  # fmt: skip
    assert a.categories == ["World", "Sahel"]
    assert a.authors == ["Anna Keller"]


def test_reuters_style_export_rows_get_the_domain_as_site(tmp_path):
    path = tmp_path / "wire.jsonl"
    rows = [{"title": f"Story {i}", "body": BODY + f" Story {i}.", "url": f"http://www.wire.example/article/{i}",
             "section_slug": "worldNews"} for i in range(3)]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    sites = {extract(doc).site for doc in read_path(path)}
    assert sites == {"wire.example"}
