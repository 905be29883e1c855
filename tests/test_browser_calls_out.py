"""Viewing the archive never contacts the sites in it (issue 15, item 1): Chromium's own network
log over every kind of page of a hostile archive.

The archive (tests/fixtures/calls-out/) holds a captured page with every kind of external
reference there is (src, href, srcset, style url() and @import, a meta refresh, <base>, form
actions, frames, objects, embeds, resource hints, SVG references, srcdoc, a WebSocket), the same
page in a web archive, and records whose titles and addresses carry direction overrides and
addresses. Chromium runs with its network log on (``--log-net-log``: every request, preconnect,
socket and DNS resolution the browser attempts, not only those a page's events show) and with
every host outside loopback resolving to nothing, so nothing can leave the machine whatever the
pages try; what they try is in the log.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from browser_support import CHROMIUM_ARGS, LiveServer, chromium_path, serve_archive
from conftest import FIXTURES, make_archive
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from quarry.archive.readers import ReadOptions
from quarry.web.views import is_loopback

CALLS_OUT = FIXTURES / "calls-out"
FIELD_MAP = {"person": "people", "organization": "orgs", "location": "places"}
# what the browser connects to for itself, whatever page it shows (its updater, its sign-in
# check): attempted even on about:blank, and resolved to nothing here
BROWSER_OWN = ("google.com", "googleapis.com", "gstatic.com", "gvt1.com")
# and its check whether IPv6 is reachable: a UDP socket connected (no packet sent) to a public
# DNS server's address, whatever the page
REACHABILITY_PROBES = {"2001:4860:4860::8888", "8.8.8.8"}
RESOURCE_HINTS = {"preconnect", "dns-prefetch", "preload", "prefetch", "prerender", "modulepreload"}
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "data", "poster", "background", "srcdoc",
                  "ping", "codebase", "longdesc", "xlink:href", "manifest", "cite"}  # fmt: skip


@pytest.fixture(scope="module")
def calls_out_dir(tmp_path_factory) -> Path:
    inputs = tmp_path_factory.mktemp("calls-out-in")
    for name in ("calls-out.html", "calls-out.jsonl"):
        shutil.copy(CALLS_OUT / name, inputs / name)
    page = (CALLS_OUT / "calls-out.html").read_bytes()  # the same page in a web archive: a second capture
    with open(inputs / "calls-out.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("http://203.0.113.70/page", "response", payload=io.BytesIO(page),
                                                      http_headers=headers))  # fmt: skip
    data = tmp_path_factory.mktemp("calls-out") / "data"
    report = make_archive(data, inputs, options=ReadOptions(field_map=FIELD_MAP))
    assert report.new == 3 and report.duplicate == 1 and not report.failed, report.lines()
    return data


@pytest.fixture(scope="module")
def server(calls_out_dir):
    live = serve_archive(calls_out_dir)
    yield live
    live.stop()


def loopback(host: str | None) -> bool:
    return not host or is_loopback(host)  # (no host: a page's own about: or data: address)


def browser_own(host: str) -> bool:
    return host.strip("[]") in REACHABILITY_PROBES or any(host == d or host.endswith("." + d) for d in BROWSER_OWN)


def page_urls(server: LiveServer) -> dict[str, list[str]]:
    """Every kind of page of the archive, from its own JSON."""
    data = server.json("/api/search", {"size": 100, "fl.category": 10})
    ids = [h["id"] for h in data["results"]]
    facets = data["facets"]
    search = ["/", "/?q=forum", "/?q=calls&sort=oldest", "/help"]
    search += ["/?" + urlencode({"f." + name: vals[0]["value"]}) for name, vals in facets.items() if vals]
    search += ["/?" + urlencode({"x.site": facets["site"][0]["value"], "q": "channels"})]
    entities = [f"/entity/{t}/{quote(v['value'], safe='')}" for t in ("person", "organization", "location")
                for v in facets.get(t, [])]  # fmt: skip
    captures, downloads = [], []
    for aid in ids:
        article = server.json(f"/api/article/{aid}")
        html = server.get(f"/article/{aid}")[2].decode()
        for n in range(len(article["provenance"])):
            if f"/article/{aid}/capture/{n}\"" in html:
                captures.append(f"/article/{aid}/capture/{n}")
                downloads.append(f"/article/{aid}/capture/{n}/raw")
    downloads += [f"/export.{fmt}?q=calls" for fmt in ("csv", "jsonl", "ris", "bib", "csl.json")]
    downloads += [f"/article/{ids[0]}/cite.ris", f"/article/{ids[0]}/text.txt"]
    return {"search": search, "articles": [f"/article/{i}" for i in ids], "entities": entities,
            "captures": captures, "downloads": downloads}  # fmt: skip


class Served(HTMLParser):
    """What a served page could make a browser fetch: resource hints, addresses in attributes
    (other than the server's own), url() and @import in styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and set((attrs.get("rel") or "").lower().split()) & RESOURCE_HINTS:
            self.found.append(f"<link rel={attrs['rel']}>")
        if tag in ("meta",) and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        if tag in ("base", "iframe", "frame", "object", "embed", "portal"):
            self.found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name in URL_ATTRIBUTES and value and not value.startswith(("/", "#", "?")):
                self.found.append(f"<{tag} {name}={value[:60]}>")
            if name == "style" and value and re.search(r"url\(|@import|image-set", value, re.I):
                self.found.append(f"<{tag} style={value[:60]}>")
        self._in_style = tag == "style"

    def handle_data(self, data):
        if self._in_style and re.search(r"url\(|@import|image-set", data, re.I):
            self.found.append(f"<style>{data.strip()[:60]}</style>")
        self._in_style = False


def served_problems(body: bytes) -> list[str]:
    parser = Served()
    parser.feed(body.decode("utf-8", "replace"))
    return parser.found


def netlog_attempts(path: Path) -> list[str]:
    """Every host the log shows a request, a preconnect, a connection, a WebSocket or a name
    resolution for, as ``event: host`` (the browser's own services left out)."""
    log = json.loads(path.read_text())
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    out = []
    for event in log["events"]:
        kind, params = names.get(event["type"], "?"), event.get("params") or {}
        hosts = []
        for key in ("url", "original_url"):
            if isinstance(params.get(key), str):
                hosts.append(urlsplit(params[key]).hostname)
        if kind in ("TCP_CONNECT", "TCP_CONNECT_ATTEMPT", "UDP_CONNECT", "SOCKET_CONNECT"):
            for address in params.get("address_list", []) + [params.get("address") or ""]:
                hosts.append(address.rsplit(":", 1)[0] if address else None)
        if kind.startswith("HOST_RESOLVER") and isinstance(params.get("host"), str):
            host = urlsplit(params["host"] if "://" in params["host"] else "x://" + params["host"]).hostname
            hosts.append(None if host == "~notfound" else host)
        key = params.get("network_anonymization_key")
        if kind.startswith("HOST_RESOLVER") and isinstance(key, str) and "://" in key:
            hosts.append(urlsplit(key.split()[0]).hostname)  # the site a resolution was made for
        out += [f"{kind}: {h}" for h in hosts if h and not loopback(h) and not browser_own(h)]
    return sorted(set(out))


def click_every_link(page, url: str) -> list[str]:
    """Click each link of the page at ``url`` (back on it before each); where any click led."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    led = []
    for n in range(page.locator("a").count()):
        if urlsplit(page.url).path != url:
            led.append(page.url)
            page.goto(url)
        try:
            page.locator("a").nth(n).click(timeout=2000, no_wait_after=True)
        except PlaywrightTimeout:
            continue  # not visible: nothing a reader could click either
        time.sleep(0.2)
    if urlsplit(page.url).path != url:
        led.append(page.url)
    return led


@pytest.mark.browser
def test_no_page_ever_contacts_a_site_outside_loopback(browser, server, tmp_path):
    urls = page_urls(server)
    assert len(urls["captures"]) == 2 and len(urls["entities"]) >= 3, urls  # the page and its web archive copy

    # the HTML itself: no resource hint, no address outside the server, on any page
    for group in ("search", "articles", "entities", "captures"):
        for url in urls[group]:
            assert served_problems(server.get(url)[2]) == [], url

    netlog = tmp_path / "netlog.json"
    seen: list[str] = []
    navigated: list[str] = []
    # a browser of its own (the session's Playwright), its log written when it closes
    logged = browser.browser_type.launch(executable_path=chromium_path(), timeout=30_000, args=CHROMIUM_ARGS + [
        f"--log-net-log={netlog}", "--net-log-capture-mode=Everything",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"])  # fmt: skip
    try:
        context = logged.new_context(base_url=server.url, accept_downloads=True)
        page = context.new_page()
        page.on("request", lambda r: seen.append(r.url))
        page.on("websocket", lambda ws: seen.append(ws.url))
        for group in ("search", "articles", "entities", "captures"):
            for url in urls[group]:
                page.goto(url)
                page.wait_for_load_state("load")
                if group == "captures":  # every link of a captured page, clicked
                    time.sleep(0.3)  # what a meta refresh or a lazy load would have done
                    assert "Sanitised rendering" in page.content()
                    navigated += click_every_link(page, url)
        for url in urls["downloads"]:
            with page.expect_download(timeout=10_000) as info:
                try:
                    page.goto(url)
                except Exception as exc:  # noqa: BLE001 - Playwright reports a download as an error
                    assert "Download is starting" in str(exc), (url, exc)
            assert Path(info.value.path()).stat().st_size > 0, url
        time.sleep(1)
        context.close()
    finally:
        logged.close()

    outside = sorted({u for u in seen if not loopback(urlsplit(u).hostname)})
    assert outside == [], outside
    assert navigated == [], "a captured page's link led somewhere"
    assert len(seen) > 20  # the pages were loaded and logged
    assert netlog_attempts(netlog) == []


def test_a_capture_is_a_sanitised_rendering_and_its_bytes_a_download(server):
    hit = server.json("/api/search", {"q": "references"})["results"][0]
    status, headers, body = server.get(f"/article/{hit['id']}/capture/0")
    html = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert headers["Content-Security-Policy"].startswith("sandbox") and "default-src 'none'" in headers["Content-Security-Policy"]
    assert served_problems(body) == []
    assert "203.0.113" in html  # link targets and addresses stay readable, as text (tooltips)
    assert "a live link" in html and "[image: a tracking pixel]" in html and "Forum" in html
    assert not re.search(r"<(script|style|iframe|img|svg|form|link|meta http|base|object|embed|video|audio)\b", html.split("<hr>", 1)[1])
    status, headers, raw = server.get(f"/article/{hit['id']}/capture/0/raw")
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"].startswith("attachment") and ".bin" in headers["Content-Disposition"]
    assert raw == (CALLS_OUT / "calls-out.html").read_bytes()
