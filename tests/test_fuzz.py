"""Property-based fuzzing (issue 7): the query parser and every URL parameter and path of the web
app, 10,000 generated cases in all. No input may produce a server error (status >= 500), every
response must be well formed (JSON under /api/, a whole HTML page elsewhere), and no route may
read a file outside the data directory (or the app's own templates, static files and models).
"""

from __future__ import annotations

import builtins
import io
import json
import os
import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quarry.archive.exports import EXPORT_FORMATS
from quarry.archive.model import ENTITY_TYPES
from quarry.index import query as qp
from quarry.index.api import FACETS, SearchRequest
from quarry.index.engine import Archive
from quarry.web.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
# QUARRY_FUZZ_SCALE=0.1 runs a tenth of the cases (a quick local check); CI runs them all
SCALE = float(os.environ.get("QUARRY_FUZZ_SCALE", "1"))
SENTINEL = "QUARRY-SENTINEL-7f3a9c-must-never-be-served"


def fuzz(n: int):
    """Hypothesis settings for ``n`` cases (the test budgets add up to 10,000)."""
    return settings(
        max_examples=max(1, int(n * SCALE)),
        deadline=None,
        derandomize=True,  # the same cases on every run (CI reproducible)
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],  # fmt: skip
    )


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fapp(built_archive):
    from quarry.web import create_app

    return create_app(Settings(data_dir=built_archive), {"TESTING": True})


@pytest.fixture(scope="module")
def fclient(fapp):
    return fapp.test_client()


@pytest.fixture(scope="module")
def known(built_archive):
    """Real ids and facet values, so that generated filters also hit the archive."""
    archive = Archive(built_archive)
    result = archive.search(SearchRequest(facet_limits={n: 50 for n in FACETS}))
    ids = [h.id for h in archive.search(SearchRequest(page_size=100)).hits]
    values = {f.name: [v.value for v in f.values] for f in result.facets}
    return {"ids": ids, "values": values, "all_values": sorted({v for vs in values.values() for v in vs})}


@pytest.fixture(scope="module")
def sentinels(built_archive):
    """Files outside the data directory that must never be served."""
    outside = [built_archive.parent / "secret.txt", built_archive.parent.parent / "secret.txt"]
    for path in outside:
        path.write_text(SENTINEL + "\n")
    return outside


# -- strategies ----------------------------------------------------------------------------------

TOKENS = [
    '"', "'", "(", ")", "[", "]", "{", "}", ":", "*", "?", "~", "~2", "^", "^3", "-", "+", "!",
    "\\", "/", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "and", "or", "title:", "body:",
    "author:", "category:", "person:", "organization:", "location:", "site:", "language:",
    "published:", "published:[", "published:[2021 TO", "published:[2021-01 TO 2022-06]", "date:",
    "year:", "month:", "id:", "nosuchfield:", "org:", "lang:", "by:", "text_en:", "text_xx:",
    "taliban", "Taliban~", "radical*", "*", "?", "ISIS-K", '"islamic state"~5', "Kabul", "Hamas",
    "x" * 300, "\x00", "\x1b[31m", "\r\n", "\t", "\u202e", "\u200b", "\ufeff", "\U0001f4a3", "İ",
    "ß", "ﬁ", "日本語", "عربى", "../", "..\\", "%2e%2e%2f", "%00", "<script>", "&amp;", "{{7*7}}",
    "${jndi:x}", "' OR 1=1 --", "NULL", "None", "nan", "-1", "0", "1e309", "99999999999999999999",
]  # fmt: skip

text_any = st.text(max_size=80)
text_controls = st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Po", "Ps", "Pe", "Sm"]), max_size=40)
token_soup = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=12)), max_size=14).map(
    lambda parts: " ".join(parts)
)
glued_soup = st.lists(st.sampled_from(TOKENS), max_size=10).map("".join)
huge = st.one_of(
    st.integers(1_000, 120_000).map(lambda n: "a" * n),
    st.integers(100, 6_000).map(lambda n: '"(' * n),
    st.integers(100, 3_000).map(lambda n: "taliban OR " * n),
    st.integers(50, 2_000).map(lambda n: "a* " * n),
)
# parse() gets what a request can carry (a SearchRequest cuts q to MAX_QUERY_CHARS, 2000, when it
# is made); searches get the huge strings too, which tests that cut
capped = st.one_of(
    st.integers(1_000, 2_000).map(lambda n: "a" * n),
    st.integers(100, 1_000).map(lambda n: '"(' * n),
    st.integers(50, 180).map(lambda n: "taliban OR " * n),
    st.integers(50, 600).map(lambda n: "a* " * n),
)
parser_text = st.one_of(text_any, text_controls, token_soup, glued_soup, capped)
query_text = st.one_of(text_any, text_controls, token_soup, glued_soup, huge)

