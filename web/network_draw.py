"""Drawing an entity network on the server: a deterministic layout (numpy) and an SVG.

No script runs in the reader's browser: the picture is plain SVG, every link (edge) is an ``<a>``
to its evidence and every name (node) an ``<a>`` to its entity page, each with a ``<title>``.
Colours are presentation attributes, so the same SVG stands alone as a download. The layout is
Fruchterman–Reingold's force-directed one from a fixed start (names on a circle, grouped by
type), so the same network is always drawn the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from markupsafe import escape

from quarry.index.api import Network, NetworkEdge, NetworkNode

from .network_files import xml_text

WIDTH, GRAPH_HEIGHT = 960, 620  # the linked names' area; unlinked names and the legend below
MARGIN_X, MARGIN_Y = 130, 30  # room for labels beside the nodes at the edges
ROW = 44  # height of a row of unlinked names (room for the largest node)
MAX_EDGE = 220  # pixels: the longest ideal distance between two linked names
ITERATIONS = 250
SEED = 7
MAX_DRAWN_EDGES = 250  # the strongest; the table and the files hold every link
FONT = 13  # label size (px)


@dataclass(frozen=True)
class Style:
    label: str  # for the legend
    colour: str
    shape: str  # circle | square | triangle


STYLES = {
    "person": Style("Person", "#6b3fa0", "circle"),
    "organization": Style("Organization", "#1f6b4b", "square"),
    "location": Style("Location", "#8a5a00", "triangle"),
}
EDGE_COLOUR = "#5b646b"


def layout(nodes: list[NetworkNode], edges: list[NetworkEdge], iterations: int = ITERATIONS,
           seed: int = SEED) -> np.ndarray:  # fmt: skip
    """Positions (n × 2) of the nodes: force-directed, deterministic; the ideal distance
    between two nodes is ``ideal_distance(n)``."""
    n = len(nodes)
    if n <= 1:
        return np.zeros((n, 2))
    rng = np.random.default_rng(seed)
    order = sorted(range(n), key=lambda i: (list(STYLES).index(nodes[i].type), i))
    angle = np.empty(n)
    angle[order] = np.linspace(0, 2 * math.pi, n, endpoint=False)
    pos = np.exp(1j * angle) + rng.normal(0, 0.01, n) + 1j * rng.normal(0, 0.01, n)  # x + iy
    weight = np.zeros((n, n))
    top = max((e.score for e in edges), default=1.0) or 1.0
    for e in edges:
        weight[e.source, e.target] = weight[e.target, e.source] = 0.1 + math.sqrt(e.score / top)
    k = ideal_distance(n)
    step = 0.2
    for it in range(iterations):
        delta = pos[:, None] - pos[None, :]
        dist = np.maximum(np.abs(delta), 0.01)
        force = k * k / dist - weight * dist * dist / k  # repulsion minus attraction
        np.fill_diagonal(force, 0.0)
        move = (delta / dist * force).sum(1) - 0.05 * n * pos  # and gravity towards the middle
        length = np.maximum(np.abs(move), 1e-9)
        pos += move / length * np.minimum(length, step * (1 - it / iterations))
    return np.c_[pos.real, pos.imag]


def ideal_distance(n: int) -> float:
    """Fruchterman–Reingold's ideal distance for ``n`` nodes in a 2 × 2 square."""
    return math.sqrt(4.0 / max(n, 1))


