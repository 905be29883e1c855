"""Bounded cost per request (issue 15, item 3): caps on facet values, parameters, facet lists and
expensive query terms, one deadline for the whole request, linear-size facet links, and request
lines and headers limited under waitress as gunicorn limits them.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import make_archive

from quarry.index.api import ErrorKind, SearchRequest
from quarry.index.engine import Archive
from quarry.web.settings import Settings

WORDS = "courts militia ceasefire border election funding propaganda prison drone police".split()


@pytest.fixture(scope="module")
def many_values(tmp_path_factory) -> Path:
    """160 articles, each with its own category and author (facets with many values)."""
    folder = tmp_path_factory.mktemp("many")
    with open(folder / "many.jsonl", "w") as fh:
        for n in range(160):
            words = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(40))
            fh.write(json.dumps({
                "title": f"Report {n} on {WORDS[n % len(WORDS)]}", "body": f"Report {n}. {words}. The end of report {n}.",
                "url": f"https://example.org/{n}", "published": f"{2010 + n % 10}-{1 + n % 12:02d}-01",
                "categories": [f"Category {n:03d}"], "authors": [f"Author {n:03d}"],
            }) + "\n")  # fmt: skip
    data = folder / "data"
    make_archive(data, folder / "many.jsonl", entities=False)
    return data


@pytest.fixture(scope="module")
def many_client(many_values):
    from quarry.web import create_app

    return create_app(Settings(data_dir=many_values), {"TESTING": True}).test_client()


def categories(n: int) -> list[tuple[str, str]]:
    return [("f.category", f"Category {k:03d}") for k in range(n)]


# -- caps -----------------------------------------------------------------------------------------


def test_too_many_values_of_a_facet_is_a_clear_400(many_client):
    # 2,000 values (a 31 KB address) are refused by the request line's length before anything
    args = [("q", "courts")] + [("f.category", f"Category {k}") for k in range(2000)]
    t0 = time.perf_counter()
    page = many_client.get("/?" + urlencode(args))
    assert page.status_code == 414 and time.perf_counter() - t0 < 2
    assert "too long" in page.get_data(as_text=True) and len(page.get_data()) < 20_000
    # 101 short ones fit in the line: refused for their number, as a page, as JSON, as an export
    args = [("q", "courts")] + [("f.category", f"c{k}") for k in range(101)]
    page = many_client.get("/?" + urlencode(args))
    api = many_client.get("/api/search?" + urlencode(args))
    assert page.status_code == 400 and api.status_code == 400
    text = page.get_data(as_text=True)
    assert "at most 100 values of one facet" in text and "category" in text and "</html>" in text
    assert "at most 100 values of one facet" in api.get_json()["error"]["message"]
    assert many_client.get("/export.csv?" + urlencode(args)).status_code == 400
    # up to the cap is fine
    assert many_client.get("/api/search?" + urlencode(categories(100))).status_code == 200


def test_too_many_parameters_is_a_clear_400(many_client):
    args = [("q", "courts")] + [(f"p{k}", "1") for k in range(300)]
    page = many_client.get("/?" + urlencode(args))
    assert page.status_code == 400 and "parameters" in page.get_data(as_text=True)
    api = many_client.get("/api/search?" + urlencode(args))
    assert api.status_code == 400 and "parameters" in api.get_json()["error"]["message"]


def test_facet_list_length_is_capped(many_client):
    args = {f"fl.{f}": "1000" for f in ("category", "author", "year", "month")}
    data = many_client.get("/api/search?" + urlencode(args)).get_json()
    assert len(data["facets"]["category"]) == len(data["facets"]["author"]) == 100
    assert SearchRequest.from_args({"fl.category": ["1000"]}).facet_limits == {"category": 100}


def test_facet_links_grow_linearly_with_the_values_chosen(many_client):
    """A page choosing N values of a facet is O(N) in size: its links do not each repeat all N."""
    sizes = {}
    for n in (12, 25, 50, 100):
        query = urlencode([("q", "report")] + categories(n))
        page = many_client.get("/?" + query)
        api = many_client.get("/api/search?" + query)
        assert page.status_code == api.status_code == 200
        sizes[n] = (len(page.get_data()), len(api.get_data()))
    for kind in (0, 1):
        growth = [sizes[b][kind] - sizes[a][kind] for a, b in ((25, 50), (50, 100))]
        # doubling N adds about as much again (linear), not four times as much (quadratic)
        assert growth[1] < 2.6 * growth[0], (kind, sizes)
    assert sizes[100][0] < 600_000, sizes


def test_buttons_of_a_long_selection_change_the_state_and_land_on_a_permalink(many_client):
    """With many values chosen, each value is a button of one form holding the state once; the
    server applies the change and redirects to the page's permalink."""
    query = urlencode([("q", "report")] + categories(30) + [("x.author", "Author 001")])
    html = many_client.get("/?" + query).get_data(as_text=True)
    assert html.count('form="state"') >= 60
    resp = many_client.get("/?" + query + "&" + urlencode({"remove.category": "Category 007"}))
    assert resp.status_code == 303
    target = resp.headers["Location"]
    assert "Category+007" not in target and "Category+008" in target and "x.author=Author+001" in target
    assert "remove." not in target and "page=" not in target
    resp = many_client.get("/?" + query + "&" + urlencode({"toggle.author": "Author 001"}))
    assert "f.author=Author+001" in resp.headers["Location"] and "x.author" not in resp.headers["Location"]


