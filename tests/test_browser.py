"""Headless Chromium against the real app: the researcher flow (issue 5) and stored XSS (issue 7).

The app is served on 127.0.0.1 (ephemeral port) from a thread; Chromium is the system one
(Debian ``chromium``) driven by Playwright, and every request to anything but that server is
blocked and reported. The browser tests skip with a reason when Playwright or Chromium is
missing; the Flask-level checks at the end of the file run everywhere.

Expected counts are computed from the JSON API's result records (categories, site, date of each
hit), never from facet counts or the filter code under test.
"""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import bibtexparser
import pytest
from browser_support import SCREENSHOTS, PageWatch, serve_archive
from conftest import FIXTURES, make_archive
from markupsafe import escape

from quarry.archive.readers import ReadOptions
from quarry.web.settings import Settings

HOSTILE = FIXTURES / "hostile"
FIELD_MAP = {"person": "people", "organization": "orgs", "location": "places"}
EXPORTS = ("csv", "jsonl", "ris", "bib", "csl.json")
CITES = ("ris", "bib", "csl.json")
MONTH_NUMBER = {name: i for i, name in enumerate(calendar.month_name) if name}

# the payloads the hostile fixtures carry (tests/fixtures/hostile/)
PAYLOADS = (
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '<svg onload="window.__xss=1">',
    "javascript:window.__xss=1",
    '"><script>window.__xss=1</script>',
    "<b><i>unclosed",
)
# what must never appear raw in served HTML (it would be markup, not text)
RAW_MARKUP = (
    "<script>window",
    "<script>alert",
    "<img src=x",
    "<svg onload",
    "<b><i>",
    "<details",
    "<style>body",
    "<iframe",
    '"><script>',
)
# the states these checks look for in a page (evaluated in the page's main world)
PAGE_STATE_JS = """() => {
  const texts = sel => Array.from(document.querySelectorAll(sel), e => e.innerText);
  const attrs = [];
  const jsUrls = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.toLowerCase().startsWith('on')) attrs.push(el.tagName + '[' + a.name + ']');
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name.toLowerCase())
          && /^[\\s\\x00-\\x1f]*javascript:/i.test(a.value)) jsUrls.push(el.tagName + ' ' + a.value);
    }
  }
  // the rendered citation's own <i> and <b> come from the citation style (checked below)
  const injected = Array.from(document.querySelectorAll(
      'img, iframe, object, embed, style, details, b:not(.citation b), i:not(.citation i), ' +
      'svg:not(.histogram), script:not([src$="/static/quarry.js"])')).map(e => e.outerHTML.slice(0, 80));
  return {
    xss: typeof window.__xss,
    parentXss: typeof window.parent.__xss,
    violations: window.__cspViolations || null,
    handlers: attrs,
    jsUrls: jsUrls,
    injected: injected,
    citationTags: Array.from(document.querySelectorAll('.citation *'), e => e.tagName.toLowerCase()),
    text: document.body ? document.body.innerText : '',
    q: document.getElementById('q') ? document.getElementById('q').value : null,
    titles: texts('ol.hits li.hit h3 a'),
    h1: texts('h1'),
    paragraphs: texts('section.body p'),
    entityLinks: Array.from(document.querySelectorAll('a.ent'), e => e.getAttribute('href')),
  };
}"""


# -- servers and browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(built_archive):
    server = serve_archive(built_archive)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    """A private archive of the hostile fixtures, entity columns mapped like ``--map``."""
    data_dir = tmp_path_factory.mktemp("hostile-data")
    report = make_archive(data_dir, HOSTILE, options=ReadOptions(field_map=FIELD_MAP))
    assert not report.skipped and report.new == 5, report.lines()
    return data_dir


@pytest.fixture(scope="module")
def hostile_server(hostile_dir):
    server = serve_archive(hostile_dir)
    yield server
    server.stop()


@pytest.fixture()
def hostile_client(hostile_dir):
    from quarry.web import create_app

    return create_app(Settings(data_dir=hostile_dir), {"TESTING": True}).test_client()