DATE_LIKE = ["2021", "2021-03", "2021-03-04", "2021-13", "2021-02-30", "0000", "0000-00-00",
             "9999-12-31", "10000", "2021-3", "21", "-2021", "2021-01-01T00:00", "２０２１"]  # fmt: skip
PARAM_NAMES = ["q", "from", "to", "sort", "page", "size", "format", "fmt", "type", "name", "id"]
PREFIXES = ["f", "x", "fl", "fq"]


@st.composite
def param_key(draw):
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.sampled_from(PARAM_NAMES))
    if kind in (1, 2):
        facet = draw(st.one_of(st.sampled_from(list(FACETS)), st.text(max_size=10), st.sampled_from(["", ".", "..", "__class__", "f.year"])))
        return draw(st.sampled_from(PREFIXES)) + "." + facet
    return draw(st.text(max_size=15))


def param_value(known_values: list[str]):
    return st.one_of(
        query_text,
        st.sampled_from(known_values or ["Analysis"]),
        st.sampled_from(DATE_LIKE),
        st.sampled_from(["relevance", "newest", "oldest", "random", ""]),
        st.integers(-(10**20), 10**20).map(str),
        st.sampled_from(["../../etc/passwd", "/etc/passwd", "..%2f..%2fsecret.txt", "%2e%2e%2fsecret.txt"]),
    )


def params(known_values: list[str]):
    """A list of (key, value) pairs: repeated keys, every known parameter, junk."""
    return st.lists(st.tuples(param_key(), param_value(known_values)), max_size=10)


raw_query = st.text(alphabet="%=&;+?#/.az019fFxX-_~\\\x00 ", max_size=60)


def qs(pairs) -> str:
    return urlencode([(k, v) for k, v in pairs], doseq=False)


# -- checks --------------------------------------------------------------------------------------


def check(resp, path: str) -> None:
    """No server error; the body is what the route promises."""
    assert resp.status_code < 500, (path[:300], resp.status_code, resp.get_data(as_text=True)[:500])
    body = resp.get_data(as_text=True)
    assert SENTINEL not in body and "root:x:0:0" not in body
    if resp.status_code in (301, 302, 303, 307, 308):
        target = urlsplit(resp.headers["Location"])
        assert target.netloc in ("", "localhost"), resp.headers["Location"]  # never off-site
        return
    if urlsplit(path).path.startswith("/api/"):
        data = json.loads(body)
        assert isinstance(data, dict)
        if resp.status_code == 200 and urlsplit(path).path == "/api/search":
            assert {"total", "results", "facets"} <= set(data)
    elif resp.mimetype == "text/html":
        assert body.rstrip().endswith("</html>"), (path[:300], body[-300:])


def over_limits(path: str) -> int | None:
    """The status a request over the limits of one request gets (issue 15): 414 for a line over
    gunicorn's 4,094 bytes, 400 for more than 200 parameters or 100 values of one facet."""
    from collections import Counter
    from urllib.parse import parse_qsl

    if len(f"GET {path} HTTP/1.1") > 4094:
        return 414
    pairs = parse_qsl(urlsplit(path).query, keep_blank_values=True)
    per_facet = Counter(k.partition(".")[2] for k, v in pairs if k.partition(".")[0] in ("f", "x") and v.strip())
    if len(pairs) > 200 or any(n > 100 for name, n in per_facet.items() if name in FACETS):
        return 400
    return None


# -- 1. the query parser -------------------------------------------------------------------------


@fuzz(2500)
@given(text=parser_text)
def test_parse_never_raises(text, built_archive):
    # the query language as the engine parses it, and the one walk over the result
    parsed = _archive(built_archive).parse_query(text)
    assert parsed.walk.tree is not None
    assert parsed.error is None or isinstance(parsed.error, str)
    qp.plain_words(text)


@fuzz(1000)
@given(text=query_text, page=st.integers(-5, 20_000), size=st.integers(-5, 500),
       sort=st.sampled_from(["relevance", "newest", "oldest", "bogus"]))  # fmt: skip
def test_archive_search_never_raises(text, page, size, sort, built_archive):
    archive = _archive(built_archive)
    req = SearchRequest.from_args({"q": [text], "page": [str(page)], "size": [str(size)], "sort": [sort]})
    result = archive.search(req)
    assert 0 <= len(result.hits) <= req.page_size
    assert result.total >= len(result.hits)
    json.dumps(result.to_json())


_ARCHIVES: dict[Path, Archive] = {}


def _archive(data_dir: Path) -> Archive:
    if data_dir not in _ARCHIVES:
        _ARCHIVES[data_dir] = Archive(data_dir)
    return _ARCHIVES[data_dir]


# -- 2. every URL parameter ----------------------------------------------------------------------


