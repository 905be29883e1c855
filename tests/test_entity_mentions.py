"""Entity mentions as written (issue 12, item 2): exact offsets into Article.text, kept by the
store, printed by `quarry extract`, and turned into the marks of the article page."""

from __future__ import annotations

import json

from conftest import FIXTURES
from test_entity_rules import paragraphs

from quarry.archive.entities import get_authority, get_extractor
from quarry.archive.entities.annotate import paragraph_marks
from quarry.archive.model import Article, Entities, Mention
from quarry.archive.pipeline import add_entities
from quarry.archive.store import Store
from quarry.web.cli import main

WIRE = FIXTURES / "entities" / "wire_story.jsonl"


def article_of(*names: str, **fields) -> Article:
    body = [p for name in names for p in paragraphs(name)]
    article = Article(id="a1", title="A test article", body=body, language="en", **fields)
    add_entities(article)
    return article


def test_mention_offsets_are_exact_on_a_multi_paragraph_article() -> None:
    article = article_of("yeltsin.txt", "wire_dateline.txt", "companies.txt", "islamic_state.txt")
    mentions = article.entity_mentions
    assert len(mentions) >= 15
    assert len({article.body.index(p) for p in article.body}) >= 6  # many paragraphs
    for m in mentions:
        assert article.text[m.start : m.end] == m.text, m
    assert [(m.start, m.end) for m in mentions] == sorted((m.start, m.end) for m in mentions)
    # mentions in the last paragraph too, each named as the entities list names it
    last = len(article.text) - len(article.body[-1])
    assert any(m.start >= last for m in mentions)
    listed = {(t, n) for t, values in article.entities.as_dict().items() for n in values}
    assert {(m.type, m.name) for m in mentions} == listed


def test_mentions_survive_a_store_round_trip(tmp_path) -> None:
    article = article_of("yeltsin.txt", "islamic_state.txt")
    store = Store(tmp_path / "store.sqlite")
    try:
        with store.transaction():
            stored_id = store.put(article) and article.id
        back = store.get(stored_id)
    finally:
        store.close()
    assert back is not None
    assert back.entity_mentions == article.entity_mentions
    assert all(isinstance(m, Mention) for m in back.entity_mentions)
    assert all(back.text[m.start : m.end] == m.text for m in back.entity_mentions)


def test_quarry_extract_prints_entity_mentions(runner) -> None:
    out = runner.invoke(main, ["extract", "--workers", "1", str(WIRE)])
    assert out.exit_code == 0, out.output
    (record,) = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    assert record["entities_note"] == ""
    mentions = record["entity_mentions"]
    assert mentions and all(set(m) == {"text", "type", "name", "start", "end"} for m in mentions)
    for m in mentions:
        assert record["body"][m["start"] : m["end"]] == m["text"]
    as_written = {(m["text"], m["type"], m["name"]) for m in mentions}
    assert ("CHICAGO", "location", "Chicago") in as_written
    assert ("Islamic State of Iraq and the Levant", "organization", "Islamic State") in as_written
    assert "Islamic State" in record["entities"]["organization"]


def test_paragraph_marks_mark_an_alias_phrase_whole() -> None:
    phrase = "Islamic State of Iraq and the Levant"
    article = article_of("islamic_state.txt")
    article.body.append(f"Analysts said the {phrase} had lost ground in the state of Homs.")
    add_entities(article)
    marks = paragraph_marks(article)
    assert len(marks) == len(article.body)
    last = article.body[-1]
    start = last.index(phrase)
    assert (start, start + len(phrase), "organization", "Islamic State") in marks[-1]
    # no single word of the phrase is marked on its own
    assert not [m for m in marks[-1] if start <= m[0] < start + len(phrase) and m[1] - m[0] < len(phrase)]
    # an article stored before mentions existed: its entities found in the text, phrase whole
    old = Article(id="old", title="", body=list(article.body), entities=Entities(organization=["Islamic State"]))
    fallback = paragraph_marks(old, get_authority())
    assert (start, start + len(phrase), "organization", "Islamic State") in fallback[-1]
    assert all(m[0] >= start + len(phrase) or m[1] <= start or m[1] - m[0] == len(phrase) for m in fallback[-1])


def test_paragraph_marks_keep_ambiguous_aliases_exact_and_skip_stale_mentions() -> None:
    body = ["Is this the end? It is, and isis is no word.", "ISIS lost Raqqa in 2017."]
    old = Article(id="old", title="", body=body, entities=Entities(organization=["Islamic State"]))
    marks = paragraph_marks(old, get_authority())
    assert marks[0] == [] and marks[1] == [(0, 4, "organization", "Islamic State")]
    stale = Article(
        id="s", title="", body=["Raqqa fell."],
        entity_mentions=[Mention("Mosul", "location", "Mosul", 0, 5)],
    )  # fmt: skip
    assert paragraph_marks(stale) == [[]]


def test_the_extractors_annotate_is_the_mentions_of_one_paragraph() -> None:
    text = "General Motors Corp and Merrill Lynch & Co met in Detroit."
    spans = get_extractor().annotate(text)
    assert (0, len("General Motors Corp"), "organization", "General Motors") in spans
