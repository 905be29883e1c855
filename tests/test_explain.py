"""A search that finds nothing says why (issue 14 item 7): the query as the engine understood it,
in words, and for each restriction how many articles the search finds without it, each with the
link that drops it; no wall of empty facets."""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_units import DOCS, columns

from quarry.index import filters
from quarry.index.api import SearchRequest
from quarry.index.explain import relaxations

# -- the counts: each restriction dropped in turn, against the search run without it -------------

_cats, _sites = ["Analysis", "Reports", "Opinion", "Nowhere"], ["Wire", "Monitor"]


def _found(cols, req: SearchRequest, qmask, allowed) -> int:
    includes, other = filters.masks(cols, req, req.within)
    mask = filters.all_of(other & cols.live, list(includes.values()))
    for extra in (qmask, allowed):
        if extra is not None:
            mask &= extra
    return int(mask.sum())


@settings(max_examples=200, deadline=None)
@given(
    cats=st.lists(st.sampled_from(_cats), max_size=2, unique=True),
    no_sites=st.lists(st.sampled_from(_sites), max_size=2, unique=True),
    within=st.lists(st.sampled_from([("category", c) for c in _cats]), max_size=2, unique=True),
    dates=st.sampled_from([(None, None), ("2021", None), ("2022-01", "2023"), (None, "2021-06")]),
    query=st.one_of(st.none(), st.lists(st.booleans(), min_size=len(DOCS), max_size=len(DOCS))),
    collection=st.one_of(st.none(), st.lists(st.booleans(), min_size=len(DOCS), max_size=len(DOCS))),
)
def test_each_restriction_dropped_counts_what_the_search_without_it_finds(cats, no_sites, within, dates, query,
                                                                          collection):  # fmt: skip
    cols = columns()
    req = SearchRequest(q="words" if query is not None else "", filters={"category": cats} if cats else {},
                        excludes={"site": no_sites} if no_sites else {}, within=tuple(within),
                        date_from=dates[0], date_to=dates[1])  # fmt: skip
    qmask = None if query is None else np.array(query)
    allowed = None if collection is None else np.array(collection)
    includes, _ = filters.masks(cols, req, req.within)
    found = relaxations(cols, req, qmask, includes, allowed)
    expected = []
    if cats:
        expected.append(("facet", "category", "", _found(cols, SearchRequest(excludes=req.excludes, within=req.within,
                         date_from=req.date_from, date_to=req.date_to), qmask, allowed)))  # fmt: skip
    for pair in req.within:
        rest = SearchRequest(filters=req.filters, excludes=req.excludes, date_from=req.date_from, date_to=req.date_to,
                             within=tuple(p for p in req.within if p != pair))  # fmt: skip
        expected.append(("within", *pair, _found(cols, rest, qmask, allowed)))
    for site in no_sites:
        rest = SearchRequest(filters=req.filters, excludes={"site": [s for s in no_sites if s != site]},
                             within=req.within, date_from=req.date_from, date_to=req.date_to)  # fmt: skip
        expected.append(("exclude", "site", site, _found(cols, rest, qmask, allowed)))
    if req.date_from or req.date_to:
        rest = SearchRequest(filters=req.filters, excludes=req.excludes, within=req.within)
        expected.append(("dates", "", f"{req.date_from or ''}..{req.date_to or ''}", _found(cols, rest, qmask, allowed)))
    if allowed is not None:
        expected.append(("collection", "", "", _found(cols, req, qmask, None)))
    if expected and qmask is not None:
        expected.append(("query", "", "words", _found(cols, req, None, allowed)))
    if expected and qmask is not None:
        expected.append(("filters", "", "", _found(cols, SearchRequest(), qmask, allowed)))
    assert [(r.kind, r.facet, r.value, r.total) for r in found] == expected


def test_a_bare_query_has_no_restriction_to_report():
    cols = columns()
    assert relaxations(cols, SearchRequest(q="x"), np.zeros(len(DOCS), dtype=bool), {}, None) == []


# -- the query in words, from the index ----------------------------------------------------------


@pytest.fixture(scope="module")
def archive(built_archive):
    from quarry.index.engine import Archive

    return Archive(built_archive)


@pytest.mark.parametrize("query,said", [
    ("qqzxv courts", "“qqzxv” and “courts”"),
    ('"foreign fighters" NOT qqzxv', "the phrase “foreign fighters” and not “qqzxv”"),
    ("title:qqzxv OR zzyzx", "“qqzxv” in the title or “zzyzx”"),
    ('"online qqzxv"~5', "the phrase “online qqzxv” (within 5 words)"),
    ("qqzxv~ radical*", "words spelled like “qqzxv” and words matching radic*"),
    ('author:"Nobody Here" tag:qqzxv', "author “Nobody Here” and your tag “qqzxv”"),
    ("Daesh qqzxv", "“Daesh” (also the organisation Islamic State, by any of its names) and “qqzxv”"),
    ("(ISIS OR Daesh) qqzxv", "(“ISIS” (also the organisation Islamic State, by any of its names) or "
                              "“Daesh” (also the organisation Islamic State, by any of its names)) and “qqzxv”"),
])  # fmt: skip
def test_the_query_as_understood(archive, query, said):
    result = archive.search(SearchRequest(q=query))
    assert result.total == 0 and result.understood == said


