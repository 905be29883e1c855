"""Headless Chromium through the researcher's own layer (issue 14): search → filter → save as a
collection → ingest more → reopen the collection (the same articles) → run its search again (the
new ones) → tag two articles → facet on the tag. Screenshots of each step go to screenshots/.

The app serves a private copy of the fixture archive on 127.0.0.1 (a loopback bind: the local
user writes); expected articles come from the JSON API, never from the pages under test. Skips
with the reason when Playwright or Chromium is missing.
"""

from __future__ import annotations

import re
import shutil

import pytest
from browser_support import LiveServer, PageWatch
from conftest import FIXTURES, make_archive
from test_browser import facet_item, query_of, screenshot, shown_ids, shown_total

from quarry.web.settings import Settings

MORE = FIXTURES / "workflow" / "more.jsonl"
QUERY, CATEGORY, TAG = "group", "Analysis", "chapter-3"


@pytest.fixture(scope="module")
def data(built_archive, tmp_path_factory):
    target = tmp_path_factory.mktemp("workflow-browser") / "data"
    shutil.copytree(built_archive, target)
    return target


@pytest.fixture(scope="module")
def server(data):
    from quarry.web import create_app

    live = LiveServer(create_app(Settings(data_dir=data), {"TESTING": True}))
    yield live
    live.stop()


def api_ids(server, **args) -> list[str]:
    return [h["id"] for h in server.json("/api/search", {"size": 100, **args})["results"]]


@pytest.mark.browser
def test_collection_rerun_and_tag_flow(browser, server, data, capsys):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    try:
        watch = PageWatch(context, server.url)
        page = watch.new_page()

        # 1. search, 2. filter by a category
        page.goto("/")
        page.locator("#q").fill(QUERY)
        page.locator("#q").press("Enter")
        page.wait_for_url(lambda u: query_of(u).get("q") == [QUERY])
        facet_item(page, "category", CATEGORY).locator("a.fv").click()
        page.wait_for_url(lambda u: query_of(u).get("f.category") == [CATEGORY])
        frozen = set(api_ids(server, q=QUERY, **{"f.category": CATEGORY}))
        assert len(frozen) >= 2 and shown_ids(page) == frozen
        screenshot(page, "workflow-1-search.png", capsys)

        # 3. save the result set as a collection
        page.locator("#keep-name").fill("Chapter 3 sources")
        page.get_by_role("button", name="Save as collection").click()
        page.wait_for_url(re.compile(r"/collection/[0-9a-f]+$"))
        collection_url = page.url
        assert page.locator("h1").inner_text() == "Chapter 3 sources"
        assert shown_ids(page) == frozen and shown_total(page) == len(frozen)
        screenshot(page, "workflow-2-collection.png", capsys)

        # 4. ingest more pages while the app serves
        make_archive(data, MORE)
        now = set(api_ids(server, q=QUERY, **{"f.category": CATEGORY}))
        added = now - frozen
        assert len(added) == 2, "the fixture adds two matching articles"

        # 5. reopen the collection: exactly the frozen articles
        page.goto(collection_url)
        assert shown_ids(page) == frozen and shown_total(page) == len(frozen)
        screenshot(page, "workflow-3-reopened.png", capsys)

        # 6. run its search again: the new ones are listed
        page.get_by_role("link", name="Run the search again now").click()
        page.wait_for_url(re.compile(r"/rerun$"))
        assert shown_ids(page) == added
        tab = page.locator("nav.tabs a[aria-current=page]").inner_text()
        assert tab == f"New since it was frozen ({len(added)})"
        screenshot(page, "workflow-4-run-again.png", capsys)

        # 7. tag two articles on their pages
        tagged = sorted(frozen)[:2]
        for article_id in tagged:
            page.goto(f"/article/{article_id}")
            page.locator("#add-tags").fill(TAG)
            page.locator("#add-tags").press("Enter")
            page.wait_for_url(re.compile(rf"/article/{article_id}#annotations$"))
            assert page.locator("#annotations .own-tags a.tag").all_inner_texts() == [TAG]
        screenshot(page, "workflow-5-tagged.png", capsys)

        # 8. facet on the tag
        page.goto("/")
        item = facet_item(page, "tag", TAG)
        assert item.locator(".count").inner_text() == "2"
        item.locator("a.fv").click()
        page.wait_for_url(lambda u: query_of(u).get("f.tag") == [TAG])
        assert shown_ids(page) == set(tagged) and shown_total(page) == 2
        assert page.locator("ol.hits .own a.tag").all_inner_texts() == [TAG, TAG]
        screenshot(page, "workflow-6-tag-facet.png", capsys)

        assert watch.problems() == {}
    finally:
        context.close()


@pytest.mark.browser
def test_collection_and_article_pages_fit_a_narrow_screen(browser, server, data, capsys):
    from quarry.archive.annotations import AnnotationsDB

    ids = api_ids(server)
    with AnnotationsDB.open(data) as db:
        coll = db.collections.create("A collection with a rather long name for a narrow phone screen", ids[:3],
                                     query="q=group", description="Why these three.")  # fmt: skip
        db.notes.set_note(ids[0], "A note that is long enough to wrap over several lines on a phone screen.")
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server.url)
    try:
        watch = PageWatch(context, server.url)
        page = watch.new_page()
        for path, name in ((f"/collection/{coll.id}", "workflow-collection-390.png"),
                           (f"/article/{ids[0]}", "workflow-article-390.png")):  # fmt: skip
            page.goto(path)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390px"
            screenshot(page, name, capsys)
        assert watch.problems() == {}
    finally:
        context.close()
