"""Plain text that is not a page capture is an article whole (issue 13, item 1): every paragraph,
list item, table row and answer is kept; title, byline and date come from the top of the text."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES

from quarry.archive.extract import NoArticle, extract
from quarry.archive.model import RawDocument, normalise_text
from quarry.web.cli import main

TEXT = FIXTURES / "text"


def _extract(path: Path):
    return extract(RawDocument(source=str(path), kind="pagetext", content=path.read_bytes(), format="pagetext"))


def _words(text: str) -> list[str]:
    return normalise_text(text).split()


def test_every_word_of_each_text_is_kept():
    """Nothing is dropped: the title, byline, date line and body hold every word of the file
    (the separators "###" and table spacing aside)."""
    for path in sorted(TEXT.glob("*.txt")):
        a = _extract(path)
        kept = _words(" ".join([a.title, *a.body]))
        source = _words(path.read_text(encoding="utf-8"))
        missing = [w for w in source if w not in kept]
        byline = {w for author in a.authors for w in _words(author)} | {"by", "and"}
        dated = set(_words(a.published.strftime("%d %B %Y"))) | {"june"} if a.published else set()
        assert [w for w in missing if w not in byline | dated] == [], path.name


def test_dateline_story():
    a = _extract(TEXT / "dateline-story.txt")
    assert a.title == "Sahel states agree joint border mission after convoy attack"
    assert a.authors == ["Amina Yusuf", "Pierre Lemaire"]
    # the dateline gives the day; the year comes from the text's copyright notice
    assert a.published == date(2023, 3, 3)
    assert a.body[0] == (
        "NIAMEY, March 3 (Reuters) - Defence ministers from five West African states agreed on Friday to "
        "set up a joint mission to watch the borders where a convoy was ambushed last week, the host "
        "government said in a statement."
    )  # fmt: skip
    assert a.body[1] == "The mission will start in May."  # a short paragraph is a paragraph
    assert a.body[2].endswith('after the meeting. "Nobody can."')
    assert "Three soldiers died in the ambush." in a.body
    assert "(Reporting by Amina Yusuf; Editing by Pierre Lemaire)" in a.body
    assert len(a.body) == 7


def test_dateline_without_a_year_and_no_year_in_the_text_gives_no_date():
    text = b"Talks resume\n\nGENEVA, May 9 (Example Wire) - Talks between the two sides resumed on Tuesday.\n"
    a = extract(RawDocument(source="t.txt", kind="pagetext", content=text))
    assert a.published is None
    assert a.body == ["GENEVA, May 9 (Example Wire) - Talks between the two sides resumed on Tuesday."]


def test_bulleted_press_release():
    a = _extract(TEXT / "press-release.txt")
    assert a.title == "Example Foundation opens three new youth centres in the Lake Chad region"
    assert a.published == date(2023, 6, 14)
    assert a.body[0] == "New programme to reach 4,000 young people in its first year"
    assert a.body[1].startswith("BRUSSELS, 14 June 2023 — The Example Foundation today announced")
    assert a.body[1].endswith("recruitment by armed groups.")
    bullets = [p for p in a.body if p.startswith("•")]
    assert bullets == [
        "• vocational training in farming, mechanics and tailoring",
        "• literacy classes in French, English and Kanuri",
        "• small grants to start a business",
        "• counselling for former members of armed groups",
    ]
    assert "2. Diffa: Association des Jeunes de Diffa" in a.body
    assert "About the Example Foundation" in a.body  # a heading is not glued to the next line
    assert a.body[-3:] == ["Jane Doe, press officer", "Email: press@foundation.example", "Tel: +32 2 555 0100"]


def test_question_and_answer_transcript():
    a = _extract(TEXT / "qa-transcript.txt")
    assert a.title == "Interview: the UN envoy on talks with armed groups in the Sahel"
    turns = [p for p in a.body if p.startswith(("Q:", "A:"))]
    assert len(turns) == 8
    assert turns[:2] == ["Q: Are the talks still going on?", "A: Yes."]
    assert turns[3] == ("A: The governments of the region, the groups that signed the 2015 accord, and "
                        "observers from the African Union.")  # fmt: skip
    assert "A: No. Not at this stage." in turns


def test_results_table_keeps_its_rows():
    a = _extract(TEXT / "results-table.txt")
    assert a.title == "Regional assembly election: provisional results"
    assert a.published == date(2023, 6, 12)
    assert a.body == [
        "The electoral commission published the provisional results on Monday night.",
        "Party | Votes | Share | Seats",
        "Alliance for Renewal | 120,345 | 41.2% | 34",
        "National Unity Front | 98,120 | 33.6% | 27",
        "Green Coalition | 41,870 | 14.3% | 11",
        "Independents | 31,790 | 10.9% | 8",
        "Total | 292,125 | 100.0% | 80",
        "Turnout was 61.4%. Final results are due within ten days.",
    ]


def test_short_statement_is_an_article():
    a = _extract(TEXT / "short-statement.txt")
    assert a.title == "Statement on the attack in Kandahar"
    assert a.body == ["We condemn the attack on the market in Kandahar today and send our condolences to the "
                      "families of those killed."]  # fmt: skip


def test_date_line_above_the_title():
    text = b"Friday, 3 March 2023\n\nMinisters meet in Niamey\n\nDefence ministers met in Niamey on Friday.\n"
    a = extract(RawDocument(source="t.txt", kind="pagetext", content=text))
    assert (a.title, a.published, a.body) == ("Ministers meet in Niamey", date(2023, 3, 3),
                                              ["Defence ministers met in Niamey on Friday."])  # fmt: skip


def test_a_sentence_starting_like_a_byline_stays_in_the_body():
    text = b"Talks resume\n\nBy the end of the week, both sides had agreed to meet again.\n"
    a = extract(RawDocument(source="t.txt", kind="pagetext", content=text))
    assert a.authors == [] and a.body == ["By the end of the week, both sides had agreed to meet again."]


def test_text_without_a_title_line_is_titled_by_its_opening_words():
    text = (b"The ministry said on Monday that the border crossing would reopen next week after talks with "
            b"the neighbouring government, which had closed it in March.")  # fmt: skip
    a = extract(RawDocument(source="t.txt", kind="pagetext", content=text))
    assert a.body == [text.decode()]
    assert a.title.endswith("…") and a.body[0].startswith(a.title[:-2])


def test_one_paragraph_a_line_is_not_joined():
    lines = [
        "Officials in Kabul said the convoy was stopped at the checkpoint on the road to Jalalabad late on Sunday night.",
        "A spokesman for the provincial government said that nobody was hurt and that the goods were returned to their owners.",
        "The United Nations said it would send a team to look into the complaints from traders in the region next week.",
    ]  # fmt: skip
    a = extract(RawDocument(source="t.txt", kind="pagetext", content="\n".join(lines).encode()))
    assert a.body == lines


@pytest.mark.parametrize("content", [b"Hello\n", b"Home\nAbout\nContact\n\nLogin\n", b"----\n###\n"])
def test_text_without_a_sentence_is_no_article_and_says_why(content):
    with pytest.raises(NoArticle) as caught:
        extract(RawDocument(source="t.txt", kind="pagetext", content=content))
    assert str(caught.value)


def test_page_captures_are_still_read_as_captures():
    a = _extract(CORPUS / "pages" / "generic-capture.txt")
    assert a.title == "Hezbollah's Finances Under Pressure"
    assert "Cookie" not in a.text and "Facebook" not in a.text and "Menu" not in a.text


def test_list_inside_a_captured_article_is_kept():
    capture = "\n".join([
        "Menu", "Search", "Subscribe", "",
        "Sanctions Bite in Southern Lebanon", "",
        "Sanctions imposed by the United States and the European Union have squeezed the networks that move money for the group, officials said.",
        "The measures named three kinds of business:",
        "• currency exchanges in Beirut",
        "• a shipping company in Latakia",
        "• two charities registered in Europe",
        "Analysts say the pressure has not changed the group's military posture in the south, where it keeps a large arsenal of rockets.",
        "", "Share this article", "Facebook", "Twitter",
    ])  # fmt: skip
    a = extract(RawDocument(source="t.txt", kind="pagetext", content=capture.encode()))
    assert "• a shipping company in Latakia" in a.body
    assert "Twitter" not in a.body and "Menu" not in a.body


def test_cli_extract_returns_every_paragraph_of_a_dateline_story(runner):
    out = runner.invoke(main, ["extract", "--no-entities", str(TEXT / "dateline-story.txt")])
    assert out.exit_code == 0, out.output
    (record,) = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    assert record["date"] == "2023-03-03"
    assert record["body"].count("\n\n") == 6
    assert record["body"].startswith("NIAMEY, March 3 (Reuters)")
