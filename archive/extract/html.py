"""Article extraction from HTML pages: trafilatura for the main text, structured data for metadata.

trafilatura finds the main text well, but its metadata is weaker than what pages state
explicitly: its title keeps the site-name suffix, it may take a modified date or a date from a
sidebar, and it leaves the language empty. So metadata comes first from what the publisher
declared (JSON-LD, Open Graph/``article:*``, Highwire ``citation_*``, ``<time>`` in the article,
the URL), then from trafilatura/htmldate heuristics. Each field is chosen in its own module
(``title``, ``dates``, ``authors``, ``categories``, ``language``); the text in ``body``.
"""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from quarry.archive.decode import DecodeError, decode_bytes
from quarry.archive.extract import NoArticle
from quarry.archive.extract.authors import choose_authors
from quarry.archive.extract.body import article_text, drop_head_lines
from quarry.archive.extract.categories import choose_categories
from quarry.archive.extract.dates import choose_date
from quarry.archive.extract.language import choose_language, guess_language
from quarry.archive.extract.page_metadata import html_metadata
from quarry.archive.extract.short_pages import (
    ACCESS_CHECK,
    HOLDING_MAX_WORDS,
    JAVASCRIPT_SHELL,
    MIN_WORDS,
    access_check,
    error_page,
    javascript_shell,
    short_post,
    word_count,
)
from quarry.archive.extract.site import choose_site
from quarry.archive.extract.title import choose_title, headline_sources, page_titles
from quarry.archive.model import (
    Article,
    Provenance,
    RawDocument,
    article_id,
    replayed_url,
    text_hash,
)

__all__ = ["MIN_WORDS", "extract_html", "guess_language", "headline_candidates", "html_metadata"]

# what trafilatura gives for a page where it found no text: nothing but the page's metadata
_NO_DOCUMENT = SimpleNamespace(
    text="", title=None, author=None, date=None, url=None, sitename=None, categories=[], tags=[]
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# bounded, so a page of unclosed <ruby> tags is not scanned to its end from each of them
_RUBY = re.compile(r"<ruby\b[^>]{0,200}>(.{0,2000}?)</ruby\s*>", re.I | re.S)
_RUBY_TEXT = re.compile(r"<rt\b[^>]*>.*?(?:</rt\s*>|(?=<rt\b)|$)", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


def _flat_ruby(match: re.Match[str]) -> str:
    """A ruby annotation as plain text, as a browser without ruby support shows it: the base
    and, where the page gives its fallback parentheses, the reading ("弾劾（だんがい）")."""
    inner = match.group(1)
    if not re.search(r"<rp\b", inner, re.I):
        inner = _RUBY_TEXT.sub("", inner)  # no fallback: the reading alone would run into the base
    return _TAG.sub("", inner)


def _inline_ruby(text: str) -> str:
    """The page with its ruby annotations (readings over Japanese and Chinese words) as inline
    text: the extractor breaks a paragraph into three lines at each one and drops the reading."""
    return _RUBY.sub(_flat_ruby, text) if "<ruby" in text or "<RUBY" in text else text


def _parse(text: str) -> etree._Element | None:
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def headline_candidates(raw: RawDocument) -> list[tuple[str, str]]:
    """The headlines an HTML page states, as (source, text) pairs: ``og:title``,
    ``ld:headline``, ``twitter:title``, ... then ``title`` and ``h1``. For measuring how
    the sources agree (bench/extraction_eval.py); extraction itself uses the same list."""
    try:
        tree = _parse(decode_bytes(raw.content, raw.encoding, is_html=True))
    except DecodeError:
        return []
    if tree is None:
        return []
    md = html_metadata(tree, raw.url)
    url = raw.url or md["canonical"]
    html_title, h1s = page_titles(tree)
    return headline_sources(md, urlsplit(url).hostname if url else None, html_title, h1s)


def _trafilatura(text: str, url: str | None) -> Any:
    import trafilatura

    return trafilatura.bare_extraction(
        text,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_precision=False,
        deduplicate=False,
    )


def _provenance(raw: RawDocument, replay: tuple[str, str] | None) -> Provenance:
    prov = Provenance.from_raw(raw)
    if replay and not prov.captured:
        prov.captured = replay[1]  # the capture time in the Wayback URL or the save note
    return prov


# What browsers and SingleFile write at the top of a saved page: the address it came from
# (Chrome's and IE's "saved from url=(0045)https://..."), and with SingleFile the time
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_SINGLEFILE = re.compile(r"Page saved with SingleFile\s+url:\s*(\S+)\s+saved date:\s*([^\n(]+)", re.I)


def saved_from(text: str) -> tuple[str | None, str | None]:
    """(URL, save time as ISO text) noted at the top of a page saved by a browser."""
    head = text[:4096]
    m = _SINGLEFILE.search(head)
    if m:
        try:
            when = datetime.strptime(m.group(2).strip(), "%a %b %d %Y %H:%M:%S GMT%z").isoformat()
        except ValueError:
            when = None
        return m.group(1), when
    m = _SAVED_FROM.search(head)
    if m and m.group(1).startswith(("http://", "https://")):
        return m.group(1), None
    return None, None


def extract_html(raw: RawDocument) -> Article | None:
    """The article in an HTML page; None when the bytes are no readable HTML (empty, binary).

    Raises :class:`NoArticle` with the reason when the page holds no article: a bot-protection
    check, a JavaScript shell, an error page, or a page of little text that is no short post.
    """
    try:
        text = decode_bytes(raw.content, raw.encoding, is_html=True)
    except DecodeError:
        return None
    tree = _parse(text)
    if tree is None:
        return None
    md = html_metadata(tree, raw.url)
    try:
        doc = _trafilatura(_inline_ruby(_XML_DECL.sub("", text, count=1)), raw.url)
    except Exception:  # trafilatura raises a wide range of parser errors on broken pages
        doc = None
    body = article_text(doc.text or "", md, tree) if doc is not None else []
    words = word_count("\n".join(body))
    if words < HOLDING_MAX_WORDS and access_check(tree, text, page_titles(tree)[0]):
        raise NoArticle(ACCESS_CHECK)
    if words < MIN_WORDS:
        body = short_post(tree, md, body)
        if not body:
            raise NoArticle(JAVASCRIPT_SHELL if javascript_shell(tree) else "no article found")
        words = word_count("\n".join(body))
    doc = doc if doc is not None else _NO_DOCUMENT

    saved_url, saved_at = saved_from(text)
    url = raw.url or saved_url or md["canonical"] or doc.url
    replay = replayed_url(url)
    if replay:  # saved from the Wayback Machine: the original page's URL and site
        url = replay[0]
    elif saved_at:
        replay = (url, saved_at) if url else None
    host = urlsplit(url).hostname if url else None
    title, other_titles = choose_title(tree, md, doc.title, host)
    if error_page(title, words):
        raise NoArticle("no article found (an error page)")

    authors = choose_authors(md, doc.author, tree, body)
    body = drop_head_lines(body, title, authors)
    if not body:
        raise NoArticle("no article found")

    return Article(
        id=article_id(url, body, title),
        title=title,
        other_titles=other_titles,
        body=body,
        url=url,
        published=choose_date(tree, md, url, doc.date),
        authors=authors,
        categories=choose_categories(md, doc),
        site=choose_site(md["sites"], url, doc.sitename or None),
        language=choose_language(md, "\n".join(body)),
        provenance=[_provenance(raw, replay)],
        text_hash=text_hash(body),
    )
