"""The metadata an HTML page declares: JSON-LD, ``<meta>`` tags and the canonical link.

Each field is gathered as candidates in order of trust; the modules that choose a title, a date,
authors or a site pick from them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from quarry.archive.extract.metadata import (
    ARTICLE_TYPES,
    jsonld_names,
    jsonld_objects,
    meta_tags,
    split_authors,
    types_of,
)

__all__ = ["clean_text", "html_metadata"]


def clean_text(value: Any) -> str:
    """A metadata value as one line of text: lists joined, entities decoded, spaces collapsed."""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value if v)
    if not isinstance(value, str):
        return ""
    value = lxml.html.fromstring(f"<p>{value}</p>").text_content() if "&" in value else value
    return " ".join(value.split())


def _article_objects(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    articles = [o for o in objects if types_of(o) & ARTICLE_TYPES]
    # A WebPage can carry the headline/date when no Article object is present.
    pages = [o for o in objects if types_of(o) & {"webpage", "itempage", "collectionpage"}]
    return articles + pages


def html_metadata(tree: etree._Element, url: str | None = None) -> dict[str, Any]:
    """Metadata stated explicitly by the page, each field as candidates in order of trust."""
    meta = meta_tags(tree)
    objects = jsonld_objects(tree)
    articles = _article_objects(objects)

    def m(*keys: str) -> list[str]:
        return [v for k in keys for v in meta.get(k, [])]

    titles: list[tuple[str, str]] = []
    dates: list[str] = []
    created: list[str] = []  # when the text was begun: after every stated publication time
    authors: list[list[str]] = []
    categories: list[str] = []
    sites: list[str] = []
    langs: list[str] = []
    bodies = [obj["articleBody"] for obj in articles if isinstance(obj.get("articleBody"), str)]
    for obj in articles:
        titles += [("ld:" + k, clean_text(obj.get(k))) for k in ("headline", "name") if obj.get(k)]
        dates += [str(obj["datePublished"])] if obj.get("datePublished") else []
        created += [str(obj["dateCreated"])] if obj.get("dateCreated") else []
        names = jsonld_names(obj.get("author") or obj.get("creator"))
        if names:
            authors.append(names)
        for k in ("articleSection", "keywords"):
            v = obj.get(k)
            if isinstance(v, str):
                categories += [x.strip() for x in v.split(",")]
            elif isinstance(v, list):
                categories += [str(x).strip() for x in v if isinstance(x, str)]
        sites += jsonld_names(obj.get("publisher"))
        if isinstance(obj.get("inLanguage"), str):
            langs.append(obj["inLanguage"])
    # the publisher's name as the article states it, then as the page names itself
    sites += m("og:site_name")
    for obj in objects:
        if types_of(obj) & {"website", "newsmediaorganization", "organization"} and obj.get("name"):
            sites += jsonld_names(obj)
            break

    # Dublin Core is written DC.title, dc:title and dcterms.title alike.
    dc_spellings = ("dc.title", "dc:title", "dcterms.title", "dcterms:title")
    for key in ("citation_title", "og:title", "twitter:title", "dc.title", "parsely-title"):
        spellings = dc_spellings if key == "dc.title" else (key,)
        values = [v for k in spellings for v in meta.get(k, [])]
        titles += [(key, clean_text(v)) for v in values[:1]]
    dates += m(
        "article:published_time",
        "citation_publication_date",
        "citation_date",
        "citation_online_date",
        "og:published_time",
        "article.published",
        "published_time",
        "datepublished",
        "parsely-pub-date",
        "sailthru.date",
        "dc.date.issued",
        "dcterms.date",
        "dcterms.issued",
        "dcterms.created",
        "dc.date",
        "publish-date",
        "publish_date",
        "publishdate",
        "pubdate",
        "date",
        "article_date_original",
        "originalpublicationdate",
        "og:article:published_time",
        "cxenseparse:recs:publishtime",
        "date.available",
    )
    for key in ("citation_author", "dc.creator", "dcterms.creator"):
        vals = meta.get(key, [])
        if vals:
            authors.append([_flip_name(v) for v in vals])
    for key in (
        "article:author",
        "author",
        "parsely-author",
        "sailthru.author",
        "byl",
        "og:article:author",
    ):
        vals = split_authors(meta.get(key, []))
        if vals:
            authors.append(vals)
    categories += m("article:section", "article:tag", "news_keywords", "parsely-section")
    sites += m("application-name", "citation_journal_title")
    root_lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if root_lang:
        langs.insert(0, root_lang)
    langs += m("content-language", "og:locale", "language", "dc.language")

    canonical = None
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            canonical = urljoin(url or "", link.get("href").strip())
            break
    if not canonical:
        og_url = m("og:url")
        canonical = og_url[0] if og_url else None

    return {
        "titles": [(k, t) for k, t in titles if t],
        "dates": dates + created,
        "authors": authors,
        "categories": categories,
        "sites": [clean_text(s) for s in sites if s],
        "langs": langs,
        "canonical": canonical,
        "meta": meta,
        "bodies": bodies,
        # what the page says it is: JSON-LD types and og:type ("article", "video.other", ...)
        "types": {t for obj in objects for t in types_of(obj)} | {v.lower() for v in m("og:type")},
        "descriptions": [
            d
            for d in [clean_text(o.get("description")) for o in articles]
            + [clean_text(v) for v in m("og:description", "description", "twitter:description")]
            if d
        ],
    }


def _flip_name(name: str) -> str:
    """Highwire/Dublin Core give "Last, First"; articles show "First Last"."""
    name = " ".join(name.split())
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts) and " " not in parts[0]:
        return f"{parts[1]} {parts[0]}"
    return name

