"""Headless Chromium: keyboard use and axe-core on every kind of page (issue 14 item 7).

- The first Tab reaches "Skip to results"; following it, the next Tab is the first result (the
  search, collection and entity pages, at 1280 and 390 px). Tabbing from page load without it,
  the results come before every facet and the date form, and the histogram is one tab stop.
- The histogram is one control: arrow keys, Home/End and Page Up/Page Down move between the months
  with articles, Enter opens one; without JavaScript none of its bars is a tab stop.
- Year labels of the histogram never overlap (read from the rendered page at 390 and 1280 px); the
  Year facet lists every year by year, and by count on request.
- axe-core (axe-playwright-python) finds nothing serious or critical on any kind of page.

Two archives written for the tests: the fixture corpus with a collection, a saved search, a tag
and a note; and an invented timeline of 20 years whose articles crowd into 2006-07.
"""

from __future__ import annotations

import itertools
import re
import shutil
from datetime import date
from urllib.parse import quote

import pytest
from browser_support import PageWatch, axe_violations, focus_is_on, serve_archive
from network_fixture import store_and_index
from test_browser import query_of, screenshot

from quarry.archive.model import Article, text_hash

pytestmark = pytest.mark.browser
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def pages(built_archive, tmp_path_factory):
    """The fixture corpus with the researcher's own layer, served; and a URL of each kind of page."""
    from quarry.archive.annotations import AnnotationsDB

    data = tmp_path_factory.mktemp("a11y") / "data"
    shutil.copytree(built_archive, data)
    server = serve_archive(data)
    hits = server.json("/api/search", {"q": "group", "size": 100})["results"]
    ids = [h["id"] for h in hits]
    with AnnotationsDB.open(data) as db:
        coll = db.collections.create("Chapter 3 sources", ids, query="q=group", description="Why these.")
        saved = db.saved.create("Groups", "q=group", ids[:2])
        db.notes.add_tags(ids[0], ["chapter-3", "key source"])
        db.notes.set_note(ids[0], "Compare with the 2021 report.")
    entity = next(h for h in hits if h["entities"].get("organization"))
    org = entity["entities"]["organization"][0]
    other = next(n for t, names in entity["entities"].items() for n in names if n != org)
    kind = next(t for t, names in entity["entities"].items() if other in names)
    urls = {
        "search": "/?q=group",
        "search, filters": "/?q=group&f.category=Analysis&x.site=Example+Wire&from=2021",
        "search, nothing found": "/?q=group&f.category=Analysis&x.site=Example+Monitor&x.site=European+Eye+on+Radicalization",
        "search, a word found nowhere": "/?q=qqzxv",
        "article": f"/article/{ids[0]}",
        "entity": f"/entity/organization/{quote(org, safe='')}",
        "collections": "/collections",
        "collection": f"/collection/{coll.id}",
        "collection run again": f"/collection/{coll.id}/rerun",
        "saved searches": "/saved",
        "saved search": f"/saved/{saved.id}",
        "network": "/network?q=group",
        "evidence": f"/evidence?q=group&a=organization:{quote(org)}&b={kind}:{quote(other)}",
        "help": "/help",
        "error": "/article/no-such-article",
    }
    yield server, urls
    server.stop()


def _timeline_articles() -> list[Article]:
    """One article a month from 2000 to 2019, six a month in 2006 and 2007 (most of the archive)."""
    out = []
    for year in range(2000, 2020):
        for month in range(1, 13):
            for n in range(6 if year in (2006, 2007) else 1):
                body = [f"A timeline note number {n} of {month}/{year} about the port authority and its ferries."]
                out.append(Article(id=f"t{year}{month:02d}{n}", title=f"Timeline note {year}-{month:02d} #{n}",
                                   body=body, published=date(year, month, 1 + n), site="timeline.example",
                                   language="en", text_hash=text_hash(body)))  # fmt: skip
    return out


