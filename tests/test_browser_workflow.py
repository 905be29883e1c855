"""Headless Chromium along a researcher's path (issue 14, "Done when"): search → filter → save as a
collection → ingest more → reopen the collection (the same articles) → run its search again (the
new ones) → tag two articles → facet on the tag → export the collection as RIS (downloaded and read
back with rispy) → the network of the collection → the evidence of one of its links.

The app serves a private copy of the invented archive of fixtures/network/ (its people,
organisations and places known exactly) on 127.0.0.1 (a loopback bind: the local user writes);
fixtures/network/more.jsonl is ingested on the way. Expected articles come from the JSON API,
never from the pages under test. Each step is saved as a screenshot (screenshots/) and checked
with axe-core; then every page of the path is shown again at 390 px, where none may scroll
sideways. Every request to anything but the test server is blocked and reported.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rispy
from browser_support import PageWatch, serious_axe_violations, serve_archive
from conftest import FIXTURES, make_archive
from network_fixture import build_network_archive
from test_browser import facet_item, query_of, screenshot, shown_ids, shown_total

pytestmark = pytest.mark.browser
MORE = FIXTURES / "network" / "more.jsonl"
QUERY, YEARS, TAG = "Valmora", ("2022", "2023"), "chapter-3"
NAME = "Valmora sources for chapter 3, 2022–23, as found before the November storms"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return build_network_archive(tmp_path_factory.mktemp("workflow-browser") / "data")


@pytest.fixture(scope="module")
def server(data):
    live = serve_archive(data)
    yield live
    live.stop()


def api_ids(server, **args) -> set[str]:
    return {h["id"] for h in server.json("/api/search", {"size": 100, **args})["results"]}


class Walk:
    """The steps walked: each one's page checked with axe-core and kept as a screenshot."""

    def __init__(self, page, capsys) -> None:
        self.page, self.capsys, self.urls = page, capsys, []

    def step(self, name: str) -> None:
        assert serious_axe_violations(self.page) == [], name
        screenshot(self.page, f"workflow-{len(self.urls) + 1}-{name}.png", self.capsys)
        self.urls.append((name, self.page.url))


