"""Paragraphs the extractor skipped between two it kept, in the article's own containers."""

from __future__ import annotations

from test_html_body import tree_of

from quarry.archive.extract.gaps import fill_gaps

P = [
    "The regional water authority said on Monday that reservoir levels had fallen to their "
    "lowest point in more than twenty years.",
    "Officials asked households to cut their water use by a fifth and warned of a hosepipe ban.",
    "Farmers in the valley have already reduced irrigation and expect a smaller harvest.",
    "Engineers will inspect the dam next week before the authority decides on further cuts.",
    "The authority will publish new figures on reservoir levels at the end of the month.",
]


def test_a_skipped_paragraph_goes_back_in_its_place() -> None:
    tree = tree_of("<div class='text'>" + "".join(f"<p>{p}</p>" for p in P) + "</div>")
    assert fill_gaps([P[0], P[1], P[3], P[4]], tree) == P


def test_an_article_split_between_advertisements_is_filled_across_its_containers() -> None:
    ad = "<div class='ad'><span>Advertisement</span></div>"
    tree = tree_of(
        f"<div class='story text'><p>{P[0]}</p><p>{P[1]}</p></div>{ad}"
        f"<div class='story text'><p>{P[2]}</p><p>{P[3]}</p></div>{ad}"
        f"<div class='story text'><p>{P[4]}</p></div>"
    )
    assert fill_gaps([P[0], P[1], P[3], P[4]], tree) == P


def test_other_containers_links_boilerplate_and_the_page_s_edges_stay_out() -> None:
    teaser = "A teaser for another story about the reservoirs and the dry spring in the north."
    links = "<a href='/a'>Reservoir levels in the valley</a> and <a href='/b'>the hosepipe ban</a>"
    tree = tree_of(
        "<div class='text'><p>Before the article begins, a line of the page's own words here.</p>"
        f"<p>{P[0]}</p><aside class='related'><p>{teaser}</p></aside>"
        f"<p>{links}, two more reports.</p>"
        "<p>Sign up for our newsletter and get the day's news in your inbox.</p>"
        f"<p>N a endlich {P[1]}</p><p>{P[4]}</p>"
        "<p>After the article ends, another line of the page's own words here.</p></div>"
    )
    body = [P[0], f"Na endlich {P[1]}", P[4]]  # a drop cap the extractor joined
    assert fill_gaps(body, tree) == body
