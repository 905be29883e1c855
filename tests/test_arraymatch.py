"""The array matcher finds exactly Whoosh's documents with Whoosh's scores.

An index of random documents over a small vocabulary (so posting lists span many blocks and
phrases occur by chance), written in several segments with deletions, is queried both ways.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import qparser
from whoosh import query as wq

from quarry.index.arraymatch import ArrayMatcher
from quarry.index.schema import make_schema

WORDS = ["oil", "price", "bank", "central", "york", "new", "gold", "rate", "war", "iran",
         "talk", "nuclear", "market", "fell", "rose", "share", "the", "of", "and", "said"]  # fmt: skip


def _text(rng: random.Random, n: int) -> str:
    # a skewed distribution: a few words in most documents, others rare
    return " ".join(rng.choices(WORDS, weights=[1 / (i + 1) for i in range(len(WORDS))], k=n))


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    path = tmp_path_factory.mktemp("ix")
    ix = whoosh_index.create_in(str(path), make_schema())
    rng = random.Random(7)
    n = 0
    for _segment in range(3):
        writer = ix.writer()
        for _ in range(400):
            writer.add_document(id=f"d{n}", title=_text(rng, rng.randint(0, 8)),
                                body=_text(rng, rng.randint(1, 120)), category=rng.choice(["a", "b\x1fc", "c"]))
            n += 1
        writer.commit(merge=False)
    writer = ix.writer()
    for victim in rng.sample(range(n), 60):
        writer.delete_by_term("id", f"d{victim}")
    writer.commit(merge=False)
    s = ix.searcher()
    assert len(s.reader().leaf_readers()) >= 3  # several segments, so docnum offsets matter
    assert s.reader().has_deletions()
    yield s
    s.close()


def _compare(searcher, q: wq.Query, scores_too: bool = True) -> int:
    reader = searcher.reader()
    ndocs = reader.doc_count_all()
    live = np.array([not reader.is_deleted(d) for d in range(ndocs)])
    mask, scores = ArrayMatcher(searcher, ndocs).evaluate(q)
    mask &= live
    expected = {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
    assert set(np.flatnonzero(mask).tolist()) == set(expected), q
    if scores_too and expected:
        docs = np.array(sorted(expected))
        np.testing.assert_allclose(scores[docs], [expected[d] for d in docs], rtol=1e-9, err_msg=str(q))
    return len(expected)


def _parse(searcher, text: str) -> wq.Query:
    parser = qparser.MultifieldParser(["title", "body"], searcher.schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser.parse(text)


@pytest.mark.parametrize("text", [
    "oil", "gold", "said", "oil price", "oil OR gold", "oil NOT price", "NOT oil",
    "(oil OR gold) AND (bank OR rate) NOT war", '"new york"', '"central bank"', '"oil price rose"',
    '"oil rate"~3', '"york new"~2', "oil ANDMAYBE gold", "title:oil", "title:(oil bank)",
    "nosuchword", "oil nosuchword", '"oil nosuchword"', "category:a", "category:c oil",
    "oil^3 gold", "(oil gold)^2 OR war",
])  # fmt: skip
def test_same_documents_and_scores_as_whoosh(searcher, text):
    _compare(searcher, _parse(searcher, text))


def test_long_posting_lists_are_read_across_blocks(searcher):
    # "oil" is in most documents: its postings span several 128-posting blocks per segment
    assert _compare(searcher, _parse(searcher, "oil")) > 3 * 128


@pytest.mark.parametrize("text", ["ba*", "o*", "gol?", "go~", "title:[a TO m]", "nucler~2", "centrl~2/3",
                                  "ol~2", "title:bnk~"])
def test_multiterm_queries_match_the_same_documents(searcher, text):
    # Whoosh scores expanded terms inconsistently (constant for some documents, BM25 for
    # others); the documents must agree, the scores are BM25 sums here
    assert _compare(searcher, _parse(searcher, text), scores_too=False) >= 0


_word = st.sampled_from(WORDS + ["zzz"])
_leaf = st.one_of(
    _word,
    st.lists(_word, min_size=2, max_size=4).map(lambda ws: '"' + " ".join(ws) + '"'),
    st.tuples(st.lists(_word, min_size=2, max_size=3), st.integers(1, 4)).map(
        lambda t: '"' + " ".join(t[0]) + f'"~{t[1]}'),
    _word.map(lambda w: f"title:{w}"),
)
_query = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([" ", " AND ", " OR ", " NOT ", " ANDMAYBE "]), inner).map(
            lambda t: f"({t[0]}{t[1]}{t[2]})"),
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_query)
def test_random_queries_agree_with_whoosh(searcher, text):
    # Whoosh's AndMaybe under an intersection adds the optional part's score only when its
    # matcher happens to be positioned on the document; here it is always added
    _compare(searcher, _parse(searcher, text), scores_too="ANDMAYBE" not in text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 70_000), min_size=1, max_size=1200).map(sorted), min_size=1, max_size=8),
       st.booleans())
def test_positions_decode_like_whoosh(position_lists, cut_stop):
    from whoosh.formats import Positions

    from quarry.index.arraymatch import _decode_positions

    fmt = Positions()
    values = [fmt.encode(p) for p in position_lists]
    if cut_stop:  # Whoosh's posting writer may drop the pickle's final STOP byte
        values = [v[:-1] for v in values]
    counts, deltas = _decode_positions(values)
    assert counts.tolist() == [len(p) for p in position_lists]
    expected = [d for v in values for d in _deltas(fmt, v)]
    assert list(deltas) == expected


def _deltas(fmt, value: bytes) -> list[int]:
    positions = fmt.decode_positions(value)
    return [b - a for a, b in zip([0, *positions[:-1]], positions, strict=True)]


def test_a_wildcard_for_too_many_words_is_refused(searcher, monkeypatch):
    import quarry.index.arraymatch as am

    monkeypatch.setattr(am, "MAX_EXPANSIONS", 3)
    ndocs = searcher.reader().doc_count_all()
    with pytest.raises(am.TooManyTerms, match="more than 3 different words"):
        am.ArrayMatcher(searcher, ndocs).evaluate(_parse(searcher, "title:[a TO z]"))
    mask, _ = am.ArrayMatcher(searcher, ndocs).evaluate(_parse(searcher, "gol*"))  # one word: fine
    assert mask.any()
