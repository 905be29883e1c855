"""Headless Chromium: from a search to its entity network, then along a link to its evidence
(issue 14 item 5), on the invented archive of fixtures/network/. Screenshots of each step are
saved in screenshots/; every request to anything but the test server is blocked and reported."""

from __future__ import annotations

import re

import pytest
from browser_support import SCREENSHOTS, LiveServer, PageWatch
from network_fixture import build_network_archive

from quarry.web.settings import Settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from quarry.web import create_app

    data = build_network_archive(tmp_path_factory.mktemp("network-browser"))
    live = LiveServer(create_app(Settings(data_dir=data), {"TESTING": True}))
    yield live
    live.stop()


@pytest.fixture()
def watch(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    watcher = PageWatch(context, server.url)
    yield watcher
    context.close()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000


def _serious_axe_violations(page) -> list[str]:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is absent")
    found = axe.Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in found if v.get("impact") in ("serious", "critical")]


def test_from_a_search_to_its_network_and_along_a_link_to_the_evidence(watch):
    page = watch.new_page()
    page.goto("/?q=Valmora")
    page.get_by_role("link", name=re.compile("^Network of the people")).click()
    page.wait_for_url(re.compile(r"/network\?q=Valmora$"))
    assert page.title() == "Entity network — Valmora · Quarry"
    drawing = page.locator("svg.network")
    assert drawing.is_visible() and drawing.locator("a.edge").count() > 0
    box = drawing.bounding_box()
    assert box["width"] > 600 and box["height"] > 250
    labels = drawing.locator("a.node text").all_text_contents()
    assert "Lena Vos" in labels and "Harbour Council" in labels
    _shot(page, "network-1-drawing.png")
    assert _serious_axe_violations(page) == []

    # a link of the drawing, followed from the keyboard: Lena Vos and the Harbour Council
    edge = drawing.locator("a.edge[aria-label^='Lena Vos and Harbour Council']")
    edge.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/evidence\?"))
    assert page.locator("h1").inner_text() == "Lena Vos and Harbour Council"
    sentences = page.locator("ul.kwic li")
    assert sentences.count() == 4
    for text, marks in zip(sentences.all_inner_texts(), [s.locator("mark").all_inner_texts() for s in sentences.all()],
                           strict=True):  # fmt: skip
        assert "Lena Vos" in text and "Harbour Council" in text
        assert sorted(marks) == ["Harbour Council", "Lena Vos"]
    _shot(page, "network-2-evidence.png")
    assert _serious_axe_violations(page) == []
    assert watch.problems() == {}
