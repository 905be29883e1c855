"""A box of key points above the article is the site's digest of it, not its text."""

from __future__ import annotations

import lxml.html
from test_html_body import STORY

from quarry.archive.extract.summaries import drop_summary_boxes

POINTS = ["Reservoirs are at a twenty-year low.", "A hosepipe ban may follow within weeks."]


def _page(box: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(
        f"<html><body><article>{box}" + "".join(f"<p>{p}</p>" for p in STORY) + "</article></body></html>"
    )


def test_a_key_points_box_its_title_and_its_note_go() -> None:
    box = (
        "<div class='article-summary'><!-- digest --><h2>In brief</h2><ul>"
        + "".join(f"<li>{p}</li>" for p in POINTS)
        + "</ul><span class='note'>This summary was written with the help of AI.</span></div>"
    )
    body = ["In brief", *(f"- {p}" for p in POINTS), "This summary was written with the help of AI.",
            *STORY]  # fmt: skip
    assert drop_summary_boxes(body, _page(box)) == STORY


def test_bullet_points_as_paragraphs_go_too() -> None:
    box = "<div class='bulletpoints'>" + "".join(f"<p>{p}</p>" for p in POINTS) + "</div>"
    assert drop_summary_boxes([*POINTS, *STORY], _page(box)) == STORY


def test_a_standfirst_called_summary_and_an_article_called_summary_stay() -> None:
    lead = "Reservoirs have fallen to a twenty-year low after a dry spring, officials say."
    standfirst = f"<p class='summary'>{lead}</p><div class='summary'><p>{lead}</p></div>"
    assert drop_summary_boxes([lead, *STORY], _page(standfirst)) == [lead, *STORY]
    whole = lxml.html.fromstring(
        "<html><body><div class='summary-page'>"
        + "".join(f"<p>{p}</p>" for p in POINTS + STORY[:1])
        + "</div></body></html>"
    )
    assert drop_summary_boxes([*POINTS, STORY[0]], whole) == [*POINTS, STORY[0]]