@pytest.fixture(scope="module")
def timeline(tmp_path_factory):
    server = serve_archive(store_and_index(tmp_path_factory.mktemp("timeline") / "data", _timeline_articles()))
    yield server
    server.stop()


def _watch(browser, server, width: int, javascript: bool = True) -> PageWatch:
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=server.url,
                                  java_script_enabled=javascript)  # fmt: skip
    return PageWatch(context, server.url)


def _tab_to_first_result(page, limit: int = 200) -> list[str]:
    """Where each Tab from page load went, up to the first result (each stop shows a focus ring)."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(focus_is_on(page))
        ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                                        return s.outlineStyle !== 'none' || document.activeElement.closest('svg') !== null; }""")
        assert ring, f"no focus ring on stop {len(stops)}: {stops[-1]}"
        if stops[-1] == "first result":
            return stops
    raise AssertionError(f"no first result within {limit} Tab presses: {stops[-20:]}")


# -- keyboard ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["search", "collection", "entity"])
def test_the_first_result_is_two_tab_presses_away_and_before_the_facets(browser, pages, kind, width, capsys):
    server, urls = pages
    watch = _watch(browser, server, width)
    try:
        page = watch.new_page()
        page.goto(urls[kind])
        page.keyboard.press("Tab")
        assert focus_is_on(page) == "skip: Skip to results"
        assert page.locator("a.skip").first.is_visible()  # shown when focused
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert focus_is_on(page) == "first result"  # two Tab presses and Enter

        page.goto(urls[kind])
        stops = _tab_to_first_result(page)
        assert "facets" not in stops  # the results come first, at every width
        assert stops.count("histogram") == 1  # the whole chart is one tab stop
        with capsys.disabled():
            print(f"\n{kind} at {width} px: the first result after {len(stops)} Tab presses without the skip link")
        page.goto(urls[kind])  # the second skip link: the sidebar (an entity's associated names first)
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        beside = "associated names, dates and facets" if kind == "entity" else "dates and facets"
        assert focus_is_on(page) == f"skip: Skip to {beside}"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        first = "() => document.activeElement.closest('#refine .associated') ? 'associated' : document.activeElement.id"
        assert page.evaluate(first) == ("associated" if kind == "entity" else "from")
        assert watch.problems() == {}
    finally:
        watch.context.close()


def _months(server) -> list[str]:
    return [b["month"] for b in server.json("/api/search")["histogram"] if b["count"]]


def _focused_month(page) -> str | None:
    return page.evaluate("() => document.activeElement.getAttribute('data-month')")


def test_the_histogram_is_one_control(browser, timeline, capsys):
    months = _months(timeline)
    index = {m: int(m[:4]) * 12 + int(m[5:]) - 1 for m in months}
    watch = _watch(browser, timeline, 1280)
    try:
        page = watch.new_page()
        page.goto("/")
        stops = _tab_to_first_result(page)
        assert stops.count("histogram") == 1
        for _ in range(2):  # back from the first result, past the chart's keys hint, to the chart
            page.keyboard.press("Shift+Tab")
            if focus_is_on(page) == "histogram":
                break
        assert _focused_month(page) == months[-1]  # no month chosen: the latest
        readout = page.locator("[data-histogram-readout]")
        assert readout.inner_text() == "December 2019: 1 article"
        assert page.locator("#histogram-keys").is_visible()  # the keys, while the chart has the focus
        assert page.locator("svg.histogram").get_attribute("aria-describedby") == "histogram-keys"
        year_back = next(m for m in reversed(months) if index[m] <= index[months[-1]] - 12)
        expected = [("ArrowLeft", months[-2]), ("Home", months[0]), ("ArrowRight", months[1]),
                    ("PageDown", next(m for m in months if index[m] >= index[months[1]] + 12)),
                    ("End", months[-1]), ("PageUp", year_back), ("ArrowDown", months[months.index(year_back) + 1]),
                    ("ArrowUp", year_back), ("End", months[-1]), ("ArrowLeft", months[-2])]  # fmt: skip
        for key, month in expected:
            page.keyboard.press(key)
            assert _focused_month(page) == month, key
        screenshot(page, "histogram-focused.png", capsys)
        page.keyboard.press("Tab")
        assert focus_is_on(page) != "histogram"  # Tab leaves the chart
        page.keyboard.press("Shift+Tab")
        assert _focused_month(page) == months[-2]  # and comes back where it was
        page.keyboard.press("Enter")
        page.wait_for_url(lambda u: query_of(u).get("from") == [months[-2]] == query_of(u).get("to"))
        chosen = page.locator("svg.histogram a[aria-current=true]")
        assert chosen.get_attribute("data-month") == months[-2] and chosen.get_attribute("tabindex") == "0"
        assert watch.problems() == {}
    finally:
        watch.context.close()


