"""HTML article extraction on small hand-written pages modelled on real news pages."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quarry.archive.extract import NoArticle
from quarry.archive.extract.html import extract_html, guess_language
from quarry.archive.extract.metadata import date_from_url, parse_date_text, split_authors
from quarry.archive.model import Article, RawDocument, article_id, text_hash

FIXTURES = Path(__file__).parent / "fixtures" / "html"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

PARAGRAPHS = (
    "<p>The regional water authority said on Monday that reservoir levels had fallen to their "
    "lowest point in more than twenty years after an unusually dry spring and a hot summer.</p>"
    "<p>Officials asked households to cut their water use by a fifth and warned that a hosepipe "
    "ban could follow within weeks if the weather did not change.</p>"
    "<p>Farmers in the valley have already reduced irrigation, and several have said that their "
    "harvest will be smaller than last year as a result of the drought.</p>"
)


def raw_of(content: bytes | str, url: str | None = None, name: str = "page.html") -> RawDocument:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return RawDocument(source=name, kind="html", content=data, url=url, format="html")


def fixture(name: str, url: str | None = None) -> Article | None:
    path = FIXTURES / name
    return extract_html(raw_of(path.read_bytes(), url=url, name=str(path)))


# ------------------------------------------------------------------ full pages


def test_english_news_page() -> None:
    art = fixture("news_en.html")
    assert art is not None
    assert art.title == "City council approves new riverside park plan"
    assert art.authors == ["Maria Lopez", "James O'Neill"]
    assert art.published == datetime(2022, 9, 15, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    assert art.language == "en"
    assert art.site == "The Harbor Gazette"
    assert "Local News" in art.categories and "parks" in art.categories
    assert art.body[0].startswith("The city council voted eight to three")
    assert any("amphitheatre" in p for p in art.body)
    assert len(art.body) == 4


def test_english_page_has_no_chrome() -> None:
    art = fixture("news_en.html")
    assert art is not None
    text = art.text.lower()
    for chrome in ("cookie", "share on facebook", "tweet", "budget talks stall", "all rights"):
        assert chrome not in text, chrome
    assert "related" not in [p.lower() for p in art.body]


def test_identity_and_provenance() -> None:
    art = fixture("news_en.html")
    assert art is not None
    # No known URL: the page's canonical link (tracking parameters are dropped by article_id).
    assert art.url and art.url.startswith("https://www.harborgazette.example/news/local/")
    assert art.id == article_id("https://harborgazette.example/news/local/riverside-park-plan", [])
    assert art.text_hash == text_hash(art.body)
    assert len(art.provenance) == 1
    assert art.provenance[0].source.endswith("news_en.html")
    assert art.provenance[0].format == "html"


def test_known_url_wins_for_identity() -> None:
    url = "https://harborgazette.example/2022/09/15/park"
    art = fixture("news_en.html", url=url)
    assert art is not None
    assert art.url == url
    assert art.id == article_id(url, [])


def test_german_page() -> None:
    art = fixture("news_de.html")
    assert art is not None
    assert art.title == "Neuer Radweg entlang der Elbe eröffnet"
    assert art.language == "de"
    assert art.published == date(2023, 5, 3)
    assert art.site == "Elbkurier"
    assert art.authors == ["Anna Müller", "Peter Schmidt"]
    assert "Lesen Sie auch" not in art.body
    assert art.body[0].startswith("Nach zwei Jahren Bauzeit")


def test_highwire_citation_metadata() -> None:
    art = fixture("highwire.html")
    assert art is not None
    assert art.title == "Sediment transport in small tidal estuaries"
    assert art.authors == ["Ingrid Berg", "Hiroshi Tanaka"]
    assert art.published == date(2021, 3, 8)


@pytest.mark.parametrize("name", ["not_found.html", "nav_only.html"])
def test_no_article(name: str) -> None:
    with pytest.raises(NoArticle, match="no article found"):
        fixture(name)


def test_empty_and_binary_pages_are_no_article() -> None:
    assert extract_html(raw_of(b"")) is None
    with pytest.raises(NoArticle, match="no article found"):
        extract_html(raw_of("<html><body></body></html>"))
    assert extract_html(raw_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)) is None


# ------------------------------------------------------------------ single features


def page(head: str = "", body: str = PARAGRAPHS, lang: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attr}><head><meta charset='utf-8'>{head}</head>"
        f"<body><article><h1>Reservoirs at twenty-year low</h1>{body}</article></body></html>"
    )


def test_publication_date_preferred_over_modified() -> None:
    head = (
        '<meta property="article:modified_time" content="2022-10-01T09:00:00Z">'
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"dateModified": "2022-10-01", "datePublished": "2022-09-20T07:15:00-04:00"}</script>'
    )
    art = extract_html(raw_of(page(head)))
    assert art is not None
    assert art.published == datetime(2022, 9, 20, 7, 15, tzinfo=timezone(timedelta(hours=-4)))


def test_time_element_date() -> None:
    body = '<p class="meta"><time datetime="2021-06-05" pubdate>5 June 2021</time></p>' + PARAGRAPHS
    art = extract_html(raw_of(page(body=body)))
    assert art is not None and art.published == date(2021, 6, 5)


def test_url_date() -> None:
    art = extract_html(raw_of(page(), url="https://news.example/2019/04/02/reservoirs-low"))
    assert art is not None and art.published == date(2019, 4, 2)


def test_date_without_offset_is_a_date() -> None:
    head = '<meta property="article:published_time" content="2020-01-02T08:00:00">'
    art = extract_html(raw_of(page(head)))
    assert art is not None and art.published == date(2020, 1, 2)


def test_byline_string_author_split() -> None:
    head = '<meta name="author" content="By Jane Doe, John Roe &amp; Ann Poe">'
    art = extract_html(raw_of(page(head)))
    assert art is not None and art.authors == ["Jane Doe", "John Roe", "Ann Poe"]


def test_title_site_suffix_stripped() -> None:
    head = (
        "<title>Reservoirs at twenty-year low - Valley Times</title>"
        '<meta property="og:site_name" content="Valley Times">'
    )
    html = page(head).replace("<h1>Reservoirs at twenty-year low</h1>", "")
    art = extract_html(raw_of(html))
    assert art is not None and art.title == "Reservoirs at twenty-year low"


def titled_page(head: str, headings: str = "", url: str | None = None) -> RawDocument:
    """A page with the given <head> content and headings above the standard paragraphs."""
    html = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head>"
        f"<body><article>{headings}{PARAGRAPHS}</article></body></html>"
    )
    return raw_of(html, url=url)


def ld_headline(headline: str, name: str = "") -> str:
    obj = {"@type": "NewsArticle", "headline": headline}
    if name:
        obj["name"] = name
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def title_of(raw: RawDocument) -> str:
    art = extract_html(raw)
    assert art is not None
    return art.title


def test_title_visible_heading_settles_disagreeing_metadata() -> None:
    head = (
        '<meta property="og:title" content="Dry spring leaves reservoirs low">'
        + ld_headline("Reservoirs fall to their lowest level in twenty years")
    )
    shown_ld = "<h1>Reservoirs fall to their lowest level in twenty years</h1>"
    assert title_of(titled_page(head, shown_ld)) == (
        "Reservoirs fall to their lowest level in twenty years"
    )
    shown_og = "<h1>Dry spring leaves reservoirs low</h1>"
    assert title_of(titled_page(head, shown_og)) == "Dry spring leaves reservoirs low"


def test_title_visible_heading_picks_jsonld_name_over_description_headline() -> None:
    head = ld_headline("river in the north of the valley", name="Elbe")
    assert title_of(titled_page(head, "<h1>Elbe</h1>")) == "Elbe"


def test_title_document_title_settles_when_no_heading_matches() -> None:
    head = (
        "<title>Reservoirs fall to a twenty-year low | Environment | Valley Times</title>"
        '<meta property="og:title" content="Dry spring leaves reservoirs low">'
        + ld_headline("Reservoirs fall to a twenty-year low")
    )
    assert title_of(titled_page(head, "<h1>Latest news</h1>")) == (
        "Reservoirs fall to a twenty-year low"
    )


def test_title_falls_back_to_og_title_when_page_settles_nothing() -> None:
    head = (
        "<title>Valley Times</title>"
        '<meta property="og:title" content="Dry spring leaves reservoirs low">'
        + ld_headline("Reservoirs fall to a twenty-year low")
    )
    assert title_of(titled_page(head)) == "Dry spring leaves reservoirs low"


def test_title_heading_with_kicker_confirms_the_bare_headline() -> None:
    head = (
        '<meta property="og:title" content="Reservoirs fall to a twenty-year low">'
        + ld_headline("Households asked to save water")
    )
    heading = "<h1>Drought: Reservoirs fall to a twenty-year low</h1>"
    assert title_of(titled_page(head, heading)) == "Reservoirs fall to a twenty-year low"


def test_title_heading_shown_whole_beats_kicker_match() -> None:
    head = (
        '<meta property="og:title" content="Reservoirs fall to a twenty-year low">'
        + ld_headline("Drought: Reservoirs fall to a twenty-year low")
    )
    heading = "<h1>Drought: Reservoirs fall to a twenty-year low</h1>"
    assert title_of(titled_page(head, heading)) == "Drought: Reservoirs fall to a twenty-year low"


def test_title_keeps_metadata_punctuation_lost_in_heading_layout() -> None:
    head = '<meta property="og:title" content="Drought: Two officials resign - and questions remain">'
    heading = "<h1><span>Drought</span> Two officials resign - and questions remain</h1>"
    assert title_of(titled_page(head, heading)) == (
        "Drought: Two officials resign - and questions remain"
    )


def test_title_site_name_with_extra_word_stripped() -> None:
    head = (
        "<title>Reservoirs at twenty-year low | Kestrel News Online</title>"
        '<meta property="og:site_name" content="Kestrel">'
    )
    assert title_of(titled_page(head)) == "Reservoirs at twenty-year low"


def test_title_site_name_from_transliterated_host_stripped() -> None:
    head = '<meta property="og:title" content="Reservoirs at twenty-year low | Flussblätter">'
    raw = titled_page(head, url="https://www.flussblaetter.example/article/1")
    assert title_of(raw) == "Reservoirs at twenty-year low"


def test_title_unrecognised_trailing_part_dropped_when_heading_shows_rest() -> None:
    head = '<meta property="og:title" content="Reservoirs at twenty-year low - Morning Brief">'
    heading = "<h1>Reservoirs at twenty-year low</h1>"
    assert title_of(titled_page(head, heading)) == "Reservoirs at twenty-year low"


def test_title_not_cut_down_to_a_logo_heading() -> None:
    head = '<meta property="og:title" content="Reservoirs at twenty-year low :: Morning Brief">'
    headings = "<h1>Morning Brief</h1><h2>Environment</h2>"
    assert title_of(titled_page(head, headings)) == (
        "Reservoirs at twenty-year low :: Morning Brief"
    )


def test_title_invisible_characters_removed() -> None:
    head = '<meta property="og:title" content="Reser&shy;voirs at twenty-year\u200b low">'
    assert title_of(titled_page(head)) == "Reservoirs at twenty-year low"


def test_title_dublin_core_colon_spelling() -> None:
    head = '<meta name="dc:title" content="Reservoirs at twenty-year low">'
    assert title_of(titled_page(head, "<h1>Valley Times</h1>")) == "Reservoirs at twenty-year low"


def test_title_without_metadata_prefers_heading_named_in_document_title() -> None:
    head = "<title>Low water: reservoirs at twenty-year low · Valley Times</title>"
    headings = "<h1>Valley Times</h1><h1>Low water: reservoirs at twenty-year low</h1>"
    assert title_of(titled_page(head, headings)) == "Low water: reservoirs at twenty-year low"


def test_title_cut_short_by_an_unescaped_quote_taken_whole_from_heading() -> None:
    # the page wrote content="Reservoirs at a "historic" low": the attribute ends at the quote
    head = '<meta property="og:title" content="Reservoirs at a "historic" low">'
    heading = '<h1>Reservoirs at a "historic" low</h1>'
    assert title_of(titled_page(head, heading)) == 'Reservoirs at a "historic" low'
    # a shorter title that all metadata agree on is not replaced by a longer heading
    head = '<meta property="og:title" content="Reservoirs at a low">'
    assert title_of(titled_page(head, "<h1>Reservoirs at a low, experts warn</h1>")) == (
        "Reservoirs at a low"
    )


def other_titles_of(raw: RawDocument) -> tuple[str, list[str]]:
    art = extract_html(raw)
    assert art is not None
    return art.title, art.other_titles


def test_other_headlines_kept_beside_the_title() -> None:
    head = (
        "<title>Households told to save water as reservoirs fall | Environment | Valley Times"
        "</title>"
        '<meta property="og:site_name" content="Valley Times">'
        '<meta property="og:title" content="Dry spring leaves reservoirs at record low">'
        + ld_headline("Reservoirs fall to their lowest level in twenty years")
    )
    heading = "<h1>Reservoirs fall to their lowest level in twenty years</h1>"
    title, others = other_titles_of(titled_page(head, heading))
    assert title == "Reservoirs fall to their lowest level in twenty years"
    # the social-card headline, then the <title> headline without its section and site parts
    assert others == [
        "Dry spring leaves reservoirs at record low",
        "Households told to save water as reservoirs fall",
    ]


def test_other_headlines_that_add_nothing_are_not_kept() -> None:
    head = (
        "<title>Reservoirs fall to their lowest level in twenty years - Valley Times</title>"
        '<meta property="og:site_name" content="Valley Times">'
        # a shortened variant, the title plus a section, the site's name, the title and a date
        '<meta property="og:title" content="Reservoirs fall to lowest level">'
        '<meta name="twitter:title" content="Reservoirs fall to their lowest level in twenty '
        'years - National">'
        '<meta name="parsely-title" content="Reservoirs fall to their lowest level in twenty '
        'years, Valley Times, 02.05.2024">'
        + ld_headline("Reservoirs fall to their lowest level in twenty years", name="Valley Times")
    )
    heading = "<h1>Reservoirs fall to their lowest level in twenty years</h1><h1>Log In</h1>"
    title, others = other_titles_of(titled_page(head, heading))
    assert title == "Reservoirs fall to their lowest level in twenty years"
    assert others == []


def test_language_from_text_when_declared_wrong() -> None:
    body = (
        "<p>Die Wasserbehörde der Region teilte am Montag mit, dass die Pegel der Stauseen auf den "
        "tiefsten Stand seit mehr als zwanzig Jahren gefallen sind. Das ist nicht gut für die "
        "Landwirte, die auf das Wasser angewiesen sind.</p><p>Die Behörden baten die Haushalte, "
        "ihren Verbrauch um ein Fünftel zu senken, und warnten vor einem Verbot, das auch für "
        "Gärten gelten soll.</p>"
    )
    art = extract_html(raw_of(page(body=body, lang="en")))
    assert art is not None and art.language == "de"


def test_language_from_html_lang() -> None:
    art = extract_html(raw_of(page(lang="en-GB")))
    assert art is not None and art.language == "en"


def test_cp1252_page_with_wrong_charset_has_no_mojibake() -> None:
    html = page(body=PARAGRAPHS + "<p>It’s “dry” — très sec, said the café owner.</p>")
    art = extract_html(raw_of(html.encode("cp1252")))
    assert art is not None
    assert "It’s “dry” — très sec" in art.text
    assert "â€" not in art.text and "Ã" not in art.text


def test_utf16_page() -> None:
    data = ("\ufeff" + page()).encode("utf-16-le")
    art = extract_html(RawDocument(source="p.html", kind="html", content=data))
    assert art is not None and art.title == "Reservoirs at twenty-year low"


# ------------------------------------------------------------------ metadata helpers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 September 2022", date(2022, 9, 15)),
        ("September 5, 2022", date(2022, 9, 5)),
        ("2022-09-15", date(2022, 9, 15)),
        (
            "2022-09-15T10:00:00+02:00",
            datetime(2022, 9, 15, 10, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2022-09-15T10:00:00Z", datetime(2022, 9, 15, 10, tzinfo=timezone.utc)),
        ("5.9.2022", date(2022, 9, 5)),
        (
            "Fri Oct 20, 2006 6:15pm EDT",
            datetime(2006, 10, 20, 18, 15, tzinfo=timezone(timedelta(hours=-4))),
        ),
        ("26-FEB-1987 15:01:01.79", date(1987, 2, 26)),
        ("3. Mai 2023", date(2023, 5, 3)),
        ("12 de marzo de 2021", date(2021, 3, 12)),
        ("Sept. 5, 2022", date(2022, 9, 5)),
        ("2022/09/15", date(2022, 9, 15)),
        ("no date here", None),
        ("", None),
        ("31.02.2022", None),
    ],
)
def test_parse_date_text(text: str, expected: date | datetime | None) -> None:
    assert parse_date_text(text) == expected


def test_parse_date_text_naive_time() -> None:
    assert parse_date_text("26-FEB-1987 15:01:01.79", naive_time=True) == datetime(
        1987, 2, 26, 15, 1, 1, 790000
    )


def test_date_from_url() -> None:
    assert date_from_url("https://x.example/2022/09/15/story") == date(2022, 9, 15)
    assert date_from_url("https://x.example/news/20220915-story") == date(2022, 9, 15)
    assert date_from_url("https://x.example/news/story-12345") is None


def test_split_authors() -> None:
    assert split_authors("By Jane Doe and John E. Smith") == ["Jane Doe", "John E. Smith"]
    assert split_authors("Von Anna Müller und Peter Schmidt") == ["Anna Müller", "Peter Schmidt"]
    assert split_authors(["https://facebook.com/jane", "Jane Doe"]) == ["Jane Doe"]


def test_guess_language() -> None:
    assert (
        guess_language("The cat sat on the mat and it was happy with the food that was there")
        == "en"
    )
    assert (
        guess_language("Le chat est sur le tapis et il est content avec la nourriture qui est là")
        == "fr"
    )
    assert (
        guess_language(
            "これは日本語の文章です。ひらがなとカタカナが含まれています。東京は日本の首都です。"
        )
        == "ja"
    )
    assert guess_language("") is None


# ------------------------------------------------------------------ shared gold (optional)


def test_shared_fundus_sample() -> None:
    manifest = SHARED / "fundus-news-html" / "gold_manifest.jsonl"
    if not manifest.exists():
        pytest.skip(f"shared corpus not present at {manifest}")
    rows = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()[:5]]
    found = 0
    for row in rows:
        content = gzip.decompress((manifest.parent / row["html_file"]).read_bytes())
        art = extract_html(raw_of(content, url=row["url"], name=row["html_file"]))
        found += art is not None and bool(art.body)
    assert found >= 4


def _with_ld_authors(*names: str) -> Article | None:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Reservoirs fall",
                     "author": [{"@type": "Person", "name": n} for n in names]})
    head = f'<title>Reservoirs fall</title><script type="application/ld+json">{ld}</script>'
    return extract_html(raw_of(page(head=head)))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["Ana Ruiz and Bo Lindqvist"], ["Ana Ruiz", "Bo Lindqvist"]),
        (["Ana Ruiz, Bo Lindqvist, Chen Wei and Dara Okafor"], ["Ana Ruiz", "Bo Lindqvist", "Chen Wei", "Dara Okafor"]),
        (["Ana Ruiz", "(Image: Getty Images/iStockphoto)", "(Image: Getty Images)"], ["Ana Ruiz"]),
        (["Ruiz, Ana"], ["Ruiz, Ana"]),  # one person, surname first: not two
        (["AFP, Manila"], ["AFP, Manila"]),  # an agency and a place, not two people
        (["Ana Ruiz", "Ana Ruiz and Bo Lindqvist"], ["Ana Ruiz", "Bo Lindqvist"]),
        (["Ana Ruiz und Bo Lindqvist, dpa"], ["Ana Ruiz", "Bo Lindqvist", "dpa"]),  # an agency beside
        (["Ana Ruiz og Bo Lindqvist"], ["Ana Ruiz", "Bo Lindqvist"]),
        (["Ana Ruiz, Manila"], ["Ana Ruiz, Manila"]),  # a place is no agency
        (["Ana Ruiz (aru)", "Bo Lindqvist (bli.)"], ["Ana Ruiz", "Bo Lindqvist"]),  # handles dropped
        (["Ana Ruiz (AFP)"], ["Ana Ruiz (AFP)"]),
    ],
)
def test_author_facet_values_are_people(given, expected):
    art = _with_ld_authors(*given)
    assert art is not None and art.authors == expected


def test_stated_article_body_restores_text_split_across_containers() -> None:
    from quarry.archive.extract.body import _fuller_body

    paragraphs = [
        f"Paragraph {n} of the report on the reservoirs, with enough words to count as running text."
        for n in range(1, 9)
    ]
    extracted = paragraphs[:3]  # the extractor kept only the first container
    stated = "+++dropcap\n\n" + "\n\n".join(paragraphs).replace(
        "report", "[report](https://example.org/r)"
    ).replace("reservoirs", "*reservoirs*{: .small}")
    assert _fuller_body(extracted, [stated]) == paragraphs  # markdown and layout marks removed
    # a summary, another article, or markup never replaces what was extracted
    assert _fuller_body(extracted, ["\n\n".join(paragraphs[:2])]) == extracted
    other = [p.replace("reservoirs", "harvest").replace("Paragraph", "Section") for p in paragraphs]
    assert _fuller_body(extracted, ["\n\n".join(other * 2)]) == extracted
    assert _fuller_body(extracted, ["\n\n".join(f"<p>{p}</p>" for p in paragraphs)]) == extracted


def test_placeholders_and_picture_credits_are_not_article_text() -> None:
    from quarry.archive.extract.boilerplate import paragraphs

    lines = [
        "The regional water authority said reservoir levels had fallen to a twenty-year low.",
        "STR/AFP via Getty Images",
        "External content not available",
        "Officials asked households to cut their water use by a fifth.",
        "Foto: Anna Berg",
        "External content not available",
        "Farmers in the valley have already reduced irrigation.",
        "External content not available",
        "A photo: the dam at dawn, seen from the north bank of the river, in May.",
    ]
    assert paragraphs("\n".join(lines)) == [lines[0], lines[3], lines[6], lines[8]]
    # code repeats itself and stays
    code = ["SELECT status, count(*)", "FROM requests", "GROUP BY status", "ORDER BY status", "list: ["]
    assert paragraphs("\n".join(code * 3)) == code * 3


def test_the_next_story_of_an_endless_scroll_page_is_not_this_article() -> None:
    import lxml.html

    from quarry.archive.extract.body import _one_article

    first = [f"Reservoir paragraph {n}: the water authority reported falling levels across the valley."
             for n in range(15)]  # fmt: skip
    second = [f"Football paragraph {n}: the club confirmed talks with a new manager on Tuesday night."
              for n in range(15)]  # fmt: skip

    def article(paragraphs: list[str]) -> str:
        return "<article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"

    tree = lxml.html.fromstring(f"<html><body>{article(first)}{article(second)}</body></html>")
    assert _one_article(first + second[:5], tree) == first
    # one article on the page, or text that is not in any article: nothing is dropped
    alone = lxml.html.fromstring(f"<html><body>{article(first)}<div>{second[0]}</div></body></html>")
    assert _one_article(first + second[:1], alone) == first + second[:1]


def test_an_article_split_into_containers_of_one_kind_is_read_whole() -> None:
    import lxml.html

    from quarry.archive.extract.body import _continued

    part1 = [f"Part one, paragraph {n}: the water authority reported falling levels in the valley."
             for n in range(4)]  # fmt: skip
    part2 = [f"Part two, paragraph {n}: farmers said the harvest would be smaller than last year."
             for n in range(4)]  # fmt: skip
    most_read = "".join(f"<li>Most read story number {n} about something else entirely</li>" for n in range(5))

    def block(paragraphs: list[str]) -> str:
        return '<div class="article-body">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>"

    html = (f"<html><body>{block(part1)}<div class='ad'>Advertisement</div>{block(part2)}"
            f'<div class="article-body"><ul>{most_read}</ul><p>Short teaser.</p></div></body></html>')  # fmt: skip
    tree = lxml.html.fromstring(html)
    assert _continued(part1, tree) == part1 + part2
    # without a second container of the same kind, nothing is added
    other = '<div class="related">' + "".join(f"<p>{p}</p>" for p in part2) + "</div>"
    tree = lxml.html.fromstring(f"<html><body>{block(part1)}{other}</body></html>")
    assert _continued(part1, tree) == part1


# ------------------------------------------------------------------ the local publication day


def _dated(head: str = "", shown: str = "", url: str | None = None) -> date | datetime | None:
    art = extract_html(raw_of(page(head, body=shown + PARAGRAPHS), url=url))
    assert art is not None
    return art.published


def test_the_local_time_the_page_also_declares_beats_its_utc_time() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2024-05-03T22:30:00Z"}</script>'
        '<meta property="article:published_time" content="2024-05-04T00:30:00+02:00">'
    )
    assert _dated(head) == datetime(2024, 5, 4, 0, 30, tzinfo=timezone(timedelta(hours=2)))


def test_the_local_time_the_page_shows_gives_the_day() -> None:
    head = '<meta property="article:published_time" content="2024-05-03T23:15:00Z">'
    shown = '<p class="meta"><time datetime="2024-05-03T23:15:00Z">4. Mai 2024, 01:15 Uhr</time></p>'
    assert _dated(head, shown) == datetime(2024, 5, 4, 1, 15, tzinfo=timezone(timedelta(hours=2)))
    shown = '<p><span class="byline-date">May 3, 2024 at 7:15 pm</span></p>'
    assert _dated(head, shown) == datetime(2024, 5, 3, 19, 15, tzinfo=timezone(timedelta(hours=-4)))
    # a time shown that is no time-zone offset away (an update, 47 minutes later) is no evidence
    shown = '<p><span class="date">Updated 4 May 2024, 00:02</span></p>'
    assert _dated(head, shown) == datetime(2024, 5, 3, 23, 15, tzinfo=timezone.utc)


def test_the_day_in_the_url_gives_the_local_day_of_a_utc_time() -> None:
    head = '<meta property="article:published_time" content="2024-05-03T23:15:00Z">'
    assert _dated(head, url="https://news.example/2024/05/04/reservoirs") == date(2024, 5, 4)
    # a URL day that moment falls on nowhere on earth is not its day
    assert _dated(head, url="https://news.example/2024/05/06/reservoirs") == datetime(
        2024, 5, 3, 23, 15, tzinfo=timezone.utc
    )


def test_the_urls_day_beats_a_stated_day_long_after_it() -> None:
    # the page was re-stamped on revision; its URL keeps the day it first appeared
    head = '<meta property="article:published_time" content="2019-06-17T18:28:00+02:00">'
    assert _dated(head, url="https://blog.example/2017/07/12/montauk-weekend") == date(2017, 7, 12)
    # a URL carrying the next day's print date does not move the stated day
    stated = datetime(2016, 7, 29, 16, 42, tzinfo=timezone(timedelta(hours=-4)))
    head = '<meta property="article:published_time" content="2016-07-29T16:42:00-04:00">'
    assert _dated(head, url="https://paper.example/2016/07/30/business/deal.html") == stated
    assert _dated(head, url="https://paper.example/2016/07/28/business/deal.html") == stated


def test_the_day_the_text_says_it_was_published_beats_a_linked_posts_day() -> None:
    sidebar = '<ul class="older"><li><a href="/news/2010/06/old-post/">An older post</a></li></ul>'
    url = "https://blog.example/news/2011/12/reservoirs/"
    said = "<p class='postmetadata'>Dieser Beitrag wurde am Samstag, 3. Dezember 2011 um 10:15 Uhr veröffentlicht.</p>"
    art = extract_html(raw_of(page(body=PARAGRAPHS + said + sidebar), url=url))
    assert art is not None and art.published == date(2011, 12, 3)
    said = "<p>This entry was posted on Saturday, December 3rd, 2011 and is filed under News.</p>"
    art = extract_html(raw_of(page(body=PARAGRAPHS + said + sidebar), url=url))
    assert art is not None and art.published == date(2011, 12, 3)


def test_a_guessed_day_outside_the_urls_month_is_no_date() -> None:
    shown = '<p class="meta"><time datetime="2010-06-01">1 June 2010</time></p>'
    assert _dated(shown=shown, url="https://blog.example/news/2010/06/reservoirs/") == date(2010, 6, 1)
    assert _dated(shown=shown, url="https://blog.example/news/2011/12/reservoirs/") is None


def test_a_declared_publication_time_beats_the_time_the_text_was_created() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"dateCreated": "2024-05-05T08:00:00+02:00"}</script>'
        '<meta itemprop="datePublished" content="2024-05-04T16:00:00+02:00">'
    )
    assert _dated(head) == datetime(2024, 5, 4, 16, 0, tzinfo=timezone(timedelta(hours=2)))


# ------------------------------------------------------------------ cleaner records


def _record(head: str, url: str | None = None) -> Article:
    art = extract_html(raw_of(page(head), url=url))
    assert art is not None
    return art


def test_page_builder_values_are_not_categories() -> None:
    ld = json.dumps({"@type": "NewsArticle", "keywords": [
        "LockedPostSource:LOCKED_POST_SOURCE_NONE", "Elevated:false", "LayerCake:0", "Drought",
        "_Prio_3", "editors_pick", "comments-enabled", "98be933f-38cf-4fba-b6c6-ad438e82010a",
        "nil", "Water &amp; Climate", "iPhone"]})  # fmt: skip
    head = (
        f'<script type="application/ld+json">{ld}</script>'
        '<meta property="article:tag" content="Day: Friday">'
        '<meta property="article:tag" content="Page Type: Article">'
        '<meta property="article:tag" content="Subject: Agriculture">'
    )
    assert _record(head).categories == ["Drought", "Water & Climate", "iPhone", "Agriculture"]
    # one labelled value among plain tags is the editors' own
    head = '<meta name="keywords" content="Drought, Reservoirs: the summer of 2024">'
    assert _record(head).categories == ["Drought", "Reservoirs: the summer of 2024"]


@pytest.mark.parametrize("placeholder", ["Username", "admin", "Author Name", "user123", "Anonymous"])
def test_template_placeholders_are_not_authors(placeholder: str) -> None:
    head = f'<meta name="author" content="{placeholder}">'
    assert _record(head).authors == []
    # a placeholder in the metadata gives way to the byline the page shows
    html = page(head, body='<p class="byline">By Ana Ruiz</p>' + PARAGRAPHS)
    art = extract_html(raw_of(html))
    assert art is not None and art.authors == ["Ana Ruiz"]


def test_site_is_the_publisher_s_name_or_the_domain() -> None:
    publisher = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"publisher": {"@type": "Organization", "name": "Valley Times"}}</script>'
    )
    site_name = '<meta property="og:site_name" content="The Valley Times Online">'
    url = "https://www.valleytimes.example/2024/05/03/reservoirs"
    assert _record(publisher + site_name, url).site == "Valley Times"
    assert _record(site_name, url).site == "The Valley Times Online"
    assert _record("", url).site == "valleytimes.example"
    assert _record('<meta property="og:site_name" content="https://www.valleytimes.example">').site == (
        "valleytimes.example"
    )
    notice = '<meta property="og:site_name" content="© 2024 Valley Times. All rights reserved.">'
    assert _record(notice).site == "Valley Times"
    assert _record("").site is None
