"""Entity pages that inform, the entity network of a result set and the evidence of its links,
on an invented archive whose names are known exactly (fixtures/network/)."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from network_fixture import build_network_archive, fixture_articles

from quarry.index.api import SearchRequest
from quarry.index.association import associated, log_likelihood, pmi
from quarry.index.engine import Archive
from quarry.index.network import together_counts

WIRE = ("organization", "Northwind Press")  # named in every article, like a wire service
HADDAD = ("person", "Samir Haddad")
BRIGADE = ("organization", "Coastal Brigade")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Archive:
    return Archive(build_network_archive(tmp_path_factory.mktemp("network")))


def _articles_naming(*entities: tuple[str, str]) -> set[str]:
    return {a.id for a in fixture_articles()
            if all(name in a.entities.as_dict()[etype] for etype, name in entities)}  # fmt: skip


# -- the measure --------------------------------------------------------------------------------


def test_log_likelihood_is_dunnings_g2_signed_by_direction():
    def by_hand(k11, a, b, n):  # 2 Σ O ln(O/E) over the four cells of the 2×2 table
        cells = [(k11, a * b / n), (a - k11, a * (n - b) / n), (b - k11, (n - a) * b / n),
                 (n - a - b + k11, (n - a) * (n - b) / n)]  # fmt: skip
        return 2 * sum(o * math.log(o / e) for o, e in cells if o > 0)

    assert log_likelihood(30, 40, 50, 1000) == pytest.approx(by_hand(30, 40, 50, 1000))
    assert log_likelihood(1, 40, 500, 1000) == pytest.approx(-by_hand(1, 40, 500, 1000))  # fewer than chance
    assert log_likelihood(40, 40, 1000, 1000) == 0  # beside a name found everywhere: nothing
    assert pmi(30, 40, 50, 1000) == pytest.approx(math.log2(30 / 2))


def test_a_name_everywhere_ranks_below_a_specific_one_whatever_the_raw_counts():
    # entity in 10 of 100 articles; value 0 everywhere (10 together), value 1 in 12 (8 together)
    together, counts = np.array([10, 8, 2, 0]), np.array([100, 12, 30, 5])
    ids, scores = associated(together, counts, a=10, n=100, min_together=3)
    assert ids.tolist() == [1]  # 0 goes with everything, 2 is below the minimum, 3 never
    assert scores[0] > 0


def test_the_entity_page_ranks_by_association_and_says_over_what(archive):
    view = archive.entity(*HADDAD)
    orgs = [a.name for a in view.cooccurring["organization"]]
    haddad = _articles_naming(HADDAD)
    assert len(haddad & _articles_naming(WIRE)) > len(haddad & _articles_naming(BRIGADE))  # raw count
    assert orgs == ["Coastal Brigade"]  # the wire service is not associated at all
    brigade = view.cooccurring["organization"][0]
    assert (brigade.together, brigade.count) == (5, 6) and brigade.score > 0
    assert [a.name for a in view.cooccurring["location"]] == ["Port Sidra"]  # Valmora: 2 < 3 together
    assert view.considered == 14 and view.min_together == 3
    # within a search the association is measured over its articles
    narrowed = archive.entity(*HADDAD, SearchRequest(q="harbour OR ceasefire OR envoys"))
    assert narrowed.considered < 14


def test_first_and_last_seen_and_the_variants_written(archive):
    view = archive.entity(*HADDAD)
    assert (view.first_seen, view.last_seen) == ("2019-02-11", "2021-11-30")
    assert [(v.text, v.count) for v in view.variants] == [("Samir Haddad", 6), ("Haddad", 2)]
    isis = archive.entity("organization", "islamic state")  # any case
    assert [(v.text, v.count) for v in isis.variants] == [("ISIS", 3), ("Islamic State", 3), ("Daesh", 1)]
    assert (isis.variants_recorded, isis.result.total) == (5, 6)  # net14 was stored without mentions
    assert isis.first_seen == "2018-05-01"
    old = archive.entity("person", "Yusuf Bakr")
    assert old.variants == [] and old.variants_recorded == 0 and old.result.total == 1


# -- several restrictions ---------------------------------------------------------------------


def test_several_in_restrictions_and_together_and_round_trip(archive):
    args = {"in.person": ["Samir Haddad"], "in.organization": ["Coastal Brigade"], "q": ["ceasefire"]}
    req = SearchRequest.from_args(args)
    assert req.within == (HADDAD, BRIGADE)
    assert SearchRequest.from_args(dict_of(req.to_args())) == req
    both = SearchRequest.from_args({"in.person": ["Samir Haddad"], "in.organization": ["Coastal Brigade"]})
    assert {h.id for h in archive.search(both).hits} == _articles_naming(HADDAD, BRIGADE)
    two_places = SearchRequest.from_args({"in.location": ["Valmora", "Port Sidra"]})
    expected = _articles_naming(("location", "Valmora"), ("location", "Port Sidra"))
    assert {h.id for h in archive.search(two_places).hits} == expected == {"net07", "net13"}
    # one pair or none are still accepted, and the order of the arguments does not matter
    assert SearchRequest(within=("location", "Mali")).within == (("location", "Mali"),)
    assert SearchRequest(within=None).within == ()
    assert SearchRequest(within=(BRIGADE, HADDAD), sort="newest").to_args() == both.to_args()


def dict_of(args: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in args:
        out.setdefault(k, []).append(v)
    return out


# -- the network --------------------------------------------------------------------------------


def test_the_network_of_a_result_set(archive):
    net = archive.network(SearchRequest())
    assert net.total == 14 and net.min_together == 3 and "G²" in net.measure
    names = {(n.type, n.name): n.count for n in net.nodes}
    assert names[WIRE] == 14 and names[HADDAD] == 6 and names[("person", "Yusuf Bakr")] == 1
    pairs = {frozenset({(net.nodes[e.source].type, net.nodes[e.source].name),
                        (net.nodes[e.target].type, net.nodes[e.target].name)}): e for e in net.edges}  # fmt: skip
    assert not [p for p in pairs if WIRE in p]  # everywhere: linked to nothing
    for pair, edge in pairs.items():  # exact counts, each at least the minimum
        assert edge.together == len(_articles_naming(*pair)) >= 3 and edge.score > 0
    assert frozenset({HADDAD, BRIGADE}) in pairs
    assert [e.score for e in net.edges] == sorted((e.score for e in net.edges), reverse=True)
    strongest = net.edges[0]
    assert {net.nodes[strongest.source].name, net.nodes[strongest.target].name} == {"Lena Vos", "Harbour Council"}


def test_the_network_follows_the_request_and_its_knobs(archive):
    net = archive.network(SearchRequest(q="Haddad"))
    assert net.total == 6 and all(n.count <= 6 for n in net.nodes)
    small = archive.network(SearchRequest(), per_type=1, min_together=5)
    assert [n.name for n in small.nodes] == ["Samir Haddad", "Northwind Press", "Valmora"]
    assert all(e.together >= 5 for e in small.edges)
    assert archive.network(SearchRequest(q="nosuchwordanywhere")).nodes == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.integers(0, 7), max_size=8), min_size=1, max_size=40))
def test_together_counts_equal_a_count_of_every_pair(docs):
    doc = np.array([d for d, names in enumerate(docs) for _ in names], dtype=np.int64)
    node = np.array([n for names in docs for n in sorted(names)], dtype=np.int64)
    expected = Counter((i, j) for names in docs for i, j in itertools.product(names, names))
    got = together_counts(doc, node, 8)
    assert {(i, j): int(got[i, j]) for i in range(8) for j in range(8) if got[i, j]} == dict(expected)


# -- evidence -----------------------------------------------------------------------------------


def test_evidence_gives_the_sentences_naming_both(archive):
    ev = archive.evidence(SearchRequest(sort="oldest"), ("person", "samir haddad"), BRIGADE)
    assert ev.a == HADDAD and ev.b == BRIGADE
    assert ev.result.total == 5 and (ev.considered, ev.a_count, ev.b_count) == (14, 6, 6)
    assert [item.hit.id for item in ev.articles] == ["net01", "net02", "net03", "net04", "net05"]
    for item in ev.articles:
        assert item.passages
        for passage in item.passages:
            marked = {(t, n) for _, _, t, n in passage.marks}
            assert marked == {HADDAD, BRIGADE}
            for start, end, _, _ in passage.marks:
                assert passage.text[start:end] in ("Samir Haddad", "Haddad", "Coastal Brigade")
    first = ev.articles[0].passages
    assert [p.text for p in first] == ["Haddad said the Coastal Brigade would hold the harbour."]


def test_evidence_in_other_sentences_and_without_stored_mentions(archive):
    ev = archive.evidence(SearchRequest(sort="oldest"), ("location", "Valmora"), ("organization", "Islamic State"))
    by_id = {item.hit.id: item for item in ev.articles}
    assert by_id["net11"].passages == []  # both named, in different sentences
    old = by_id["net14"].passages  # stored before mentions: its names are found in its text
    assert [p.text for p in old] == ["Islamic State supporters met in Valmora, Northwind Press reported."]
    assert archive.evidence(SearchRequest(), HADDAD, ("person", "Nobody at all")) is None
    within = archive.evidence(SearchRequest(q="ceasefire"), HADDAD, BRIGADE)
    assert within.considered < 14 and within.result.total == 2


def test_a_long_sentence_is_cut_around_the_names_and_both_stay_marked():
    from network_fixture import mentions_of

    from quarry.archive.model import Article, Entities
    from quarry.index.evidence import passages

    filler = "word " * 200
    body = [f"{filler}Lena Vos met the Harbour Council {filler}end.", "Lena Vos alone. The Harbour Council alone."]
    ents = [["person", "Lena Vos", ["Lena Vos"]], ["organization", "Harbour Council", ["Harbour Council"]]]
    article = Article(id="x", title="t", body=body, entities=Entities(person=["Lena Vos"], organization=["Harbour Council"]))
    article.entity_mentions = mentions_of(article.text, ents)
    found, more = passages(article, ("person", "Lena Vos"), ("organization", "Harbour Council"))
    assert more == 0 and len(found) == 1  # the second paragraph names them in different sentences
    text = found[0].text
    assert text.startswith("… ") and text.endswith(" …") and len(text) < 500
    assert sorted(text[s:e] for s, e, _, _ in found[0].marks) == ["Harbour Council", "Lena Vos"]


def test_restrictions_are_capped():
    from quarry.index.request import MAX_WITHIN

    req = SearchRequest.from_args({"in.location": [f"Place {n}" for n in range(100)]})
    assert len(req.within) == MAX_WITHIN and req.within[0] == ("location", "Place 0")
