"""One CSL-JSON record per article: the single source of every citation Quarry gives out.

RIS, BibTeX and the rendered styles are all made from this record, so a name split, a type or
a date is decided once. The item type comes from the article's own metadata, never from a list
of publishers:

- ``report``: the URL names a document file (``.pdf``, ``.docx``, ...), the capture was such a
  file, a category names a kind of report ("Policy Brief", "Working Paper", "Studie"), or the URL
  path is a publications or reports section. A bare "Reports" category decides nothing: on a news
  site it means news reports.
- ``post-weblog``: the host or a path segment is a blog (``blog.example.org``, ``/blogs/``), a
  category or the site's name says "Blog", or the site is a blog host (WordPress, Blogger, ...).
- ``article-magazine``: the site's name is a periodical's ("Review", "Magazine", "Quarterly").
- ``article-newspaper``: the site's name or host is a newspaper's ("Times", "Zeitung", "News"),
  a category is news, or the URL path carries the publication date (``/2022/03/``), the mark of
  a periodical's article.
- ``webpage``: anything else.

A byline that is only the site's own name is no author: a news article or blog post under it is
cited as unsigned (every style then leads with the title), and a web page or report whose owner
wrote it keeps the author but does not name the site a second time.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from ..model import Article
from .names import csl_name, is_site_name

ABSTRACT_CHARS = 1000
_DOCUMENT = re.compile(r"\.(?:pdf|docx?|odt|rtf|epub)$", re.I)
_DOCUMENT_FORMATS = {"pdf", "docx", "doc", "odt", "rtf", "epub"}
_REPORT_KINDS = re.compile(
    r"\b(?:research|policy|working|white|discussion|occasional|briefing|conference)\s+"
    r"(?:reports?|papers?|briefs?)\b|\bpolicy\s+briefs?\b|\bstudie[ns]?\b|\bstud(?:y|ies)\b|"
    r"\bbericht(?:e)?\b|\brapports?\b|\binformes?\b|\bwhite\s?papers?\b",
    re.I,
)
_REPORT_PATHS = {"reports", "report", "publications", "publication", "papers", "studien"}
_BLOG_HOSTS = {"blogspot", "wordpress", "blogger", "substack", "typepad", "tumblr", "livejournal"}
_MAGAZINE_WORDS = {
    "review", "magazine", "magazin", "quarterly", "monthly", "weekly", "revue", "rivista",
    "revista", "zeitschrift", "tijdschrift", "bulletin",
}  # fmt: skip
_NEWS_WORDS = {
    "news", "times", "post", "tribune", "herald", "gazette", "journal", "daily", "wire", "press",
    "presse", "zeitung", "nachrichten", "noticias", "nouvelles", "notizie", "nieuws", "giornale",
    "corriere", "courier", "kurier", "chronicle", "standard", "telegraph", "observer", "guardian",
    "independent", "express", "globe", "dagblad", "tidning", "gazeta", "krant", "avisen",
}  # fmt: skip
_NEWS_CATEGORIES = {"news", "nachrichten", "noticias", "nouvelles", "actualités", "notizie", "nieuws"}
_DATED_PATH = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])(?:/|$)|/(?:19|20)\d\d[01]\d[0-3]\d/")
# control characters, and the bidirectional embeddings, overrides and isolates that would reorder
# what follows them on a page or in a reference manager (marks such as U+200F stay)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str | None) -> str:
    """Text as written, on one line: control characters dropped, runs of white space single."""
    return " ".join(_CONTROL.sub("", text or "").split())


def _words(text: str | None) -> set[str]:
    return {w for w in re.split(r"[^\w]+", (text or "").casefold()) if w}


def _host(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def _path(url: str | None) -> str:
    try:
        return urlsplit(url or "").path
    except ValueError:
        return ""


def item_type(a: Article) -> str:
    """The CSL item type of an article, from its URL, categories, site name and capture format."""
    host, path = _host(a.url), _path(a.url)
    segments = [s.casefold() for s in path.split("/") if s]
    site_words = _words(a.site)
    categories = [c.casefold() for c in a.categories]
    formats = {p.format.casefold() for p in a.provenance}
    if (segments and _DOCUMENT.search(segments[-1])) or formats & _DOCUMENT_FORMATS:
        return "report"
    host_labels = set(host.split("."))
    if (
        host_labels & {"blog", "blogs"}
        or set(segments[:-1]) & {"blog", "blogs", "weblog"}
        or any(re.search(r"\bblog", c) for c in categories)
        or "blog" in site_words
        or host_labels & _BLOG_HOSTS
    ):
        return "post-weblog"
    if any(_REPORT_KINDS.search(c) for c in categories) or set(segments[:-1]) & _REPORT_PATHS:
        return "report"
    if site_words & _MAGAZINE_WORDS:
        return "article-magazine"
    host_words = {w for label in host_labels for w in _NEWS_WORDS if len(w) >= 5 and w in label}
    if (
        site_words & _NEWS_WORDS
        or host_words
        or set(categories) & _NEWS_CATEGORIES
        or "news" in segments[:-1]
        or (host and _DATED_PATH.search(path))
    ):
        return "article-newspaper"
    return "webpage"


def _date_parts(day: date) -> dict[str, Any]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def capture_day(a: Article) -> date | None:
    """The day the article was first captured, from its provenance (None when no source says)."""
    days = []
    for p in a.provenance:
        m = re.match(r"^(\d{4})-?(\d\d)-?(\d\d)", (p.captured or "").strip())
        if m:
            try:
                days.append(date(int(m[1]), int(m[2]), int(m[3])))
            except ValueError:
                continue
    return min(days) if days else None


def _abstract(a: Article) -> str:
    first = clean(a.body[0]) if a.body else ""
    if len(first) <= ABSTRACT_CHARS:
        return first
    return first[:ABSTRACT_CHARS].rsplit(" ", 1)[0] + " …"


def csl_item(a: Article) -> dict[str, Any]:
    """The article as one CSL-JSON item (CSL 1.0.2 data schema), for Zotero, Pandoc, citeproc."""
    kind = item_type(a)
    site = clean(a.site)
    item: dict[str, Any] = {"id": a.id, "type": kind}
    title = clean(a.title)
    if title:
        item["title"] = title
    authors = [clean(n) for n in a.authors if clean(n)]
    if kind in ("article-newspaper", "article-magazine", "post-weblog"):
        authors = [n for n in authors if not is_site_name(n, site)]  # the outlet's byline
    if authors:
        item["author"] = [csl_name(n, site) for n in authors]
    if site:
        named_by_author = len(authors) == 1 and is_site_name(authors[0], site)
        if kind == "report":
            if not named_by_author:
                item["publisher"] = site
        elif not named_by_author:
            item["container-title"] = site
    day = a.published_day
    if day:
        item["issued"] = _date_parts(day)
    captured = capture_day(a)
    if captured:
        item["accessed"] = _date_parts(captured)
    url = clean(a.url).replace(" ", "%20")  # a URL holds no spaces
    if url.lower().startswith(("http://", "https://")):
        item["URL"] = url
    if a.language:
        item["language"] = clean(a.language)
    abstract = _abstract(a)
    if abstract:
        item["abstract"] = abstract
    categories = [clean(c) for c in a.categories if clean(c)]
    if categories:
        item["keyword"] = ", ".join(categories)
    item["note"] = f"Quarry archive id {a.id}"
    return item
