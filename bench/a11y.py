"""Keyboard reach and axe-core findings of the web pages (issue 14 item 7). Run by hand.

    python bench/a11y.py --data-dir /tmp/a11y/reuters --prepare

Serves the archive on 127.0.0.1 (the app's own code, a thread), drives the system Chromium and
reports, per page and viewport width, how many Tab presses from page load reach the first result
(and how many of them were spent in the histogram and the facets), then runs axe-core
(``axe-playwright-python``) on every kind of page and lists what it finds by impact.
``--prepare`` first adds what the pages need to an archive that has none: a collection of the
first 20 articles, a saved search, a tag and a note on the first article (written to the data
directory's annotations database: use it on a scratch archive).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser_support import CHROMIUM_ARGS, LiveServer, chromium_path, focus_is_on, serve_archive  # noqa: E402


def prepare(data_dir: Path, server: LiveServer) -> None:
    """A collection, a saved search, a tag and a note, when the archive has none."""
    from quarry.archive.annotations import AnnotationsDB

    ids = [h["id"] for h in server.json("/api/search", {"size": 20})["results"]]
    with AnnotationsDB.open(data_dir) as db:
        if not db.collections.list():
            db.collections.create("Accessibility check", ids, query="", description="Made by bench/a11y.py.")
        if not db.saved.list():
            db.saved.create("Accessibility check", "", ids[:10])
        if not db.notes.tag_counts():
            db.notes.add_tags(ids[0], ["a11y-check"])
            db.notes.set_note(ids[0], "A note written by bench/a11y.py.")


def pages(server: LiveServer, query: str) -> dict[str, str]:
    """Every kind of page, found through the JSON API."""
    data = server.json("/api/search", {"q": query, "size": 5})
    facets = data["facets"]
    out = {"search": "/?" + urlencode({"q": query}) if query else "/"}
    args = [("q", query)] if query else []
    if facets.get("category"):
        args.append(("f.category", facets["category"][0]["value"]))
    if len(facets.get("site", [])) > 1:
        args.append(("x.site", facets["site"][-1]["value"]))
    out["search, filters"] = "/?" + urlencode(args)
    out["search, zero results"] = "/?" + urlencode({"q": "qqzxv wwkjq"})
    if data["results"]:
        out["article"] = f"/article/{data['results'][0]['id']}"
    tagged = server.json("/api/search", {"q": "tag:*", "size": 1})["results"]
    if tagged:
        out["article"] = f"/article/{tagged[0]['id']}"
    everything = server.json("/api/search", {})["facets"]
    for kind in ("person", "organization", "location"):
        if everything.get(kind):
            out["entity"] = f"/entity/{kind}/{quote(everything[kind][0]['value'], safe='')}"
            break
    out["collections"] = "/collections"
    colls = server.json("/api/collections")["collections"]
    if colls:
        out["collection"] = f"/collection/{colls[0]['id']}"
    saved = server.json("/api/saved")["saved_searches"]
    if saved:
        out["saved search"] = f"/saved/{saved[0]['id']}"
    out["network"] = "/network?" + urlencode({"q": query}) if query else "/network"
    edges = server.json("/api/network", {"q": query} if query else {})["edges"]
    if edges:
        out["evidence"] = edges[0]["evidence_url"]
    out["help"] = "/help"
    out["error"] = "/article/no-such-article"
    return out


def tabs_to_first_result(page, limit: int, skip: bool = False) -> tuple[int | None, dict[str, int]]:
    """Tab presses from load until the first result has focus (None: not within ``limit``); with
    ``skip``, Enter on the first stop when it is a skip link (the Tab presses after it count)."""
    spent: dict[str, int] = {}
    start = 1
    if skip:
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('a.skip')"):
            page.keyboard.press("Enter")
            spent["skip link"], start = 1, 2
        else:
            page.goto(page.url)
    for n in range(start, limit + 1):
        page.keyboard.press("Tab")
        where = focus_is_on(page)
        if where == "first result":
            return n, spent
        spent[where] = spent.get(where, 0) + 1
    return None, spent


def axe_findings(page) -> list[tuple[str, str, int]]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [(v.get("impact") or "?", v["id"], len(v["nodes"])) for v in found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--query", default="", help="the search the pages start from (default: browse)")
    parser.add_argument("--prepare", action="store_true", help="add a collection, saved search, tag, note")
    parser.add_argument("--limit", type=int, default=800, help="most Tab presses tried per page")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    server = serve_archive(args.data_dir)
    try:
        if args.prepare:
            prepare(args.data_dir, server)
        urls = pages(server, args.query)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            print("Tab presses from page load to the first result (spent elsewhere first), without and with")
            print("Enter on the first stop when it is a skip link:")
            for width in (1280, 390):
                context = browser.new_context(viewport={"width": width, "height": 900}, base_url=server.url)
                page = context.new_page()
                for name in ("search", "collection", "entity"):
                    if name not in urls:
                        continue
                    for skip in (False, True):
                        page.goto(urls[name])
                        n, spent = tabs_to_first_result(page, args.limit, skip)
                        shown = n if n is not None else f"> {args.limit}"
                        print(f"  {width:>4} px  {name:<11} {'skip link' if skip else 'Tab only':<9} {shown:>6}  {spent}")
                context.close()
            print("\naxe-core violations (impact, rule, elements), 1280 px:")
            context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
            page = context.new_page()
            for name, url in urls.items():
                page.goto(url)
                found = axe_findings(page)
                print(f"  {name:<22} {url[:60]}")
                for impact, rule, n in sorted(found):
                    print(f"      {impact:<9} {rule} ({n})")
                if not found:
                    print("      none")
            context.close()
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
