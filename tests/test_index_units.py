"""Units of the index package: facet counting over columns, and snippets."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from quarry.index.columns import Column
from quarry.index.fuzzy import Vocabulary
from quarry.index.schema import make_schema
from quarry.index.snippets import WordMatcher, kwic, snippet


def _column(per_doc: list[list[int]], nvalues: int) -> Column:
    offsets = np.zeros(len(per_doc) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(v) for v in per_doc])
    values = np.array([v for vs in per_doc for v in vs], dtype=np.int32)
    owner = np.array([d for d, vs in enumerate(per_doc) for _ in vs], dtype=np.int32)
    vocab = [f"v{i}" for i in range(nvalues)]
    return Column(vocab, offsets, values, owner, {v: i for i, v in enumerate(vocab)}, {})


@settings(max_examples=200, deadline=None)
@given(
    per_doc=st.lists(st.lists(st.integers(0, 9), max_size=5, unique=True), min_size=1, max_size=60),
    data=st.data(),
)
def test_facet_counts_equal_a_count_by_hand(per_doc, data):
    # sparse and dense masks take different paths; both must count exactly
    col = _column(per_doc, 10)
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(per_doc), max_size=len(per_doc))))
    expected = np.zeros(10, dtype=np.int64)
    for doc, values in enumerate(per_doc):
        if mask[doc]:
            for v in values:
                expected[v] += 1
    np.testing.assert_array_equal(col.count(mask), expected)


def _body_matcher() -> WordMatcher:
    return WordMatcher.for_field(make_schema()["body"])


def test_snippet_marks_stemmed_forms_and_escapes():
    text = "Markets <b>fell</b> as the banks' shares dropped. Banking stocks led the fall."
    html = snippet(text, _body_matcher(), frozenset({"bank"}), 3000, 300)
    assert html.count("<mark>") == 2  # "banks" and "Banking" stem to "bank"
    assert "<mark>banks</mark>" in html and "<mark>Banking</mark>" in html
    assert "&lt;b&gt;fell&lt;/b&gt;" in html and "<b>" not in html


def test_snippet_without_a_match_is_the_escaped_opening():
    text = "word " * 200
    html = snippet(text, _body_matcher(), frozenset({"absent"}), 3000, 40)
    assert "<mark>" not in html and html.endswith(" …") and len(html) <= 42


def test_snippet_looks_past_the_opening_window():
    text = "filler " * 1000 + "the Taliban said"
    html = snippet(text, _body_matcher(), frozenset({"taliban"}), 3000, 300)
    assert "<mark>Taliban</mark>" in html and html.startswith("… ")


def test_kwic_keeps_the_best_two_passages_in_text_order():
    text = ("alpha " * 60) + "oil " + ("beta " * 60) + "oil gas oil " + ("gamma " * 60) + "oil gas oil gas"
    words = _body_matcher()
    spans = words.spans(text, frozenset(words.terms_of("oil") + words.terms_of("gas")))
    html = kwic(text, spans)
    passages = html.split("…")
    marked = [p for p in passages if "<mark>" in p]
    assert len(marked) == 2
    assert marked[0].count("<mark>") == 3 and marked[1].count("<mark>") == 4  # the lone "oil" is dropped
    assert "gamma" in marked[1] and not html.startswith("alpha")


def test_kwic_never_cuts_a_word():
    text = "Abcdefghij " * 30 + "target " + "Klmnopqrst " * 30
    words = _body_matcher()
    html = kwic(text, words.spans(text, frozenset(words.terms_of("target"))))
    for piece in html.replace("<mark>", " ").replace("</mark>", " ").replace("…", " ").split():
        assert piece in {"Abcdefghij", "Klmnopqrst", "target"}


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


_fuzzy_word = st.text(alphabet="abcé", max_size=7)


@settings(max_examples=300, deadline=None)
@given(st.lists(_fuzzy_word, max_size=60, unique=True), _fuzzy_word, st.integers(0, 3), st.integers(0, 3))
def test_fuzzy_vocabulary_finds_every_word_within_the_distance(words, text, maxdist, prefix):
    # Whoosh's automaton: plain Levenshtein distance after an exactly equal prefix
    head = text[:prefix]
    expected = {w for w in words if w.startswith(head) and _levenshtein(w[len(head):], text[len(head):]) <= maxdist}
    assert set(Vocabulary(words).within(text, maxdist, prefix)) == expected
