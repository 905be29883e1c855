"""Phrases are marked whole, exactly where the matcher matches them; a request keeps the aliases
searched as typed through its URL."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage

from quarry.archive.model import Article
from quarry.index import plan
from quarry.index.api import SearchRequest
from quarry.index.query import make_parser
from quarry.index.schema import make_schema
from quarry.index.snippets import Highlighter, Marks, WordMatcher, snippet

SCHEMA = make_schema()


def _marks(q: str) -> Marks:
    walk = plan.walk(make_parser(SCHEMA).parse(q), SCHEMA)
    return Marks(walk.marks, walk.phrases, walk.entities)


def _marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_a_phrase_is_marked_whole_and_its_words_alone_are_not():
    text = ("The state said the Islamic State in Iraq had lost ground; in Syria the group "
            "held out. Islamic art was shown in the state museum.")  # fmt: skip
    marks = _marks('"Islamic State in Iraq" group')
    matcher = WordMatcher.for_field(SCHEMA["body"])
    html = snippet(text, matcher, marks.words["body"], 3000, 300, marks.phrases["body"])
    assert _marked(html) == ["Islamic State in Iraq", "group"]


def test_a_proximity_phrase_is_marked_from_its_first_word_to_its_last():
    marks = _marks('"islamic iraq"~3 ')
    matcher = WordMatcher.for_field(SCHEMA["body"])
    text = "Islamic State fighters in Iraq. Iraq and Islamic schools."
    html = snippet(text, matcher, frozenset(), 3000, 300, marks.phrases["body"])
    assert _marked(html) == ["Islamic State fighters in Iraq"]


WORDS = ["islamic", "state", "states", "in", "iraq", "the", "of", "group", "a", "Iraq's"]


@settings(max_examples=150, deadline=None)
@given(
    text=st.lists(st.sampled_from(WORDS), min_size=1, max_size=14),
    phrase=st.lists(
        st.sampled_from(["islamic", "state", "iraq", "group", "in"]), min_size=2, max_size=3
    ),
    slop=st.integers(1, 3),
)
def test_a_phrase_is_marked_exactly_where_whoosh_matches_it(text, phrase, slop):
    """The highlighter and Whoosh's own phrase matcher agree (stop words take no position)."""
    body = " ".join(text)
    storage = RamStorage()
    ix = storage.create_index(SCHEMA)
    with ix.writer() as w:
        w.add_document(id="1", body=body)
    words = [t.text for t in SCHEMA["body"].analyzer(" ".join(phrase))]
    if len(words) < 2:
        return
    with ix.searcher() as s:
        found = len(s.search(wq.Phrase("body", words, slop=slop))) > 0
    spans = WordMatcher.for_field(SCHEMA["body"]).phrase_spans(
        body, frozenset({(tuple(words), slop)})
    )
    assert bool(spans) == found


def test_also_headlined_marks_a_phrase_the_title_lacks_whole():
    article = Article(id="a", title="Fighting near the Euphrates", body=["Text."],
                      other_titles=["State media: Islamic State group retreats east"])  # fmt: skip
    also = Highlighter(SCHEMA).also_titled(article, _marks('"Islamic State group"'))
    assert _marked(also) == ["Islamic State group"]
    # a headline with the phrase's words apart is no reason
    article.other_titles = ["Islamic schools in the state reopen as the group leaves"]
    assert Highlighter(SCHEMA).also_titled(article, _marks('"Islamic State group"')) == ""


def test_aliases_searched_as_typed_round_trip_through_the_url():
    req = SearchRequest.from_args({"q": ["ISIS Daesh"], "as_typed": ["ISIS", " ", "ISIS", "Daesh"]})
    assert req.as_typed == ("ISIS", "Daesh")
    assert SearchRequest.from_args(dict(_multi(req.to_args()))).as_typed == ("ISIS", "Daesh")
    assert ("as_typed", "ISIS") in req.to_args() and not SearchRequest(q="x").as_typed


def _multi(args: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in args:
        out.setdefault(k, []).append(v)
    return out
