"""The article's text on hand-written pages: what is kept, what is the site's furniture."""

from __future__ import annotations

import lxml.html

from quarry.archive.extract.boilerplate import is_boilerplate, is_cms_token, paragraphs
from quarry.archive.extract.html import extract_html
from quarry.archive.extract.link_blocks import drop_link_blocks
from quarry.archive.model import RawDocument

STORY = [
    "The regional water authority said on Monday that reservoir levels had fallen to their "
    "lowest point in more than twenty years after an unusually dry spring.",
    "Officials asked households to cut their water use by a fifth and warned that a hosepipe "
    "ban could follow within weeks if the weather did not change.",
    "Farmers in the valley have already reduced irrigation, and several have said that their "
    "harvest will be smaller than last year as a result of the drought.",
]


def tree_of(inner: str) -> lxml.html.HtmlElement:
    """A page whose body is ``inner``, parsed as the extractor's steps get it."""
    return lxml.html.fromstring(f"<html><body>{inner}</body></html>")


def body_of(inner: str, head: str = "") -> list[str]:
    html = (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>"
        f"<article><h1>Reservoirs at a twenty-year low</h1>{inner}</article></body></html>"
    )
    art = extract_html(RawDocument(source="p.html", kind="html", content=html.encode(), format="html"))
    assert art is not None
    return art.body


def test_lines_said_again_and_again_are_the_article_s_own() -> None:
    recipe = [
        "Stir the sauce and let it simmer for five minutes.",
        "Add the second cup of stock to the pan.",
        "Stir the sauce and let it simmer for five minutes.",
        "Add the last of the stock and the herbs.",
        "Stir the sauce and let it simmer for five minutes.",
    ]
    interview = ["What did you see that night?", "The water rising over the road.",
                 "What did you see that night?", "Nothing, I was asleep.",
                 "What did you see that night?", "Lights on the dam."]  # fmt: skip
    assert paragraphs("\n".join(recipe)) == recipe
    assert paragraphs("\n".join(interview)) == interview


def test_consent_placeholders_go_however_often_they_appear() -> None:
    lines = [
        STORY[0],
        "External content not available",
        "Deine Privatsphäre-Einstellungen verhindern das Laden und Anzeigen aller externen Inhalte.",
        "Ein Klick für den Datenschutz",
        "To view this content, please enable cookies in your privacy settings.",
        STORY[1],
    ]
    assert paragraphs("\n".join(lines)) == [STORY[0], STORY[1]]


def test_site_furniture_lines_are_not_article_text() -> None:
    furniture = [
        "2024-05-03T14:05:00Z",
        "Updated: 2024-05-03 14:05",
        "https://cdn.example.org/images/2024/05/dam.jpg",
        "dam-at-dawn_1200x800.webp?w=1200",
        "Sign up for our morning newsletter and get the day's news in your inbox.",
        "Der Newsletter der Redaktion informiert Sie jeden Morgen über das Wichtigste.",
        "Order Reprints",
        "Click to Tweet",
        "You may also like",
        "Das könnte Sie auch interessieren:",
        "MORE: Farmers warn of a smaller harvest",
        "Get in touch with our news team by emailing us at news@valley.example.",
        "Would you like to comment on this article?",
        "Фото: Анна Берг",
        "showPaywall:",
        "false",
        "Elevated:false",
        "The dam at dawn, seen from the north bank. Photo: Ana Ruiz",
        "Farmers at the market in May. | Ana Ruiz/dpa",
        "Quelle: AFP",
        "Il vous reste 57% de cet article à lire. La suite est réservée aux abonnés.",
        "Your subscription is being used on another device.",
        "Order Reprints | Today's Paper | Subscribe",
        "Story continues below advertisement",
        "Continue reading the main story",
        "Advertisement - Scroll to Continue",
        "Media playback is unsupported on your device",
        "Listen to this article 5 min",
        "Sponsored Content",
        "This story has been shared 1,234 times.",
        "Show comments (12)",
        "Comments (12)",
        "RELATED: Farmers warn of a smaller harvest",
        "Tags: drought, water, farming",
        "Filed under: Environment",
        "Schlagworte: Dürre, Wasser, Landwirtschaft",
        "Copyright 2019 The Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed.",
    ]
    for line in furniture:
        assert is_boilerplate(line), line
    assert paragraphs("\n".join([STORY[0], *furniture, STORY[1]])) == [STORY[0], STORY[1]]


def test_sentences_that_mention_furniture_words_stay() -> None:
    prose = [
        "The group's newsletter, seized by the police in 2019, called for attacks on the dam.",
        "She sent an email to the water board on 2024-05-03, the day before the vote.",
        "Ingredients:",
        "More than a thousand people signed the petition.",
        "The council said the data were false.",
        "The report included one striking image: a child wading through the water.",
        "The paper lost a third of its subscribers last year.",
        "If you subscribe to the theory that rain follows the plough, the valley proves you wrong.",
        '"Sign up for our newsletter," the group told its followers in every post.',
        "Copyright law in the EU was reformed in 2019, and more changes are expected.",
        "Copyright holders have complained for years that the platforms profit from their work.",
        "The story continues below the waterline, where divers found the old canal gates.",
        "Related: the driest summer on record, the wettest winter, and a year of floods.",
        "Water | Power | Roads | Schools",
        "| 2019 | Valley Water | 30 |",
    ]
    for line in prose:
        assert not is_boilerplate(line), line


