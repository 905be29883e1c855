"""A captured page shown without ever contacting the sites it names: a sanitised rendering.

The bytes a researcher archived from an extremist site may reference that site in a hundred ways
(``src``, ``href``, ``srcset``, ``style`` and ``url()``, ``@import``, a meta refresh, ``<base>``,
form actions, frames, objects, embeds, resource hints, SVG references, ``srcdoc``); a Content
Security Policy blocks most requests but not all of what a browser does (it still preconnects to a
frame's host, and a link clicked is a request). So the page is rebuilt from an allowlist with
`nh3` (ammonia's html5ever parser, the way browsers parse): text and its structure (headings,
paragraphs, lists, tables, quotes, emphasis) and nothing that can name an address. Link targets
and images' descriptions are kept as inert text: a link's target becomes its tooltip, an image
its alt text in brackets. The captured bytes themselves are a download, never rendered.

nh3 rather than lxml_html_clean: an allowlist fails closed (whatever it does not know is dropped,
a new kind of reference included), where lxml's cleaner is a blocklist of known dangers that has
needed fixes as browsers added ways to load things; and nh3 parses as browsers do, so what it
checked is what a browser would build.
"""

from __future__ import annotations

import nh3
from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup, escape

# text and its structure; nothing here can load or link anything once attributes are filtered
TAGS = {
    "a", "abbr", "article", "aside", "b", "bdi", "blockquote", "br", "caption", "cite", "code",
    "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "ins", "kbd", "li", "main",
    "mark", "nav", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
}  # fmt: skip
# no attribute that holds an address (href, src, srcset, action, data, poster, style, ...)
ATTRIBUTES = {
    "*": {"title", "lang"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
}
# dropped with everything inside them (a frame's fallback, a script's code, an SVG's shapes)
DROPPED_WHOLE = {
    "script", "style", "template", "noscript", "title", "iframe", "frame", "frameset", "object",
    "embed", "applet", "svg", "math", "select", "textarea", "audio", "video", "canvas", "head",
}  # fmt: skip

NOTE = ("Sanitised rendering of the page as it was captured: scripts, styles, images, frames, forms "
        "and every reference to another site are removed (a link's target shows when you point at it); "
        "nothing on this page can contact any site. The captured bytes themselves can be downloaded "
        "from the article's page.")  # fmt: skip
STYLE = ("body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:1rem auto;padding:0 1rem}"
         ".quarry-note{background:#fff6d6;border:1px solid #e0c96b;padding:.5rem .75rem;font-size:.9rem}"
         "a[title]{text-decoration:underline dotted}")  # fmt: skip


def _inert_text(text: str) -> str:
    """Kept references, made readable text (every address a page named, as data)."""
    return " ".join(text.split())[:500]


def _annotated(text: str) -> str:
    """The page's markup with its link targets moved into tooltips and its images replaced by
    their descriptions, before the allowlist drops every address."""
    try:
        doc = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return text
    for a in doc.iter("a"):
        href = a.get("href")
        if href:
            a.set("title", "link to " + _inert_text(href))
    for img in list(doc.iter("img")):
        alt = _inert_text(img.get("alt") or "")
        if alt and img.getparent() is not None:
            span = lxml_html.Element("span")
            span.text = f"[image: {alt}]"
            span.tail = img.tail
            img.getparent().replace(img, span)
    body = doc.find("body")
    root = body if body is not None else doc
    inner = (root.text and str(escape(root.text))) or ""
    return inner + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)


def sanitised(text: str) -> str:
    """Only the page's text and structure: no element or attribute that names an address."""
    return nh3.clean(_annotated(text), tags=TAGS, attributes=ATTRIBUTES, clean_content_tags=DROPPED_WHOLE,
                     url_schemes=set(), link_rel=None, strip_comments=True)  # fmt: skip


def page(text: str, title: str) -> str:
    """The sanitised capture as a whole document of Quarry's own, with a note saying what it is."""
    return Markup(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">"
        "<title>{title}</title><style>{style}</style></head>\n<body><p class=\"quarry-note\">{note}</p>\n"
        "<hr>\n{body}\n</body></html>\n"
    ).format(title=f"Captured page (sanitised): {title}", style=Markup(STYLE), note=NOTE, body=Markup(sanitised(text)))
