"""An entity network as files for network tools: GEXF 1.3 (Gephi), GraphML, and an edge CSV.

Plain functions of a :class:`~quarry.index.api.Network` (no Flask), written with the standard
library's ElementTree so that every name is escaped; characters XML cannot hold at all (control
characters from hostile pages) are dropped. Nodes carry their type and article count, edges the
articles naming both, the log-likelihood G² (the weight) and PMI; GEXF also carries the drawing's
colours, sizes and positions, so Gephi opens the network as the page drew it.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date

from quarry.index.api import Network

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
COLOURS = {"person": (107, 63, 160), "organization": (31, 107, 75), "location": (138, 90, 0)}
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")

Positions = list[tuple[float, float]]


def xml_text(text: object) -> str:
    """Text XML 1.0 can hold (control characters dropped)."""
    return _NOT_XML.sub("", str(text))


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_gexf(network: Network, description: str, positions: Positions | None = None) -> str:
    """GEXF 1.3: undirected, static, with node and edge attributes and viz hints."""
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", VIZ_NS)
    ET.register_namespace("xsi", XSI_NS)
    g, viz = f"{{{GEXF_NS}}}", f"{{{VIZ_NS}}}"
    root = ET.Element(g + "gexf", {"version": "1.3",
                                   f"{{{XSI_NS}}}schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd"})  # fmt: skip
    meta = ET.SubElement(root, g + "meta", lastmodifieddate=date.today().isoformat())
    ET.SubElement(meta, g + "creator").text = "Quarry"
    ET.SubElement(meta, g + "description").text = xml_text(description)
    graph = ET.SubElement(root, g + "graph", defaultedgetype="undirected", mode="static")
    node_attrs = ET.SubElement(graph, g + "attributes", {"class": "node", "mode": "static"})
    for aid, title, kind in (("type", "type", "string"), ("articles", "articles", "integer")):
        ET.SubElement(node_attrs, g + "attribute", id=aid, title=title, type=kind)
    edge_attrs = ET.SubElement(graph, g + "attributes", {"class": "edge", "mode": "static"})
    for aid, title, kind in (("articles", "articles together", "integer"), ("g2", "log-likelihood G2", "double"),
                             ("pmi", "PMI", "double")):  # fmt: skip
        ET.SubElement(edge_attrs, g + "attribute", id=aid, title=title, type=kind)
    nodes = ET.SubElement(graph, g + "nodes")
    peak = max((n.count for n in network.nodes), default=1) or 1
    for i, n in enumerate(network.nodes):
        node = ET.SubElement(nodes, g + "node", id=f"n{i}", label=xml_text(n.name))
        values = ET.SubElement(node, g + "attvalues")
        ET.SubElement(values, g + "attvalue", {"for": "type", "value": n.type})
        ET.SubElement(values, g + "attvalue", {"for": "articles", "value": str(n.count)})
        r, gr, b = COLOURS.get(n.type, (90, 90, 90))
        ET.SubElement(node, viz + "color", r=str(r), g=str(gr), b=str(b))
        ET.SubElement(node, viz + "size", value=f"{5 + 20 * (n.count / peak) ** 0.5:.2f}")
        if positions is not None:
            x, y = positions[i]
            ET.SubElement(node, viz + "position", x=f"{x:.1f}", y=f"{-y:.1f}", z="0.0")  # y up
    edges = ET.SubElement(graph, g + "edges")
    for k, e in enumerate(network.edges):
        edge = ET.SubElement(edges, g + "edge", id=f"e{k}", source=f"n{e.source}",
                             target=f"n{e.target}", weight=repr(float(e.score)))  # fmt: skip
        values = ET.SubElement(edge, g + "attvalues")
        for key, value in (("articles", e.together), ("g2", float(e.score)), ("pmi", float(e.pmi))):
            ET.SubElement(values, g + "attvalue", {"for": key, "value": repr(value)})
    return _xml(root)


def to_graphml(network: Network, description: str) -> str:
    """GraphML: undirected, with typed keys for the node and edge attributes."""
    ET.register_namespace("", GRAPHML_NS)
    ET.register_namespace("xsi", XSI_NS)
    ns = f"{{{GRAPHML_NS}}}"
    root = ET.Element(ns + "graphml", {
        f"{{{XSI_NS}}}schemaLocation": f"{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd"})  # fmt: skip
    keys = (("label", "node", "label", "string"), ("type", "node", "type", "string"),
            ("count", "node", "articles", "int"), ("weight", "edge", "weight", "double"),
            ("together", "edge", "articles together", "int"), ("pmi", "edge", "pmi", "double"))  # fmt: skip
    for kid, domain, name, kind in keys:
        ET.SubElement(root, ns + "key", {"id": kid, "for": domain, "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, ns + "graph", id="quarry", edgedefault="undirected")
    ET.SubElement(graph, ns + "desc").text = xml_text(description)
    for i, n in enumerate(network.nodes):
        node = ET.SubElement(graph, ns + "node", id=f"n{i}")
        for key, value in (("label", xml_text(n.name)), ("type", n.type), ("count", str(n.count))):
            ET.SubElement(node, ns + "data", key=key).text = value
    for k, e in enumerate(network.edges):
        edge = ET.SubElement(graph, ns + "edge", id=f"e{k}", source=f"n{e.source}", target=f"n{e.target}")
        for key, value in (("weight", repr(float(e.score))), ("together", str(e.together)),
                           ("pmi", repr(float(e.pmi)))):  # fmt: skip
            ET.SubElement(edge, ns + "data", key=key).text = value
    return _xml(root)


def _cell(value: str) -> str:
    """A name as a CSV cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(_CSV_FORMULA) else value


def to_edge_csv(network: Network) -> str:
    """One row per link, with Gephi's column names (Source, Target, Type, Weight) first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Source", "Target", "Type", "Weight", "Articles together", "PMI",
                     "Source type", "Target type", "Source articles", "Target articles"])  # fmt: skip
    for e in network.edges:
        a, b = network.nodes[e.source], network.nodes[e.target]
        writer.writerow([_cell(a.name), _cell(b.name), "Undirected", e.score, e.together, e.pmi,
                         a.type, b.type, a.count, b.count])  # fmt: skip
    return out.getvalue()