@fuzz(2000)
@given(data=st.data())
def test_api_search_any_parameters(data, fclient, known):
    if data.draw(st.integers(0, 9)) == 0:
        query = data.draw(raw_query)
    else:
        query = qs(data.draw(params(known["all_values"])))
    path = "/api/search?" + query
    check(fclient.get(path), path)


@fuzz(1200)
@given(data=st.data())
def test_search_page_any_parameters(data, fclient, known):
    if data.draw(st.integers(0, 9)) == 0:
        query = data.draw(raw_query)
    else:
        query = qs(data.draw(params(known["all_values"])))
    path = "/?" + query
    resp = fclient.get(path)
    check(resp, path)
    assert resp.status_code == 200 or (resp.status_code, True) == (over_limits(path), True), path[:300]


# -- 3. every path parameter ----------------------------------------------------------------------

TRAVERSAL = [
    "../", "..%2f", "%2e%2e%2f", "%2e%2e/", "..%2F", "%2E%2E%2F", "..%5c", "..\\", "....//",
    "%252e%252e%252f", "..%c0%af", "..%00/", "/etc/passwd", "%2fetc%2fpasswd", "//etc/passwd",
    "../secret.txt", "../../secret.txt", "..%2fsecret.txt", "%2e%2e%2fsecret.txt",
    "%2e%2e%2f%2e%2e%2fsecret.txt", "..%2f..%2fsecret.txt", "../../../../../../etc/passwd",
    "~", "~root", ".", "..", "%2e", "%2e%2e", "secret.txt", "store.sqlite", "../store.sqlite",
    "index/CURRENT", "..%2findex%2fCURRENT", "write.lock", "file:///etc/passwd", "\\\\server\\x",
]  # fmt: skip


def segment(known_items: list[str]):
    """One path segment: real values, traversal payloads, junk; percent-encoded or raw."""
    raw = st.one_of(
        st.sampled_from(known_items or ["x"]),
        st.sampled_from(TRAVERSAL),
        st.text(max_size=40),
        st.lists(st.sampled_from(TRAVERSAL + known_items), min_size=1, max_size=4).map("".join),
        st.integers(0, 10**30).map(str),
        st.integers(200, 5_000).map(lambda n: "a" * n),
    )
    return st.tuples(raw, st.sampled_from(["quote", "quote-all", "raw"])).map(_encode)


def _encode(pair: tuple[str, str]) -> str:
    text, how = pair
    if how == "quote":
        return quote(text, safe="")
    if how == "quote-all":
        return quote(quote(text, safe=""), safe="")  # double encoding
    # raw: keep what a URL can carry, percent-encode the rest (slashes and dots stay)
    return quote(text, safe="/.%~:\\")


@fuzz(800)
@given(data=st.data())
def test_article_routes_any_id(data, fclient, known):
    article_id = data.draw(segment(known["ids"]))
    template = data.draw(st.sampled_from([
        "/article/{}", "/api/article/{}", "/article/{}/cite.{}", "/article/{}/capture/{}",
        "/article/{}?style={}", "/api/article/{}/citation?style={}",
    ]))  # fmt: skip
    extra = data.draw(st.one_of(st.sampled_from([*EXPORT_FORMATS, "0", "1", "-1", "99"]), segment([])))
    path = template.format(article_id, extra)
    if data.draw(st.booleans()):
        path += "?" + qs(data.draw(params(known["all_values"])))
    check(fclient.get(path), path)


@fuzz(1000)
@given(data=st.data())
def test_entity_routes_any_type_and_name(data, fclient, known):
    names = [v for t in ENTITY_TYPES for v in known["values"].get(t, [])]
    etype = data.draw(st.one_of(st.sampled_from([*ENTITY_TYPES, "persons", "Person"]), segment([])))
    name = data.draw(segment(names))
    prefix = data.draw(st.sampled_from(["/entity", "/api/entity"]))
    path = f"{prefix}/{etype}/{name}"
    if data.draw(st.booleans()):
        path += "?" + qs(data.draw(params(known["all_values"])))
    check(fclient.get(path), path)


@fuzz(700)
@given(data=st.data())
def test_export_any_format_and_parameters(data, fclient, known):
    fmt = data.draw(st.one_of(st.sampled_from(list(EXPORT_FORMATS)), segment([])))
    path = f"/export.{fmt}?" + qs(data.draw(params(known["all_values"])))
    resp = fclient.get(path)
    check(resp, path)
    if resp.status_code == 200:
        body = resp.get_data(as_text=True)
        if fmt == "jsonl":
            for line in body.splitlines():
                json.loads(line)
        elif fmt == "csl.json":
            json.loads(body)


# -- 4. no file outside the data directory is ever read -------------------------------------------


