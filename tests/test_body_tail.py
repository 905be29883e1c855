"""Lines after the article's end that the page sets outside the article are not its text."""

from __future__ import annotations

import lxml.html
from test_html_body import STORY

from quarry.archive.extract.tail import drop_outside_tail

OFFER = "Read the whole paper for two weeks free of charge, delivered to your door."
NOTE = "The author reports on water and farming for the paper."


def _page(before: str = "", inside: str = "", after: str = "") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(
        f"<html><body><main>{before}<div class='story'><h1>Reservoirs at a low</h1>"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + f"{inside}</div><div class='after'>{after}</div></main></body></html>"
    )


def test_an_offer_after_the_article_outside_its_container_goes() -> None:
    page = _page(after=f"<p>{OFFER}</p><div><span>Sign in</span></div>")
    assert drop_outside_tail([*STORY, OFFER, "Sign in"], page) == STORY


def test_a_closing_note_inside_the_article_stays() -> None:
    page = _page(inside=f"<p><em>{NOTE}</em></p>", after=f"<p>{OFFER}</p>")
    assert drop_outside_tail([*STORY, NOTE], page) == [*STORY, NOTE]


def test_lines_before_the_end_or_not_on_the_page_stay() -> None:
    page = _page(before=f"<p>{NOTE}</p>")
    assert drop_outside_tail([NOTE, *STORY], page) == [NOTE, *STORY]
    unseen = "A line the page does not show as an element of its own."
    assert drop_outside_tail([*STORY, unseen], page) == [*STORY, unseen]


def test_a_tail_longer_than_a_quarter_of_the_text_stays() -> None:
    more = [f"{OFFER} {p}" for p in STORY]
    page = _page(after="".join(f"<p>{p}</p>" for p in more))
    assert drop_outside_tail([*STORY, *more], page) == [*STORY, *more]
