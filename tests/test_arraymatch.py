"""The array matcher finds exactly Whoosh's documents with Whoosh's scores.

An index of random documents over a small vocabulary (so posting lists span many blocks and
phrases occur by chance), written in several segments with deletions, is queried both ways:
through the fast readers of index/postings.py, and through Whoosh's own readers (the fallback
when the check at open fails), which must give the very same documents and scores.
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
from quarry.index.plan import walk
from quarry.index.postings import Postings
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


@pytest.fixture(scope="module", params=["fast", "whoosh"])
def postings(request, searcher) -> Postings:
    """The fast readers (the probe at open must pass), and Whoosh's own readers."""
    found = Postings(searcher)
    assert found.fast, found.reason
    if request.param == "whoosh":
        found.use_whoosh_readers("asked for by the test")
    return found


def _compare(postings: Postings, q: wq.Query, scores_too: bool = True) -> int:
    searcher = postings.searcher
    reader = searcher.reader()
    ndocs = reader.doc_count_all()
    live = np.array([not reader.is_deleted(d) for d in range(ndocs)])
    mask, scores = ArrayMatcher(postings, ndocs).evaluate(walk(q, searcher.schema))
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
def test_same_documents_and_scores_as_whoosh(postings, searcher, text):
    _compare(postings, _parse(searcher, text))


def test_long_posting_lists_are_read_across_blocks(postings, searcher):
    # "oil" is in most documents: its postings span several 128-posting blocks per segment
    assert _compare(postings, _parse(searcher, "oil")) > 3 * 128


@pytest.mark.parametrize("text", ["ba*", "o*", "gol?", "go~", "title:[a TO m]", "nucler~2", "centrl~2/3",
                                  "ol~2", "title:bnk~"])
def test_multiterm_queries_match_the_same_documents(postings, searcher, text):
    # Whoosh scores expanded terms inconsistently (constant for some documents, BM25 for
    # others); the documents must agree, the scores are BM25 sums here
    assert _compare(postings, _parse(searcher, text), scores_too=False) >= 0


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
def test_random_queries_agree_with_whoosh(postings, searcher, text):
    # Whoosh's AndMaybe under an intersection adds the optional part's score only when its
    # matcher happens to be positioned on the document; here it is always added
    _compare(postings, _parse(searcher, text), scores_too="ANDMAYBE" not in text)


def test_a_wildcard_for_too_many_words_is_refused(searcher, monkeypatch):
    import quarry.index.arraymatch as am

    monkeypatch.setattr(am, "MAX_EXPANSIONS", 3)
    ndocs = searcher.reader().doc_count_all()
    postings = Postings(searcher)
    with pytest.raises(am.TooManyTerms, match="more than 3 different words"):
        am.ArrayMatcher(postings, ndocs).evaluate(walk(_parse(searcher, "title:[a TO z]"), searcher.schema))
    mask, _ = am.ArrayMatcher(postings, ndocs).evaluate(walk(_parse(searcher, "gol*"), searcher.schema))
    assert mask.any()  # one word: fine


# -- the check at open: a reader that disagrees with Whoosh is not used --------------------------

WRITTEN = ["oil", "oil price", "(oil OR gold) AND (bank OR rate) NOT war", '"new york"', '"oil rate"~3',
           "title:(oil bank)", "category:c oil", "ba*", "go~"]  # fmt: skip


def _corrupt_blocks(blocks):
    def shifted(m):  # every posting one document later
        for ids, weights, values in blocks(m):
            yield np.asarray(ids) + 1, weights, values
    return shifted


def _corrupt_positions(decode):
    def shifted(values):
        counts, deltas = decode(values)
        return counts, [d + 1 for d in deltas]
    return shifted


@pytest.mark.parametrize("damage,reason", [
    ("version", "Whoosh 3.99.0 is installed"),
    ("blocks", "the postings of body:"),
    ("positions", "the positions of body:"),
    ("lengths", "the field lengths of 'title'"),
])  # fmt: skip
def test_a_probe_that_disagrees_falls_back_to_whooshs_readers(searcher, monkeypatch, caplog, damage, reason):
    import whoosh

    import quarry.index.postings as pp

    if damage == "version":
        monkeypatch.setattr(whoosh, "versionstring", lambda: "3.99.0")
    elif damage == "blocks":
        monkeypatch.setattr(pp, "_blocks", _corrupt_blocks(pp._blocks))
    elif damage == "positions":
        monkeypatch.setattr(pp, "_decode_positions", _corrupt_positions(pp._decode_positions))
    else:
        monkeypatch.setattr(pp, "_leaf_lengths", lambda leaf, fieldname: np.zeros(leaf.doc_count_all()))
    with caplog.at_level("WARNING", logger="quarry.index.postings"):
        postings = Postings(searcher)
    assert not postings.fast and postings.reason.startswith(reason), postings.reason
    assert reason in caplog.text and "Whoosh's own readers" in caplog.text
    # the damaged fast readers are not used: every answer is Whoosh's own
    for text in WRITTEN:
        _compare(postings, _parse(searcher, text), scores_too=text not in ("ba*", "go~"))
