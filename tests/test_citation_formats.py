"""The citation exports read back by the tools reference managers use: RIS with rispy, BibTeX
with bibtexparser (2.x), CSL-JSON against the CSL data schema; on the bundled sample archive
and on hostile titles and names."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser import middlewares
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quarry.archive.citation.bibtex import escape
from quarry.archive.citation.csl import clean
from quarry.archive.exports import EXPORT_FORMATS
from quarry.archive.extract import extract
from quarry.archive.model import Article, Provenance, RawDocument
from quarry.archive.readers import iter_files, read_path
from quarry.archive.samples import sample_dir

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "csl" / "csl-data.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
RIS_TYPES = {"article-newspaper": "NEWS", "article-magazine": "MGZN", "post-weblog": "BLOG",
             "webpage": "ELEC", "report": "RPRT"}  # fmt: skip


def export(fmt: str, articles: list[Article]) -> str:
    return "".join(EXPORT_FORMATS[fmt][2](articles))


def sample_articles() -> list[Article]:
    out = []
    for path in iter_files([sample_dir()]):
        if path.suffix not in (".txt", ".html"):
            continue
        for raw in read_path(path):
            if isinstance(raw, RawDocument):
                out.append(extract(raw))
    return out


def hostile_articles() -> list[Article]:
    captured = [Provenance(source="h.warc", captured="2024-02-29T23:59:59Z")]
    titles = [
        'He said "no" — and {then} left \\ for 100% of $5 & #1 @home ~ ^_^',
        "Line one\nline two\r\n\tline three",
        "\u202eevil right-to-left override\u202c and \u200fmark",
        "x" * 5000,
        "",
        "@article{injected, title={pwned}}",
        "ER  - \nTY  - JOUR",
        "Why?",
    ]
    authors = [
        ["Jane Doe", "Jan van der Berg"],
        [],
        ["European Eye on Radicalization"],
        ["O'Brien, Conan", "Martin Luther King Jr."],
        ["{Brace} Man", "Back\\slash Person", "Per%cent Lady"],
        ["A and B Group", "and"],
        ["\u202eJane Doe", "岳弘彬"],
        ["Sweidah"],
    ]
    sites = ["Example Times", None, "European Eye on Radicalization", "blog {x}", "50% News",
             "The \\Site", "موقع", "Example Review"]  # fmt: skip
    return [
        Article(
            id=f"{i:04x}hostile{i:05d}", title=t, body=["Body with {braces} and 100%."] if i % 2 else [],
            authors=au, site=site, url=f"https://example.org/item {i}?q=%7B",
            published=date(2020 + i, i + 1, 28) if i % 3 else None, language="en" if i % 2 else None,
            categories=["Analysis", "Reports, misc"] if i % 2 else [], provenance=captured,
        )  # fmt: skip
        for i, (t, au, site) in enumerate(zip(titles, authors, sites, strict=True))
    ]


@pytest.fixture(scope="module")
def samples() -> list[Article]:
    articles = sample_articles()
    assert len(articles) == 16
    return articles


def check_csl(articles: list[Article]) -> list[dict]:
    items = json.loads(export("csl.json", articles))
    errors = [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(items)]
    assert not errors, errors[:5]
    assert [i["id"] for i in items] == [a.id for a in articles]
    return items


def check_ris(articles: list[Article], items: list[dict]) -> list[dict]:
    records = rispy.loads(export("ris", articles))
    assert len(records) == len(articles)
    for rec, item, a in zip(records, items, articles, strict=True):
        assert rec["type_of_reference"] == RIS_TYPES[item["type"]] and rec["id"] == a.id
        assert rec.get("title", "") == item.get("title", "")
        persons = [n for n in item.get("author", []) if "literal" not in n]
        for name in persons:  # "Family, Given": split where the record splits
            family = " ".join(p for p in (name.get("non-dropping-particle"), name["family"]) if p)
            assert any(au.startswith(family + ", " + name["given"]) if name.get("given") else au == family
                       for au in rec.get("authors", [])), (name, rec.get("authors"))  # fmt: skip
        literals = [n["literal"] for n in item.get("author", []) if "literal" in n]
        assert all(name in rec["authors"] for name in literals)  # whole, one line each
        if a.published_day:
            assert rec["year"] == f"{a.published_day.year:04d}"
            assert rec["date"] == a.published_day.strftime("%Y/%m/%d")
        if "accessed" in item:
            y, m, d = item["accessed"]["date-parts"][0]
            assert rec["access_date"] == f"{y:04d}/{m:02d}/{d:02d}"
    return records


def check_bibtex(articles: list[Article], items: list[dict]) -> None:
    text = export("bib", articles)
    library = bibtexparser.parse_string(
        text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    assert not library.failed_blocks and len(library.entries) == len(articles)
    keys = [e.key for e in library.entries]
    assert len(set(keys)) == len(keys)
    for entry, item in zip(library.entries, items, strict=True):
        news = item["type"] in ("article-newspaper", "article-magazine")
        assert entry.entry_type == ("article" if news else "online")
        if news and item.get("container-title"):
            assert "journal" in entry.fields_dict
        names = entry.fields_dict["author"].value if "author" in entry.fields_dict else []
        assert len(names) == len(item.get("author", []))
        for parts, name in zip(names, item.get("author", []), strict=True):
            if "literal" in name:  # braced whole: one last name, never split
                assert not parts.first and not parts.von and len(parts.last) == 1
                assert parts.last[0].startswith("{") and parts.last[0].endswith("}")
            else:
                assert " ".join(parts.last) == escape(name["family"])
                assert " ".join(parts.von) == name.get("non-dropping-particle", "")
                assert " ".join(parts.jr) == name.get("suffix", "")
    decoded = bibtexparser.parse_string(text, append_middleware=[middlewares.LatexDecodingMiddleware()])
    for entry, item in zip(decoded.entries, items, strict=True):
        if item.get("title"):
            # LaTeX's \textasciicircum is decoded as the modifier letter by pylatexenc
            assert entry["title"].replace("ˆ", "^") == item["title"]


def test_sample_archive_exports_are_read_back(samples):
    items = check_csl(samples)
    check_ris(samples, items)
    check_bibtex(samples, items)
    assert {i["type"] for i in items} == {"article-magazine"}  # "Quarry Sample Review"
    assert all(i["author"] and ("family" in i["author"][0] or "literal" in i["author"][0]) for i in items)
    desk = [i for i in items if i["author"][0].get("literal") == "Sample Desk"]
    assert desk and all(len(i["author"]) == 1 for i in desk)


def test_hostile_exports_are_read_back():
    articles = hostile_articles()
    items = check_csl(articles)
    records = check_ris(articles, items)
    check_bibtex(articles, items)
    assert records[1]["title"] == "Line one line two line three"
    assert "\u202e" not in records[2]["title"] and "\u200f" in records[2]["title"]
    assert records[5]["title"] == "@article{injected, title={pwned}}"
    assert records[6]["title"] == "ER - TY - JOUR"
    assert "title" not in items[4]
    assert items[2]["author"] == [{"literal": "European Eye on Radicalization"}]
    assert items[3]["author"] == [{"family": "O'Brien", "given": "Conan"},
                                  {"family": "King", "given": "Martin Luther", "suffix": "Jr."}]  # fmt: skip


def test_bibtex_corporate_author_is_double_braced():
    a = hostile_articles()[2]
    assert "author = {{European Eye on Radicalization}}" in export("bib", [a])


def test_bibtex_keys_are_stable_and_unique():
    a = Article(id="0123abcd00000000", title="T", body=[], authors=["Jane Doe"], published=date(2020, 1, 1))
    twin = Article(**{**a.__dict__, "id": a.id[:8] + "ffffffff"})  # same key stem, same year
    first = bibtexparser.parse_string(export("bib", [a, twin])).entries
    assert first[0].key == "doe2020_" + a.id[:8] and first[1].key == "doe2020_" + twin.id
    assert bibtexparser.parse_string(export("bib", [a])).entries[0].key == first[0].key


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_text, authors=st.lists(_text, max_size=3), site=st.none() | _text)
def test_any_text_exports_as_valid_records(title, authors, site):
    a = Article(id="feedfacecafebeef", title=title, body=[title], authors=authors, site=site,
                url="https://example.org/2021/05/x", published=date(2021, 5, 6))  # fmt: skip
    items = check_csl([a])
    (rec,) = rispy.loads(export("ris", [a]))
    assert rec.get("title", "") == clean(title)
    library = bibtexparser.parse_string(export("bib", [a]))
    assert not library.failed_blocks and len(library.entries) == 1
    assert len(items) == 1