def test_expensive_terms_per_query_are_capped(many_values, many_client):
    q = " OR ".join(f"{w}{n}~2" for n in range(3) for w in WORDS)  # 30 fuzzy terms
    result = Archive(many_values).search(SearchRequest(q=q))
    assert result.error_kind is ErrorKind.REFUSED and "at most 16" in result.query_error
    api = many_client.get("/api/search?" + urlencode({"q": q})).get_json()
    assert api["error_kind"] == "refused"
    assert Archive(many_values).search(SearchRequest(q=" OR ".join(f"{w}~" for w in WORDS))).error_kind is None


# -- one deadline for the whole request --------------------------------------------------------------


def test_the_request_deadline_stops_matching_and_snippets_and_says_so(many_values, monkeypatch):
    from quarry.index import snippets
    from quarry.web import create_app

    archive = Archive(many_values, request_deadline=0.0)
    stopped = archive.search(SearchRequest(q="courts"))
    assert stopped.error_kind is ErrorKind.TIMED_OUT
    assert stopped.query_error == "stopped after 0 s: results may be incomplete"

    slow = snippets.Highlighter.snippet
    monkeypatch.setattr(snippets.Highlighter, "snippet", lambda self, *a: time.sleep(0.1) or slow(self, *a))
    archive = Archive(many_values, request_deadline=0.45)
    t0 = time.perf_counter()
    result = archive.search(SearchRequest(q="courts", page_size=50))
    assert time.perf_counter() - t0 < 1.5
    assert result.error_kind is ErrorKind.TIMED_OUT and 0 < len(result.hits) < 50 < result.total

    client = create_app(Settings(data_dir=many_values, request_deadline=0.45), {"TESTING": True}).test_client()
    page = client.get("/?q=courts&size=50").get_data(as_text=True)
    assert "stopped after 0.45 s: results may be incomplete" in page
    api = client.get("/api/search?q=courts&size=50").get_json()
    assert api["error_kind"] == "timed_out" and api["query_error"] == "stopped after 0.45 s: results may be incomplete"


def test_the_request_deadline_is_a_setting(monkeypatch):
    monkeypatch.setenv("QUARRY_REQUEST_DEADLINE", "7.5")
    assert Settings.load().request_deadline == 7.5
    assert Settings.load(request_deadline=2.0).request_deadline == 2.0


# -- request lines and headers ---------------------------------------------------------------------


@pytest.fixture()
def waitress_server(many_values, monkeypatch):
    """The app under waitress with the options `quarry serve` gives it."""
    import waitress
    from click.testing import CliRunner
    from waitress.server import create_server

    from quarry.web.cli import main

    given = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: given.update(kw, app=app))
    result = CliRunner().invoke(main, ["serve", "--data-dir", str(many_values), "--port", "0"])
    assert result.exit_code == 0, result.output
    app = given.pop("app")
    given.update(host="127.0.0.1", port=0)
    server = create_server(app, **given)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.effective_port
    server.close()


def raw_get(port: int, target: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    lines = [f"GET {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:  # refused before it was all sent (the head is too large)
            if not data:
                return 0, ""
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


def test_request_lines_and_headers_are_limited_as_gunicorn_limits_them(waitress_server):
    port = waitress_server
    assert raw_get(port, "/api/search?q=courts")[0] == 200
    status, body = raw_get(port, "/?q=" + "a" * 4100)
    assert status == 414 and "</html>" in body and "too long" in body
    status, body = raw_get(port, "/api/search?q=" + "a" * 4100)
    assert status == 414 and "too long" in json.loads(body)["error"]["message"]
    assert raw_get(port, "/?q=" + "a" * 100_000)[0] in (0, 431)  # refused by waitress before it is all read
    assert raw_get(port, "/", {"X-Big": "b" * 8200})[0] == 431
    assert raw_get(port, "/", {f"X-H{n}": "1" for n in range(101)})[0] == 431
    assert re.match(r"2\d\d", str(raw_get(port, "/", {f"X-H{n}": "1" for n in range(40)})[0]))
