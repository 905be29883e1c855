"""The network, evidence and entity pages in the web app, and the network's files, on the
invented archive of fixtures/network/."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from network_fixture import build_network_archive

from quarry.web import create_app
from quarry.web.settings import Settings

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data = build_network_archive(tmp_path_factory.mktemp("network-web"))
    return create_app(Settings(data_dir=data), {"TESTING": True}).test_client()


def _svg(client, query: str = "") -> ET.Element:
    resp = client.get("/network.svg" + query)
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    return ET.fromstring(resp.data)  # well-formed XML, or this raises


def test_the_drawing_is_self_contained_svg_with_every_link_a_link(client):
    root = _svg(client)
    data = client.get("/api/network").get_json()
    refs = [v for el in root.iter() for k, v in el.attrib.items() if k in ("href", "src") or k.endswith("}href")]
    assert refs and all(r.startswith("/") for r in refs)  # nothing from another site
    assert not root.findall(f".//{SVG}script") and not root.findall(f".//{SVG}foreignObject")
    edges = [a for a in root.iter(f"{SVG}a") if "edge" in a.get("class", "")]
    nodes = [a for a in root.iter(f"{SVG}a") if "node" in a.get("class", "")]
    assert len(edges) == len(data["edges"]) > 0 and len(nodes) == len(data["nodes"])
    assert {a.get("href") for a in edges} == {e["evidence_url"] for e in data["edges"]}
    for a in edges + nodes:  # every edge and node says what it is
        assert a.get("aria-label") and a.find(f".//{SVG}title").text
    assert {a.find(f"{SVG}text").text for a in nodes} == {n["name"] for n in data["nodes"]}
    assert root.find(f"{SVG}title").text.startswith("Entity network of 14 articles")


def test_the_network_page_draws_tables_and_links(client):
    html = client.get("/network?q=Haddad").get_data(as_text=True)
    assert "<svg" in html and not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert "<title>Entity network — Haddad · Quarry</title>" in html
    # within his own articles Haddad is everywhere: linked to nothing; the others still are
    assert 'href="/evidence?q=Haddad&amp;a=organization%3ACoastal+Brigade&amp;b=location%3APort+Sidra"' in html
    assert "a=person%3ASamir+Haddad" not in html
    assert "Links, strongest first" in html and "log-likelihood (G²)" in html
    for fmt in ("gexf", "graphml", "csv", "svg"):
        assert f'href="/network.{fmt}?q=Haddad"' in html
    # the knobs travel in the URL
    small = client.get("/network?nodes=1&min=5").get_data(as_text=True)
    assert 'value="1" selected' in small and 'href="/network.csv?nodes=1&amp;min=5"' in small


def test_gexf_graphml_and_csv_parse_and_agree(client):
    data = client.get("/api/network").get_json()
    names = {n["name"] for n in data["nodes"]}
    pairs = {frozenset({data["nodes"][e["source"]]["name"], data["nodes"][e["target"]]["name"]}) for e in data["edges"]}

    gexf = ET.fromstring(client.get("/network.gexf").data)
    ns = {"g": "http://gexf.net/1.3"}
    assert gexf.get("version") == "1.3"
    assert {n.get("label") for n in gexf.findall(".//g:node", ns)} == names
    assert len(gexf.findall(".//g:edge", ns)) == len(data["edges"])
    graphml = ET.fromstring(client.get("/network.graphml").data)
    assert len(graphml.findall(".//{http://graphml.graphdrawing.org/xmlns}edge")) == len(data["edges"])

    rows = list(csv.DictReader(io.StringIO(client.get("/network.csv").get_data(as_text=True))))
    assert {frozenset({r["Source"], r["Target"]}) for r in rows} == pairs
    assert all(r["Type"] == "Undirected" and float(r["Weight"]) > 0 for r in rows)

    nx = pytest.importorskip("networkx")  # the tools' own readers, where installed
    for fmt, read in (("gexf", lambda f: nx.read_gexf(f, version="1.3")), ("graphml", nx.read_graphml)):
        graph = read(io.BytesIO(client.get(f"/network.{fmt}").data))
        assert graph.number_of_nodes() == len(names) and graph.number_of_edges() == len(pairs)
        labels = nx.get_node_attributes(graph, "label")
        assert {frozenset({labels[u], labels[v]}) for u, v in graph.edges()} == pairs
        assert set(nx.get_node_attributes(graph, "type").values()) == {"person", "organization", "location"}


def test_the_evidence_page_marks_both_names_in_each_sentence(client):
    resp = client.get("/evidence?a=person:Samir+Haddad&b=organization:Coastal+Brigade&sort=oldest")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "<title>Samir Haddad and Coastal Brigade — evidence · Quarry</title>" in html
    sentences = re.findall(r'<ul class="kwic"><li>(.*?)</li>', html)
    assert len(sentences) == 5
    for s in sentences:
        assert re.search(r'<mark class="ent-person" title="Samir Haddad">(Samir )?Haddad</mark>', s)
        assert '<mark class="ent-organization" title="Coastal Brigade">Coastal Brigade</mark>' in s
    assert 'href="/?sort=oldest&amp;in.person=Samir+Haddad&amp;in.organization=Coastal+Brigade"' in html
    data = client.get("/api/evidence?a=person:Samir+Haddad&b=organization:Coastal+Brigade").get_json()
    assert data["together"] == 5 and data["considered"] == 14
    assert all(s["text"][m["start"]:m["end"]] for a in data["articles"] for s in a["sentences"] for m in s["marks"])
    other = client.get("/evidence?a=location:Valmora&b=organization:Islamic+State").get_data(as_text=True)
    assert "not in the same sentence" in other


def test_evidence_pages_page_and_refuse_what_they_cannot_show(client):
    html = client.get("/evidence?a=location:Valmora&b=organization:Northwind+Press&size=3").get_data(as_text=True)
    assert 'href="/evidence?a=location%3AValmora&amp;b=organization%3ANorthwind+Press&amp;size=3&amp;page=2"' in html
    second = client.get("/evidence?a=location:Valmora&b=organization:Northwind+Press&size=3&page=2").get_data(as_text=True)
    assert 'href="/evidence?a=location%3AValmora&amp;b=organization%3ANorthwind+Press&amp;size=3"' in second
    assert '<ol class="evidence" start="4">' in second
    assert client.get("/evidence?a=person:Nobody&b=location:Valmora").status_code == 404
    assert client.get("/evidence?a=weapon:Gun&b=location:Valmora").status_code == 404
    assert client.get("/evidence?a=person:Samir+Haddad").status_code == 404
    assert client.get("/network.pdf").status_code == 404


def test_entity_pages_inform(client):
    html = client.get("/entity/person/Samir%20Haddad").get_data(as_text=True)
    assert "Ranked by log-likelihood (G²)" in html and "in at least 3" in html
    assert 'first seen <time datetime="2019-02-11">11 February 2019</time>' in html
    assert 'last seen <time datetime="2021-11-30">30 November 2021</time>' in html
    assert "Written as: <q>Samir Haddad</q> (6), <q>Haddad</q> (2)" in html
    assert 'href="/?in.person=Samir+Haddad&amp;in.organization=Coastal+Brigade"' in html
    assert 'href="/evidence?a=person%3ASamir+Haddad&amp;b=organization%3ACoastal+Brigade"' in html
    assert 'href="/network?in.person=Samir+Haddad"' in html
    assert "Northwind Press</a> <span" not in html  # everywhere: not associated
    isis = client.get("/entity/organization/Islamic%20State").get_data(as_text=True)
    assert "recorded in 5 of its 6 articles" in isis and "quarry rebuild --reextract" in isis
    old = client.get("/entity/person/Yusuf%20Bakr").get_data(as_text=True)
    assert "Variants not recorded" in old
    assert "No person, organisation or place is named with Yusuf Bakr in 3 or more" in old
    data = client.get("/api/entity/person/Samir%20Haddad").get_json()
    assert data["first_seen"] == "2019-02-11" and data["variants"][0] == {"text": "Samir Haddad", "count": 6}
    assert data["cooccurring"]["organization"][0]["name"] == "Coastal Brigade"
    assert data["cooccurring_measure"]["min_together"] == 3


def test_the_search_page_links_to_its_network_and_removes_one_restriction_at_a_time(client):
    html = client.get("/?q=Haddad&in.location=Port+Sidra&in.organization=Coastal+Brigade").get_data(as_text=True)
    link = re.search(r'class="to-network" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert urlsplit(link).path == "/network"
    assert parse_qs(urlsplit(link).query) == {"q": ["Haddad"], "in.organization": ["Coastal Brigade"],
                                              "in.location": ["Port Sidra"]}  # fmt: skip
    removes = re.findall(r'class="chip-remove" href="([^"]+)"', html)
    assert sorted(removes) == sorted(["/?q=Haddad&amp;in.organization=Coastal+Brigade",
                                      "/?q=Haddad&amp;in.location=Port+Sidra"])  # fmt: skip


def test_hostile_names_stay_text_in_every_file():
    from quarry.index.api import Network, NetworkEdge, NetworkNode, SearchRequest
    from quarry.web.network_draw import network_svg
    from quarry.web.network_files import to_edge_csv, to_gexf, to_graphml

    odd = '=HYPERLINK("x")<script>alert(1)</script>&\x01\x0b"'
    net = Network(SearchRequest(), 5, [NetworkNode("person", odd, 3), NetworkNode("location", "Oslo", 4)],
                  [NetworkEdge(0, 1, 3, 2.5, 0.7)], 12, 3, "log-likelihood (G²)")  # fmt: skip
    svg = ET.fromstring(network_svg(net, ["/entity/a", "/entity/b"], ['/evidence?a="x"&b=<y>'], odd))
    assert next(t.text for t in svg.iter(f"{SVG}text") if "HYPERLINK" in (t.text or "")) == odd.replace("\x01", "").replace("\x0b", "")
    assert not svg.findall(f".//{SVG}script")
    assert [a.get("href") for a in svg.iter(f"{SVG}a") if "edge" in a.get("class")] == ['/evidence?a="x"&b=<y>']
    gexf = ET.fromstring(to_gexf(net, odd, [(1.0, 2.0), (3.0, 4.0)]))
    assert "<script>" in gexf.find(".//{http://gexf.net/1.3}node").get("label")
    ET.fromstring(to_graphml(net, odd))
    rows = list(csv.reader(io.StringIO(to_edge_csv(net))))
    assert rows[1][0].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it


def test_a_query_that_cannot_be_parsed_is_said_so_on_the_network_and_evidence(client):
    network = client.get('/network?q="haddad').get_data(as_text=True)
    assert "the network is of its plain words" in network
    evidence = client.get('/evidence?q="haddad&a=person:Samir+Haddad&b=organization:Coastal+Brigade')
    assert evidence.status_code == 200 and "its plain words were searched instead" in evidence.get_data(as_text=True)
    assert client.get("/api/network?q=%22haddad").get_json()["query_error"]
