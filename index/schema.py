"""The Whoosh schema and the mapping from an Article to a Whoosh document."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, NUMERIC, TEXT, FieldType, Schema
from whoosh.formats import Existence
from whoosh.lang.porter import stem as porter_stem

from quarry.archive.model import Article

VALUE_SEP = "\x1f"
SCHEMA_VERSION = 3  # raise when the schema or to_document changes: rebuilds become necessary
# (3: the ``variant`` field)
# facet name -> Article attribute (or entity type)
FACET_FIELDS = ("category", "author", "site", "language", "person", "organization", "location")
DATE_FACETS = ("year", "month")
# ISO 639-1 -> NLTK Snowball stemmer; other languages are indexed unstemmed in ``text_xx``
SNOWBALL = {
    "ar": "arabic", "da": "danish", "nl": "dutch", "fi": "finnish", "fr": "french", "de": "german",
    "hu": "hungarian", "it": "italian", "no": "norwegian", "nb": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "es": "spanish", "sv": "swedish",
}
# every entity's forms as written, one value per (type, canonical name, text) an article holds,
# so an entity page counts its variants over the columns instead of reading the store
VARIANT_FIELD = "variant"
VARIANT_SEP = "\x1e"
LANGUAGE_FIELDS = tuple(sorted({f"text_{iso}" for iso in SNOWBALL if iso != "nb"} | {"text_xx"}))


class SnowballStem:
    """A picklable stem function around NLTK's Snowball stemmer.

    Whoosh pickles the schema into every index, so this class must stay importable as
    ``quarry.index.schema.SnowballStem``: moving or renaming it makes every existing index
    unreadable (``quarry rebuild`` then makes a new one)."""

    def __init__(self, language: str):
        self.language = language
        self._stemmer = None

    def __call__(self, word: str) -> str:
        if self._stemmer is None:
            from nltk.stem.snowball import SnowballStemmer

            self._stemmer = SnowballStemmer(self.language)
        return self._stemmer.stem(word)

    def __getstate__(self) -> dict:
        return {"language": self.language, "_stemmer": None}


def language_field(article_language: str | None) -> str | None:
    """The extra text field a non-English article is indexed in (None for English)."""
    lang = (article_language or "").lower()[:2]
    if lang in ("en", ""):
        return None if lang == "en" else "text_xx"
    return f"text_{'no' if lang == 'nb' else lang}" if lang in SNOWBALL else "text_xx"


class EXACT(FieldType):
    """A multi-valued field of exact values: case preserved, one token per value."""

    def __init__(self) -> None:
        super().__init__(Existence(), RegexTokenizer(r"[^" + VALUE_SEP + r"]+"))


def make_schema() -> Schema:
    analyzer = StemmingAnalyzer()
    languages = {
        f"text_{iso}": TEXT(analyzer=RegexTokenizer() | LowercaseFilter() | StemFilter(stemfn=SnowballStem(name)))
        for iso, name in SNOWBALL.items()
        if iso != "nb"
    }
    languages["text_xx"] = TEXT(analyzer=RegexTokenizer() | LowercaseFilter())
    return Schema(
        **languages,
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=analyzer, field_boost=2.0),
        body=TEXT(analyzer=analyzer),
        published=DATETIME(),
        day=NUMERIC(int, bits=32, signed=True, sortable=True, default=-1),
        year=ID(),
        month=ID(),
        category=EXACT(),
        author=EXACT(),
        site=EXACT(),
        language=EXACT(),
        person=EXACT(),
        organization=EXACT(),
        location=EXACT(),
        variant=EXACT(),
    )


# query fields answered from the annotations database, never held in the index: the parser knows
# them (query_schema), the plan turns their clauses into masks (index/plan.py, index/annotated.py)
ANNOTATION_FIELDS = ("tag", "note")


def query_schema(schema: Schema) -> Schema:
    """The index's schema plus the annotation fields, for the query parser only: ``tag:`` values
    stay whole like facet values, ``note:`` words are only lowercased (the annotations database
    stems them as it searches)."""
    out = schema.copy()
    out.add("tag", EXACT())
    out.add("note", TEXT(analyzer=RegexTokenizer() | LowercaseFilter()))
    return out


def word_analysis(field) -> tuple[object, re.Pattern, int | None]:
    """How a text field turns text into terms, for marking words without Whoosh's highlighter:
    its analyzer, its tokenizer's word pattern, and how many final characters its stemmer may
    rewrite (a word can only be indexed as a term it starts like, minus that many; None: no
    such guarantee, every word must be analysed)."""
    analyzer = field.analyzer
    items = getattr(analyzer, "items", [analyzer])
    pattern = getattr(items[0], "expression", None) or re.compile(r"\w+(\.?\w+)*", re.UNICODE)
    stemmers = [getattr(item, "stemfn", None) for item in items if hasattr(item, "stemfn")]
    if not stemmers:
        margin = 0  # lowercased words are the terms
    elif stemmers == [porter_stem]:
        margin = 2  # Porter rewrites at most the last two letters it keeps ("-biliti" > "-ble")
    else:
        margin = None
    return analyzer, pattern, margin


def facet_values(article: Article) -> dict[str, list[str]]:
    """The values of every facet for one article (the index and the column store share this)."""
    day = article.published_day
    return {
        "category": list(dict.fromkeys(article.categories)),
        "author": list(dict.fromkeys(article.authors)),
        "site": [article.site] if article.site else [],
        "language": [article.language] if article.language else [],
        "person": list(dict.fromkeys(article.entities.person)),
        "organization": list(dict.fromkeys(article.entities.organization)),
        "location": list(dict.fromkeys(article.entities.location)),
        "year": [f"{day.year:04d}"] if day else [],
        "month": [f"{day.year:04d}-{day.month:02d}"] if day else [],
    }


def _variant_part(text: str) -> str:
    return " ".join(text.replace(VARIANT_SEP, " ").replace(VALUE_SEP, " ").split())


def variant_prefix(etype: str, name: str) -> str:
    """The start shared by every variant value of one entity (``type<SEP>name<SEP>``)."""
    return f"{etype}{VARIANT_SEP}{_variant_part(name)}{VARIANT_SEP}"


def variant_values(article: Article) -> list[str]:
    """The article's entity mentions as distinct ``type<SEP>name<SEP>text`` values (white
    space made single): what :mod:`index.variants` counts."""
    out = (variant_prefix(m.type, m.name) + _variant_part(m.text) for m in article.entity_mentions)
    return list(dict.fromkeys(out))


def to_document(article: Article) -> dict:
    """A Whoosh document for an article."""
    # the page's other headlines are searched as title words: a researcher who saw the
    # social-card headline finds the article by it
    titles = "\n".join([article.title or "", *article.other_titles])
    doc: dict = {
        "id": article.id,
        "title": titles,
        "body": article.text,
        "day": article.published_day.toordinal() if article.published_day else -1,
    }
    extra = language_field(article.language)
    if extra:
        doc[extra] = titles + "\n\n" + article.text
    if article.published is not None:
        doc["published"] = _as_naive_utc(article.published)
    for name, values in {**facet_values(article), VARIANT_FIELD: variant_values(article)}.items():
        clean = [v.replace(VALUE_SEP, " ").strip() for v in values if v and v.strip()]
        if clean:
            doc[name] = VALUE_SEP.join(clean)
    return doc


def _as_naive_utc(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(timezone.utc).replace(tzinfo=None)
        return value
    return datetime(value.year, value.month, value.day)
