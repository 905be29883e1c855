"""The web app against a real ingested and indexed archive: pages, JSON twins, exports, safety.

Uses the ``app`` and ``client`` fixtures from conftest.py (a small fixture archive). The tests
read the archive through the JSON API first, so they hold for whatever the fixture contains.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import bibtexparser
import pytest

from quarry.archive.exports import EXPORT_FORMATS
from quarry.index.api import FACETS, SearchRequest
from quarry.web.security import SECURITY_HEADERS
from quarry.web.settings import Settings

# -- helpers ------------------------------------------------------------------------------------


class Links(HTMLParser):
    """Collects URL-bearing attributes, meta tags and inline scripts/styles of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []  # (tag, attr, value)
        self.meta: list[tuple[str, str]] = []
        self.inline_scripts = 0
        self.style_attrs = 0
        self._tag = ""

    def handle_starttag(self, tag, attrs):
        self._tag = tag
        d = dict(attrs)
        for k, v in attrs:
            if k in ("src", "href", "action", "srcset", "poster", "data", "formaction") and v:
                self.urls.append((tag, k, v))
            if k == "style":
                self.style_attrs += 1
        if tag == "meta" and "name" in d:
            self.meta.append((d["name"], d.get("content") or ""))

    def handle_data(self, data):
        if self._tag == "script" and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        self._tag = ""


def parse(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


def first_hit(client) -> dict:
    data = client.get("/api/search").get_json()
    assert data["results"], "the fixture archive should not be empty"
    return data["results"][0]


def some_entity(client) -> tuple[str, str]:
    facets = client.get("/api/search").get_json()["facets"]
    for t in ("person", "organization", "location"):
        if facets.get(t):
            return t, facets[t][0]["value"]
    pytest.skip("the fixture archive has no entities")


def page_urls(client) -> list[str]:
    hit = first_hit(client)
    t, name = some_entity(client)
    return [
        "/",
        "/?q=extremism",
        '/?q="unclosed',
        "/?q=a+AND+(b",
        "/help",
        f"/article/{hit['id']}",
        f"/entity/{t}/{name}",
        "/no/such/page",
        "/article/doesnotexist",
        "/entity/person/No%20Such%20Person%20Anywhere",
    ]


# -- search page --------------------------------------------------------------------------------


def test_search_page_renders_with_facets_and_histogram(client):
    resp = client.get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    total = client.get("/api/search").get_json()["total"]
    assert f"{total:,}" in html
    for name, label in FACETS.items():
        assert f'<h3 id="facet-{name}-h">{label}</h3>' in html
    assert '<form class="query"' in html and 'href="/help"' in html
    assert "<svg" in html and "<title>" in html
    assert 'rel="search"' in html


def test_facet_counts_equal_json_counts(client):
    data = client.get("/api/search").get_json()
    html = client.get("/").get_data(as_text=True)
    checked = 0
    for name, values in data["facets"].items():
        for v in values[:3]:
            # the HTML link for this value carries the same count the JSON reports
            pattern = re.escape(html_escape(v["toggle_url"].replace("/api/search", "/"))) + (
                r'">\s*<span class="fv-label">[^<]*</span>\s*<span class="count">'
                + f"{v['count']:,}<"
            )
            assert re.search(pattern, html), (name, v)
            checked += 1
    assert checked


def html_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&#34;").replace("<", "&lt;").replace(">", "&gt;")
    )


def test_toggle_urls_round_trip(client):
    data = client.get("/api/search?page=2").get_json()
    name, values = next((n, v) for n, v in data["facets"].items() if v)
    value = values[0]["value"]
    url = values[0]["toggle_url"]
    args = parse_qsl(urlsplit(url).query)
    assert (f"f.{name}", value) in args and ("page", "2") not in args  # page reset
    selected = client.get(url).get_json()
    entry = next(v for v in selected["facets"][name] if v["value"] == value)
    assert entry["selected"]
    # toggling the selected value again removes it
    assert (f"f.{name}", value) not in parse_qsl(urlsplit(entry["toggle_url"]).query)
    assert selected["total"] == values[0]["count"]
    # exclusion, and the chip on the HTML page that removes it
    exclude = values[0]["exclude_url"].replace("/api/search", "/")
    html = client.get(exclude).get_data(as_text=True)
    assert "chip-exclude" in html and "Remove filter" in html
    req = SearchRequest.from_args(dict(parse_qsl(urlsplit(exclude).query)))
    assert req.excludes == {name: [value]}


