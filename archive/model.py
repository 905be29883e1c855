"""The records that flow through Quarry: raw documents from readers and extracted articles.

Everything here is plain data so that it can cross any boundary (store, index, web, JSON).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit, urlunsplit

EXTRACTOR_VERSION = "2"  # 2: entity mentions with offsets, language gating
ENTITY_TYPES = ("person", "organization", "location")


@dataclass
class RawDocument:
    """One document as a reader found it, before extraction.

    ``kind`` says which extractor applies: ``pagetext`` (a plain-text page capture),
    ``html`` (an HTML page) or ``record`` (a row from a JSONL/CSV export, in ``record``).
    """

    source: str
    kind: str
    content: bytes = b""
    record: dict[str, Any] | None = None
    member: str | None = None
    offset: int | None = None
    record_id: str | None = None
    url: str | None = None
    captured: str | None = None
    encoding: str | None = None
    format: str = ""

    @cached_property
    def content_hash(self) -> str:
        if self.record is not None and not self.content:
            import json

            data = json.dumps(self.record, sort_keys=True, default=str).encode("utf-8")
        else:
            data = self.content
        return hashlib.sha256(data).hexdigest()


@dataclass
class Provenance:
    """Where an article came from: the file, the place inside it, and how it was read."""

    source: str
    format: str = ""
    member: str | None = None
    offset: int | None = None
    record_id: str | None = None
    captured: str | None = None
    content_hash: str = ""
    extractor_version: str = EXTRACTOR_VERSION

    @classmethod
    def from_raw(cls, raw: RawDocument) -> Provenance:
        return cls(
            source=raw.source,
            format=raw.format or raw.kind,
            member=raw.member,
            offset=raw.offset,
            record_id=raw.record_id,
            captured=raw.captured,
            content_hash=raw.content_hash,
        )

    def key(self) -> tuple:
        return (self.source, self.member, self.offset)


@dataclass
class Entities:
    person: list[str] = field(default_factory=list)
    organization: list[str] = field(default_factory=list)
    location: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {t: list(getattr(self, t)) for t in ENTITY_TYPES}

    @classmethod
    def from_dict(cls, data: dict[str, list[str]] | None) -> Entities:
        data = data or {}
        return cls(**{t: list(data.get(t) or []) for t in ENTITY_TYPES})


@dataclass
class Mention:
    """One entity mention as written in an article: ``Article.text[start:end] == text``.

    ``name`` is the canonical name the facets count (the alias table's, or the text itself)."""

    text: str
    type: str  # one of ENTITY_TYPES
    name: str
    start: int
    end: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        return cls(**{k: data[k] for k in ("text", "type", "name", "start", "end")})


@dataclass
class Article:
    """An extracted article: the unit that is stored, indexed, searched and shown."""

    id: str
    title: str
    body: list[str]
    url: str | None = None
    published: date | datetime | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    # the page's other headlines for the article (social-card, search-engine variants): searched
    # with the title and shown beside it, never instead of it
    other_titles: list[str] = field(default_factory=list)
    site: str | None = None
    language: str | None = None
    views: int | None = None
    entities: Entities = field(default_factory=Entities)
    # every mention of an entity as written, in text order (offsets into ``text``)
    entity_mentions: list[Mention] = field(default_factory=list)
    # why entities were not tagged ("" when they were), e.g. "entities not tagged (Spanish)"
    entities_note: str = ""
    provenance: list[Provenance] = field(default_factory=list)
    text_hash: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(self.body)

    @property
    def published_iso(self) -> str | None:
        return self.published.isoformat() if self.published else None

    @property
    def published_day(self) -> date | None:
        if isinstance(self.published, datetime):
            return self.published.date()
        return self.published

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = self.published_iso
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = dict(data)
        data["published"] = parse_iso_date(data.get("published"))
        data["entities"] = Entities.from_dict(data.get("entities"))
        data["entity_mentions"] = [Mention.from_dict(m) for m in data.get("entity_mentions") or []]
        data["provenance"] = [Provenance(**p) for p in data.get("provenance") or []]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def parse_iso_date(value: Any) -> date | datetime | None:
    """Read back a date written by :meth:`Article.to_dict` (date or aware datetime)."""
    if value is None or value == "":
        return None
    if isinstance(value, (date, datetime)):
        return value
    text = str(value)
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text)


