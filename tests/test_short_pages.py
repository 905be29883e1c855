"""Pages with little text: short posts are articles; holding pages are skipped with their reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from quarry.archive.extract import NoArticle, extract
from quarry.archive.extract.short_pages import ACCESS_CHECK, JAVASCRIPT_SHELL
from quarry.archive.model import RawDocument

NAV = (
    "<header><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/events'>Events</a>"
    "</nav></header>"
)


def raw(html: str) -> RawDocument:
    return RawDocument(source="p.html", kind="html", content=html.encode(), format="html")


def test_a_short_notice_in_an_article_element_is_an_article() -> None:
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>Library closed on Friday | Valley Library"
        "</title></head><body>" + NAV + "<article><h1>Library closed on Friday</h1>"
        "<time datetime='2024-02-09'>9 February 2024</time><p>The library is closed on Friday "
        "because of the storm. We open again on Saturday at ten.</p></article>"
        "<footer>Valley Library, Main Street 4</footer></body></html>"
    )
    art = extract(raw(html))
    assert art.title == "Library closed on Friday"
    assert art.body == [
        "The library is closed on Friday because of the storm. We open again on Saturday at ten."
    ]
    assert art.published == date(2024, 2, 9)


def test_a_declared_photo_post_is_its_caption() -> None:
    html = (
        "<!DOCTYPE html><html><head><meta property='og:type' content='gallery:photo'>"
        "<meta property='og:title' content='Spring on the river'>"
        "<meta property='og:description' content='Morning fog over the river at Lijiang'>"
        "</head><body>" + NAV + "<div class='promo'>Members save a fifth on prints this month. "
        "Join today and get more.</div><div id='photo'><img src='fog.jpg'></div></body></html>"
    )
    art = extract(raw(html))
    assert art.title == "Spring on the river"
    assert art.body == ["Morning fog over the river at Lijiang"]


def test_a_short_page_that_declares_nothing_is_no_article() -> None:
    html = (
        "<html><head><title>Events | Valley Library</title></head><body>" + NAV +
        "<main><h1>Events</h1><p>No events this week.</p></main></body></html>"
    )
    with pytest.raises(NoArticle, match="^no article found$"):
        extract(raw(html))


def test_a_list_of_teasers_is_no_short_post() -> None:
    teasers = "".join(
        f"<article><h2><a href='/n/{n}'>Story {n}</a></h2><p>Teaser of story {n}.</p></article>"
        for n in range(3)
    )
    with pytest.raises(NoArticle, match="^no article found$"):
        extract(raw(f"<html><head><title>News</title></head><body>{NAV}{teasers}</body></html>"))


@pytest.mark.parametrize(
    "html",
    [
        # a cloudflare-style interstitial
        "<html><head><title>Just a moment...</title></head><body><h1>news.example</h1>"
        "<p>Checking if the site connection is secure</p><p>news.example needs to review the "
        "security of your connection before proceeding.</p>"
        "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script></body></html>",
        # a captcha wall with an ordinary title
        "<html><head><title>news.example</title></head><body><article><h1>Please verify you are "
        "a human</h1><p>Press &amp; Hold to confirm you are a human (and not a bot).</p>"
        "</article></body></html>",
    ],
)
def test_an_access_check_page_is_skipped_with_its_own_reason(html: str) -> None:
    with pytest.raises(NoArticle) as caught:
        extract(raw(html))
    assert str(caught.value) == ACCESS_CHECK


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Valley News</title></head><body><noscript>You need to enable "
        "JavaScript to run this app.</noscript><div id='root'></div>"
        "<script src='/static/js/main.js'></script></body></html>",
        "<html><head><title>Valley News</title></head><body><div id='__next'></div>"
        "<script>" + "window.__DATA__={};" * 1000 + "</script></body></html>",
    ],
)
def test_a_javascript_shell_is_skipped_with_its_own_reason(html: str) -> None:
    with pytest.raises(NoArticle) as caught:
        extract(raw(html))
    assert str(caught.value) == JAVASCRIPT_SHELL


def test_a_short_post_with_heavy_scripts_is_still_an_article() -> None:
    html = (
        "<html><head><title>Ferry cancelled</title><script>" + "var x = 1;" * 2000 + "</script>"
        "</head><body><div id='app'><article><h1>Ferry cancelled</h1><p>The evening ferry to "
        "the island is cancelled because of high winds.</p></article></div></body></html>"
    )
    assert extract(raw(html)).body == [
        "The evening ferry to the island is cancelled because of high winds."
    ]


def test_an_error_page_says_so() -> None:
    html = (
        "<html><head><title>404 Page not found | Valley News</title></head><body>" + NAV +
        "<article><h1>Page not found</h1><p>Sorry, the page you are looking for does not exist "
        "or has been moved.</p></article></body></html>"
    )
    with pytest.raises(NoArticle, match="error page"):
        extract(raw(html))


FIXTURES = Path(__file__).parent / "fixtures" / "html"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("access_check.html", ACCESS_CHECK), ("js_shell.html", JAVASCRIPT_SHELL),
     ("nav_only.html", "no article found")],
)  # fmt: skip
def test_holding_page_fixtures_are_skipped_with_their_reasons(name: str, reason: str) -> None:
    with pytest.raises(NoArticle) as caught:
        extract(RawDocument(source=name, kind="html", content=(FIXTURES / name).read_bytes()))
    assert str(caught.value) == reason


def test_short_post_fixture_is_an_article_with_its_date() -> None:
    art = extract(RawDocument(source="s", kind="html", content=(FIXTURES / "short_post.html").read_bytes()))
    assert art.title == "Ferry service suspended"
    assert art.body == [
        "The river ferry does not run today because of the high water. The next update follows at noon."
    ]
    assert art.published_day == date(2023, 11, 5)


def test_a_short_post_whose_article_marks_its_body_too() -> None:
    html = (
        "<html><head><title>Ferry cancelled</title></head><body><article><h1>Ferry cancelled</h1>"
        "<div itemprop='articleBody'><p>The evening ferry to the island is cancelled because of "
        "high winds.</p></div></article></body></html>"
    )
    assert extract(raw(html)).body == [
        "The evening ferry to the island is cancelled because of high winds."
    ]
