"""The histogram (web/histogram.py): one link per month with articles, named with its count, none a
tab stop (the page's script makes the chart one); year labels that never overlap."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from quarry.index.api import HistogramBin, SearchRequest
from quarry.web import create_app
from quarry.web.histogram import DIGIT_EM, GAP_EM, TICKS, WIDTH, histogram_svg, year_ticks
from quarry.web.settings import Settings

SVG = "{http://www.w3.org/2000/svg}"


def months(start_year: int, start_month: int, n: int) -> list[str]:
    first = start_year * 12 + start_month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(first, first + n)]


@settings(max_examples=300, deadline=None)
@given(year=st.integers(1990, 2030), month=st.integers(1, 12), n=st.integers(1, 600),
       which=st.sampled_from(sorted(TICKS)))  # fmt: skip
def test_year_labels_never_overlap_and_stay_inside(year, month, n, which):
    font, _ = TICKS[which]
    ticks = year_ticks(months(year, month, n), font)
    label = 4 * DIGIT_EM * font
    assert bool(ticks) == (label <= WIDTH)
    xs = [x for x, _ in ticks]
    assert all(b - a >= label + GAP_EM * font for a, b in itertools.pairwise(xs)), ticks
    assert all(0 <= x and x + label <= WIDTH for x in xs)
    years = [int(y) for _, y in ticks]
    assert years == sorted(set(years))  # each year once, in order


def test_labels_thin_out_by_the_room_they_need():
    spans = months(2000, 1, 168)  # 2000 to 2013
    wide, narrow = (year_ticks(spans, TICKS[k][0]) for k in ("wide", "narrow"))
    assert [y for _, y in wide] == [str(y) for y in range(2000, 2014)]
    assert [y for _, y in narrow] == [str(y) for y in range(2000, 2014, 2)]  # larger labels: every other year
    short = [y for _, y in year_ticks(months(2006, 10, 87), TICKS["wide"][0])]
    assert short == ["2007", "2008", "2009", "2010", "2011", "2012", "2013"]  # no room for 2006 before 2007
    assert [y for _, y in year_ticks(months(2006, 1, 30), TICKS["wide"][0])] == ["2006", "2007", "2008"]
    assert year_ticks(["2021-03", "2021-04"], TICKS["narrow"][0]) == [(0.0, "2021")]  # no January: the first
    late = year_ticks(months(2021, 3, 23), TICKS["narrow"][0])  # March 2021 to January 2023
    assert [y for _, y in late] == ["2021", "2022", "2023"] and late[-1][0] == WIDTH - 4 * DIGIT_EM * 26  # moved in
    assert len(year_ticks(months(1800, 1, 2700), TICKS["narrow"][0])) <= 8


def test_the_chart_links_each_month_with_articles_and_none_is_a_tab_stop():
    app = create_app(Settings(data_dir="/nonexistent"), {"TESTING": True})
    bins = [HistogramBin("2021-01", 3), HistogramBin("2021-02", 0), HistogramBin("2021-04", 1200)]
    with app.test_request_context("/?q=oil"):
        svg = ET.fromstring(str(histogram_svg(bins, SearchRequest(q="oil", date_from="2021-04", date_to="2021-04"))))
    assert svg.get("role") == "group" and svg.get("aria-label") == "Articles per month, January 2021 to April 2021"
    links = svg.findall(f"{SVG}a")
    assert [a.get("aria-label") for a in links] == ["January 2021: 3 articles", "April 2021: 1,200 articles"]
    assert [a.get("tabindex") for a in links] == ["-1", "-1"]
    assert [a.get("aria-current") for a in links] == [None, "true"]
    assert links[1].get("href") == "/?q=oil&from=2021-04&to=2021-04"
    hits = [a.find(f"{SVG}rect").get("x") for a in links]
    assert hits == ["0.00", "600.00"]  # four months wide: the empty ones are room, not links
    groups = svg.findall(f"{SVG}g")
    assert [g.get("aria-hidden") for g in groups] == ["true", "true"]  # year labels: not read twice
    assert [t.text for t in groups[0]] == ["2021"]