def test_a_researchers_path(browser, server, data, capsys):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url,
                                  accept_downloads=True)  # fmt: skip
    try:
        watch = PageWatch(context, server.url)
        page = watch.new_page()
        walk = Walk(page, capsys)

        # 1. search
        page.goto("/")
        page.locator("#q").fill(QUERY)
        page.locator("#q").press("Enter")
        page.wait_for_url(lambda u: query_of(u).get("q") == [QUERY])
        assert shown_ids(page) == api_ids(server, q=QUERY)
        walk.step("search")

        # 2. filter: two years of the Year facet (values of one facet combine with OR)
        for n, year in enumerate(YEARS, 1):
            facet_item(page, "year", year).locator("a.fv").click()
            page.wait_for_url(lambda u, n=n: len(query_of(u).get("f.year", [])) == n)
        frozen = api_ids(server, q=QUERY, **{"f.year": list(YEARS)})
        assert len(frozen) == 7 and shown_ids(page) == frozen
        walk.step("filter")

        # 3. save the result set as a collection
        page.locator("#keep-name").fill(NAME)
        page.get_by_role("button", name="Save as collection").click()
        page.wait_for_url(re.compile(r"/collection/[0-9a-f]+$"))
        collection_url = page.url
        assert page.locator("h1").inner_text() == NAME
        assert shown_ids(page) == frozen and shown_total(page) == len(frozen)
        walk.step("collection")

        # 4. ingest more pages while the app serves
        make_archive(data, MORE)
        added = api_ids(server, q=QUERY, **{"f.year": list(YEARS)}) - frozen
        assert len(added) == 2, "the fixture adds two matching articles"

        # 5. reopen the collection: exactly the frozen articles
        page.goto(collection_url)
        assert shown_ids(page) == frozen and shown_total(page) == len(frozen)
        walk.step("reopened")

        # 6. run its search again: the new ones are listed
        page.get_by_role("link", name="Run the search again now").click()
        page.wait_for_url(re.compile(r"/rerun$"))
        assert shown_ids(page) == added
        tab = page.locator("nav.tabs a[aria-current=page]").inner_text()
        assert tab == f"New since it was frozen ({len(added)})"
        walk.step("run-again")

        # 7. tag two of the collection's articles on their pages, and note why on one
        tagged = sorted(frozen)[:2]
        for article_id in tagged:
            page.goto(f"/article/{article_id}")
            page.locator("#add-tags").fill(TAG)
            page.locator("#add-tags").press("Enter")
            page.wait_for_url(re.compile(rf"/article/{article_id}#annotations$"))
            assert page.locator("#annotations .own-tags a.tag").all_inner_texts() == [TAG]
        page.locator("#note-text").fill("The council's first warning about recruiters; compare with the 2023 plan.")
        page.get_by_role("button", name="Save note").click()
        page.wait_for_url(re.compile(r"#annotations$"))
        walk.step("tagged")

        # 8. facet on the tag, within the collection
        page.goto(collection_url)
        item = facet_item(page, "tag", TAG)
        assert item.locator(".count").inner_text() == "2"
        item.locator("a.fv").click()
        page.wait_for_url(lambda u: query_of(u).get("f.tag") == [TAG])
        assert shown_ids(page) == set(tagged) and shown_total(page) == 2
        assert page.locator("ol.hits .own a.tag").all_inner_texts() == [TAG, TAG]
        walk.step("tag-facet")

        # 9. export the whole collection as RIS, downloaded by the browser and read back
        page.get_by_role("link", name="Clear all filters").click()
        page.wait_for_url(collection_url)
        walk.step("export")
        with page.expect_download() as info:
            page.locator("p.exports a").filter(has_text=re.compile(r"^RIS$")).click()
        records = rispy.loads(Path(info.value.path()).read_text(encoding="utf-8"))
        assert {r["id"] for r in records} == frozen
        assert all(any(NAME in n for n in r.get("notes", [])) for r in records)  # what it is, on each
        assert {r["id"] for r in records if TAG in r.get("keywords", [])} == set(tagged)

        # 10. the network of the collection
        page.get_by_role("link", name=re.compile("^Network of the people")).click()
        page.wait_for_url(re.compile(r"/network\?collection=[0-9a-f]+$"))
        drawing = page.locator("svg.network")
        box = drawing.bounding_box()
        assert box["width"] > 600 and box["height"] > 250
        labels = drawing.locator("a.node text").all_text_contents()
        assert "Lena Vos" in labels and "Harbour Council" in labels
        walk.step("network")

        # 11. a link of the drawing, followed from the keyboard, to its evidence
        drawing.locator("a.edge[aria-label^='Lena Vos and Harbour Council']").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/evidence\?"))
        assert page.locator("h1").inner_text() == "Lena Vos and Harbour Council"
        sentences = page.locator("ul.kwic li")
        assert sentences.count() == 4
        for text, marks in zip(sentences.all_inner_texts(), [s.locator("mark").all_inner_texts() for s in sentences.all()],
                               strict=True):  # fmt: skip
            assert "Lena Vos" in text and "Harbour Council" in text
            assert sorted(marks) == ["Harbour Council", "Lena Vos"]
        walk.step("evidence")
        assert watch.problems() == {}
    finally:
        context.close()

    # every page of the path on a phone: nothing scrolls sideways
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server.url)
    try:
        watch = PageWatch(context, server.url)
        page = watch.new_page()
        for n, (name, url) in enumerate(walk.urls, 1):
            page.goto(url)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px"
            screenshot(page, f"workflow-{n}-{name}-390.png", capsys)
        assert watch.problems() == {}
    finally:
        context.close()