def test_request_round_trips_through_url(client):
    url = (
        "/?q=report&f.site=alpha.example&x.category=Online&from=2020-01&to=2022&sort=oldest&size=50"
    )
    html = client.get(url).get_data(as_text=True)
    # the forms keep the other state as hidden inputs (the dates form: all but the dates)
    assert '<input type="hidden" name="x.category" value="Online">' in html
    assert '<input type="hidden" name="sort" value="oldest">' in html
    assert '<input type="hidden" name="size" value="50">' in html
    # nothing is found: no sort form, but each way out keeps the order and page size
    assert "No articles found" in html
    assert 'href="/?q=report&amp;x.category=Online&amp;from=2020-01&amp;to=2022&amp;sort=oldest&amp;size=50"' in html
    html = client.get(url.replace("&f.site=alpha.example", "")).get_data(as_text=True)
    assert '<input type="hidden" name="from" value="2020-01">' in html  # the sort form's
    assert '<option value="oldest" selected>' in html and '<option value="50" selected>' in html


@pytest.mark.parametrize(
    "query",
    ['q="unclosed', "q=(((", "q=a+AND+(b", "q=published:[2020", "page=-5", "size=abc",
     "from=2020-13", "sort=sideways", "f.nope=1", "fl.site=999999999", "q=" + "x" * 4000],
    ids=lambda q: q[:24],
)  # fmt: skip
def test_malformed_parameters_never_500(client, query):
    for path in ("/", "/api/search", "/export.csv"):
        resp = client.get(f"{path}?{query}")
        assert resp.status_code == 200, (path, query)
        resp.get_data()


def test_parse_error_shows_notice(client):
    html = client.get('/?q="unclosed+quote').get_data(as_text=True)
    assert "Could not parse" in html and "searched the plain words instead" in html
    assert client.get('/api/search?q="unclosed').get_json()["query_error"]


def test_empty_query_browses_newest_first(client):
    data = client.get("/api/search").get_json()
    dates = [r["date"] for r in data["results"] if r["date"]]
    assert dates == sorted(dates, reverse=True)


def test_api_search_is_to_json_plus_urls(client):
    data = client.get("/api/search?q=report").get_json()
    assert list(data)[:5] == ["total", "page", "page_size", "query_error", "suggestion"]
    for values in data["facets"].values():
        for v in values:
            assert set(v) == {"value", "count", "selected", "excluded", "toggle_url", "exclude_url"}


# -- safety -------------------------------------------------------------------------------------


def test_security_headers_on_every_response(client):
    hit = first_hit(client)
    paths = page_urls(client) + [
        "/api/search",
        f"/api/article/{hit['id']}",
        "/api/article/nope",
        "/export.jsonl",
        f"/article/{hit['id']}/cite.ris",
        "/static/quarry.css",
        "/static/quarry.js",
        "/opensearch.xml",
    ]
    for path in paths:
        resp = client.get(path)
        resp.get_data()
        for name, value in SECURITY_HEADERS.items():
            assert resp.headers.get(name) == value, (path, name)


def test_no_remote_resources_or_inline_code(client):
    for path in page_urls(client):
        html = client.get(path).get_data(as_text=True)
        links = parse(html)
        remote = [u for u in links.urls if re.match(r"(?i)\s*(https?:|//|data:text)", u[2])]
        assert remote == [], (path, remote)
        assert links.inline_scripts == 0 and links.style_attrs == 0, path
        assert "<style" not in html, path


def test_opensearch_description(client):
    resp = client.get("/opensearch.xml")
    assert resp.mimetype == "application/opensearchdescription+xml"
    assert "?q={searchTerms}" in resp.get_data(as_text=True)