def test_without_javascript_no_bar_is_a_tab_stop_and_every_year_is_a_facet_value(browser, timeline):
    watch = _watch(browser, timeline, 1280, javascript=False)
    try:
        page = watch.new_page()
        page.goto("/")
        stops = _tab_to_first_result(page)
        assert "histogram" not in stops  # the month links are the mouse's; the keyboard has the Year facet
        years = page.locator("#facet-year a.fv .fv-label").all_inner_texts()
        assert years == [str(y) for y in range(2019, 1999, -1)]  # every year, by year, newest first
        page.locator("#facet-year .order a").click()  # by count
        page.wait_for_url(lambda u: "fs.year" in u)
        assert page.locator("#facet-year a.fv .fv-label").all_inner_texts()[:2] == ["2006", "2007"]
        assert query_of(page.url) == {"fs.year": ["count"]}
        assert page.locator("svg.histogram a.month").count() == len(_months(timeline))  # still clickable
    finally:
        watch.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_year_labels_never_overlap(browser, timeline, width, capsys):
    watch = _watch(browser, timeline, width)
    try:
        page = watch.new_page()
        for url in ("/", "/?from=2005-06&to=2008-02", "/?from=2019-03"):
            page.goto(url)
            boxes = page.evaluate("""() => Array.from(document.querySelectorAll('svg.histogram text.tick'))
                .filter(t => getComputedStyle(t.parentNode).display !== 'none')
                .map(t => { const r = t.getBoundingClientRect(); return [r.left, r.right, r.height, t.textContent]; })""")
            chart = page.locator("svg.histogram").bounding_box()
            assert boxes, url
            for (_, right, _, a), (left, _, _, b) in itertools.pairwise(boxes):
                assert right + 2 <= left, (width, url, a, b)
            assert all(chart["x"] <= lft and rgt <= chart["x"] + chart["width"] + 0.5 for lft, rgt, _, _ in boxes), (
                url, chart, boxes)
            assert min(h for *_, h, _ in boxes) >= 10, "year labels too small to read"
            screenshot(page, f"histogram-{width}{'-' + str(len(boxes)) if url != '/' else ''}.png", capsys)
        assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    finally:
        watch.context.close()


# -- axe-core ------------------------------------------------------------------------------------


def test_axe_finds_nothing_on_any_kind_of_page(browser, pages, capsys):
    server, urls = pages
    found = {}
    for width in WIDTHS:
        watch = _watch(browser, server, width)
        try:
            page = watch.new_page()
            for name, url in urls.items():
                response = page.goto(url)
                assert response.status == (404 if name == "error" else 200), url
                found[(name, width)] = axe_violations(page, ("moderate", "serious", "critical"))
                if width == 390:
                    overflow = page.evaluate(
                        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
                    assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 390 px"
                    screenshot(page, f"a11y-{re.sub(r'[^a-z]+', '-', name)}-390.png", capsys)
        finally:
            watch.context.close()
    assert {k: v for k, v in found.items() if v} == {}
