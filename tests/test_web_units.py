"""Web layer tests that need no index: URL arithmetic, export writers, escaping of hostile data.

A small FakeEngine implements the index contract so the pages can be rendered with exactly the
hostile values we want to check (the real archive tests live in test_web.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quarry.archive.citation import bibtex_entry, csl_item, render, ris_record
from quarry.archive.exports import EXPORT_FORMATS, article_to_csv_row
from quarry.archive.model import Article, Entities, Provenance
from quarry.index.api import (
    FACETS,
    Associated,
    Capture,
    Deadline,
    Engine,
    EngineError,
    EntityView,
    ErrorKind,
    Evidence,
    EvidenceArticle,
    Facet,
    FacetValue,
    Health,
    HistogramBin,
    Hit,
    IdList,
    Mark,
    Network,
    NetworkEdge,
    NetworkNode,
    Passage,
    SearchRequest,
    SearchResult,
    Variant,
)
from quarry.web import create_app
from quarry.web.settings import Settings

HOSTILE = '<script>alert("x")</script> & "quotes"'


def make_articles() -> list[Article]:
    return [
        Article(
            id="a1b2c3d4e5f60718",
            title=HOSTILE,
            body=["Anders met ISIS in Oslo.", '=HYPERLINK("evil") second paragraph {braces} 100%'],
            url="https://example.org/news/1?x=<b>",
            published=date(2021, 3, 4),
            authors=["Jane Doe", "Émile <b>Bold</b>"],
            categories=["Extremism", "Online"],
            site="example.org",
            language="en",
            views=1234,
            entities=Entities(person=["Anders"], organization=["ISIS"], location=["Oslo"]),
            provenance=[
                Provenance(
                    source="dump.warc.gz",
                    format="warc",
                    offset=42,
                    captured="2021-03-05",
                    content_hash="ab" * 32,
                )
            ],
        ),
        Article(id="ffff000011112222", title="Second", body=["Plain text."], authors=[]),
    ]


class FakeEngine:
    """Implements the engine contract (index.api.Engine) over a fixed list of articles."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles = {a.id: a for a in articles}

    def _hit(self, a: Article) -> Hit:
        return Hit(
            id=a.id,
            title=a.title,
            date=a.published_iso,
            url=a.url,
            site=a.site,
            authors=a.authors,
            categories=a.categories,
            snippet="<mark>Anders</mark> &lt;b&gt;",
            entities=a.entities.as_dict(),
        )

    def search(self, req: SearchRequest, deadline: Deadline | None = None) -> SearchResult:
        hits = [self._hit(a) for a in self.articles.values()]
        facets = []
        for name, label in FACETS.items():
            values = [
                FacetValue(
                    value=HOSTILE,
                    label=HOSTILE,
                    count=2,
                    selected=HOSTILE in req.filters.get(name, []),
                ),
                FacetValue(value="plain", label="plain", count=1),
            ]
            facets.append(
                Facet(
                    name=name,
                    label=label,
                    values=values,
                    total_values=2,
                    truncated=True,
                    timed_out=name == "location",
                )
            )
        unbalanced = req.q.count('"') % 2
        return SearchResult(
            request=req,
            total=len(hits),
            hits=hits,
            facets=facets,
            histogram=[HistogramBin("2021-01", 3), HistogramBin("2021-04", 1)],
            query_error="a quotation mark is not closed" if unbalanced else None,
            error_kind=ErrorKind.BAD_QUERY if unbalanced else None,
            suggestion="anders" if req.q == "andres" else None,
        )

    def article(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)

    def similar(self, article_id: str, limit: int = 8) -> list[Hit]:
        return [self._hit(a) for a in self.articles.values() if a.id != article_id][:limit]

    def entity(self, etype: str, name: str, req: SearchRequest | None = None) -> EntityView | None:
        if name != "Anders":
            return None
        return EntityView(
            type=etype,
            name=name,
            aliases=["A. B."],
            result=self.search(req or SearchRequest()),
            cooccurring={"organization": [Associated("ISIS", 1, 1, 2.5), Associated(HOSTILE, 3, 4, 1.0)]},
            sites=[FacetValue("example.org", "example.org", 1)],
            considered=2,
            variants=[Variant(HOSTILE, 2), Variant("Anders", 1)],
            variants_recorded=2,
            first_seen="2021-03-04",
            last_seen="2021-03-04",
        )

    def network(self, req: SearchRequest, per_type: int = 12, min_together: int = 3) -> Network:
        nodes = [NetworkNode("person", "Anders", 2), NetworkNode("organization", HOSTILE, 2),
                 NetworkNode("location", "Oslo", 1)]  # fmt: skip
        edges = [NetworkEdge(0, 1, 2, 5.5, 1.0), NetworkEdge(1, 2, 1, 0.5, 0.2)]
        return Network(req, len(self.articles), nodes, edges, per_type, min_together, "log-likelihood (G²)")

    def evidence(self, req: SearchRequest, a: tuple[str, str], b: tuple[str, str]) -> Evidence | None:
        if a[1] != "Anders":
            return None
        result = self.search(req)
        text = f"Anders met {HOSTILE} in Oslo."
        start = text.index(HOSTILE)
        passage = Passage(text, [(0, 6, "person", "Anders"), (start, start + len(HOSTILE), b[0], b[1])])
        return Evidence(a, b, result, [EvidenceArticle(result.hits[0], [passage], 1)], 2, 2, 2, 5.5)

    def export_rows(self, req: SearchRequest) -> Iterator[Article]:
        return iter(self.articles.values())

    def result_ids(self, req: SearchRequest) -> IdList:
        return IdList(list(self.articles), "fake")

    def paragraph_marks(self, article: Article) -> list[list[Mark]]:
        return [
            [
                (0, 6, "person", "Anders"),
                (11, 15, "organization", "ISIS"),
                (12, 14, "location", "overlap"),
            ],
            [],
        ]

    def captures(self, article: Article) -> list[bool]:
        return [False for _ in article.provenance]

    def capture(self, article_id: str, n: int) -> Capture | None:
        return None

    def health(self) -> Health:
        return Health(articles=len(self.articles), index_version="fake")


