"""Turning search results into the plain dicts and small fragments templates render.

Templates never compute URLs or escape by hand: facets become Datasette-style dicts
(``{value, label, count, toggle_url, selected}``), active filters become removable chips, a search
that found nothing becomes what each filter left out, and annotated paragraphs become markup built
from escaped text segments (the histogram is :mod:`.histogram`).
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date, datetime
from typing import Any

from flask import Flask, url_for
from markupsafe import Markup, escape

from quarry.archive.model import ENTITY_TYPES
from quarry.index.api import FACETS, PAGE_SIZES, SORTS, SearchResult

from . import urls
from .annotations import readable_db
from .engine import get_settings, health

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MORE_LIMIT = 100


def month_label(value: str) -> str:
    """'2021-03' -> 'March 2021' (anything else unchanged)."""
    try:
        year, month = value.split("-")[:2]
        return f"{MONTHS[int(month) - 1]} {int(year)}"
    except (ValueError, IndexError):
        return value


def human_date(value: Any) -> str:
    """A date for people: '4 March 2021', 'March 2021', '2021' or ''."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    text = str(value)[:10]
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
        if len(parts) == 2:
            return month_label(text)
    except (ValueError, IndexError):
        pass
    return text


VALUE_ORDER = {"year": "by year", "month": "by month"}  # other facets: "A–Z"


def facet_dicts(result: SearchResult, **kw: Any) -> list[dict[str, Any]]:
    """Every facet in FACETS order as plain dicts, with toggle/exclude URLs per value and the
    links that list its values by count or by value. A search that found nothing leaves out the
    facets with no value to show (a selected value is shown, to be removed)."""
    req = result.request
    by_name = {f.name: f for f in result.facets}
    compact = urls.compact(req)
    out = []
    for name, label in FACETS.items():
        facet = by_name.get(name)
        values = []
        shown = facet.values if facet else []
        links = (urls.facet_value_urls(req, name, [v.value for v in shown], **kw) if not compact
                 else [(None, None)] * len(shown))  # fmt: skip
        for v, (toggle, exclude) in zip(shown, links, strict=True):
            values.append(
                {
                    "value": v.value,
                    "label": month_label(v.value)
                    if name == "month" and v.label in ("", v.value)
                    else (v.label or v.value),
                    "count": v.count,
                    "selected": v.selected or v.value in req.filters.get(name, []),
                    "excluded": v.excluded or v.value in req.excludes.get(name, []),
                    "toggle_url": toggle,
                    "exclude_url": exclude,
                    # with many values chosen: buttons of the page's one state form
                    "toggle_change": urls.change("toggle", name, v.value),
                    "exclude_change": urls.change("exclude", name, v.value),
                }
            )
        filter_text = req.facet_filters.get(name, "")
        if not result.total and not values and not filter_text and not (facet and facet.timed_out):
            continue
        order = req.facet_sort(name)
        out.append(
            {
                "name": name,
                "label": label,
                "results": values,
                "present": facet is not None,
                "truncated": bool(facet and facet.truncated),
                "timed_out": bool(facet and facet.timed_out),
                "total_values": facet.total_values if facet else 0,
                "filter_text": filter_text,
                "filter_hidden": urls.hidden_args(req, drop=("fq." + name,)),
                "more_url": (
                    urls.facet_limit_url(req, name, MORE_LIMIT, **kw)
                    if facet and facet.truncated and req.facet_limit(name) < MORE_LIMIT
                    else None
                ),
                # (label, URL or None for the order in force) of each way to list the values
                "orders": [("by count", None if order == "count" else urls.facet_sort_url(req, name, "count", **kw)),
                           (VALUE_ORDER.get(name, "A–Z"),
                            None if order == "value" else urls.facet_sort_url(req, name, "value", **kw))],
            }
        )
    return out


