"""Fact boxes, photo captions and the article's header are set beside the text, not in it."""

from __future__ import annotations

import lxml.html
from test_html_body import STORY, body_of

from quarry.archive.extract.asides import drop_asides

BOX = (
    "<div class='article-infobox'><h3>Reservoir levels in numbers</h3>"
    "<p>The northern reservoir holds 31 per cent of its capacity.<br>"
    "The southern reservoir holds 44 per cent.</p>"
    "<p>Levels are measured every Monday by the regional water authority.</p></div>"
)


def _page(inner: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><body><article>{inner}</article></body></html>")


def test_a_fact_box_inside_the_article_goes_with_its_title_and_broken_lines() -> None:
    inner = f"<p>{STORY[0]}</p>{BOX}<p>{STORY[1]}</p><p>{STORY[2]}</p>"
    assert body_of(inner) == STORY


def test_the_header_s_kicker_and_second_headline_go() -> None:
    head = (
        "<header><p class='kicker'>Drought in the valley</p>"
        "<h2>Reservoirs at their lowest for twenty years</h2></header>"
    )
    assert body_of(head + "".join(f"<p>{p}</p>" for p in STORY)) == STORY


def test_a_photo_caption_goes() -> None:
    caption = "The dam at Millbrook seen from the north bank on Monday morning"
    inner = (
        f"<p>{STORY[0]}</p><div class='media'><figure><img src='dam.jpg'>"
        f"<figcaption><span>{caption}</span></figcaption></figure></div>"
        f"<p>{STORY[1]}</p><p>{STORY[2]}</p>"
    )
    assert drop_asides([STORY[0], caption, *STORY[1:]], _page(inner)) == STORY


def test_a_standfirst_the_article_opens_with_again_stays() -> None:
    lead = "Reservoirs have fallen to a twenty-year low after a dry spring, officials say."
    inner = (
        f"<header><h1>Reservoirs at a low</h1><p class='standfirst'>{lead}</p></header>"
        f"<p>{lead}</p>" + "".join(f"<p>{p}</p>" for p in STORY)
    )
    assert drop_asides([lead, *STORY], _page(inner)) == [lead, *STORY]


def test_a_subheading_the_header_s_summary_begins_with_stays() -> None:
    inner = (
        "<header><p>Officials asked households to cut their water use by a fifth</p></header>"
        f"<p>{STORY[0]}</p><h2>Officials asked households to cut</h2><p>{STORY[1]}</p>"
    )
    heading = "Officials asked households to cut"
    assert drop_asides([STORY[0], heading, STORY[1]], _page(inner)) == [STORY[0], heading, STORY[1]]


def test_an_article_set_inside_a_header_or_a_box_stays() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    for inner in (f"<header>{paragraphs}</header>", f"<div class='factbox'>{paragraphs}</div>"):
        assert drop_asides(STORY, _page(inner)) == STORY
