"""The site's notes about itself and bare date lines are no article text; sentences like them stay."""

from __future__ import annotations

import lxml.html
from test_html_body import STORY as HTML_STORY

from quarry.archive.extract.boilerplate import is_boilerplate, paragraphs
from quarry.archive.extract.html import extract_html
from quarry.archive.extract.link_blocks import drop_link_blocks
from quarry.archive.model import RawDocument

STORY = HTML_STORY[:2]


def test_the_site_talking_about_itself_is_not_article_text() -> None:
    notes = [
        "Mit meiner Anmeldung zum Newsletter stimme ich den Nutzungsbedingungen zu.",
        "By signing up for the newsletter I agree to the terms of use.",
        "Über dieses Thema berichtete: Valley Radio am 03.05.2024 um 07:00 Uhr.",
        "Dieses Thema im Programm: Valley Radio | Nachrichten | 3. Mai 2024 | 07:00 Uhr",
        "This is a breaking news story - more to follow",
        "This story is developing and will be updated.",
        "For more stories like this, check our news page.",
        "Join thought-provoking conversations, follow other readers and see their replies",
        "Follow the Valley Times on Twitter and Facebook for the latest news updates.",
        "Get our news app for Android and iOS.",
        ">> All reservoir levels for 2024 at a glance",
        "You are using a browser version with limited support for CSS.",
        "You are using an outdated browser.",
        "Please update your browser to see this page as intended.",
        "Bitte markieren Sie die Wörter. Mit zwei Klicks melden Sie den Fehler der Redaktion.",
        "Hauptinhalt",
    ]
    kept = [line for line in notes if not is_boilerplate(line)]
    assert kept == []
    assert paragraphs("\n".join([STORY[0], *notes, STORY[1]])) == STORY


def test_sentences_that_share_those_words_stay() -> None:
    sentences = [
        "The farmers' newsletter said the harvest would be smaller than last year.",
        "Residents follow the river on foot to reach the dam when the road floods.",
        "The app that farmers use to book water was down for most of the week.",
        '"I agree with the newsletter," she said, "but my neighbours do not."',
        "Join the queue early, the ranger advised, as the car park fills by nine.",
        "The authority released its water app for Android and iOS last year.",
        "Users of older browser versions were exposed to the attack on the billing site.",
        "Residents can report an error in their water bill online.",
    ]
    assert [line for line in sentences if is_boilerplate(line)] == []


def test_lines_that_only_say_when_go() -> None:
    stamps = [
        "Uppdaterad 15.59 | Publicerad 14.14",
        "Freitag, 28.04.2023, 19:25",
        "- -Aktualisiert am",
        "Published 3 May 2024, 14:05 BST",
        "Updated",
        "Mis à jour le 3 mai 2024 à 14h05",
    ]
    assert [line for line in stamps if not is_boilerplate(line)] == []


def test_years_months_timetables_and_sentences_with_numbers_stay() -> None:
    text = [
        "2024",  # a timeline's heading
        "May 2024",
        "| 12.30 | 14.00 |",  # a timetable's row
        "Im Jahr 2023 flossen 12.000 Liter pro Sekunde durch das Wehr.",
        "The gates opened at 10:30 on Monday.",
    ]
    assert [line for line in text if is_boilerplate(line)] == []


def test_a_teaser_list_that_dates_each_linked_headline_goes() -> None:
    teasers = "".join(
        f'<li><div class="date">0{n}.05.2024</div><h3><a href="/s/{n}">Other story {n} on the '
        f"dam</a></h3><p>A teaser of the other story number {n}.</p></li>"
        for n in range(1, 4)
    )
    tree = lxml.html.fromstring(
        f"<html><body><article><p>{STORY[0]}</p><p>{STORY[1]}</p></article>"
        f"<ul>{teasers}</ul></body></html>"
    )
    body = [*STORY, *(f"- 0{n}.05.2024 Other story {n} on the dam" for n in range(1, 4))]
    assert drop_link_blocks(body, tree) == STORY


def test_lines_said_again_and_again_survive_the_whole_extraction() -> None:
    step = "Stir the sauce and let it simmer for five minutes until it thickens."
    paras = "".join(f"<p>{step}</p><p>Add cup number {n} of the stock to the pan.</p>" for n in range(4))
    html = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Valley soup</title>"
        f"</head><body><article><h1>Valley soup</h1><p>{STORY[0]}</p>{paras}<p>{STORY[1]}</p>"
        "</article></body></html>"
    )
    art = extract_html(RawDocument(source="p.html", kind="html", content=html.encode(), format="html"))
    assert art is not None and art.body.count(step) == 4


def test_a_contact_address_after_a_label_goes_an_address_in_a_sentence_stays() -> None:
    notes = [
        "Do you have a story to tell? Email: reporter@valley.example",
        "• Email: reporter@valley.example",
        "Ihre Meinung ist uns wichtig. Senden Sie uns Ihr Feedback an: briefe@valley.example",
    ]
    assert all(is_boilerplate(line) for line in notes)
    sentences = [
        "The messages came from admin@valley.example, the court heard.",
        "Investigators traced the account to the address admin@valley.example.",
    ]
    assert not any(is_boilerplate(line) for line in sentences)


def test_a_reading_time_note_goes_alone_or_after_the_date() -> None:
    notes = [
        "Lesedauer: 4 Minuten",
        "06. 01. 2026, 14:59 Uhr Lesedauer: 4 Minuten",
        "5 min read",
        "Updated 3 May 2024 · 6 min read",
        "Temps de lecture : 3 min",
    ]
    assert all(is_boilerplate(line) for line in notes)
    sentences = ["It was a 5 min read", "Reading time matters: 5 minutes", "The walk takes 5 min."]
    assert not any(is_boilerplate(line) for line in sentences)
