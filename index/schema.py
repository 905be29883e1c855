"""The Whoosh schema and the mapping from an Article to a Whoosh document."""

from __future__ import annotations

from datetime import date, datetime, timezone

from whoosh.analysis import RegexTokenizer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, NUMERIC, TEXT, FieldType, Schema
from whoosh.formats import Existence

from archive.model import Article

VALUE_SEP = "\x1f"
# facet name -> Article attribute (or entity type)
FACET_FIELDS = ("category", "author", "site", "language", "person", "organization", "location")
DATE_FACETS = ("year", "month")


class EXACT(FieldType):
    """A multi-valued field of exact values: case preserved, one token per value."""

    def __init__(self) -> None:
        super().__init__(Existence(), RegexTokenizer(r"[^" + VALUE_SEP + r"]+"))


def make_schema() -> Schema:
    analyzer = StemmingAnalyzer()
    return Schema(
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
    )


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


def to_document(article: Article) -> dict:
    """A Whoosh document for an article."""
    doc: dict = {
        "id": article.id,
        "title": article.title or "",
        "body": article.text,
        "day": article.published_day.toordinal() if article.published_day else -1,
    }
    if article.published is not None:
        doc["published"] = _as_naive_utc(article.published)
    for name, values in facet_values(article).items():
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