_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Text reduced for duplicate detection: NFKC, case-folded, punctuation dropped, spaces single."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return _WS.sub(" ", text).strip()


def text_hash(paragraphs: list[str]) -> str:
    return hashlib.sha256(normalise_text(" ".join(paragraphs)).encode("utf-8")).hexdigest()


_TRACKING = re.compile(r"^(utm_|fbclid|gclid|ref$|ref_|mc_|cmpid|ocid|rss)", re.I)


# A page replayed from a web archive: the archive's URL wraps the original and the capture time
_REPLAY = (
    # Wayback Machine: /web/20230412093000/https://..., also with a mode suffix (id_, if_, ...)
    re.compile(r"^https?://(?:web\.|wayback\.)?archive\.org/web/(\d{4,14})(?:[a-z]{2}_)?/(.+)$", re.I),
    # archive.today long form: /2023.04.12-093000/https://...
    re.compile(r"^https?://archive\.(?:ph|is|today|li|vn|fo|md)/(\d{4}\.\d\d\.\d\d-\d{6})/(.+)$", re.I),
)


def replayed_url(url: str | None) -> tuple[str, str] | None:
    """(original URL, capture time as ISO text) for the URL of a page replayed from the
    Wayback Machine or archive.today; None for any other URL."""
    for pattern in _REPLAY:
        m = pattern.match((url or "").strip())
        if m:
            stamp, original = re.sub(r"\D", "", m.group(1)), m.group(2)
            if not re.match(r"^[a-z][a-z0-9+.-]*:", original, re.I):
                original = "http://" + original.lstrip("/")
            parts = [stamp[i:j] for i, j in ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14))]
            date_part = "-".join(p for p in parts[:3] if p)
            time_part = ":".join(p for p in parts[3:] if p)
            captured = f"{date_part}T{time_part}Z" if len(stamp) == 14 else date_part
            return original, captured
    return None


def canonical_url(url: str | None) -> str | None:
    """A URL normalised for identity: lower-case host, no fragment, no tracking parameters;
    a page replayed from a web archive is identified by its original URL."""
    if not url:
        return None
    url = url.strip()
    replay = replayed_url(url)
    if replay:
        url = replay[0]
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url
    host = parts.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    query = "&".join(
        q for q in parts.query.split("&") if q and not _TRACKING.match(q.split("=", 1)[0])
    )
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return urlunsplit(("https", host, path, query, ""))


def article_id(url: str | None, paragraphs: list[str], title: str = "") -> str:
    """A stable id: from the canonical URL when known, else from the normalised text."""
    canon = canonical_url(url)
    if canon:
        basis = "url:" + canon
    else:
        basis = "text:" + normalise_text(title + " " + " ".join(paragraphs))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def text_article_id(url: str | None, text_hash: str) -> str:
    """The id of an article whose address an article with another text already holds: five
    stories whose ``rel=canonical`` names the site's home page are five articles."""
    basis = f"url:{canonical_url(url) or ''}\ntext:{text_hash}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def same_text(a: list[str], b: list[str], shingle: int = 5) -> bool:
    """True when two bodies are one text: equal once normalised, or most runs of five words of
    the shorter found in the longer (the same page captured twice, extracted by two tools, or
    corrected since). Different stories share almost no such runs."""
    wa, wb = normalise_text(" ".join(a)).split(), normalise_text(" ".join(b)).split()
    if wa == wb:
        return True
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    n = min(shingle, len(short))
    if n == 0:
        return False
    runs = {tuple(short[i : i + n]) for i in range(len(short) - n + 1)}
    found = {tuple(long_[i : i + n]) for i in range(len(long_) - n + 1)}
    return len(runs & found) * 2 >= len(runs)