HOSTILE_TITLE = '<script>alert("quarry")</script> Manifesto & <b>bold</b>'


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """An archive ingested from an export whose fields carry markup, as a hostile site would."""
    from conftest import make_archive

    from quarry.web import create_app

    src = tmp_path_factory.mktemp("hostile-src") / "items.jsonl"
    record = {
        "headline": HOSTILE_TITLE,
        "text": "Body with <img src=x onerror=alert(1)> markup.\n\nSecond <iframe> paragraph.",
        "link": "javascript:alert(1)",
        "date": "2022-01-02",
        "author": "<i>Evil</i> Author",
        "section": "<svg onload=alert(1)>",
        "publisher": "Bad & Co <site>",
    }
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    data_dir = tmp_path_factory.mktemp("hostile-data")
    make_archive(data_dir, src)
    return create_app(Settings(data_dir=data_dir), {"TESTING": True}).test_client()


def test_hostile_values_are_escaped(hostile_client):
    hit = first_hit(hostile_client)
    assert hit["title"] == HOSTILE_TITLE
    for path in ["/", "/?q=manifesto", f"/article/{hit['id']}"]:
        html = hostile_client.get(path).get_data(as_text=True)
        assert "&lt;script&gt;alert(" in html, path
        for raw in (
            "<script>alert",
            "<b>bold",
            "<i>Evil",
            "<svg onload",
            "<img src=x",
            "<iframe",
            "<site>",
        ):
            assert raw not in html, (path, raw)
        assert 'href="javascript:' not in html
    for fmt in EXPORT_FORMATS:
        assert hostile_client.get(f"/export.{fmt}").status_code == 200


def test_titles_are_escaped_on_every_page(client):
    for path in page_urls(client):
        assert "<script>alert" not in client.get(path).get_data(as_text=True), path


# -- articles -----------------------------------------------------------------------------------


def test_article_page_metadata_and_citation_tags(client):
    hit = first_hit(client)
    article = client.get(f"/api/article/{hit['id']}").get_json()
    resp = client.get(f"/article/{hit['id']}")
    assert resp.status_code == 200
    links = parse(resp.get_data(as_text=True))
    meta = dict(links.meta)
    assert meta["citation_title"] == article["title"]
    authors = [c for n, c in links.meta if n == "citation_author"]
    assert authors == article["authors"]
    if article["published"]:
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", meta["citation_publication_date"])
    if article["site"]:
        assert meta["citation_journal_title"] == article["site"]
    assert "citation_abstract_html_url" not in meta  # live links are off by default
    html = resp.get_data(as_text=True)
    assert "Provenance" in html and article["provenance"][0]["source"] in html
    for fmt in ("ris", "bib", "csl.json"):
        assert f"/article/{hit['id']}/cite.{fmt}" in html
    if article["url"]:
        assert article["url"] not in [u for _, _, u in links.urls]


def test_article_live_links_when_enabled(built_archive, client):
    from quarry.web import create_app

    hit = next(h for h in client.get("/api/search?size=100").get_json()["results"] if h["url"])
    live = create_app(Settings(data_dir=built_archive, live_links=True), {"TESTING": True}).test_client()
    html = live.get(f"/article/{hit['id']}").get_data(as_text=True)
    assert 'rel="noopener noreferrer nofollow"' in html


def test_article_json_and_404s(client):
    hit = first_hit(client)
    data = client.get(f"/api/article/{hit['id']}").get_json()
    assert data["id"] == hit["id"] and "provenance" in data and "body" in data
    resp = client.get("/article/doesnotexist")
    assert resp.status_code == 404 and "Not found" in resp.get_data(as_text=True)
    resp = client.get("/api/article/doesnotexist")
    assert resp.status_code == 404 and resp.get_json()["error"]["status"] == 404


@pytest.mark.parametrize("fmt", ["ris", "bib", "csl.json"])
def test_article_citation_downloads(client, fmt):
    hit = first_hit(client)
    resp = client.get(f"/article/{hit['id']}/cite.{fmt}")
    assert resp.status_code == 200 and resp.mimetype == EXPORT_FORMATS[fmt][0]
    assert hit["id"] in resp.get_data(as_text=True)