def chips(result: SearchResult, **kw: Any) -> list[dict[str, Any]]:
    """The active filters (included and excluded values, ``in.`` restrictions, a collection, the
    date range), each removable."""
    req = result.request
    labels = {(f.name, v.value): v.label for f in result.facets for v in f.values}
    compact = urls.compact(req)
    out = []
    for kind, source in (("include", req.filters), ("exclude", req.excludes)):
        for name in FACETS:
            for value in source.get(name, []):
                label = labels.get((name, value)) or (
                    month_label(value) if name == "month" else value
                )
                out.append(
                    {
                        "facet": name,
                        "facet_label": FACETS[name],
                        "value": value,
                        "label": label,
                        "kind": kind,
                        "remove_url": None if compact else urls.remove_url(req, name, value, **kw),
                        "remove_change": urls.change("remove", name, value),
                    }
                )
    for name, value in req.within:
        rest = tuple(pair for pair in req.within if pair != (name, value))
        out.append(
            {
                "facet": name,
                "facet_label": "Only " + FACETS[name],
                "value": value,
                "label": month_label(value) if name == "month" else value,
                "kind": "include",
                "remove_url": urls.change_url(req, within=rest, **kw),
            }
        )
    if req.collection:  # a search restricted to a collection's articles (``collection=<id>``)
        db = readable_db()
        found = db.collections.get(req.collection) if db is not None else None
        out.append(
            {
                "facet": "collection",
                "facet_label": "In collection",
                "value": req.collection,
                "label": found.name if found else req.collection,
                "kind": "include",
                "remove_url": urls.change_url(req, collection=None, **kw),
            }
        )
    if req.date_from or req.date_to:
        out.append(
            {
                "facet": "date",
                "facet_label": "Date",
                "value": f"{req.date_from or ''}..{req.date_to or ''}",
                "label": f"{req.date_from or 'start'} to {req.date_to or 'now'}",
                "kind": "include",
                "remove_url": urls.change_url(req, date_from=None, date_to=None, **kw),
            }
        )
    return out


def is_loopback(host: str) -> bool:
    """A host name or address that can only mean this machine."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_web_url(value: Any) -> bool:
    """Only http(s) URLs may ever become live links (never javascript:, data:, file:)."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def entity_url(type_: str, name: str) -> str:
    return url_for("entities.page", type=type_, name=name)


def annotated_paragraphs(
    body: list[str], spans: list[list[tuple[int, int, str, str]]] | None
) -> list[Markup]:
    """Paragraphs with entity mentions as links; every text segment escaped, never raw."""
    out = []
    spans = spans or []
    for i, text in enumerate(body):
        pos = 0
        html = Markup("")
        para_spans = sorted(spans[i] if i < len(spans) else [], key=lambda s: (s[0], -s[1]))
        for start, end, type_, canonical in para_spans:
            if start < pos or end <= start or end > len(text) or type_ not in ENTITY_TYPES:
                continue  # overlapping, empty, out of range or unknown: leave as plain text
            html += escape(text[pos:start])
            html += Markup('<a class="ent ent-{t}" href="{u}" title="{tt}: {c}">{s}</a>').format(
                t=type_, u=entity_url(type_, canonical), tt=type_.capitalize(), c=canonical,
                s=text[start:end],
            )  # fmt: skip
            pos = end
        html += escape(text[pos:])
        out.append(html)
    return out


# control characters, and the direction overrides, embeddings and isolates that display text in
# another order than it is stored ("Original URL" could read as another address)
_SPOOFING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape_code(m: re.Match) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: Any) -> Any:
    """Every value a template prints (Jinja's ``finalize``): a stored title, URL, author or
    facet value has its control and direction characters shown as escapes (``\\u202e``);
    markup already built (a snippet, an annotated paragraph) is left as it is."""
    if isinstance(value, str) and not isinstance(value, Markup) and not value.isprintable():
        return _SPOOFING.sub(_escape_code, value)  # (printable text, nearly all of it, has none)
    return value


def _context() -> dict[str, Any]:
    return {"archive_health": health, "live_links": get_settings().live_links}


def init_app(app: Flask) -> None:
    app.jinja_env.finalize = visible
    app.context_processor(_context)
    # globals, not context: imported macros (_results.html) see globals only
    app.jinja_env.globals.update(FACETS=FACETS, SORTS=SORTS, PAGE_SIZES=PAGE_SIZES)
    app.add_template_filter(human_date, "human_date")
    app.add_template_filter(month_label, "month_label")
    app.add_template_test(is_web_url, "web_url")
    app.add_template_global(urls.page_url, "page_url")
    app.add_template_global(urls.change_url, "change_url")
    app.add_template_global(urls.hidden_args, "hidden_args")
    app.add_template_global(entity_url, "entity_url")