@pytest.fixture()
def watch(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    watcher = PageWatch(context, live_server.url)
    yield watcher
    context.close()


# -- helpers ------------------------------------------------------------------------------------


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def shown_total(page) -> int:
    text = page.locator(".result-bar p.count").inner_text()
    if "No articles" in text:
        return 0
    match = re.search(r"of\s+([\d,]+)\s+article", text)
    assert match, text
    return int(match.group(1).replace(",", ""))


def shown_ids(page) -> set[str]:
    hrefs = page.locator("ol.hits li.hit h3 a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    return {h.rsplit("/", 1)[1] for h in hrefs}


def facet_item(page, facet: str, label: str):
    """The <li> of one facet value (its label may carry a check mark when selected)."""
    exact = re.compile(r"^(✓\s*)?" + re.escape(label) + r"$")
    return page.locator(f"#facet-{facet} li").filter(
        has=page.locator(".fv-label").filter(has_text=exact)
    )


def screenshot(page, name: str, capsys) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path


def entity_from_href(href: str) -> tuple[str, str]:
    _, kind, name = unquote(urlsplit(href).path).split("/", 3)[1:]
    return kind, name


# -- the researcher flow (issue 5) --------------------------------------------------------------

QUERY = "group"


@pytest.mark.browser
def test_researcher_flow(watch, live_server, capsys):
    page = watch.new_page()

    # 1. search
    page.goto("/")
    page.locator("#q").fill(QUERY)
    page.locator("#q").press("Enter")
    page.wait_for_url(lambda u: query_of(u).get("q") == [QUERY])
    base = live_server.json("/api/search", {"q": QUERY, "size": 100})
    hits = {h["id"]: h for h in base["results"]}
    assert len(hits) == base["total"] >= 4
    assert shown_total(page) == base["total"]
    assert shown_ids(page) == set(hits)
    screenshot(page, "search.png", capsys)

    # 2. two values of one facet combine with OR
    cats = Counter(c for h in hits.values() for c in h["categories"])
    (first, _), (second, _) = sorted(cats.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    with_first = {i for i, h in hits.items() if first in h["categories"]}
    either = {i for i, h in hits.items() if {first, second} & set(h["categories"])}
    assert with_first < either < set(hits), "the fixture should make both choices matter"
    facet_item(page, "category", first).locator("a.fv").click()
    page.wait_for_url(lambda u: query_of(u).get("f.category") == [first])
    assert shown_total(page) == len(with_first)
    assert shown_ids(page) == with_first
    facet_item(page, "category", second).locator("a.fv").click()
    page.wait_for_url(
        lambda u: sorted(query_of(u).get("f.category", [])) == sorted([first, second])
    )
    assert shown_total(page) == len(either)
    assert shown_ids(page) == either
    for value in (first, second):
        fv = facet_item(page, "category", value).locator("a.fv")
        assert fv.get_attribute("aria-current") == "true", value

    # 3. exclude one value of another facet
    sites = Counter(hits[i]["site"] for i in either if hits[i]["site"])
    site = min((s for s, n in sites.items() if n < len(either)), key=lambda s: (sites[s], s))
    kept = {i for i in either if hits[i]["site"] != site}
    facet_item(page, "site", site).locator("a.fx").click()
    page.wait_for_url(lambda u: query_of(u).get("x.site") == [site])
    assert sorted(query_of(page.url)["f.category"]) == sorted([first, second])
    assert shown_total(page) == len(kept)
    assert shown_ids(page) == kept
    assert page.locator(".chip-exclude .chip-value").inner_text() == site
    results_url = page.url

    # 4. narrow to one month by clicking its bar in the SVG histogram
    bars = page.locator("svg.histogram a")
    labels = bars.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    parsed = []
    for label in labels:
        m = re.fullmatch(r"(\w+) (\d{4}): ([\d,]+) articles?", label)
        assert m, label
        parsed.append((f"{m[2]}-{MONTH_NUMBER[m[1]]:02d}", int(m[3].replace(",", ""))))
    dated = Counter((hits[i]["date"] or "")[:7] for i in kept if hits[i]["date"])
    assert {m: n for m, n in parsed if n} == dict(dated), "bars must count the current results"
    index, (month, count) = next((i, b) for i, b in enumerate(parsed) if 0 < b[1] < len(kept))
    bars.nth(index).click()
    page.wait_for_url(
        lambda u: query_of(u).get("from") == [month] and query_of(u).get("to") == [month]
    )
    args = query_of(page.url)
    assert args["q"] == [QUERY] and args["x.site"] == [site]
    assert sorted(args["f.category"]) == sorted([first, second])
    in_month = {i for i in kept if (hits[i]["date"] or "")[:7] == month}
    assert shown_total(page) == count == len(in_month)
    assert shown_ids(page) == in_month

    # 5. open an article from its result title
    title_link = page.locator("ol.hits li.hit h3 a").first
    title = title_link.inner_text()
    title_link.click()
    page.wait_for_url(re.compile(r"/article/[0-9a-f]+$"))
    article_id = urlsplit(page.url).path.rsplit("/", 1)[1]
    assert article_id in in_month
    article = live_server.json(f"/api/article/{article_id}")
    assert page.locator("h1").inner_text() == title == article["title"]
    screenshot(page, "article.png", capsys)

    # 6. an entity marked in the text (or, failing that, in the entity list)
    marks = page.locator("section.body a.ent")
    if marks.count() == 0:
        marks = page.locator("section.entities-legend a.ent")
    assert marks.count() > 0, "the article should mark at least one entity"
    mark = marks.first
    kind, name = entity_from_href(mark.get_attribute("href"))
    assert name in article["entities"][kind]
    mark.click()
    page.wait_for_url(re.compile(r"/entity/"))
    assert page.locator(".entity-head .kind").inner_text().lower() == kind
    assert page.locator(".entity-head h1").inner_text() == name
    entity = live_server.json(f"/api/entity/{kind}/{quote(name, safe='')}")
    mentions = page.locator(".entity-head strong").first.inner_text()
    assert int(mentions.replace(",", "")) == entity["mentions"] >= 1
    if entity["mentions"] <= 20:
        assert article_id in shown_ids(page)
    screenshot(page, "entity.png", capsys)

    # 7. export RIS from the results page: one record per result
    page.goto(results_url)
    link = page.locator("p.exports a").filter(has_text=re.compile(r"^RIS$"))
    href = link.get_attribute("href")
    assert urlsplit(href).path == "/export.ris"
    wanted = {k: v for k, v in query_of(results_url).items() if k not in ("page", "size")}
    assert query_of(href) == wanted
    resp = page.request.get(live_server.url + href)
    assert resp.status == 200
    body = resp.text()
    assert body.startswith("TY  -")
    assert body.count("\nER  -") == len(kept) == shown_total(page)
    assert set(re.findall(r"^ID  - (\S+)\r?$", body, re.M)) == kept

    assert watch.problems() == {}


@pytest.mark.browser
def test_narrow_screen_search_page(browser, live_server, capsys):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    try:
        watch = PageWatch(context, live_server.url)
        page = watch.new_page()
        page.goto(f"/?q={QUERY}")
        assert page.locator("#q").is_visible()
        assert page.locator(".to-facets").is_visible()  # the narrow layout's jump link
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 390px"
        screenshot(page, "search-390.png", capsys)
        assert watch.problems() == {}
    finally:
        context.close()


# -- stored XSS (issue 7) -----------------------------------------------------------------------


def hostile_urls(get_json) -> dict[str, list[str]]:
    """Every kind of page that shows hostile values, built from the archive's own JSON."""
    data = get_json("/api/search", {"size": 100})
    ids = [h["id"] for h in data["results"]]
    facets = data["facets"]
    search = ["/", "/?q=hostile", "/?q=window", "/?q=script&sort=oldest"]
    search += ["/?" + urlencode({"q": p}) for p in PAYLOADS]  # reflected in box and notices
    search += ["/?" + urlencode({"from": PAYLOADS[0], "to": PAYLOADS[4]})]
    for facet in ("category", "author", "site", "person", "organization", "location"):
        values = [v["value"] for v in facets.get(facet, [])]
        assert values, facet
        search.append("/?" + urlencode([("q", "hostile")] + [("f." + facet, v) for v in values]))
        search.append("/?" + urlencode([("x." + facet, v) for v in values]))
        search.append("/?" + urlencode({"fq." + facet: PAYLOADS[1]}))
    entities = [
        f"/entity/{t}/{quote(v['value'], safe='')}"
        for t in ("person", "organization", "location")
        for v in facets.get(t, [])
    ]
    api = ["/api/search?q=hostile", *(f"/api/article/{i}" for i in ids)]
    api += ["/api" + u for u in entities]
    exports = [f"/export.{fmt}?q=hostile" for fmt in EXPORTS]
    exports += [f"/article/{i}/cite.{fmt}" for i in ids[:2] for fmt in CITES]
    errors = [  # 404s that repeat what was asked for
        "/entity/person/" + quote(PAYLOADS[1] + " nobody", safe=""),
        "/entity/" + quote(PAYLOADS[0], safe="") + "/x",
        "/article/" + quote(PAYLOADS[4], safe=""),
        "/api/entity/location/" + quote(PAYLOADS[2] + " nobody", safe=""),
    ]
    return {
        "errors": errors,
        "search": search,
        "articles": [f"/article/{i}" for i in ids],
        "entities": entities,
        "api": api,
        "exports": exports,
    }


def check_page_state(page, where: str, enforced_csp: bool) -> dict[str, Any]:
    state = page.evaluate(PAGE_STATE_JS)
    assert state["xss"] == "undefined" and state["parentXss"] == "undefined", where
    assert state["handlers"] == [], (where, state["handlers"])
    assert state["jsUrls"] == [], (where, state["jsUrls"])
    assert state["injected"] == [], (where, state["injected"])
    assert set(state["citationTags"]) <= {"i", "b", "u", "sup", "sub", "span"}, (where, state["citationTags"])
    if enforced_csp:
        assert state["violations"] == [], (where, state["violations"])
    return state


@pytest.mark.browser
@pytest.mark.parametrize("enforced_csp", [True, False], ids=["csp-enforced", "csp-bypassed"])
def test_stored_xss_never_runs(browser, hostile_server, enforced_csp):
    """Load every page showing hostile values; nothing may run, all of it must read as text.

    With the CSP bypassed the escaping alone must hold; with it enforced, nothing may even
    try to run (no CSP violation is reported).
    """
    server = hostile_server
    urls = hostile_urls(server.json)
    if enforced_csp:  # every kind of page; the variants of the search page only once (bypassed)
        urls["search"] = [u for u in urls["search"] if "x." not in u and "fq." not in u]
    articles = {u: server.json("/api" + u) for u in urls["articles"]}
    context = browser.new_context(
        base_url=server.url, bypass_csp=not enforced_csp, accept_downloads=True
    )
    try:
        watch = PageWatch(context, server.url)
        page = watch.new_page()

        for url in urls["search"]:
            page.goto(url)
            state = check_page_state(page, url, enforced_csp)
            args = parse_qs(urlsplit(url).query)
            assert state["q"] == args.get("q", [""])[0].strip(), url
            expected = server.json("/api/search", args)
            assert state["titles"] == [h["title"] for h in expected["results"]], url
            for key, values in args.items():  # chosen facet values show as chips, as text
                if key.startswith(("f.", "x.")):
                    for value in values:
                        assert value in state["text"], (url, value)

        for url in urls["errors"]:
            before = len(watch.console)
            response = page.goto(url)
            assert response.status == 404, url
            state = check_page_state(page, url, enforced_csp)
            if url.startswith("/entity/person/"):
                assert PAYLOADS[1] + " nobody" in state["text"], url
            # Chromium logs the 404 status itself; anything else is a problem
            logged = watch.console[before:]
            assert len(logged) == 1 and "status of 404" in logged[0], (url, logged)
            del watch.console[before:]

        entity_links: set[str] = set()
        for url, article in articles.items():
            page.goto(url)
            state = check_page_state(page, url, enforced_csp)
            assert state["h1"] == [article["title"]], url
            assert state["paragraphs"] == article["body"], url
            shown = [article["url"] or "", article["site"] or ""]
            shown += article["authors"] + article["categories"]
            shown += [n for names in article["entities"].values() for n in names]
            for value in shown:
                assert value in state["text"], (url, value)
            entity_links.update(state["entityLinks"])
        named = {entity_from_href(u) for u in urls["entities"]}
        assert {entity_from_href(h) for h in entity_links} >= named

        for href in sorted(entity_links):
            page.goto(href)
            state = check_page_state(page, href, enforced_csp)
            kind, name = entity_from_href(href)
            assert state["h1"] == [name], href
            assert name in state["text"], href

        for url in urls["api"]:
            response = page.goto(url)
            assert response.headers["content-type"].startswith("application/json"), url
            state = check_page_state(page, url, enforced_csp)
            payload = json.loads(response.text())
            assert json.loads(state["text"]) == payload, url  # shown as text, whole

        for url in urls["exports"]:
            with page.expect_download(timeout=5000) as info:
                try:
                    page.goto(url)
                except Exception as exc:  # noqa: BLE001 - Playwright reports downloads as errors
                    assert "Download is starting" in str(exc), (url, exc)
            download = info.value
            content = Path(download.path()).read_text(encoding="utf-8")
            assert "xss" in content, url  # the hostile values are kept, as data
            assert urlsplit(page.url).path != urlsplit(url).path, "an export was rendered"
            check_page_state(page, url, enforced_csp)

        assert watch.problems() == {}
    finally:
        context.close()


# -- Flask-level checks --------------------------------------------------------------------------


class Markup(HTMLParser):
    """Tags, attributes and scripts of a served page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


CITATION_MARKUP = {"i", "b", "u", "sup", "sub", "span"}  # what the citation styles put in


def markup_problems(html: str) -> list[str]:
    out = []
    # the rendered citation carries the style's own <i> and <b>, and nothing else
    cite = re.search(r'<p class="citation"[^>]*>(.*?)</p>', html, re.S)
    if cite:
        inner = Markup()
        inner.feed(cite[1])
        out += [f"<{tag} {attrs}> in the citation" for tag, attrs in inner.tags
                if tag not in CITATION_MARKUP or set(attrs) - {"style"}]  # fmt: skip
        html = html[: cite.start(1)] + html[cite.end(1) :]
    parser = Markup()
    parser.feed(html)
    for tag, attrs in parser.tags:
        for name, value in attrs.items():
            if name.startswith("on"):
                out.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction") and re.match(
                r"(?i)[\s\x00-\x1f]*javascript:", value or ""
            ):
                out.append(f"<{tag} {name}={value}>")
        if tag == "script" and attrs.get("src") != "/static/quarry.js":
            out.append(f"<script {attrs}>")
        if tag in ("img", "iframe", "object", "embed", "style", "details", "b", "i"):
            out.append(f"<{tag}>")
        if tag == "svg" and attrs.get("class") != "histogram":
            out.append("<svg>")
    return out


@pytest.mark.parametrize("live_links", [False, True], ids=["links-as-text", "live-links"])
def test_hostile_payloads_come_out_escaped(hostile_dir, live_links):
    from quarry.web import create_app

    app = create_app(Settings(data_dir=hostile_dir, live_links=live_links), {"TESTING": True})
    hostile_client = app.test_client()
    get_json = lambda path, params=None: hostile_client.get(path, query_string=params).get_json()  # noqa: E731
    urls = hostile_urls(get_json)
    pages = urls["search"] + urls["articles"] + urls["entities"]
    pages += [u for u in urls["errors"] if not u.startswith("/api/")]
    for url in pages:
        resp = hostile_client.get(url)
        assert resp.status_code == (404 if url in urls["errors"] else 200), url
        assert resp.mimetype == "text/html"
        html = resp.get_data(as_text=True)
        for raw in RAW_MARKUP:
            assert raw not in html, (url, raw)
        assert markup_problems(html) == [], url
    for url in urls["errors"]:
        if url.startswith("/api/"):
            resp = hostile_client.get(url)
            assert resp.status_code == 404 and resp.mimetype == "application/json", url
    for url in urls["articles"]:
        article = get_json("/api" + url)
        html = hostile_client.get(url).get_data(as_text=True)
        for value in [article["title"], *article["authors"], *article["categories"]]:
            assert str(escape(value)) in html, (url, value)  # shown, escaped, not dropped
    for url in urls["entities"]:
        kind, name = entity_from_href(url)
        html = hostile_client.get(url).get_data(as_text=True)
        assert f"<h1>{escape(name)}</h1>" in html, url
    # the JSON twins give the values back exactly (JSON, not HTML)
    titles = {h["title"] for h in get_json("/api/search", {"size": 100})["results"]}
    assert {PAYLOADS[0] + " Hostile manifesto", PAYLOADS[4] + " Hostile bulletin"} <= titles


def test_hostile_exports_keep_values_as_data(hostile_client):
    titles = {
        h["title"]
        for h in hostile_client.get("/api/search", query_string={"size": 100}).get_json()["results"]
    }
    bodies = {}
    for fmt in EXPORTS:
        resp = hostile_client.get(f"/export.{fmt}")
        assert resp.status_code == 200
        assert "html" not in resp.mimetype, fmt
        assert resp.headers["Content-Disposition"].startswith("attachment"), fmt
        bodies[fmt] = resp.get_data(as_text=True)
    assert {json.loads(line)["title"] for line in bodies["jsonl"].splitlines()} == titles
    assert {item["title"] for item in json.loads(bodies["csl.json"])} == titles
    rows = list(csv.DictReader(io.StringIO(bodies["csv"])))
    assert {r["title"].removeprefix("'") for r in rows} == titles
    ris_titles = set(re.findall(r"^TI  - (.*?)\r?$", bodies["ris"], re.M))
    assert ris_titles == {re.sub(r"\s+", " ", t).strip() for t in titles}
    assert bodies["ris"].count("\nER  -") == len(titles)
    assert len(bibtexparser.parse_string(bodies["bib"]).entries) == len(titles)


def csp_directives(value: str) -> dict[str, list[str]]:
    out = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def check_safe_headers(resp, where: str) -> None:
    csp = resp.headers.get("Content-Security-Policy")
    assert csp, where
    directives = csp_directives(csp)
    assert directives.get("default-src") == ["'none'"], where
    scripts = directives.get("script-src", directives["default-src"])
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, where
    for name, sources in directives.items():
        for source in sources:
            local = source in ("'self'", "'none'") or (
                source == "data:" and name in ("img-src", "font-src")
            )
            assert local, f"{where}: {name} allows {source}"  # no remote origins, no wildcards
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("base-uri") == ["'none'"], where
    assert resp.headers.get("X-Content-Type-Options") == "nosniff", where
    assert resp.headers.get("Referrer-Policy") == "no-referrer", where


def test_every_response_has_the_safe_viewing_headers(client, hostile_client):
    hit = client.get("/api/search").get_json()["results"][0]
    kind, name = next(
        (t, vals[0]["value"])
        for t, vals in client.get("/api/search").get_json()["facets"].items()
        if t in ("person", "organization", "location") and vals
    )
    entity = f"/entity/{kind}/{quote(name, safe='')}"
    paths = [
        "/", "/?q=group&f.category=Analysis", "/help", "/opensearch.xml",
        f"/article/{hit['id']}", entity, "/api" + entity, "/api/search?q=group",
        f"/api/article/{hit['id']}", "/static/quarry.css", "/static/quarry.js",
        "/article/nope", "/api/article/nope", "/entity/person/Nobody%20At%20All", "/no/such/page",
        *(f"/export.{fmt}?q=group" for fmt in EXPORTS), "/export.xls",
        *(f"/article/{hit['id']}/cite.{fmt}" for fmt in CITES),
    ]  # fmt: skip
    for path in paths:
        resp = client.get(path)
        resp.get_data()
        check_safe_headers(resp, path)
    resp = client.post("/")
    assert resp.status_code == 405
    check_safe_headers(resp, "POST /")
    get_json = lambda path, params=None: hostile_client.get(path, query_string=params).get_json()  # noqa: E731
    for group in hostile_urls(get_json).values():
        for path in group:
            resp = hostile_client.get(path)
            resp.get_data()
            check_safe_headers(resp, path)
