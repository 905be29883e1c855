"""The CSL-JSON record of an article: bylines split or kept whole, item type by source, dates,
the outlet's own byline, text as written."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from quarry.archive.citation import csl_item, csl_name, item_type
from quarry.archive.citation.names import not_a_person
from quarry.archive.model import Article, Provenance


def article(**kw) -> Article:
    base = dict(id="0123456789abcdef", title="A title", body=["First paragraph."])
    return Article(**{**base, **kw})


@pytest.mark.parametrize("byline,expected", [
    ("Jane Doe", {"family": "Doe", "given": "Jane"}),
    ("Anna Giulia Fink", {"family": "Fink", "given": "Anna Giulia"}),
    ("Jan van der Berg", {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}),
    ("Osama bin Laden", {"family": "Laden", "given": "Osama", "non-dropping-particle": "bin"}),
    ("Ayman al-Zawahiri", {"family": "al-Zawahiri", "given": "Ayman"}),  # written attached
    ("Martin Luther King Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
    ("King, Martin Luther, Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
    ("King, Jr., Martin Luther", {"literal": "King, Jr., Martin Luther"}),  # unreadable: whole
    ("Doe, Jane", {"family": "Doe", "given": "Jane"}),
    ("Dr. Max Kolter", {"family": "Kolter", "given": "Max"}),  # the title is not a name
    ("Jean-Claude Van Damme", {"family": "Van Damme", "given": "Jean-Claude"}),
    ("Bill MCCARTHY", {"family": "MCCARTHY", "given": "Bill"}),
    ("André Oliver KLEIN", {"family": "KLEIN", "given": "André Oliver"}),
    ("Sweidah", {"family": "Sweidah"}),  # a single-name author
    ("Pope Francis", {"literal": "Pope Francis"}),  # no given name and family name
    ("  Jane \n Doe ", {"family": "Doe", "given": "Jane"}),
])  # fmt: skip
def test_person_names_are_split(byline, expected):
    assert csl_name(byline) == expected


@pytest.mark.parametrize("byline,site,reason", [
    ("European Eye on Radicalization", None, "a lower-case word that is no name particle"),
    ("Associated Press", None, "an organisation word"),
    ("Deutsche Presse-Agentur", None, "an organisation word"),
    ("MM-Redaktion", None, "an organisation word"),
    ("Sample Desk", None, "an organisation word"),
    ("The Associated Press", None, "an organisation word"),
    ("Der Spiegel", None, "starts with an article"),
    ("FOCUS online", None, "an organisation word"),
    ("Le Figaro et AFP", None, "a lower-case word that is no name particle"),
    ("AFP", None, "an acronym"),
    ("AFP Deutschland", None, "an acronym"),
    ("dpa", None, "no capitalised name"),
    ("BR24 Redaktion", None, "not shaped like a name"),
    ("ndr.de", None, "not shaped like a name"),
    ("srf/hosb", None, "not shaped like a name"),
    ("Emma Smith (Wire)", None, "not shaped like a name"),
    ("岳弘彬", None, "written family name first"),
    ("대한 민국", None, "written family name first"),
    ("DerStandard", "derStandard.at", "the site's own name"),
    ("Example Monitor", "Example Monitor", "the site's own name"),
    ("One Two Three Four Five Six Seven", None, "too many words for a name"),
])  # fmt: skip
def test_organisations_and_other_bylines_are_kept_whole(byline, site, reason):
    assert not_a_person(byline, site) == reason
    assert csl_name(byline, site) == {"literal": " ".join(byline.split())}


def test_a_person_named_like_a_site_label_is_still_a_person():
    # several words matching the host only when squeezed together: judged by shape, not the site
    assert csl_name("Juan Cole", "juancole.com") == {"family": "Cole", "given": "Juan"}
    assert not_a_person("Jerrold Post", "Example Post") is None  # "Post" alone is no organisation


@pytest.mark.parametrize("kw,kind", [
    (dict(url="https://example.org/files/strategy.pdf"), "report"),
    (dict(url="https://example.org/x", provenance=[Provenance(source="a.pdf", format="pdf")]), "report"),
    (dict(categories=["Policy Briefs"]), "report"),
    (dict(categories=["Working Paper"]), "report"),
    (dict(url="https://example.org/publications/2021/cve-strategy"), "report"),
    (dict(url="https://blog.example.org/a-post"), "post-weblog"),
    (dict(url="https://example.org/blogs/jihadology/a-post"), "post-weblog"),
    (dict(site="Counter Extremism Blog"), "post-weblog"),
    (dict(url="https://someone.wordpress.com/2021/01/02/x"), "post-weblog"),
    (dict(site="Quarry Sample Review"), "article-magazine"),
    (dict(site="Example Times"), "article-newspaper"),
    (dict(url="https://www.derstandard.at/story/2000123/x"), "article-newspaper"),
    (dict(url="https://example.org/2022/03/hezbollah-finances"), "article-newspaper"),
    (dict(url="https://example.org/news/world-123"), "article-newspaper"),
    (dict(categories=["News"]), "article-newspaper"),
    (dict(categories=["Reports"], site="Example Institute"), "webpage"),  # "Reports" is ambiguous
    (dict(site="European Eye on Radicalization"), "webpage"),
    (dict(), "webpage"),
    (dict(url="http://[not a url"), "webpage"),
])  # fmt: skip
def test_item_type_comes_from_the_articles_own_metadata(kw, kind):
    assert item_type(article(**kw)) == kind


def test_record_fields():
    a = article(
        title="Wer sind die Islamisten?",
        authors=["Jane Doe", "European Eye on Radicalization"],
        url="https://example.org/2021/03/wer sind",
        published=datetime(2021, 3, 4, 22, 30, tzinfo=timezone.utc),
        site="Example Zeitung",
        language="de",
        categories=["Analysis", "Extremism"],
        provenance=[
            Provenance(source="b.warc", captured="2023-06-01T10:00:00Z"),
            Provenance(source="a.warc", captured="20230506093000"),
            Provenance(source="c.html", captured="not a date"),
        ],
    )
    item = csl_item(a)
    assert item["type"] == "article-newspaper" and item["id"] == a.id
    assert item["title"] == "Wer sind die Islamisten?"  # as written: no mark added or taken
    assert item["author"] == [{"family": "Doe", "given": "Jane"}, {"literal": "European Eye on Radicalization"}]
    assert item["container-title"] == "Example Zeitung"
    assert item["issued"] == {"date-parts": [[2021, 3, 4]]}
    assert item["accessed"] == {"date-parts": [[2023, 5, 6]]}  # the first capture
    assert item["URL"] == "https://example.org/2021/03/wer%20sind"
    assert item["language"] == "de" and item["keyword"] == "Analysis, Extremism"
    assert item["abstract"] == "First paragraph." and item["note"] == f"Quarry archive id {a.id}"


def test_the_outlets_own_byline():
    # a news article signed only by the outlet is unsigned: styles lead with its title
    news = csl_item(article(authors=["DerStandard"], site="derStandard.at", url="https://derstandard.at/story/1"))
    assert "author" not in news and news["container-title"] == "derStandard.at"
    # a web page by the site's owner keeps its author and does not name the site twice
    page = csl_item(article(authors=["European Eye on Radicalization"], site="European Eye on Radicalization"))
    assert page["type"] == "webpage" and page["author"] == [{"literal": "European Eye on Radicalization"}]
    assert "container-title" not in page
    report = csl_item(article(authors=["Example Institute"], site="Example Institute", url="https://example.org/r.pdf"))
    assert report["type"] == "report" and "publisher" not in report


def test_hostile_text_is_kept_but_made_one_line():
    a = article(
        title='  "Quotes" {braces} \\ 100% @home\nline two\u202eRTL\x07 ',
        authors=["", "   "],
        url="javascript:alert(1)",
        body=[],
    )
    item = csl_item(a)
    assert item["title"] == '"Quotes" {braces} \\ 100% @home line twoRTL'
    assert "author" not in item and "URL" not in item and "abstract" not in item
    assert "title" not in csl_item(article(title="", body=[]))


def test_abstract_is_the_first_paragraph_cut_at_a_word():
    item = csl_item(article(body=["word " * 400, "second"]))
    assert len(item["abstract"]) <= 1002 and item["abstract"].endswith("word …")
    assert csl_item(article(published=date(2020, 1, 2)))["issued"] == {"date-parts": [[2020, 1, 2]]}