# -- exports ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_exports_one_record_per_article(client, fmt):
    query = "q=report"
    total = client.get(f"/api/search?{query}&size=1").get_json()["total"]
    resp = client.get(f"/export.{fmt}?{query}&size=1")  # size does not cap an export
    assert resp.status_code == 200
    assert resp.mimetype == EXPORT_FORMATS[fmt][0]
    assert resp.headers["Content-Disposition"].startswith("attachment")
    body = resp.get_data(as_text=True)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0][0] == "id" and len(rows) == total + 1
    elif fmt == "jsonl":
        assert len([json.loads(line) for line in body.splitlines()]) == total
    elif fmt == "ris":
        assert body.count("TY  - ") == total == body.count("ER  - ")
    elif fmt == "bib":
        library = bibtexparser.parse_string(body)
        assert len(library.entries) == total and not library.failed_blocks
    elif fmt == "csl.json":
        assert len(json.loads(body)) == total
    else:  # a reference list in a citation style: one paragraph per article
        assert len(body.strip().split("\n\n")) == total


def test_export_links_on_search_page_keep_filters(client):
    site = client.get("/api/search").get_json()["facets"]["site"][0]["value"]
    html = client.get("/?" + urlencode({"f.site": site, "size": 1, "page": 2})).get_data(
        as_text=True
    )
    links = [u for _, _, u in parse(html).urls if u.startswith("/export.")]
    assert len(links) == len(EXPORT_FORMATS)
    for link in links:
        args = parse_qsl(urlsplit(link).query)
        assert ("f.site", site) in args and ("page", "2") not in args and ("size", "1") not in args


# -- entities -----------------------------------------------------------------------------------


def test_entity_page(client):
    t, name = some_entity(client)
    resp = client.get(f"/entity/{t}/{name}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert html_escape(name) in html and "Mentioned in" in html
    data = client.get(f"/api/entity/{t}/{name}").get_json()
    assert data["name"] == name and data["mentions"] >= 1
    assert data["result"]["total"] == data["mentions"]
    for alias in data["aliases"][:1]:  # an alias URL redirects to the canonical one
        resp = client.get(f"/entity/{t}/{alias}?sort=oldest")
        assert resp.status_code == 302
        assert resp.headers["Location"].endswith("?sort=oldest")


def test_unknown_entity_is_a_friendly_404(client):
    resp = client.get("/entity/person/No Such Person Anywhere")
    assert resp.status_code == 404
    assert "No Such Person Anywhere" in resp.get_data(as_text=True)
    assert client.get("/entity/weapon/x").status_code == 404
    resp = client.get("/api/entity/person/No Such Person Anywhere")
    assert resp.status_code == 404 and resp.get_json()["error"]["status"] == 404


# -- an archive that is not built yet -----------------------------------------------------------


def test_empty_data_dir_explains_itself(tmp_path):
    from quarry.web import create_app

    client = create_app(Settings(data_dir=tmp_path), {"TESTING": True}).test_client()
    resp = client.get("/")
    assert resp.status_code == 200
    assert "cannot be searched yet" in resp.get_data(as_text=True)
    assert client.get("/api/search").status_code == 200
    resp = client.get("/export.csv")
    assert resp.status_code == 503 and resp.headers["X-Frame-Options"] == "DENY"
    assert "quarry rebuild" in resp.get_data(as_text=True)
    assert client.get("/article/abc").status_code == 404  # nothing stored: no such article
    # whether the entity exists cannot be known without an index: said, not guessed
    resp = client.get("/entity/person/Anyone")
    assert resp.status_code == 503 and "quarry rebuild" in resp.get_data(as_text=True)
    assert client.get("/api/entity/person/Anyone").get_json()["error"]["status"] == 503


def test_bad_dates_are_reported_not_fatal(client):
    html = client.get("/?from=2020-13&to=soon").get_data(as_text=True)
    assert "Ignored from = “2020-13”, to = “soon”" in html


def test_refused_query_says_it_was_not_run(client, monkeypatch):
    import quarry.index.arraymatch as am

    monkeypatch.setattr(am, "MAX_EXPANSIONS", 3)
    html = client.get("/?q=t*").get_data(as_text=True)
    assert "Could not search “t*”" in html and "searched the plain words" not in html
    data = client.get("/api/search?q=t*").get_json()
    assert data["query_refused"] is True and data["total"] == 0 and data["error_kind"] == "refused"
    # an export of a refused query says why instead of handing over an empty file
    resp = client.get("/export.csv?q=t*")
    assert resp.status_code == 400 and "stands for more than 3 different words" in resp.get_data(as_text=True)