def test_the_double_and_the_engine_implement_the_contract():
    from quarry.index.engine import Archive

    assert isinstance(FakeEngine([]), Engine)
    assert isinstance(Archive("/nonexistent"), Engine)


def fake_app_of(**settings):
    """An app over the FakeEngine, with these settings."""
    app = create_app(Settings(data_dir="/nonexistent", **settings), {"TESTING": True})
    app.extensions["quarry"] = FakeEngine(make_articles())
    return app


@pytest.fixture
def fake_app():
    return fake_app_of()


@pytest.fixture
def fake_client(fake_app):
    return fake_app.test_client()


class _Attrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for k, v in attrs:
            if k in ("src", "href", "action", "data", "poster") and v:
                self.urls.append(v)

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.scripts.append(data)


PAGES = [
    "/",
    "/?q=andres",
    '/?q="unbalanced',
    "/article/a1b2c3d4e5f60718",
    "/entity/person/Anders",
    "/help",
    "/?f.site=plain&x.category=plain&from=2021",
    "/network",
    "/network?q=anders&nodes=5&min=2",
    "/evidence?a=person:Anders&b=organization:%3Cscript%3Ealert(1)%3C/script%3E",
]


@pytest.mark.parametrize("path", PAGES)
def test_hostile_values_are_escaped(fake_client, path):
    resp = fake_client.get(path)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<b>Bold" not in html
    parser = _Attrs()
    parser.feed(html)
    assert parser.scripts == []  # no inline script at all
    assert not [u for u in parser.urls if re.match(r"(?i)\s*(https?:)?//", u)]
    assert 'style="' not in html


def test_snippet_marks_kept_and_entities_linked(fake_client):
    html = fake_client.get("/").get_data(as_text=True)
    assert "<mark>Anders</mark> &lt;b&gt;" in html
    page = fake_client.get("/article/a1b2c3d4e5f60718").get_data(as_text=True)
    assert '<a class="ent ent-person" href="/entity/person/Anders"' in page
    assert "&#34;x&#34;" in page or "&quot;x&quot;" in page


