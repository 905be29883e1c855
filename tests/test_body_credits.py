"""A line crediting the story's reporters and agencies is not the story's text."""

from __future__ import annotations

from test_html_body import STORY, body_of

from quarry.archive.extract.credits import is_reporting_credit

CREDITS = [
    "Associated Press writer Ana Ruiz in Paris contributed to this report.",
    "— Ben Cole in Leeds contributed reporting to this story",
    "Additional reporting from PA",
    "With reporting by Valley Times writer Ana Ruiz",
    "Reporting by Ana Ruiz; Editing by Ben Cole",
    "Mit Informationen der Nachrichtenagenturen AFP und dpa",
    "Con información de EFE",
]


def test_reporting_credits_are_recognised() -> None:
    assert all(is_reporting_credit(line) for line in CREDITS)


def test_sentences_about_reporting_and_agencies_stay() -> None:
    for line in (
        "Reporting by local journalists has uncovered the dumping of waste in the river.",
        "She contributed to the report that the authority published in May.",
        "Mit dpa-Informationen allein lässt sich der Vorfall nicht erklären, sagte sie.",
        "Con información de primera mano, los vecinos denunciaron el vertido.",
        *STORY,
    ):
        assert not is_reporting_credit(line), line


def test_a_closing_credit_leaves_the_extracted_text() -> None:
    inner = "".join(f"<p>{p}</p>" for p in STORY) + f"<p><em>{CREDITS[0]}</em></p>"
    assert body_of(inner) == STORY
