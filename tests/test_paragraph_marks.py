"""Entity marks in an article's paragraphs (archive/entities/annotate.py), on text written here."""

from __future__ import annotations

from quarry.archive.entities import get_authority
from quarry.archive.entities.annotate import paragraph_marks
from quarry.archive.model import Article, Entities


def _marked(article: Article) -> list[list[tuple[str, str, str]]]:
    marks = paragraph_marks(article, get_authority())
    return [[(para[s:e], t, c) for s, e, t, c in spans] for para, spans in zip(article.body, marks, strict=True)]


def test_names_and_aliases_are_marked_with_their_canonical_entity():
    article = Article(
        id="t1",
        title="t",
        body=[
            "The Islamic State of Iraq and Syria, or ISIS, lost ground; Daesh regrouped.",
            "Officials in the U.S. said the Taliban met us in Kabul, and the US agreed.",
            "Nothing here.",
        ],
        entities=Entities(organization=["Islamic State", "Taliban"], location=["United States", "Kabul"]),
    )
    first, second, third = _marked(article)
    # the longest alias wins where several start at the same place
    assert first == [
        ("Islamic State of Iraq and Syria", "organization", "Islamic State"),
        ("ISIS", "organization", "Islamic State"),
        ("Daesh", "organization", "Islamic State"),
    ]
    # "the Taliban" is marked as "Taliban"; a short acronym matches only as written ("us" is a word)
    assert second == [
        ("U.S.", "location", "United States"),
        ("Taliban", "organization", "Taliban"),
        ("Kabul", "location", "Kabul"),
        ("US", "location", "United States"),
    ]
    assert third == []


def test_an_article_without_entities_has_no_marks():
    article = Article(id="t2", title="t", body=["ISIS in Kabul.", "More."])
    assert paragraph_marks(article, get_authority()) == [[], []]


def test_without_an_authority_only_the_canonical_names_are_marked():
    article = Article(id="t3", title="t", body=["ISIS and the Islamic State."],
                      entities=Entities(organization=["Islamic State"]))
    assert paragraph_marks(article, None) == [[(13, 26, "organization", "Islamic State")]]