def test_query_error_and_suggestion(fake_client):
    html = fake_client.get('/?q="unbalanced').get_data(as_text=True)
    assert "Could not parse" in html and "searched the plain words instead" in html
    html = fake_client.get("/?q=andres").get_data(as_text=True)
    assert "Did you mean" in html and "/?q=anders" in html


def test_timed_out_facet_and_histogram(fake_client):
    html = fake_client.get("/").get_data(as_text=True)
    assert "took too long" in html.lower()
    assert "<svg" in html and "from=2021-04&amp;to=2021-04" in html
    assert "<title>January 2021: 3 articles</title>" in html
    # gaps filled: four months drawn, the empty ones as room, not links
    assert '<rect class="hit" x="600.00"' in html and 'data-month="2021-02"' not in html


def test_live_links_off_and_on(fake_app):
    html = fake_app.test_client().get("/article/a1b2c3d4e5f60718").get_data(as_text=True)
    assert 'href="https://example.org' not in html
    assert "https://example.org/news/1?x=&lt;b&gt;" in html
    html = fake_app_of(live_links=True).test_client().get("/article/a1b2c3d4e5f60718").get_data(as_text=True)
    assert 'rel="noopener noreferrer nofollow"' in html
    assert 'name="citation_abstract_html_url"' in html


def test_live_links_only_for_web_urls():
    fake_app = fake_app_of(live_links=True)
    fake_app.extensions["quarry"].articles["a1b2c3d4e5f60718"].url = "javascript:alert(1)"
    html = fake_app.test_client().get("/article/a1b2c3d4e5f60718").get_data(as_text=True)
    assert 'href="javascript:' not in html and '<code id="article-url">javascript:alert(1)' in html
    assert "citation_abstract_html_url" not in html


def test_entity_404_and_api(fake_client):
    assert fake_client.get("/entity/person/Nobody").status_code == 404
    assert fake_client.get("/entity/weapon/Anders").status_code == 404
    resp = fake_client.get("/api/entity/person/Nobody")
    assert resp.status_code == 404 and resp.json["error"]["status"] == 404
    data = fake_client.get("/api/entity/person/Anders").json
    assert data["name"] == "Anders" and data["aliases"] == ["A. B."]
    assert data["result"]["total"] == 2


def test_api_search_toggle_urls(fake_client):
    data = fake_client.get("/api/search?q=x&page=2").json
    v = data["facets"]["site"][1]
    assert v["toggle_url"] == "/api/search?q=x&f.site=plain"  # page reset
    assert set(data) >= {"total", "results", "facets", "histogram", "facets_timed_out"}


def test_500_is_friendly(fake_app):
    def boom(req, deadline=None):
        raise RuntimeError("kaput")

    fake_app.extensions["quarry"].search = boom
    fake_app.config["PROPAGATE_EXCEPTIONS"] = False
    client = fake_app.test_client()
    resp = client.get("/")
    assert resp.status_code == 500 and "Something went wrong" in resp.get_data(as_text=True)
    assert resp.headers["X-Frame-Options"] == "DENY"
    resp = client.get("/api/search")
    assert resp.status_code == 500 and resp.json["error"]["status"] == 500


# pure export functions


def test_ris_record():
    ris = ris_record(csl_item(make_articles()[0]))
    assert ris.startswith("TY  - NEWS\r\n") and ris.endswith("ER  - \r\n")
    assert "AU  - Doe, Jane\r\n" in ris and "DA  - 2021/03/04\r\n" in ris
    assert "Y2  - 2021/03/05\r\n" in ris  # accessed: the capture date
    assert "\n" not in ris.replace("\r\n", "")


def test_bibtex_is_balanced_and_escaped():
    bib = bibtex_entry(csl_item(make_articles()[0]))
    assert bib.startswith("@article{doe2021_a1b2c3d4,")
    assert bib.count("{") - bib.count(r"\{") == bib.count("}") - bib.count(r"\}")
    assert r"100\%" not in bib  # body is not exported
    assert "author = {Doe, Jane and" in bib and "month = mar" in bib
    assert "journal = {example.org}" in bib and "urldate = {2021-03-05}" in bib
    assert r"\& \"quotes\"" not in bib and r"\&" in bib


