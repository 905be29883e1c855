"""Articles from export records (JSONL/CSV rows), with a field mapping for other column names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..model import ENTITY_TYPES, Article, Entities, Provenance, RawDocument, article_id, text_hash
from .clean import clean_authors, clean_categories, site_from_url
from .pagetext import guess_language

# Article field -> column names tried in order when no mapping names one
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "body": ("body", "text", "content", "maintext", "article", "body_paragraphs", "plain_text"),
    "url": ("url", "link", "uri", "canonical_url"),
    "published": (
        "published",
        "date",
        "publishing_date",
        "date_publish",
        "pubdate",
        "datetime",
        "published_at",
        "day",
    ),
    "authors": ("authors", "author", "byline", "creator"),
    "categories": ("categories", "category", "topics", "section", "section_slug", "tags"),
    "site": ("site", "site_name", "sitename", "publisher", "source", "source_domain"),
    "language": ("language", "lang"),
    "views": ("views", "view_count"),
    "id": ("id",),
}
_PARA_SPLIT = re.compile(r"\n\s*\n")


class RecordError(ValueError):
    """A record that cannot become an article (no body, unreadable fields)."""


def extract_record(raw: RawDocument, field_map: dict[str, str] | None = None) -> Article | None:
    """An article from one export record; None when it has no text."""
    record = raw.record or {}
    field_map = field_map or {}

    def get(name: str) -> Any:
        if name in field_map:
            return lookup(record, field_map[name])
        for key in DEFAULT_FIELDS.get(name, ()):
            if key in record and record[key] not in (None, "", []):
                return record[key]
        return None

    body = _paragraphs(get("body"))
    title = _text(get("title"))
    if not body:
        return None  # a headline-only item or an empty row: reported as "no article found"
    url = _text(get("url")) or None
    published = _date(get("published"))
    entities = Entities.from_dict(
        {t: _list(lookup(record, field_map[t])) for t in ENTITY_TYPES if t in field_map}
    )
    article = Article(
        id=article_id(url, body, title or ""),
        url=url,
        title=title or body[0][:120],
        body=body,
        published=published,
        authors=clean_authors(_list(get("authors"), split_names=True)),
        categories=clean_categories(_list(get("categories"))),
        site=_text(get("site")) or site_from_url(url),
        language=(_text(get("language")) or guess_language(" ".join(body[:5])) or None),
        views=_int(get("views")),
        entities=entities,
        provenance=[Provenance.from_raw(raw)],
        text_hash=text_hash(body),
    )
    return article


def lookup(record: dict, path: str) -> Any:
    """A field by name, or a dotted path into nested objects (``meta.author``)."""
    value: Any = record
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value if v)
    return re.sub(r"\s+", " ", str(value)).strip()


def _paragraphs(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, dict)):  # paragraphs, or sections of them: their texts in order
        parts = list(_strings(value))
    else:
        text = str(value).replace("\r\n", "\n")
        parts = _PARA_SPLIT.split(text)
        if len(parts) == 1 and "\n    " in text:  # newswire style: indented paragraph starts
            parts = re.split(r"\n\s{2,}", text)
    return [p for p in (re.sub(r"\s+", " ", p).strip() for p in parts) if p]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif value not in (None, "", True, False):
        yield str(value)


def _list(value: Any, split_names: bool = False) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            import json

            try:
                return _list(json.loads(text), split_names)
            except ValueError:
                pass
        parts = re.split(r"\s*;\s*|\s*\|\s*", text)
        if split_names:
            parts = [
                q
                for p in parts
                for q in re.split(r",\s*|\s+and\s+", re.sub(r"^by\s+", "", p, flags=re.I))
            ]
        elif len(parts) == 1 and "," in text:
            parts = text.split(",")
        values = parts
    elif isinstance(value, (list, tuple)):
        values = [
            v if isinstance(v, str) else (v.get("name") if isinstance(v, dict) else str(v))
            for v in value
        ]
    else:
        values = [str(value)]
    return list(dict.fromkeys(v.strip() for v in values if v and str(v).strip()))


def _date(value: Any):
    if value in (None, ""):
        return None
    from .metadata import parse_date_text

    return parse_date_text(str(value))


def _int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).replace(",", ""))
    except ValueError:
        return None
