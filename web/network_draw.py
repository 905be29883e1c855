"""Drawing an entity network on the server: a deterministic layout (numpy) and an SVG.

No script runs in the reader's browser: the picture is plain SVG, every link (edge) is an ``<a>``
to its evidence and every name (node) an ``<a>`` to its entity page, each with a ``<title>``.
Colours are presentation attributes, so the same SVG stands alone as a download. The layout is
Fruchterman–Reingold's force-directed one from a fixed start (names on a circle, grouped by
type), so the same network is always drawn the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from markupsafe import escape

from quarry.index.api import Network, NetworkEdge, NetworkNode

WIDTH, HEIGHT = 960, 680
MARGIN_X, MARGIN_Y = 130, 36  # room for labels beside the nodes at the edges
ITERATIONS = 300
SEED = 7
MAX_DRAWN_EDGES = 250  # the strongest; the table and the files hold every link


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
    """Positions (n × 2, in [0, 1]) of the nodes: force-directed, deterministic."""
    n = len(nodes)
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.array([[0.5, 0.5]])
    rng = np.random.default_rng(seed)
    order = sorted(range(n), key=lambda i: (list(STYLES).index(nodes[i].type), i))
    angle = np.empty(n)
    angle[order] = np.linspace(0, 2 * math.pi, n, endpoint=False)
    pos = np.c_[np.cos(angle), np.sin(angle)] + rng.normal(0, 0.01, (n, 2))
    weight = np.zeros((n, n))
    top = max((e.score for e in edges), default=1.0) or 1.0
    for e in edges:
        weight[e.source, e.target] = weight[e.target, e.source] = 0.3 + e.score / top
    k = math.sqrt(4.0 / n)  # ideal distance in a 2 × 2 square
    step = 0.2
    for it in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta**2).sum(-1))
        np.fill_diagonal(dist, 1.0)
        dist = np.maximum(dist, 0.01)
        force = k * k / dist - weight * dist * dist / k  # repulsion minus attraction
        np.fill_diagonal(force, 0.0)
        move = (delta / dist[:, :, None] * force[:, :, None]).sum(1) - 0.05 * pos * n  # gravity
        length = np.maximum(np.sqrt((move**2).sum(-1)), 1e-9)
        pos += move / length[:, None] * np.minimum(length, step * (1 - it / iterations))[:, None]
    low, high = pos.min(0), pos.max(0)
    return (pos - low) / np.where(high - low > 0, high - low, 1.0)


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


def network_svg(network: Network, node_url: Callable[[NetworkNode], str],
                edge_url: Callable[[NetworkEdge], str], label: str) -> str:  # fmt: skip
    """The network as a standalone SVG document (also fit to be inlined in a page)."""
    nodes, edges = network.nodes, network.edges[:MAX_DRAWN_EDGES]
    pos = layout(nodes, edges)
    xy = [(MARGIN_X + x * (WIDTH - 2 * MARGIN_X), MARGIN_Y + y * (HEIGHT - 2 * MARGIN_Y)) for x, y in pos]
    peak = max((n.count for n in nodes), default=1) or 1
    radius = [5 + 13 * math.sqrt(n.count / peak) for n in nodes]
    top = max((e.score for e in edges), default=1.0) or 1.0
    desc = (f"{len(nodes)} names and {len(edges)} links. Node size: articles naming it; line width: "
            "log-likelihood (G²) of the pair. The table after the drawing lists every link.")  # fmt: skip
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" aria-labelledby="network-title network-desc" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        f'<title id="network-title">{escape(label)}</title>',
        f'<desc id="network-desc">{escape(desc)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        '<g class="edges">',
    ]
    for e in reversed(edges):  # the strongest drawn last, on top
        (x1, y1), (x2, y2) = xy[e.source], xy[e.target]
        title = escape(edge_title(network, e))
        width = 1 + 6 * math.sqrt(e.score / top)
        line = f'x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
        out.append(
            f'<a class="edge" href="{escape(edge_url(e))}" aria-label="{title}: the sentences naming both">'
            f'<line {line} stroke="transparent" stroke-width="{max(width, 10):.1f}"/>'
            f'<line class="edge-line" {line} stroke="{EDGE_COLOUR}" stroke-opacity="0.55" '
            f'stroke-width="{width:.1f}" stroke-linecap="round"><title>{title}</title></line></a>'
        )
    out.append('</g><g class="nodes">')
    for i, node in enumerate(nodes):
        x, y = xy[i]
        style = STYLES[node.type]
        title = escape(node_title(node))
        left = x > WIDTH / 2
        tx = x - radius[i] - 4 if left else x + radius[i] + 4
        out.append(
            f'<a class="node" href="{escape(node_url(node))}" aria-label="{title}">'
            + _shape(style, x, y, radius[i], title)
            + f'<text x="{tx:.1f}" y="{y + 4:.1f}" font-size="13" fill="#1d2327" stroke="#fff" '
            f'stroke-width="3" paint-order="stroke" text-anchor="{"end" if left else "start"}">'
            f"{escape(node.name)}</text></a>"
        )
    out.append("</g>")
    out.append(_legend())
    out.append("</svg>")
    return "".join(out)


def _legend() -> str:
    parts = ['<g class="legend" aria-hidden="true">']
    for n, style in enumerate(STYLES.values()):
        y = 18 + n * 20
        parts.append(_shape(style, 16, y, 6, escape(style.label)))
        parts.append(f'<text x="28" y="{y + 4}" font-size="12" fill="#1d2327">{escape(style.label)}</text>')
    parts.append("</g>")
    return "".join(parts)
