"""Helpers for the headless-browser tests (tests/test_browser.py).

* :class:`LiveServer` serves a real Flask app on 127.0.0.1 (ephemeral port) in a thread.
* :func:`launch_chromium` starts the system Chromium through Playwright, or skips the test with
  the reason (no Playwright package, no Chromium binary, Chromium will not start).
* :class:`PageWatch` records what a page did that it should not have: console messages, dialogs,
  uncaught errors, Content-Security-Policy violations and requests to anything but the server.
* :func:`axe_violations` runs axe-core (axe-playwright-python bundles it) on a page;
  :func:`focus_is_on` says where the keyboard focus is, in words tests compare.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from urllib.request import ProxyHandler, build_opener

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",  # the tests only ever talk to 127.0.0.1
]
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "screenshots"  # gitignored

# Runs before any page script: CSP violations become visible to the test.
INIT_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' +
                              (e.sample || ''));
});
"""

_direct = build_opener(ProxyHandler({}))  # never through a proxy: the server is on loopback


def chromium_path() -> str | None:
    """The system Chromium (Debian's ``chromium`` package), or None."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    fallback = Path("/usr/bin/chromium")
    return str(fallback) if fallback.exists() else None


def launch_chromium(playwright: Any) -> Any:
    """A headless Chromium browser, or pytest.skip with the reason it is not available."""
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    try:
        return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, timeout=30_000)
    except Exception as exc:  # noqa: BLE001 - any launch failure means "no usable browser"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        pytest.skip(f"Chromium at {path} could not be started: {first}")


FIRST_RESULT = "ol.hits li.hit h3 a"
FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'body';
  if (el === document.querySelector('FIRST_RESULT')) return 'first result';
  if (el.closest('svg.histogram')) return 'histogram';
  if (el.closest('#facets')) return 'facets';
  if (el.matches('a.skip')) return 'skip: ' + el.textContent.trim();
  return 'other';
}""".replace("FIRST_RESULT", FIRST_RESULT)


def focus_is_on(page: Any) -> str:
    """Where the keyboard focus is: 'first result' (of a results page), 'histogram' (a month of
    it), 'facets' (the dates and facets), 'skip: <its text>', 'body' or 'other'."""
    return page.evaluate(FOCUS_JS)


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """What axe-core reports on ``page`` with one of ``impacts``, one line per rule (the rule, its
    impact, what it asks, the first elements); skips when axe-playwright-python is absent."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is absent")
    found = axe.Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes']][:4]}"
            for v in found if v.get("impact") in impacts]  # fmt: skip


def serious_axe_violations(page: Any) -> list[str]:
    return axe_violations(page)


class LiveServer:
    """A Flask app served by werkzeug on 127.0.0.1:<ephemeral port> in a daemon thread."""

    def __init__(self, app: Any) -> None:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                pass

        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def get(self, path: str, params: Any = None) -> tuple[int, dict[str, str], bytes]:
        """GET a path from the server (no browser): status, headers, body."""
        url = self.url + path + (("?" + urlencode(params, doseq=True)) if params else "")
        assert urlsplit(url).hostname == "127.0.0.1"
        with _direct.open(url, timeout=30) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()

    def json(self, path: str, params: Any = None) -> Any:
        return json.loads(self.get(path, params)[2])



def serve_archive(data_dir: Any) -> LiveServer:
    """Quarry's app over the archive in ``data_dir``, served on loopback (``stop()`` when done)."""
    from quarry.web import create_app
    from quarry.web.settings import Settings

    return LiveServer(create_app(Settings(data_dir=data_dir), {"TESTING": True}))

class PageWatch:
    """Everything a page reported or attempted that a test may want to assert never happened."""

    def __init__(self, context: Any, base_url: str) -> None:
        self.base_url = base_url
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.context = context
        context.add_init_script(INIT_SCRIPT)
        context.route("**/*", self._route)

    def new_page(self) -> Any:
        """A page of the watched context with its console, errors and dialogs recorded."""
        page = self.context.new_page()
        page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", self._dialog)
        return page

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.base_url + "/") or url == self.base_url:
            route.continue_()
        else:  # only the test server may ever be contacted
            self.blocked.append(url)
            route.abort()

    def clear(self) -> None:
        for bucket in (self.console, self.dialogs, self.errors, self.blocked):
            bucket.clear()

    def problems(self) -> dict[str, list[str]]:
        return {
            name: list(values)
            for name, values in (
                ("console", self.console),
                ("dialogs", self.dialogs),
                ("errors", self.errors),
                ("blocked requests", self.blocked),
            )
            if values
        }
