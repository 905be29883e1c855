"""How a tagger's span is cut into names (``repair.split_span``): what names are made of stays
whole, what joins two names is cut."""

from __future__ import annotations

from quarry.archive.entities.repair import split_span
from quarry.archive.entities.text import tokenize


def cut(text: str, typ: str = "organization") -> list[tuple[str, str]]:
    """The pieces of ``text`` taken whole as one tagger span: (text, type)."""
    sent = [tok for s in tokenize(text) for tok in s]
    return [
        (text[sent[b][0] : sent[e - 1][1]], t.lstrip("?"))
        for b, e, t in split_span(sent, 0, len(sent), typ)
    ]


def test_possessive_of_a_name_is_cut_of_a_common_noun_kept() -> None:
    assert cut("Ukraine's Air Force") == [("Ukraine", "organization"), ("Air Force", "organization")]
    assert cut("Moscow's Basman District Court") == [
        ("Moscow", "organization"),
        ("Basman District Court", "organization"),
    ]
    assert cut("People's Republic of China", "location") == [
        ("People's Republic of China", "location")
    ]
    assert cut("King's College Hospital") == [("King's College Hospital", "organization")]


def test_short_particles_between_capitalised_words_stay() -> None:
    assert cut("Frankfurt am Main", "location") == [("Frankfurt am Main", "location")]
    assert cut("Union for a Popular Movement") == [("Union for a Popular Movement", "organization")]
    assert cut("Camden town hall", "location") == [("Camden", "location")]
    assert cut("Rocky Mountains of central Colorado", "location") == [
        ("Rocky Mountains of", "location"),
        ("Colorado", "location"),
    ]


def test_suffix_after_a_comma_and_nicknames_stay_lists_are_cut() -> None:
    assert cut("Martin Luther King, Jr", "person") == [("Martin Luther King, Jr", "person")]
    assert cut('William "Buckshot" May', "person") == [('William "Buckshot" May', "person")]
    assert cut("Pete Seeger, Ivan Neville", "person") == [
        ("Pete Seeger", "person"),
        ("Ivan Neville", "person"),
    ]


def test_a_spaced_hyphen_the_tagger_took_in_stays_a_dash_is_cut() -> None:
    assert cut("Coca - Cola") == [("Coca - Cola", "organization")]
    assert cut("Amnesia \u2013 Ibiza", "location") == [("Amnesia", "location"), ("Ibiza", "location")]
    assert cut("Indiana Governor Eric Holcomb", "location") == [
        ("Indiana", "location"),
        ("Eric Holcomb", "person"),
    ]


def test_a_capitalised_the_inside_a_sentence_is_part_of_the_name() -> None:
    from quarry.archive.entities.repair import trim

    text = "The Guardian and the Observer, said The New York Times."
    spans = {name: text.index(name) for name in ("The Guardian", "the Observer", "The New York")}
    got = [text[slice(*trim(text, s, s + len(n), "organization"))] for n, s in spans.items()]
    assert got == ["Guardian", "Observer", "The New York"]


def test_a_hashtag_is_the_name_as_written_and_names_it_without_the_sign() -> None:
    from quarry.archive.entities import get_extractor

    _, mentions = get_extractor().extract_document(
        ["Protests spread from #Ukraine to Poland, and # Warsaw is not a tag."]
    )
    by_text = {m.text: m.name for m in mentions}
    assert by_text["#Ukraine"] == "Ukraine" and "Ukraine" not in by_text
    assert "# Warsaw" not in by_text


def test_a_title_abbreviation_does_not_end_a_sentence() -> None:
    sents = tokenize("Texas Gov. George W. Bush met Sgt. Ann Lee. She left.")
    assert [[t for _, _, t in s][:3] for s in sents] == [["Texas", "Gov.", "George"], ["She", "left", "."]]


def test_a_names_last_word_can_say_its_type_whatever_the_tagger_typed() -> None:
    from quarry.archive.entities import get_extractor

    extractor = get_extractor()

    def typed(text: str, typ: str) -> list[tuple[str, str]]:
        sent = [tok for s in tokenize(text) for tok in s]
        spans = extractor._finish_part(text, sent, 0, len(sent), typ)
        return [(text[s.start : s.end], s.type) for s in spans]

    assert typed("Milltown Laptop Orchestra", "location") == [
        ("Milltown Laptop Orchestra", "organization")
    ]
    assert typed("Angleford High School", "person") == [("Angleford High School", "organization")]
    assert typed("Angleford Harbour", "location") == [("Angleford Harbour", "location")]
    assert typed("Orchestra", "location") == [("Orchestra", "location")]  # one word: no evidence
    assert typed("Angleford Bridge", "person") == [("Angleford Bridge", "location")]
    assert typed("Angleford Bridge", "organization") == [("Angleford Bridge", "organization")]
    # a gate, a crossing, heights: places ("the bombing at Abbey Gate"); "Gates" is a surname
    assert typed("Abbey Gate", "person") == [("Abbey Gate", "location")]
    assert typed("Angleford Heights", "person") == [("Angleford Heights", "location")]
    assert typed("Harold Gates", "person") == [("Harold Gates", "person")]