def test_cms_tokens() -> None:
    for token in ("LockedPostSource:LOCKED_POST_SOURCE_NONE", "Elevated:false", "LayerCake:0",
                  "isPaid:", "true"):  # fmt: skip
        assert is_cms_token(token), token
    assert is_cms_token("LOCKED_POST_SOURCE", identifiers=True)
    assert is_cms_token("hideAds", identifiers=True)
    for value in ("Politics", "Middle East", "Notes:", "COVID-19", "14:30", "AT&T", "iPhone", "eBay"):
        assert not is_cms_token(value, identifiers=True), value


def test_lists_of_other_stories_are_dropped_by_their_links() -> None:
    related = "".join(
        f'<li><a href="/story/{n}">Other story number {n} about the valley</a></li>' for n in range(4)
    )
    card = '<h3 class="title"><span class="sr-only">A teaser headline said twice</span>' \
           '<a href="/t">A teaser headline said twice</a></h3>'  # fmt: skip
    tree = lxml.html.fromstring(
        f"<html><body><p>{STORY[0]}</p><p>{STORY[1]} See <a href='/r'>the report</a>.</p>"
        f"<h2>More from the region</h2><ul>{related}</ul>{card}</body></html>"
    )
    body = [STORY[0], STORY[1] + " See the report.", "More from the region",
            *(f"- Other story number {n} about the valley" for n in range(4)),
            "A teaser headline said twice A teaser headline said twice"]  # fmt: skip
    assert drop_link_blocks(body, tree) == [STORY[0], STORY[1] + " See the report."]


def test_a_list_of_linked_sources_inside_the_text_goes_but_the_text_stays() -> None:
    inner = (
        f"<p>{STORY[0]}</p><ul><li><a href='/a'>Reservoir levels, May report</a></li>"
        f"<li><a href='/b'>Irrigation statistics for the valley</a></li></ul><p>{STORY[1]}</p>"
        f"<p>{STORY[2]}</p>"
    )
    assert body_of(inner) == STORY


def test_a_pull_quote_repeating_the_story_goes_but_a_quoted_subheading_stays() -> None:
    pull = '<blockquote class="pull-quote">asked households to cut their water use by a fifth</blockquote>'
    inner = f"<p>{STORY[0]}</p><p>{STORY[1]}</p>{pull}<p>{STORY[2]}</p>"
    assert body_of(inner) == STORY
    # a page that heads a part of the text with a quote from it sets the quote as a heading
    heading = "<h2>“Their harvest will be smaller than last year”</h2>"
    inner = f"<p>{STORY[0]}</p><p>{STORY[1]}</p>{heading}<p>{STORY[2]}</p>"
    assert body_of(inner) == [*STORY[:2], "“Their harvest will be smaller than last year”", STORY[2]]
    # a short repeat is no pull quote
    inner = f"<p>{STORY[0]}</p><p>{STORY[1]}</p><blockquote>a hosepipe ban</blockquote><p>{STORY[2]}</p>"
    assert body_of(inner) == [*STORY[:2], "a hosepipe ban", STORY[2]]


def test_an_embedded_post_dropped_with_its_widget_is_put_back_in_place() -> None:
    tweet = (
        '<figure class="wp-block-embed is-provider-twitter"><div class="wp-block-embed__wrapper">'
        '<blockquote class="twitter-tweet"><p lang="en">The dam is nearly empty tonight, see the '
        "pictures from the north bank</p>&mdash; Valley Water (@valleywater) "
        '<a href="https://x.example/s/1">May 3, 2024</a></blockquote></div></figure>'
    )
    inner = f"<p>{STORY[0]}</p>{tweet}<p>{STORY[1]}</p><p>{STORY[2]}</p>"
    assert body_of(inner) == [
        STORY[0],
        "The dam is nearly empty tonight, see the pictures from the north bank",
        "— Valley Water (@valleywater) May 3, 2024",
        STORY[1],
        STORY[2],
    ]


def test_a_video_caption_is_article_text_without_its_credit() -> None:
    video = (
        '<figure class="video"><div class="player"><video src="dam.mp4"></video></div>'
        "<figcaption>Farmers describe the worst drought in forty years. Video: Ana Ruiz / Valley "
        "Times</figcaption></figure>"
    )
    photo = "<figure><img src='dam.jpg'><figcaption>The dam at dawn. Photo: Ana Ruiz</figcaption></figure>"
    inner = f"<p>{STORY[0]}</p>{video}<p>{STORY[1]}</p>{photo}<p>{STORY[2]}</p>"
    assert body_of(inner) == [
        STORY[0], "Farmers describe the worst drought in forty years.", STORY[1], STORY[2]
    ]