def place_labels(nodes: list[NetworkNode], xy: list[tuple[float, float]], radius: list[float],
                 in_rows: set[int]) -> list[tuple[float, float, str]]:  # fmt: skip
    """(x, y, anchor) of each node's label: beside it, right or left, else above or below,
    whichever covers least of the labels placed before it and of the nodes (largest first);
    to the right of the nodes set out in rows (``in_rows``). A label's box is guessed from an
    average glyph width."""
    # boxes (x0, y0, x1, y1) in the way: every node, then each label once placed
    taken = np.array([(x - r, y - r, x + r, y + r) for (x, y), r in zip(xy, radius, strict=True)])
    out: list[tuple[float, float, str]] = [(0.0, 0.0, "start")] * len(nodes)
    for i in sorted(range(len(nodes)), key=lambda i: -nodes[i].count):
        (x, y), r = xy[i], radius[i]
        width = len(nodes[i].name) * FONT * 0.56
        right = x > WIDTH / 2 and i not in in_rows  # labels face inwards
        side = -(r + 4) if right else r + 4
        options = [(x + side, y + 4, "end" if right else "start"), (x - side, y + 4, "start" if right else "end"),
                   (x, y - r - 5, "middle"), (x, y + r + FONT + 2, "middle")][: 1 if i in in_rows else 4]  # fmt: skip
        shift = {"start": 0.0, "end": -width, "middle": -width / 2}
        boxes = np.array([(ox + shift[a], oy - FONT * 0.8, ox + shift[a] + width, oy + FONT * 0.3)
                          for ox, oy, a in options])  # fmt: skip
        others = np.delete(taken, i, axis=0)
        w = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(boxes[:, None, 0], others[None, :, 0])
        h = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 1], others[None, :, 1])
        outside = np.clip(-boxes[:, 0], 0, None) + np.clip(boxes[:, 2] - WIDTH, 0, None)  # cut off
        best = int(np.argmin((np.clip(w, 0, None) * np.clip(h, 0, None)).sum(1) + outside * FONT * 10))
        out[i] = options[best]
        taken = np.vstack([taken, boxes[best]])
    return out


def _shape(style: Style, x: float, y: float, r: float, title: str) -> str:
    common = f'fill="{style.colour}" stroke="#fff" stroke-width="1.5"'
    if style.shape == "square":
        s = r * 1.75
        body = f'<rect x="{x - s / 2:.1f}" y="{y - s / 2:.1f}" width="{s:.1f}" height="{s:.1f}" {common}>'
        end = "</rect>"
    elif style.shape == "triangle":
        h = r * 1.3
        points = f"{x:.1f},{y - h:.1f} {x + h:.1f},{y + h * 0.8:.1f} {x - h:.1f},{y + h * 0.8:.1f}"
        body, end = f'<polygon points="{points}" {common}>', "</polygon>"
    else:
        body, end = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {common}>', "</circle>"
    return f"{body}<title>{title}</title>{end}"


def _articles(n: int) -> str:
    return f"{n:,} article{'s' if n != 1 else ''}"


def node_title(node: NetworkNode) -> str:
    return f"{node.name} ({STYLES[node.type].label.lower()}): named in {_articles(node.count)}"


def edge_title(network: Network, edge: NetworkEdge) -> str:
    a, b = network.nodes[edge.source], network.nodes[edge.target]
    return f"{a.name} and {b.name}: together in {_articles(edge.together)}, G² {edge.score:,.1f}"


def positions(nodes: list[NetworkNode],
              edges: list[NetworkEdge]) -> tuple[list[tuple[float, float]], float, list[int]]:  # fmt: skip
    """Where each node is drawn (pixels), the drawing's height, and the nodes without a drawn
    link: the linked names laid out by force, the others in rows below them."""
    linked = sorted({e.source for e in edges} | {e.target for e in edges})
    unlinked = [n for n in range(len(nodes)) if n not in set(linked)]
    xy = [(0.0, 0.0)] * len(nodes)
    if linked:
        index = {n: i for i, n in enumerate(linked)}
        sub = [NetworkEdge(index[e.source], index[e.target], e.together, e.score, e.pmi) for e in edges]
        pos = layout([nodes[n] for n in linked], sub)
        low, span = pos.min(0), np.maximum(np.ptp(pos, 0), 1e-9)
        room = np.array([WIDTH - 2 * MARGIN_X, GRAPH_HEIGHT - 2 * MARGIN_Y])
        # fill the area, but never stretch an ideal distance beyond MAX_EDGE pixels (few nodes)
        scale = np.minimum(room / span, MAX_EDGE / ideal_distance(len(linked)))
        offset = np.array([MARGIN_X + (room[0] - span[0] * scale[0]) / 2, MARGIN_Y])
        for n, (x, y) in zip(linked, (pos - low) * scale + offset, strict=True):
            xy[n] = (float(x), float(y))
        graph_height = float(span[1] * scale[1]) + 2 * MARGIN_Y
    else:
        graph_height = 0.0
    y = graph_height + ROW * 0.8
    x = 20.0
    for n in unlinked:
        width = 30 + len(nodes[n].name) * FONT * 0.56
        if x + width > WIDTH - 10 and x > 20:
            x, y = 20.0, y + ROW
        xy[n] = (x + 10, y)
        x += width + 16
    bottom = y if unlinked else graph_height
    return xy, bottom + ROW * 1.2, unlinked


