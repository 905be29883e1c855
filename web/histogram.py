"""The histogram of a result set: articles per month, an inline SVG bar chart that is one control.

Drawn on the server, so it shows and its bars click without any script. Each month with articles
is a link to that month (``from=YYYY-MM&to=YYYY-MM``) named with its count ("March 2021: 12
articles"); empty months are gaps, not links. The links are not tab stops (``tabindex="-1"``):
with the page's script (``static/quarry.js``) the chart is a single tab stop whose arrow keys move
between months (Home/End: first and last, Page Up/Page Down: a year), Enter opens the month;
without the script, keyboard users narrow by year with the Year facet (every year, listed by
year) and to a month with the date form, instead of tabbing through hundreds of bars.

Year labels are thinned by the room they need, twice: small labels for the wide layout and larger,
sparser ones for narrow screens, where the drawing is scaled down (CSS shows one set or the
other). Every label's width is estimated from its font size, so no two of a set overlap whatever
the screen's width.
"""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

from quarry.index.api import HistogramBin, SearchRequest

from . import urls
from .views import month_label

WIDTH, HEIGHT, AXIS = 800.0, 120.0, 34.0
# (font size in the drawing's units, baseline below the bars) of each set of year labels; the
# narrow set is drawn at 26 units: about 11.6 px when the drawing is 358 px wide (a 390 px phone)
TICKS = {"wide": (12.0, 16.0), "narrow": (26.0, 30.0)}
DIGIT_EM = 0.68  # a digit's width in ems, a little more than system fonts' (DejaVu Sans: 0.64)
GAP_EM = 1.0  # at least this much room between two labels
MAX_MONTHS = 1200


def _month_index(month: str) -> int | None:
    try:
        year, mon = month.split("-")[:2]
        return int(year) * 12 + int(mon) - 1
    except ValueError:
        return None


def fill_months(bins: list[HistogramBin]) -> list[HistogramBin]:
    """Add empty months between the first and last so the time axis is even (an engine may
    leave them out)."""
    known = {b.month[:7]: b.count for b in bins}
    idx = [i for i in (_month_index(m) for m in known) if i is not None]
    if not idx or max(idx) - min(idx) > MAX_MONTHS:
        return sorted(bins, key=lambda b: b.month)
    return [
        HistogramBin(month=f"{i // 12:04d}-{i % 12 + 1:02d}",
                     count=known.get(f"{i // 12:04d}-{i % 12 + 1:02d}", 0))
        for i in range(min(idx), max(idx) + 1)
    ]  # fmt: skip


def year_ticks(months: list[str], font: float, width: float = WIDTH) -> list[tuple[float, str]]:
    """(x, year) of the year labels to draw over ``months`` (one bar each, ``width`` wide) at
    ``font`` units: the Januaries of every n-th year, n as small as leaves room between labels
    (the last one moved left to fit, if there is room), and the first month's year when it is
    not a January and there is room for it."""
    if not months:
        return []
    step = width / len(months)
    label = 4 * DIGIT_EM * font  # a four-digit year
    room = label + GAP_EM * font
    if label > width:
        return []
    every = max(1, math.ceil(room / (12 * step)))
    ticks: list[tuple[float, str]] = []
    for i, m in enumerate(months):
        if m[5:7] == "01" and int(m[:4]) % every == 0:
            x = min(i * step, width - label)
            if not ticks or x - ticks[-1][0] >= room:
                ticks.append((x, m[:4]))
    if months[0][5:7] != "01" and (not ticks or ticks[0][0] >= room):
        ticks.insert(0, (0.0, months[0][:4]))
    return ticks


def histogram_svg(bins: list[HistogramBin], req: SearchRequest, label: str = "Articles per month",
                  **kw: Any) -> Markup:  # fmt: skip
    """The chart: a bar per month, each month with articles a link named with its count."""
    bins = fill_months(bins)
    if not bins:
        return Markup("")
    step = WIDTH / len(bins)
    peak = max(b.count for b in bins) or 1
    selected = {m for m in (req.date_from, req.date_to) if m}
    one = req.date_from if req.date_from and req.date_from == req.date_to else None
    # with many values chosen each month's link would repeat them all: the date form narrows then
    linked = not urls.compact(req)
    span = f"{month_label(bins[0].month)} to {month_label(bins[-1].month)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="histogram" viewBox="0 0 {WIDTH:.0f} {HEIGHT + AXIS:.0f}" role="group" '
        f'aria-label="{escape(label)}, {escape(span)}" data-histogram="">'
    ]
    for i, b in enumerate(bins):
        if not b.count:
            continue
        x = i * step
        h = max(1.0, b.count / peak * HEIGHT)
        tip = escape(f"{month_label(b.month)}: {b.count:,} article{'s' if b.count != 1 else ''}")
        cls = "bar sel" if b.month in selected else "bar"
        current = ' aria-current="true"' if b.month == one else ""
        bars = (f'<title>{tip}</title>'
                f'<rect class="hit" x="{x:.2f}" y="0" width="{step:.2f}" height="{HEIGHT:.0f}"/>'
                f'<rect class="{cls}" x="{x + step * 0.1:.2f}" y="{HEIGHT - h:.2f}" '
                f'width="{max(step * 0.8, 0.5):.2f}" height="{h:.2f}"/>')  # fmt: skip
        if linked:
            parts.append(f'<a class="month" href="{escape(urls.month_url(req, b.month, **kw))}" tabindex="-1" '
                         f'aria-label="{tip}" data-month="{escape(b.month)}"{current}>{bars}</a>')  # fmt: skip
        else:
            parts.append(f'<g class="month">{bars}</g>')
    months = [b.month for b in bins]
    for name, (font, baseline) in TICKS.items():
        parts.append(f'<g class="ticks ticks-{name}" aria-hidden="true" font-size="{font:g}">')
        parts += [f'<text class="tick" x="{x:.2f}" y="{HEIGHT + baseline:.0f}">{escape(year)}</text>'
                  for x, year in year_ticks(months, font)]  # fmt: skip
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