def test_csl_and_citation():
    a = make_articles()[0]
    item = csl_item(a)
    assert item["issued"] == {"date-parts": [[2021, 3, 4]]} and item["type"] == "article-newspaper"
    assert item["accessed"] == {"date-parts": [[2021, 3, 5]]}
    cite = render(item, "apa")
    assert cite.startswith("Doe, J., & Émile <b>Bold</b>. (2021, March 4).")  # kept whole
    assert render(csl_item(make_articles()[1]), "apa").startswith("Second. (n.d.).")


def test_csv_defuses_formulas():
    row = article_to_csv_row(make_articles()[0])
    text = row[-1]
    assert text.startswith("Anders")
    a = make_articles()[1]
    a.title = "=cmd|calc"
    assert article_to_csv_row(a)[1] == "'=cmd|calc"


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_export_formats_stream_one_record_per_article(fake_client, fmt):
    resp = fake_client.get(f"/export.{fmt}?q=x")
    assert resp.status_code == 200
    mimetype = EXPORT_FORMATS[fmt][0]
    assert resp.mimetype == mimetype
    assert "attachment" in resp.headers["Content-Disposition"]
    body = resp.get_data(as_text=True)
    n = 2
    if fmt == "csv":
        assert len(list(csv.reader(io.StringIO(body)))) == n + 1
    elif fmt == "jsonl":
        assert [json.loads(line)["id"] for line in body.splitlines()] == list(
            FakeEngine(make_articles()).articles
        )
    elif fmt == "ris":
        assert body.count("TY  - ") == n == body.count("ER  - ")
    elif fmt == "bib":
        assert body.count("\n@") + body.startswith("@") == n
    elif fmt == "csl.json":
        assert len(json.loads(body)) == n
    else:  # a reference list: one paragraph per article
        assert len(body.strip().split("\n\n")) == n


def test_unknown_export_format_404(fake_client):
    assert fake_client.get("/export.pdf").status_code == 404
    assert fake_client.get("/article/a1b2c3d4e5f60718/cite.pdf").status_code == 404
    assert fake_client.get("/article/a1b2c3d4e5f60718/cite.ris").status_code == 200


def test_article_page_offers_each_citation_style_without_script(fake_client):
    from quarry.archive.citation import STYLES

    aid = "a1b2c3d4e5f60718"
    html = fake_client.get(f"/article/{aid}").get_data(as_text=True)
    assert '<strong aria-current="true">APA</strong>' in html and "APA Style 7th edition, as plain text" in html
    for key in STYLES:
        if key != "apa":
            assert f'href="/article/{aid}?style={key}#cite-h"' in html
    html = fake_client.get(f"/article/{aid}?style=mla").get_data(as_text=True)
    assert '<strong aria-current="true">MLA</strong>' in html
    assert "Doe, Jane, and Émile &lt;b&gt;Bold&lt;/b&gt;." in html  # the MLA entry, escaped
    assert f'href="/article/{aid}/cite.mla"' in html and f'href="/api/article/{aid}/citation?style=mla"' in html
    html = fake_client.get(f"/article/{aid}?style=%3Cscript%3E").get_data(as_text=True)
    assert "There is no citation style “&lt;script&gt;”; showing APA." in html


def test_article_page_stands_when_a_citation_cannot_be_rendered(fake_client, monkeypatch):
    from quarry.web import articles

    def broken(item, style, html=False):
        raise RuntimeError("citeproc failed")

    monkeypatch.setattr(articles, "render", broken)
    resp = fake_client.get("/article/a1b2c3d4e5f60718")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "This citation could not be formatted" in html and "/article/a1b2c3d4e5f60718/cite.ris" in html
    data = fake_client.get("/api/article/a1b2c3d4e5f60718/citation").get_json()
    assert data["text"] == "" and data["csl"]["id"] == "a1b2c3d4e5f60718"