class OpenedFiles:
    """Records every file opened through Python while a request runs."""

    def __init__(self):
        self.paths: list[Path] = []

    def __enter__(self):
        self._open, self._io_open, self._os_open = builtins.open, io.open, os.open
        record = self.paths.append

        def wrapped_open(file, *a, **kw):
            if isinstance(file, (str, bytes, os.PathLike)):
                record(Path(os.fsdecode(file)))
            return self._open(file, *a, **kw)

        def wrapped_os_open(path, *a, **kw):
            record(Path(os.fsdecode(path)))
            return self._os_open(path, *a, **kw)

        builtins.open = io.open = wrapped_open
        os.open = wrapped_os_open
        return self

    def __exit__(self, *exc):
        builtins.open, io.open, os.open = self._open, self._io_open, self._os_open

    def outside(self, allowed: list[Path]) -> list[Path]:
        out = []
        for path in self.paths:
            resolved = Path(os.path.abspath(path)).resolve()
            if not any(resolved == root or root in resolved.parents for root in allowed):
                out.append(resolved)
        return out


def _allowed_roots(data_dir: Path) -> list[Path]:
    roots = {Path(data_dir).resolve(), (ROOT / "web").resolve(), (ROOT / "archive").resolve(),
             (ROOT / "index").resolve(), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}  # fmt: skip
    roots.update(Path(p).resolve() for p in sys.path if p and Path(p).is_dir() and p != str(ROOT))
    roots.discard(Path("/"))
    return sorted(roots)


def _traversal_paths(known_ids: list[str], payload: str) -> list[str]:
    aid = known_ids[0]
    return [
        f"/static/{payload}",
        f"/static/css/{payload}",
        f"/article/{payload}",
        f"/article/{payload}/cite.ris",
        f"/article/{aid}/cite.{payload}",
        f"/article/{payload}/capture/0",
        f"/api/article/{payload}",
        f"/entity/{payload}/Taliban",
        f"/entity/organization/{payload}",
        f"/entity/location/Kabul/{payload}",
        f"/api/entity/{payload}/{payload}",
        f"/export.{payload}",
        f"/{payload}",
        f"/api/{payload}",
        "/?" + urlencode({"q": payload, "f.category": payload, "x.site": payload, "fq.author": payload,
                          "fl.person": payload, "from": payload, "to": payload, "sort": payload,
                          "page": payload, "size": payload}),  # fmt: skip
        "/api/search?" + urlencode({"q": payload, "f.site": payload, "format": payload}),
        "/export.csv?" + urlencode({"q": payload, "f.category": payload, "body": payload}),
        f"/api/article/{aid}/citation?" + urlencode({"style": payload}),
        f"/{payload}?file={payload}&path={payload}",
    ]


def test_no_route_reads_outside_the_data_directory(fclient, known, built_archive, sentinels):
    """Every traversal payload, raw and encoded, in every path segment and parameter."""
    allowed = _allowed_roots(built_archive)
    payloads = set()
    for p in TRAVERSAL + [str(s) for s in sentinels] + [os.path.relpath(s, built_archive) for s in sentinels]:
        payloads.update({p, quote(p, safe=""), quote(quote(p, safe=""), safe=""), quote(p, safe="/")})
    requests = 0
    for payload in sorted(payloads):
        for path in _traversal_paths(known["ids"], payload):
            with OpenedFiles() as opened:
                resp = fclient.get(path)
                body = resp.get_data(as_text=True)
            requests += 1
            check(resp, path)
            assert SENTINEL not in body
            assert not opened.outside(allowed), (path, opened.outside(allowed))
    assert requests > 1000


@fuzz(800)
@given(data=st.data())
def test_generated_traversal_anywhere(data, fclient, known, built_archive, sentinels):
    payload = data.draw(st.lists(st.one_of(st.sampled_from(TRAVERSAL), st.sampled_from(
        [str(s) for s in sentinels] + ["secret.txt", "etc", "passwd"])), min_size=1, max_size=5).map("".join))
    payload = _encode((payload, data.draw(st.sampled_from(["quote", "quote-all", "raw"]))))
    path = data.draw(st.sampled_from(_traversal_paths(known["ids"], payload)))
    with OpenedFiles() as opened:
        resp = fclient.get(path)
        resp.get_data()
    check(resp, path)
    assert not opened.outside(_allowed_roots(built_archive)), (path, opened.outside(_allowed_roots(built_archive)))


def test_static_files_are_still_served(fclient):
    """The traversal checks above are not passing because nothing is served at all."""
    static = ROOT / "web" / "static"
    files = [p for p in static.rglob("*") if p.is_file()]
    assert files
    rel = files[0].relative_to(static).as_posix()
    resp = fclient.get(f"/static/{rel}")
    assert resp.status_code == 200
    assert resp.get_data() == files[0].read_bytes()