def test_a_feed_of_posts_beside_the_article_stays_out() -> None:
    feed = (
        '<aside class="feed"><blockquote class="twitter-tweet"><p>Our newest podcast is out now '
        "for all listeners</p>&mdash; Valley Times (@valleytimes)</blockquote></aside>"
    )
    html = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'></head><body>"
        "<article><h1>Reservoirs at a twenty-year low</h1>"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + f"</article>{feed}</body></html>"
    )
    art = extract_html(RawDocument(source="p.html", kind="html", content=html.encode(), format="html"))
    assert art is not None and art.body == STORY


def test_kicker_and_linked_headline_list_items_are_other_stories() -> None:
    items = (
        "<ul><li>Drought: <a href='/a'>Farmers ask for emergency help</a></li>"
        "<li>„Dry summer“: <a href='/b'>The river at its lowest since 1976</a></li></ul>"
    )
    inner = f"<p>{STORY[0]}</p><p>{STORY[1]}</p>{items}<p>{STORY[2]}</p>"
    assert body_of(inner) == STORY


def test_headings_repeated_by_a_table_of_contents_stay() -> None:
    toc = "<ol><li><a href='#tested'>How we measured</a></li><li><a href='#terms'>What the terms mean</a></li></ol>"
    inner = (
        f"{toc}<p>{STORY[0]}</p><h2 id='tested'>How we measured</h2><p>{STORY[1]}</p>"
        f"<h2 id='terms'>What the terms mean</h2><p>{STORY[2]}</p>"
    )
    body = body_of(inner)
    assert "How we measured" in body and "What the terms mean" in body
    assert body[-1] == STORY[2]


def test_names_and_headlines_doubled_for_screen_readers_go() -> None:
    tree = tree_of(f"<p>{STORY[0]}</p>")
    body = [STORY[0], "Bernt HulskerBerntHulsker", "Baden-Baden", STORY[1]]
    assert drop_link_blocks(body, tree) == [STORY[0], "Baden-Baden", STORY[1]]


def test_a_whole_page_with_the_site_s_furniture_around_the_article() -> None:
    """tests/fixtures/html/news_furniture.html: a page written for these tests, with a
    newsletter box, an embedded post, a tweet box, a video, a machine timestamp, an image
    address, a reprints link and a list of other stories in the article, a feed beside it, a
    placeholder author, page-builder tags and a UTC time the page also shows locally."""
    from datetime import datetime, timedelta, timezone
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "html" / "news_furniture.html"
    url = "https://www.riverside.example/news/spillway"
    art = extract_html(
        RawDocument(source=str(path), kind="html", content=path.read_bytes(), url=url, format="html")
    )
    assert art is not None
    assert art.body == [
        "Operators of the upper dam opened its spillway on Saturday night for the first time in "
        "eleven years, after three days of rain pushed the reservoir above its safe level.",
        "The water authority said the release would raise the river by up to a metre in the town "
        "centre by Sunday morning, and asked residents of the low streets to move cars and valuables.",
        "Spillway gates open at the upper dam. Stay away from the river banks tonight.",
        "— Riverside Water Authority (@riversidewater) November 4, 2023",
        "Firefighters spent the evening filling sandbags at the old market hall, where volunteers "
        "queued in the rain to collect them for houses along the embankment.",
        "Water pours through the opened spillway gates on Saturday night.",
        '"We have not seen the reservoir this full since the flood of 2012," the dam\'s chief '
        "engineer said, adding that the gates would stay open until the level fell.",
        "The authority will decide on Monday whether the lower dam must also release water.",
    ]
    assert art.authors == ["Tomasz Wierzbicki"]
    assert art.categories == ["Environment", "Flooding"]
    assert art.site == "riverside.example"
    # declared as 23:40 UTC on the 4th; the page shows its readers 00:40 on the 5th
    assert art.published == datetime(2023, 11, 5, 0, 40, tzinfo=timezone(timedelta(hours=1)))


def test_a_standfirst_repeating_the_declared_description_is_no_article_text() -> None:
    teaser = "Households are asked to save water as the reservoirs fall to a twenty-year low."
    head = f'<meta property="og:description" content="{teaser}">'
    inner = (
        f"<header><p class='standfirst'>{teaser}</p></header>"
        f"<div class='story'>{''.join(f'<p>{p}</p>' for p in STORY)}</div>"
    )
    assert body_of(inner, head) == STORY
    # a description that quotes the article's first paragraph, set among the others, is its text
    head = f'<meta property="og:description" content="{STORY[0]}">'
    inner = f"<div class='story'>{''.join(f'<p>{p}</p>' for p in STORY)}</div>"
    assert body_of(inner, head) == STORY