def test_a_search_found_nothing_says_which_filter_excluded_everything(archive):
    sites = ["European Eye on Radicalization", "Example Monitor"]
    result = archive.search(SearchRequest.from_args({"q": ["group"], "f.category": ["Analysis"], "x.site": sites}))
    assert result.total == 0
    without = {(r.kind, r.facet, r.value): r.total for r in result.without}
    assert without[("facet", "category", "")] == archive.search(SearchRequest.from_args(
        {"q": ["group"], "x.site": sites})).total > 0  # fmt: skip
    for site in sites:
        assert without[("exclude", "site", site)] == archive.search(SearchRequest.from_args(
            {"q": ["group"], "f.category": ["Analysis"], "x.site": [s for s in sites if s != site]})).total > 0  # fmt: skip
    assert without[("filters", "", "")] == archive.search(SearchRequest(q="group")).total
    assert archive.search(SearchRequest(q="group")).without == []  # found something: nothing to say


# -- the page -----------------------------------------------------------------------------------


def _links(html: str) -> dict[str, str]:
    """The "search without it" links of the explanation, by the restriction they drop."""
    items = re.findall(r"<li><strong>(.*?)</strong>: without it, ([\d,]+) articles?(?: — <a href=\"([^\"]+)\")?", html)
    return {unescape(label): (int(n.replace(",", "")), unescape(url)) for label, n, url in items}


def test_the_page_explains_and_each_way_out_finds_what_it_says(client):
    url = "/?q=group&f.category=Analysis&x.site=Example+Monitor&x.site=European+Eye+on+Radicalization&from=2000"
    html = client.get(url).get_data(as_text=True)
    assert "No articles found" in html and "Searched for “group”." in html
    links = _links(html)
    assert set(links) == {"Category is Analysis", "Site is not Example Monitor",
                          "Site is not European Eye on Radicalization", "Dates from 2000 to the last",
                          "The search words “group”"}  # fmt: skip
    assert [n for n, _ in links.values()] == sorted((n for n, _ in links.values()), reverse=True)
    assert links["Dates from 2000 to the last"] == (0, "")  # every article is from after 2000: no way out
    assert links["Category is Analysis"][0] > 0
    for label, (n, url) in links.items():
        if n:
            assert client.get(url.replace("/?", "/api/search?")).get_json()["total"] == n, label
    assert "No values" not in html
    assert 'href="/?q=group"' in html  # clear all filters
    facets = re.findall(r'<h3 id="facet-(\w+)-h">', html)
    assert facets == ["category", "site"]  # only the facets with a value to show (the chosen ones)
    assert "Clear all filters" in html


def test_a_word_found_nowhere_is_said_so_with_a_spelling(client):
    html = client.get("/?q=grupo").get_data(as_text=True)
    data = client.get("/api/search?q=grupo").get_json()
    assert data["total"] == 0 and data["understood"] == "“grupo”" and data["without"] == []
    if data["suggestion"]:
        assert f'Did you mean <a href="/?q={data["suggestion"]}">' in html
    assert "Searched for “grupo”." in html and "No values" not in html
    assert "Articles per month" not in html and "Export all results" not in html


def test_clear_all_filters_whenever_anything_narrows(client):
    for url, cleared in [
        ("/?q=group&f.category=Analysis", "/?q=group"),
        ("/?q=group&x.site=Example+Wire&sort=oldest", "/?q=group&amp;sort=oldest"),
        ("/?from=2022&to=2023", "/"),
        ("/?q=group&in.category=Analysis", "/?q=group"),
    ]:
        html = client.get(url).get_data(as_text=True)
        assert f'<li class="clear-all"><a href="{cleared}">Clear all filters</a>' in html, url
    assert "Clear all filters" not in client.get("/?q=group&sort=oldest&fs.year=count").get_data(as_text=True)


def test_a_search_within_a_collection_says_so_and_can_leave_it(archive_copy):
    from quarry.archive.annotations import AnnotationsDB
    from quarry.web import create_app
    from quarry.web.settings import Settings

    client = create_app(Settings(data_dir=archive_copy), {"TESTING": True}).test_client()
    ids = [h["id"] for h in client.get("/api/search?q=group").get_json()["results"]][:2]
    with AnnotationsDB.open(archive_copy) as db:
        coll = db.collections.create("Two <b>sources</b>", ids, query="q=group")
    for url in (f"/?collection={coll.id}", f"/network?collection={coll.id}"):
        html = client.get(url).get_data(as_text=True)
        assert '<span class="chip-value">Two &lt;b&gt;sources&lt;/b&gt;</span>' in html, url
        assert 'aria-label="Remove filter In collection Two &lt;b&gt;sources&lt;/b&gt;"' in html, url
    html = client.get(f"/?collection={coll.id}&q=qqzxv").get_data(as_text=True)
    assert "<strong>Only the articles of this collection</strong>: without it, 0 articles" in html
    page = client.get(f"/collection/{coll.id}?q=qqzxv").get_data(as_text=True)
    assert f'<li class="clear-all"><a href="/collection/{coll.id}">Clear all filters</a>' in page
    assert "<strong>The search words “qqzxv”</strong>: without it, 2 articles" in page
