"""The phases of a search, each on its own and without an index: the one walk of a parsed query,
filters, ranking and paging, facet counts under a deadline, the histogram, the caches, the
deadline itself, and the settings."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from whoosh import qparser

from quarry.index import facets, filters, plan, ranking
from quarry.index.api import Deadline, EngineError, ErrorKind, SearchRequest
from quarry.index.cache import LRUCache
from quarry.index.columns import Column, Columns
from quarry.index.request import MAX_QUERY_CHARS
from quarry.index.schema import make_schema
from quarry.web.settings import Settings, SettingsError

# -- a handful of documents as columns ----------------------------------------------------------

DOCS = [  # id, date (None: undated), categories, site
    ("a", date(2021, 3, 4), ["Analysis"], "Wire"),
    ("b", date(2022, 1, 9), ["Reports", "Analysis"], "Monitor"),
    ("c", None, ["Reports"], "Wire"),
    ("d", date(2021, 12, 31), [], "Monitor"),
    ("e", date(2023, 6, 1), ["Opinion"], "Wire"),
]


def _column(values: list[list[str]]) -> Column:
    vocab = sorted({v for vs in values for v in vs})
    ids = {v: i for i, v in enumerate(vocab)}
    offsets = np.concatenate([[0], np.cumsum([len(vs) for vs in values])]).astype(np.int64)
    flat = np.array([ids[v] for vs in values for v in vs], dtype=np.int32)
    return Column.of(vocab, offsets, flat)


def columns() -> Columns:
    days = [d.toordinal() if d else -1 for _, d, _, _ in DOCS]
    fields = {
        "category": _column([c for _, _, c, _ in DOCS]),
        "site": _column([[s] for *_, s in DOCS]),
        "year": _column([[f"{d.year}"] if d else [] for _, d, _, _ in DOCS]),
        "month": _column([[f"{d.year}-{d.month:02d}"] if d else [] for _, d, _, _ in DOCS]),
    }
    return Columns(len(DOCS), [i for i, *_ in DOCS], np.ones(len(DOCS), dtype=bool),
                   np.array(days, dtype=np.int32), fields)  # fmt: skip


def ids(docnums) -> list[str]:
    return [DOCS[d][0] for d in docnums]


# -- filters -------------------------------------------------------------------------------------


def test_filters_or_within_a_facet_and_within_and_dates():
    cols = columns()
    req = SearchRequest(filters={"category": ["Reports", "Opinion"]}, excludes={"site": ["Monitor"]})
    includes, other = filters.masks(cols, req)
    assert ids(np.flatnonzero(filters.all_of(other, list(includes.values())))) == ["c", "e"]
    _, dated = filters.masks(cols, SearchRequest(date_from="2021-12", date_to="2022"))
    assert ids(np.flatnonzero(dated)) == ["b", "d"]  # the undated one is outside any range
    _, within = filters.masks(cols, SearchRequest(), within=("category", "analysis"))  # any case
    assert ids(np.flatnonzero(within)) == ["a", "b"]


def test_a_narrowing_date_range_becomes_a_date_filter():
    req = filters.narrowed(SearchRequest(q="oil published:[2008 TO 2009-06]", date_from="2008-03"))
    assert (req.q, req.date_from, req.date_to) == ("oil", "2008-03", "2009-06")
    either = SearchRequest(q="oil OR published:[2008 TO 2009]")
    assert filters.narrowed(either) is either  # inside an alternative: left to the query
    browse = filters.narrowed(SearchRequest(q="published:[2008 TO 2009]", sort="relevance"))
    assert browse.is_browse and browse.sort == "newest"


def test_the_query_is_cut_once_when_the_request_is_made():
    assert len(SearchRequest(q="x" * (MAX_QUERY_CHARS + 50)).q) == MAX_QUERY_CHARS
    assert len(SearchRequest.from_args({"q": ["y" * 10_000]}).q) == MAX_QUERY_CHARS


# -- ranking and paging --------------------------------------------------------------------------


def test_relevance_orders_by_score_then_docnum_and_pages():
    cols = columns()
    scores = np.array([1.0, 3.0, 3.0, 0.5, 2.0])
    final = np.array([True, True, True, True, False])
    assert ranking.ordered(cols, "relevance", scores, final, None) == ([1, 2, 0, 3], [3.0, 3.0, 1.0, 0.5])
    assert ranking.page(cols, "relevance", scores, final, 2, 3) == ([3], [0.5])
    assert ranking.ordered(cols, "relevance", scores, final, 2)[0] == [1, 2]


def test_dates_order_newest_or_oldest_with_undated_last():
    cols = columns()
    everything = np.ones(len(DOCS), dtype=bool)
    assert ids(ranking.ordered(cols, "newest", None, everything, None)[0]) == ["e", "b", "d", "a", "c"]
    assert ids(ranking.ordered(cols, "oldest", None, everything, None)[0]) == ["a", "d", "b", "e", "c"]


# -- facets and the histogram --------------------------------------------------------------------


def test_facet_counts_keep_a_selected_facets_other_values():
    cols = columns()
    req = SearchRequest(filters={"category": ["Reports"]})
    includes, other = filters.masks(cols, req)
    found = {f.name: f for f in facets.count(cols, req, other, includes, Deadline(60))}
    category = {v.value: (v.count, v.selected) for v in found["category"].values}
    assert category == {"Analysis": (2, False), "Reports": (2, True), "Opinion": (1, False)}
    assert {v.value: v.count for v in found["site"].values} == {"Monitor": 1, "Wire": 1}  # b and c
    assert [v.value for v in found["year"].values] == ["2022"]


def test_facet_values_by_count_or_by_value_every_year_listed():
    years = [str(y) for y in range(2000, 2015) for _ in range(1 + (y == 2006) * 5 + (y == 2007) * 3)]
    cats = ["Zeta" if i % 3 else "Alpha" for i in range(len(years))]
    n = len(years)
    cols = Columns(n, [str(i) for i in range(n)], np.ones(n, dtype=bool), np.zeros(n, dtype=np.int32),
                   {"year": _column([[y] for y in years]), "category": _column([[c] for c in cats])})  # fmt: skip
    everything = np.ones(n, dtype=bool)

    def listed(req: SearchRequest) -> dict[str, list[str]]:
        return {f.name: [v.value for v in f.values] for f in facets.count(cols, req, everything, {}, Deadline(60))}

    # every one of the 15 years, by year, newest first (the ten newest would hide 2006 and 2007)
    assert listed(SearchRequest())["year"] == [str(y) for y in range(2014, 1999, -1)]
    assert listed(SearchRequest())["category"] == ["Zeta", "Alpha"]  # by count
    by = listed(SearchRequest.from_args({"fs.year": ["count"], "fs.category": ["value"]}))
    assert by["year"][:3] == ["2006", "2007", "2000"]  # most first, ties by value
    assert by["category"] == ["Alpha", "Zeta"]  # A to Z
    assert listed(SearchRequest(facet_limits={"year": 4}))["year"] == ["2014", "2013", "2012", "2011"]


def test_facet_order_round_trips_through_the_url():
    req = SearchRequest.from_args({"fs.year": ["count"], "fs.category": ["value"], "fs.site": ["count"],
                                   "fs.author": ["bogus"], "fs.nope": ["value"]})  # fmt: skip
    assert req.facet_sorts == {"year": "count", "category": "value", "site": "count"}
    assert req.to_args() == [("fs.category", "value"), ("fs.year", "count")]  # a default is left out
    again = SearchRequest.from_args({k: [v] for k, v in req.to_args()})
    assert [again.facet_sort(f) for f in ("year", "month", "category", "site")] == ["count", "value", "value", "count"]
    assert (again.facet_limit("year"), again.facet_limit("site")) == (1000, 10)


def test_facets_past_the_time_budget_are_left_out_and_marked():
    cols = columns()
    ticks = iter(range(100))
    deadline = Deadline(budget=1.5, clock=lambda: float(next(ticks)))  # one second per look
    found = facets.count(cols, SearchRequest(), np.ones(len(DOCS), dtype=bool), {}, deadline)
    assert [(f.name, f.timed_out) for f in found] == [
        ("category", False), ("year", True), ("month", True), ("site", True)]  # fmt: skip
    assert all(not f.values for f in found if f.timed_out)


def test_histogram_fills_every_month_and_counts_the_undated():
    bins, undated = facets.histogram(columns(), np.ones(len(DOCS), dtype=bool))
    assert bins[0].month == "2021-03" and bins[-1].month == "2023-06" and len(bins) == 28
    assert sum(b.count for b in bins) == 4 and undated == 1


# -- the one walk of a parsed query --------------------------------------------------------------


def _walk(text: str) -> plan.Walk:
    schema = make_schema()
    parser = qparser.MultifieldParser(["title", "body"], schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    return plan.walk(parser.parse(text), schema)


def test_one_walk_gives_the_matcher_its_tree_and_the_highlighter_its_words():
    found = _walk('"central bank" rates NOT war radical*')
    assert isinstance(found.tree, plan.And)
    assert found.phrase_words == {("title", b"central"), ("title", b"bank"), ("body", b"central"),
                                  ("body", b"bank")}  # fmt: skip
    # title words are marked in the body's field; the negated word is not marked; a phrase is
    # marked as a phrase (whole), never word by word
    assert found.marks == {"body": frozenset({"rate"})}
    assert found.phrases == {"body": frozenset({(("central", "bank"), 1)})}
    assert {e.field for e in found.expansions} == {"title", "body"}
    assert all(e.shown == "radic*" for e in found.expansions)  # as analysed: stemmed


def test_what_has_no_array_form_is_left_to_whoosh():
    found = _walk("day:>5 oil")  # a numeric range
    leaves = found.tree.subs
    assert any(isinstance(n, plan.Whoosh) for n in leaves)
    assert found.marks == {"body": frozenset({"oil"})}


# -- caches, the deadline, the settings ----------------------------------------------------------


def test_lru_cache_drops_the_least_recently_used():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    none = LRUCache(0)
    none.put("a", 1)
    assert none.get("a") is None


def test_the_deadline_is_soft_for_its_budget_and_hard_for_its_limit():
    now = [0.0]
    deadline = Deadline(budget=1.0, limit=3.0, clock=lambda: now[0])
    deadline.check()
    now[0] = 2.0
    assert deadline.expired()
    deadline.check()  # past the budget, not the limit
    now[0] = 3.5
    with pytest.raises(EngineError) as raised:
        deadline.check()
    assert raised.value.kind is ErrorKind.TIMED_OUT
    assert not Deadline(None, None, clock=lambda: 1e9).expired()


def test_settings_come_from_the_environment_and_flags_win(monkeypatch, tmp_path):
    monkeypatch.setenv("QUARRY_DATA", str(tmp_path))
    monkeypatch.setenv("QUARRY_CACHE_SIZE", "7")
    monkeypatch.setenv("QUARRY_TIME_BUDGET", "0.5")
    monkeypatch.setenv("QUARRY_LIVE_LINKS", "yes")
    settings = Settings.load(cache_size=None, time_budget=3.0)
    assert (settings.data_dir, settings.cache_size, settings.time_budget, settings.live_links) == (
        tmp_path, 7, 3.0, True)  # fmt: skip
    monkeypatch.setenv("QUARRY_CACHE_SIZE", "lots")
    with pytest.raises(SettingsError, match="QUARRY_CACHE_SIZE"):
        Settings.load()
    assert Settings(host="0.0.0.0").remote and not Settings().remote