def test_citation_json_twin(fake_client):
    aid = "a1b2c3d4e5f60718"
    data = fake_client.get(f"/api/article/{aid}/citation").get_json()
    assert data["style"] == "apa" and data["style_title"] == "APA Style 7th edition"
    assert data["text"].startswith("Doe, J., & Émile <b>Bold</b>. (2021, March 4).")
    assert "<i>Example.org</i>" in data["html"] and "&lt;b&gt;" in data["html"]
    assert data["csl"]["id"] == aid and set(data["styles"]) == {"apa", "chicago", "chicago-author-date", "mla"}
    chicago = fake_client.get(f"/api/article/{aid}/citation?style=chicago").get_json()
    assert chicago["text"].startswith("Doe, Jane, and Émile <b>Bold</b>.")
    resp = fake_client.get(f"/api/article/{aid}/citation?style=harvard")
    assert resp.status_code == 400 and "Unknown citation style 'harvard'" in resp.get_json()["error"]["message"]
    assert fake_client.get("/api/article/nope/citation").status_code == 404
    resp = fake_client.get(f"/article/{aid}/cite.chicago")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    assert resp.get_data(as_text=True) == chicago["text"] + "\n\n"
    assert 'filename="quarry-a1b2c3d4e5f60718.chicago.txt"' in resp.headers["Content-Disposition"]


_values = st.sampled_from(["a", "b", "c d", "é&=?", "x/y"])


@settings(max_examples=150, deadline=None)
@given(
    filters=st.dictionaries(st.sampled_from(list(FACETS)), st.lists(_values, max_size=2, unique=True), max_size=3),
    excludes=st.dictionaries(st.sampled_from(list(FACETS)), st.lists(_values, max_size=2, unique=True), max_size=3),
    facet=st.sampled_from(list(FACETS)),
    q=st.sampled_from(["", "oil", "a&b"]),
    page=st.integers(1, 3),
    date_from=st.sampled_from([None, "2020"]),
)
def test_facet_value_urls_equal_one_url_at_a_time(filters, excludes, facet, q, page, date_from):
    from quarry.web import urls

    app = create_app(Settings(data_dir="/nonexistent"), {"TESTING": True})
    req = SearchRequest(q=q, filters=filters, excludes=excludes, page=page, date_from=date_from,
                        facet_limits={"person": 20})
    values = ["a", "b", "c d", "é&=?", "x/y"]
    with app.test_request_context("/search"):
        batch = urls.facet_value_urls(req, facet, values)
        one = [(urls.toggle_url(req, facet, v), urls.exclude_url(req, facet, v)) for v in values]
        entity = urls.facet_value_urls(req, facet, values, endpoint="entities.page",
                                       view_args={"type": "person", "name": "A B"})
        entity_one = [urls.toggle_url(req, facet, v, endpoint="entities.page",
                                      view_args={"type": "person", "name": "A B"}) for v in values]
    assert batch == one
    assert [t for t, _ in entity] == entity_one


@pytest.mark.parametrize("kind,notice,status", [
    (ErrorKind.BAD_QUERY, "searched the plain words instead", 200),
    (ErrorKind.REFUSED, "Could not search “x”: why.", 200),
    (ErrorKind.UNAVAILABLE, "The archive cannot be searched yet: why.", 200),
    (ErrorKind.TIMED_OUT, "The search why; what it found by then is shown", 200),
])  # fmt: skip
def test_the_page_explains_each_kind_of_error_without_reading_its_message(fake_app, kind, notice, status):
    engine = fake_app.extensions["quarry"]
    plain = engine.search

    def failing(req, deadline=None):
        result = plain(req)
        result.query_error, result.error_kind = "why", kind
        return result

    engine.search = failing
    client = fake_app.test_client()
    resp = client.get("/?q=x")
    assert resp.status_code == status and notice in resp.get_data(as_text=True)
    assert client.get("/api/search?q=x").json["error_kind"] == kind.value


@pytest.mark.parametrize("kind,status", [(ErrorKind.UNAVAILABLE, 503), (ErrorKind.REFUSED, 400)])
def test_engine_errors_become_statuses(fake_app, kind, status):
    def failing(req):
        raise EngineError(kind, "because")

    fake_app.extensions["quarry"].export_rows = failing
    client = fake_app.test_client()
    resp = client.get("/export.csv?q=x")
    assert resp.status_code == status and "because" in resp.get_data(as_text=True)
    fake_app.extensions["quarry"].entity = lambda *a: failing(None)
    api = client.get("/api/entity/person/Anders")
    assert api.status_code == status and "because" in api.json["error"]["message"]
