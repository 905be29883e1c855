"""The researcher's layer in the web app: who may write (CSRF tokens, the bind, the proxy's user
header), collections (save, reopen, search within, run again after an ingest, add and take out,
export), tags and notes on the article page, saved searches with "new since", and the JSON twins.

Each test works on its own copy of the fixture archive; expected article sets come from
``/api/search`` and the ids the fixture ingest adds, never from the code under test."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from urllib.parse import urlencode

import bibtexparser
import pytest
import rispy
from conftest import FIXTURES, make_archive
from test_browser import markup_problems

from quarry.archive.annotations import AnnotationsDB
from quarry.web import create_app
from quarry.web.settings import Settings

MORE = FIXTURES / "workflow" / "more.jsonl"
SEARCH = {"q": "group", "f.category": "Analysis"}
HOSTILE = '<script>window.__x=1</script> "quoted" & {braces}'


@pytest.fixture()
def data(built_archive, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(built_archive, target)
    return target


def client_of(data, **settings):
    return create_app(Settings(data_dir=data, **settings), {"TESTING": True}).test_client()


def token_of(client, path="/", headers=None) -> str:
    html = client.get(path, headers=headers or {}).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert match, "the page has no write form"
    return match.group(1)


def ids_of(client, **args) -> list[str]:
    return [h["id"] for h in client.get("/api/search", query_string={"size": 100, **args}).get_json()["results"]]


def annotations(data) -> AnnotationsDB | None:
    return AnnotationsDB.open(data, readonly=True)


def write_routes(client, article_id: str, cid: str, sid: str) -> list[tuple[str, dict]]:
    """Every write the app has, with the form fields that would make it succeed."""
    return [
        ("/collections", {"name": "Mine", **SEARCH}),
        (f"/collection/{cid}/edit", {"name": "Renamed"}),
        (f"/collection/{cid}/delete", {}),
        ("/collections/items", {"collection": cid, "article_id": article_id}),
        (f"/collection/{cid}/rerun/add", {}),
        (f"/article/{article_id}/tags", {"tags": "x"}),
        (f"/article/{article_id}/tags/remove", {"tag": "x"}),
        (f"/article/{article_id}/note", {"note": "x"}),
        ("/saved", {"name": "Mine", **SEARCH}),
        (f"/saved/{sid}/rename", {"name": "Renamed"}),
        (f"/saved/{sid}/delete", {}),
    ]


def seeded(data, client) -> tuple[str, str, str]:
    """An article, a collection and a saved search to write to (made directly in the database)."""
    article_id = ids_of(client)[0]
    with AnnotationsDB.open(data) as db:
        cid = db.collections.create("Seed", [article_id]).id
        sid = db.saved.create("Seed", "q=group", [article_id]).id
    return article_id, cid, sid


def test_every_write_route_is_listed_here(data):
    app = create_app(Settings(data_dir=data), {"TESTING": True})
    posts = {rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    listed = {re.sub(r"/(x|y|z)(?=/|$)", "/<v>", path) for path, _ in write_routes(None, "x", "y", "z")}
    assert {re.sub(r"<\w+>", "<v>", p) for p in posts} == listed


# -- who may write ----------------------------------------------------------------------------------


def test_a_post_without_a_valid_token_is_refused_and_writes_nothing(data):
    client = client_of(data)
    article_id, cid, sid = seeded(data, client)
    revision = annotations(data).revision
    good = token_of(client)
    for path, form in write_routes(client, article_id, cid, sid):
        for token in (None, "0" * 64, good[:-1] + ("0" if good[-1] != "0" else "1")):
            fields = {**form, **({"csrf_token": token} if token else {})}
            resp = client.post(path, data=fields)
            assert resp.status_code == 403, (path, token)
            assert "did not come from this archive" in resp.get_data(as_text=True)
        resp = client.post(path, data={**form, "csrf_token": good}, headers={"Origin": "http://evil.example"})
        assert resp.status_code == 403, path
    other = client_of(data)  # another browser: its own session, so the token does not fit
    other.get("/")
    assert other.post("/collections", data={"name": "x", "csrf_token": good}).status_code == 403
    assert annotations(data).revision == revision


def test_loopback_writes_as_the_local_user(data):
    client = client_of(data)
    token = token_of(client)
    resp = client.post("/collections", data={"name": "Chapter 3", "csrf_token": token, **SEARCH})
    assert resp.status_code == 303
    coll = annotations(data).collections.list()[0]
    assert coll.author == "local" and "Read-only" not in client.get("/").get_data(as_text=True)
    cookie = client.get_cookie("quarry_session_8080")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict"


def test_beyond_loopback_without_the_proxy_header_every_write_is_refused(data):
    local = client_of(data)
    article_id, cid, sid = seeded(data, local)
    revision = annotations(data).revision
    token = token_of(local)  # a valid token from a writable app does not help
    remote = client_of(data, host="0.0.0.0")
    for page in ("/", f"/article/{article_id}", f"/collection/{cid}", f"/saved/{sid}", "/collections"):
        html = remote.get(page).get_data(as_text=True)
        assert "Read-only:" in html and 'name="csrf_token"' not in html, page
        assert "Save as collection" not in html and "Add tags" not in html, page
    for path, form in write_routes(remote, article_id, cid, sid):
        resp = remote.post(path, data={**form, "csrf_token": token})
        assert resp.status_code == 403, path
        assert "Read-only" in resp.get_data(as_text=True)
    assert annotations(data).revision == revision
    # opening a saved search marks nothing either
    assert annotations(data).saved.baseline(sid, "local").user == ""


def test_with_the_proxy_header_the_signed_in_user_writes_and_is_recorded(data):
    client = client_of(data, host="0.0.0.0", user_header="X-Remote-User")
    alice = {"X-Remote-User": "alice"}
    html = client.get("/", headers=alice).get_data(as_text=True)
    assert "Signed in as alice" in html and "Save as collection" in html
    token = token_of(client, headers=alice)
    resp = client.post("/collections", data={"name": "Hers", "csrf_token": token, **SEARCH}, headers=alice)
    assert resp.status_code == 303
    article_id = ids_of(client)[0]
    assert client.post(f"/article/{article_id}/tags", data={"tags": "t1", "csrf_token": token},
                       headers=alice).status_code == 303  # fmt: skip
    assert client.post(f"/article/{article_id}/note", data={"note": "n", "csrf_token": token},
                       headers=alice).status_code == 303  # fmt: skip
    db = annotations(data)
    assert db.collections.list()[0].author == "alice"
    assert db.conn.execute("SELECT author FROM tags").fetchone()[0] == "alice"
    assert db.notes.note_of(article_id).author == "alice"
    # the same token is no good for another user, and without the header the request is read-only
    bob = {"X-Remote-User": "bob"}
    assert client.post("/saved", data={"name": "x", "csrf_token": token}, headers=bob).status_code == 403
    assert client.post("/saved", data={"name": "x", "csrf_token": token}).status_code == 403
    assert "not signed in" in client.get("/").get_data(as_text=True)
    # the header decides on loopback too once it is configured (a proxy on the same machine)
    local = client_of(data, user_header="X-Remote-User")
    assert "not signed in" in local.get("/").get_data(as_text=True)


# -- collections --------------------------------------------------------------------------------------


def test_save_reopen_search_within_and_change_a_collection(data):
    client = client_of(data)
    token = token_of(client)
    expected = ids_of(client, **SEARCH)
    assert len(expected) == 2
    resp = client.post("/collections", data={"name": "Chapter 3", "description": "Why", "csrf_token": token,
                                             "page": "3", "fl.site": "50", **SEARCH})  # fmt: skip
    cid = resp.headers["Location"].rsplit("/", 1)[1]
    coll = annotations(data).collections.get(cid)
    assert coll.query == urlencode(SEARCH) and coll.frozen_count == 2 and coll.index_version
    page = client.get(f"/collection/{cid}").get_data(as_text=True)
    assert "<h1>Chapter 3</h1>" in page and "Run the search again now" in page
    assert 'id="facet-tag"' in page and 'class="histogram"' in page
    api = client.get(f"/api/collection/{cid}").get_json()
    assert sorted(api["ids"]) == sorted(expected) and api["result"]["total"] == 2
    assert api["collection"]["url"].endswith(f"/collection/{cid}")
    within = client.get(f"/api/collection/{cid}", query_string={"q": "jalalabad"}).get_json()["result"]
    assert [h["id"] for h in within["results"]] == ids_of(client, q="jalalabad", **{"f.category": "Analysis"})
    site = api["result"]["facets"]["site"][0]
    assert "/api/collection/" in site["toggle_url"]  # facet links stay within the collection
    paged = client.get(f"/api/collection/{cid}", query_string={"size": 1, "page": 2}).get_json()["result"]
    assert paged["total"] == 2 and len(paged["results"]) == 1
    # take one out from the result list (back to where the form was), put another in
    other = next(i for i in ids_of(client) if i not in expected)
    resp = client.post("/collections/items", data={"collection": cid, "article_id": expected[0], "action": "remove",
                                                   "next": f"/collection/{cid}?q=x", "csrf_token": token})  # fmt: skip
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/collection/{cid}?q=x")
    resp = client.post("/collections/items", data={"collection": cid, "article_id": other,
                                                   "next": "//evil.example/x", "csrf_token": token})  # fmt: skip
    assert resp.headers["Location"].endswith(f"/collection/{cid}")  # never to another site
    for elsewhere in ("/\\evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        resp = client.post("/collections/items", data={"collection": cid, "article_id": other,
                                                       "next": elsewhere, "csrf_token": token})  # fmt: skip
        assert resp.headers["Location"].endswith(f"/collection/{cid}"), elsewhere
    assert sorted(client.get(f"/api/collection/{cid}").get_json()["ids"]) == sorted([expected[1], other])
    assert client.post("/collections/items", data={"collection": cid, "article_id": "0" * 16,
                                                   "csrf_token": token}).status_code == 404  # fmt: skip
    client.post(f"/collection/{cid}/edit", data={"name": "Renamed", "description": "New", "csrf_token": token})
    assert annotations(data).collections.get(cid).name == "Renamed"
    resp = client.post(f"/collection/{cid}/edit", data={"name": " ", "csrf_token": token})
    assert resp.status_code == 400 and "needs a name" in resp.get_data(as_text=True)
    assert client.post(f"/collection/{cid}/delete", data={"csrf_token": token}).status_code == 303
    assert client.get(f"/collection/{cid}").status_code == 404
    assert client.get("/api/collection/nope").status_code == 404


def test_run_again_and_new_since_after_an_ingest(data):
    client = client_of(data)
    token = token_of(client)
    frozen = set(ids_of(client, **SEARCH))
    cid = client.post("/collections", data={"name": "C", "csrf_token": token, **SEARCH}).headers["Location"].rsplit("/", 1)[1]
    sid = client.post("/saved", data={"name": "Group watch", "q": "group", "csrf_token": token}).headers["Location"].rsplit("/", 1)[1]
    before_all = set(ids_of(client, q="group"))
    make_archive(data, MORE)
    now = set(ids_of(client, **SEARCH))
    added = now - frozen
    assert len(added) == 2
    assert set(client.get(f"/api/collection/{cid}").get_json()["ids"]) == frozen  # frozen stays frozen
    rerun = client.get(f"/api/collection/{cid}/rerun").get_json()
    assert set(rerun["added"]) == added and rerun["gone"] == [] and rerun["found_now"] == len(now)
    html = client.get(f"/collection/{cid}/rerun").get_data(as_text=True)
    assert all(f"/article/{i}" in html for i in added) and "Add these 2 articles" in html
    client.post(f"/collection/{cid}/rerun/add", data={"csrf_token": token})
    assert set(client.get(f"/api/collection/{cid}").get_json()["ids"]) == now
    # the saved search: three new articles match "group"
    new = set(ids_of(client, q="group")) - before_all
    assert len(new) == 3
    listed = client.get("/api/saved").get_json()["saved_searches"][0]
    assert (listed["name"], listed["new_count"], listed["found_now"]) == ("Group watch", 3, len(before_all) + 3)
    assert set(client.get(f"/api/saved/{sid}").get_json()["new"]) == new  # JSON marks nothing
    html = client.get(f"/saved/{sid}", query_string={"size": 2}).get_data(as_text=True)  # opening marks them seen
    assert "3 new since it was saved" in html
    since = re.search(r'since=([0-9a-f]+)', html).group(1)
    page2 = client.get(f"/saved/{sid}", query_string={"size": 2, "page": 2, "since": since}).get_data(as_text=True)
    shown = set(re.findall(r'href="/article/([0-9a-f]+)"', html)) | set(re.findall(r'href="/article/([0-9a-f]+)"', page2))
    assert shown == new
    assert client.get("/api/saved").get_json()["saved_searches"][0]["new_count"] == 0
    assert "0 new since you last opened it" in client.get(f"/saved/{sid}").get_data(as_text=True)


def test_collection_exports_validate_and_say_what_they_are(data):
    client = client_of(data)
    token = token_of(client)
    cid = client.post("/collections", data={"name": HOSTILE, "csrf_token": token, **SEARCH}).headers["Location"].rsplit("/", 1)[1]
    members = client.get(f"/api/collection/{cid}").get_json()["ids"]
    client.post(f"/article/{members[0]}/tags", data={"tags": "chapter-3, key", "csrf_token": token})
    client.post(f"/article/{members[0]}/note", data={"note": HOSTILE + "\nsecond line", "csrf_token": token})
    page = client.get(f"/collection/{cid}").get_data(as_text=True)
    assert f"/collection/{cid}/export.ris" in page
    bodies = {}
    for fmt in ("csv", "jsonl", "ris", "bib", "csl.json"):
        resp = client.get(f"/collection/{cid}/export.{fmt}")
        assert resp.status_code == 200 and resp.headers["Content-Disposition"].startswith("attachment")
        bodies[fmt] = resp.get_data(as_text=True)
    records = rispy.loads(bodies["ris"])
    assert sorted(r["id"] for r in records) == sorted(members)
    first = next(r for r in records if r["id"] == members[0])
    assert {"chapter-3", "key"} <= set(first["keywords"]) and any("second line" in n for n in first["notes"])
    assert all(any(f"(id {cid})" in n for n in r["notes"]) for r in records)
    library = bibtexparser.parse_string(bodies["bib"])
    assert not library.failed_blocks and len(library.entries) == len(members)
    assert f"id {cid}" in library.comments[0].comment
    items = json.loads(bodies["csl.json"])
    assert isinstance(items, list) and sorted(i["id"] for i in items) == sorted(members)
    lines = [json.loads(x) for x in bodies["jsonl"].splitlines()]
    assert lines[0]["type"] == "quarry-collection" and lines[0]["count"] == len(members) and lines[0]["name"] == HOSTILE
    rows = list(csv.DictReader(io.StringIO(bodies["csv"])))
    assert rows[0]["id"] == f"collection:{cid}" and sorted(r["id"] for r in rows[1:]) == sorted(members)
    assert next(r for r in rows if r["id"] == members[0])["tags"] == "chapter-3; key"
    within = client.get(f"/collection/{cid}/export.jsonl", query_string={"q": "jalalabad"}).get_data(as_text=True)
    head = json.loads(within.splitlines()[0])
    assert head["count"] == len(within.splitlines()) - 1 and "jalalabad" in head["within"]
    # a plain search export carries tags and notes too
    assert "chapter-3" in client.get("/export.ris", query_string=SEARCH).get_data(as_text=True)
    assert client.get(f"/collection/{cid}/export.xls").status_code == 404


# -- tags and notes -----------------------------------------------------------------------------------


def test_tags_and_notes_on_the_article_page_in_results_and_as_a_facet(data):
    client = client_of(data)
    token = token_of(client)
    a, b = ids_of(client, **SEARCH)
    for aid in (a, b):
        resp = client.post(f"/article/{aid}/tags", data={"tags": "Chapter-3, " + HOSTILE.replace(",", "")[:60],
                                                          "csrf_token": token})  # fmt: skip
        assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/article/{aid}#annotations")
    client.post(f"/article/{a}/note", data={"note": "Court ruling matters.\n" + HOSTILE, "csrf_token": token})
    api = client.get(f"/api/article/{a}").get_json()["annotations"]
    assert "Chapter-3" in api["tags"] and api["note"].startswith("Court ruling") and api["note_by"] == "local"
    html = client.get(f"/article/{a}").get_data(as_text=True)
    assert "Chapter-3" in html and "Court ruling matters." in html and "Written by local" in html
    assert markup_problems(html) == [] and "<script>window" not in html
    facet = client.get("/api/search").get_json()["facets"]["tag"]
    assert {v["value"]: v["count"] for v in facet}["Chapter-3"] == 2
    assert sorted(ids_of(client, **{"f.tag": "chapter-3"})) == sorted([a, b])
    assert ids_of(client, q="note:ruling") == [a]
    results = client.get("/?q=tag:chapter-3").get_data(as_text=True)
    assert results.count('class="note-marker"') == 1 and markup_problems(results) == []
    resp = client.post(f"/article/{a}/tags", data={"tags": " , ", "csrf_token": token})
    assert resp.status_code == 400
    assert client.post(f"/article/{'0' * 16}/tags", data={"tags": "x", "csrf_token": token}).status_code == 404
    client.post(f"/article/{a}/tags/remove", data={"tag": "CHAPTER-3", "csrf_token": token})
    assert ids_of(client, **{"f.tag": "chapter-3"}) == [b]
    client.post(f"/article/{a}/note", data={"note": "", "csrf_token": token})
    assert ids_of(client, q="note:ruling") == []
    api = client.get("/api/collections").get_json()
    assert api == {"collections": []}


def test_pages_have_titles_headings_labels_and_landmarks(data):
    client = client_of(data)
    article_id, cid, sid = seeded(data, client)
    for path in ("/collections", f"/collection/{cid}", f"/collection/{cid}/rerun", "/saved", f"/saved/{sid}",
                 f"/article/{article_id}"):  # fmt: skip
        html = client.get(path).get_data(as_text=True)
        assert re.search(r"<title>[^<]+ · Quarry</title>", html), path
        assert html.count("<h1") == 1 and '<main id="main"' in html, path
        for control in re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html):
            assert f'for="{control}"' in html, (path, control)
        assert markup_problems(html) == [], path


def test_the_user_header_setting_comes_from_the_environment(monkeypatch):
    from quarry.web.settings import SettingsError

    assert Settings.load().user_header is None
    monkeypatch.setenv("QUARRY_USER_HEADER", "X-Remote-User")
    assert Settings.load().user_header == "X-Remote-User"
    monkeypatch.setenv("QUARRY_USER_HEADER", "X Remote: User")
    with pytest.raises(SettingsError, match="QUARRY_USER_HEADER"):
        Settings.load()