def network_svg(network: Network, node_urls: list[str], edge_urls: list[str], label: str) -> str:
    """The network as a standalone SVG document (also fit to be inlined in a page); each name
    links to ``node_urls[i]``, each link to ``edge_urls[i]`` (the network's order)."""
    nodes, edges = network.nodes, network.edges[:MAX_DRAWN_EDGES]
    xy, height, unlinked = positions(nodes, edges)
    peak = max((n.count for n in nodes), default=1) or 1
    radius = [5 + 13 * math.sqrt(n.count / peak) for n in nodes]
    top = max((e.score for e in edges), default=1.0) or 1.0
    labels = place_labels(nodes, xy, radius, set(unlinked))
    desc = (f"{len(nodes)} names and {len(edges)} links. Node size: articles naming it; line width: "
            "log-likelihood (G²) of the pair. The table after the drawing lists every link.")  # fmt: skip
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" aria-labelledby="network-title network-desc" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        f'<title id="network-title">{escape(xml_text(label))}</title>',
        f'<desc id="network-desc">{escape(desc)}</desc>',
        f'<rect width="{WIDTH}" height="{height:.0f}" fill="#fff"/>',
        '<g class="edges">',
    ]
    for e, url in reversed(list(zip(edges, edge_urls, strict=False))):  # the strongest last, on top
        (x1, y1), (x2, y2) = xy[e.source], xy[e.target]
        title = escape(xml_text(edge_title(network, e)))
        width = 1 + 6 * math.sqrt(e.score / top)
        line = f'x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
        out.append(
            f'<a class="edge" href="{escape(url)}" aria-label="{title}: the sentences naming both">'
            f'<line {line} stroke="transparent" stroke-width="{max(width, 10):.1f}"/>'
            f'<line class="edge-line" {line} stroke="{EDGE_COLOUR}" stroke-opacity="0.55" '
            f'stroke-width="{width:.1f}" stroke-linecap="round"><title>{title}</title></line></a>'
        )
    out.append('</g><g class="nodes">')
    for i, node in enumerate(nodes):
        x, y = xy[i]
        tx, ty, anchor = labels[i]
        title = escape(xml_text(node_title(node)))
        out.append(
            f'<a class="node" href="{escape(node_urls[i])}" aria-label="{title}">'
            + _shape(STYLES[node.type], x, y, radius[i], title)
            + f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="{FONT}" fill="#1d2327" stroke="#fff" '
            f'stroke-width="3" paint-order="stroke" text-anchor="{anchor}">{escape(xml_text(node.name))}</text></a>'
        )
    out.append("</g>")
    if unlinked:
        first_row = xy[unlinked[0]][1]
        caption = ("Not linked to the others:" if len(network.edges) <= len(edges)
                   else f"No link among the {len(edges)} strongest drawn:")  # fmt: skip
        out.append(f'<text x="10" y="{first_row - ROW / 2:.0f}" font-size="12" fill="#5b646b">{caption}</text>')
    out.append(_legend(height - 16))
    out.append("</svg>")
    return "".join(out)


def _legend(y: float) -> str:
    """Shapes and colours by type, in a row along the bottom."""
    parts = ['<g class="legend" aria-hidden="true">']
    x = 16.0
    for style in STYLES.values():
        parts.append(_shape(style, x, y, 6, escape(style.label)))
        parts.append(f'<text x="{x + 12:.0f}" y="{y + 4:.0f}" font-size="12" fill="#1d2327">{escape(style.label)}</text>')
        x += 40 + len(style.label) * 7
    parts.append(f'<text x="{x:.0f}" y="{y + 4:.0f}" font-size="12" fill="#1d2327">Line width: G²</text>')
    parts.append("</g>")
    return "".join(parts)
