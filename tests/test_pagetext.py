"""The plain-text page capture reader: the seed page exactly, other pages of its layout, others."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import CORPUS, shared_path

from quarry.archive.extract import NoArticle, extract
from quarry.archive.extract.pagetext import parse_views
from quarry.archive.model import RawDocument


def _extract(path):
    return extract(RawDocument(source=str(path), kind="pagetext", content=path.read_bytes()))


def test_seed_page_exact():
    seed = next(shared_path("corpus", "seed-eer").glob("*.txt"))
    a = _extract(seed)
    assert a.title == "An International Security Dilemma: Russia, Jihadism, and Afghanistan"
    assert a.published == date(2022, 9, 15)
    assert a.categories == ["EER Editorials", "Opinion Pieces"]
    assert a.authors == ["European Eye on Radicalization"]
    assert a.site == "European Eye on Radicalization"
    assert a.views == 613
    assert a.body[0].startswith("The Islamic State’s Khorasan Province (ISKP) attacked")
    assert a.body[-1].endswith("economic ground.")
    text = a.text
    for chrome in ("Related Posts", "Popular", "Share on Facebook", "cookies", "Copyright",
                   "View All Result", "Latest from Twitter", "Spotlight on Contemporary Antisemitism"):
        assert chrome not in text


def test_one_category_one_digit_day_and_related_word_in_body():
    a = _extract(CORPUS / "pages" / "eer-one-category.txt")
    assert a.title == "The Sahel After the Withdrawal: Jihadist Expansion and Its Limits"
    assert a.published == date(2021, 3, 3)
    assert a.categories == ["Analysis"]
    assert a.views == 1234
    assert a.authors == ["Anna Keller"]
    # no Related Posts block: the body ends before "Popular"; paragraphs with dates and
    # the word "Related" are kept
    assert a.body[-1].startswith("Analysts in Niger and Burkina Faso")
    assert a.body[1] == "Related Developments on the Ground"
    assert any(p.startswith("On 5 February 2021") for p in a.body)
    assert "Myth of the Lone Wolf" not in a.text


def test_several_categories_and_views_in_thousands():
    a = _extract(CORPUS / "pages" / "eer-12k-views.txt")
    assert a.categories == ["Contributors’ Opinions", "Opinion Pieces", "Reports"]
    assert a.views == 12000
    assert a.published == date(2022, 11, 9)
    assert a.authors == ["Jonas Berg", "Leila Haddad"]
    assert a.body[0].startswith("Groups such as the Atomwaffen Division")
    assert "Sahel" not in a.text


def test_generic_capture_of_another_site():
    a = _extract(CORPUS / "pages" / "generic-capture.txt")
    assert a.title == "Hezbollah's Finances Under Pressure"
    assert a.published == date(2022, 7, 14)
    assert a.authors == ["Sam Ortiz"]
    assert a.body[0].startswith("Sanctions imposed by the United States")
    assert len(a.body) == 3
    assert "Cookie" not in a.text


@pytest.mark.parametrize(
    "text,value", [("613", 613), ("1,234", 1234), ("12K", 12000), ("1.2K", 1200), ("3M", 3000000), ("views", None)]
)
def test_parse_views(text, value):
    assert parse_views(text) == value


def test_capture_without_article():
    raw = RawDocument(source="x.txt", kind="pagetext", content=b"Home\nAbout\nContact\n\nLogin\n")
    with pytest.raises(NoArticle):
        extract(raw)
