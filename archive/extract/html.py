"""Article extraction from HTML pages: trafilatura for the main text, structured data for metadata.

trafilatura finds the main text well, but its metadata is weaker than what pages state
explicitly: its title keeps the site-name suffix, it may take a modified date or a date from a
sidebar, and it leaves the language empty. So metadata comes first from what the publisher
declared (JSON-LD, Open Graph/``article:*``, Highwire ``citation_*``, ``<time>`` in the article,
the URL), then from trafilatura/htmldate heuristics.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from quarry.archive.decode import DecodeError, decode_bytes
from quarry.archive.extract.body import article_text
from quarry.archive.extract.metadata import (
    ARTICLE_TYPES,
    date_from_url,
    jsonld_names,
    jsonld_objects,
    meta_tags,
    parse_date_text,
    split_authors,
    types_of,
)
from quarry.archive.model import (
    Article,
    Provenance,
    RawDocument,
    article_id,
    replayed_url,
    text_hash,
)

__all__ = ["MIN_WORDS", "extract_html", "guess_language", "html_metadata"]

MIN_WORDS = 40

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def _parse(text: str) -> etree._Element | None:
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _clean(value: Any) -> str:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value if v)
    if not isinstance(value, str):
        return ""
    value = lxml.html.fromstring(f"<p>{value}</p>").text_content() if "&" in value else value
    return " ".join(value.split())


# ---------------------------------------------------------------- structured metadata


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
    authors: list[list[str]] = []
    categories: list[str] = []
    sites: list[str] = []
    langs: list[str] = []
    bodies = [obj["articleBody"] for obj in articles if isinstance(obj.get("articleBody"), str)]
    for obj in articles:
        titles += [("ld:" + k, _clean(obj.get(k))) for k in ("headline", "name") if obj.get(k)]
        dates += [str(obj[k]) for k in ("datePublished", "dateCreated") if obj.get(k)]
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
    for obj in objects:
        if types_of(obj) & {"website", "newsmediaorganization", "organization"} and obj.get("name"):
            sites += jsonld_names(obj)
            break

    # Dublin Core is written DC.title, dc:title and dcterms.title alike.
    dc_spellings = ("dc.title", "dc:title", "dcterms.title", "dcterms:title")
    for key in ("citation_title", "og:title", "twitter:title", "dc.title", "parsely-title"):
        spellings = dc_spellings if key == "dc.title" else (key,)
        values = [v for k in spellings for v in meta.get(k, [])]
        titles += [(key, _clean(v)) for v in values[:1]]
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
    sites += m("og:site_name", "application-name", "citation_journal_title")
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
        "dates": dates,
        "authors": authors,
        "categories": categories,
        "sites": [_clean(s) for s in sites if s],
        "langs": langs,
        "canonical": canonical,
        "meta": meta,
        "bodies": bodies,
    }


def _flip_name(name: str) -> str:
    """Highwire/Dublin Core give "Last, First"; articles show "First Last"."""
    name = " ".join(name.split())
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts) and " " not in parts[0]:
        return f"{parts[1]} {parts[0]}"
    return name


# ---------------------------------------------------------------- title

_SEPARATORS = re.compile(r"\s+[|\-–—·•:»«/]\s+|\s+::\s+")
# Invisible characters that editors use to steer line breaks (soft hyphen, zero-width space and
# joiners, word joiner, BOM); they are no part of the title text.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _site_names(sites: list[str], host: str | None) -> set[str]:
    """Squashed names the site goes by: its declared names and its host name, with umlauts
    also transliterated (a host name writes "Börsen-Zeitung" as boersen-zeitung)."""
    names = {n for s in sites if s for n in _squash_variants(s)}
    if host:
        bare = host.lower().removeprefix("www.")
        names |= {_squash(bare), _squash(bare.split(".")[0])} - {""}
    return names


def _is_site_part(part: str, names: set[str]) -> bool:
    """True when a separated part of a title names the site ("The Times", "Times Online",
    "news.times.com") rather than the article."""
    return any(_names_site(sq, len(part.split()), names) for sq in _squash_variants(part))


def _squash_variants(text: str) -> set[str]:
    """The squashed text, and with umlauts transliterated as host names write them."""
    sq = _squash(text)
    return {sq, sq.translate(_TRANSLIT)} - {""}


def _names_site(sq: str, words: int, names: set[str]) -> bool:
    for n in names:
        if sq == n:
            return True
        if len(n) > 3 and (n in sq or sq in n):
            if min(len(n), len(sq)) > 0.6 * max(len(n), len(sq)):
                return True
            # The site name plus a word or two: "Metro News", "Mirror Online", "CBC News".
            if sq.startswith(n) and words <= 3:
                return True
    return False


def _strip_site(title: str, sites: list[str], host: str | None) -> str:
    """Drop a " | Site Name" / "Site - " part that names the site, not the article."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    names = _site_names(sites, host)
    while len(parts) > 1 and _is_site_part(parts[-1], names):
        title = title[: title.rfind(parts[-1])].rstrip(" |-–—·•:»«/")
        parts = parts[:-1]
    while len(parts) > 1 and _is_site_part(parts[0], names):
        title = title[title.find(parts[1]) :]
        parts = parts[1:]
    return title.strip()


def _h1_texts(tree: etree._Element) -> list[str]:
    return [_clean(h.text_content()) for h in tree.iter("h1")][:3]


# Metadata title sources in order of trust, for when the page itself does not settle which of
# them is the headline. og:title is the editor's headline more often than JSON-LD "headline",
# which is frequently an SEO variant (measured on bench/extraction_eval.py).
_TITLE_PRIORITY = (
    "citation_title",
    "og:title",
    "ld:headline",
    "twitter:title",
    "dc.title",
    "parsely-title",
    "ld:name",
)


def _rank(key: str) -> int:
    return _TITLE_PRIORITY.index(key) if key in _TITLE_PRIORITY else len(_TITLE_PRIORITY)


def _covers(container: str, title: str) -> bool:
    """True when ``container`` is ``title`` itself, or ``title`` with further parts set off by
    separators before or after it ("Title | Section | Site", "Site - Title")."""
    key = _squash(title)
    if not key:
        return False
    if _squash(container) == key:
        return True
    parts = _SEPARATORS.split(container)
    return any(
        _squash(" ".join(parts[:i])) == key or _squash(" ".join(parts[i:])) == key
        for i in range(1, len(parts))
    )


_KICKER = re.compile(r"^(.{2,80}?)(?::|\s[-–—|])\s+(.+)$")


def _under_kicker(heading: str, title: str) -> bool:
    """True when the visible heading is ``title`` run together with a kicker ("Kicker: Title",
    the topic line many news sites set above the headline)."""
    m = _KICKER.match(heading)
    return bool(m) and len(m.group(1).split()) <= 6 and _squash(m.group(2)) == _squash(title)


def _title_from_document_title(
    html_title: str, h1s: list[str], sites: list[str], host: str | None
) -> str:
    """The title of a page without title metadata, from its <title> and <h1>."""
    # The longest heading that the <title> shows as one of its separated parts.
    shown = [h for h in h1s if _covers(html_title, h)]
    if shown:
        return max(shown, key=lambda h: len(_squash(h)))
    stripped = _strip_site(html_title, sites, host)
    for h in h1s:
        if _squash(h) and _squash(h) in _squash(stripped):
            return h
    if stripped != html_title:
        return stripped
    parts = _SEPARATORS.split(html_title)
    if len(parts) > 1:
        longest = max(parts, key=len)
        if len(longest.split()) >= 3:
            return longest.strip()
    return html_title


def _pick_title(
    titles: list[tuple[str, str]],
    sites: list[str],
    host: str | None,
    html_title: str,
    h1s: list[str],
) -> str:
    """The article title from the page's candidates: metadata (source, text) pairs, the
    <title> text and the texts of the first <h1> elements.

    Metadata titles often disagree: og:title, JSON-LD headline and <title> may each carry a
    different variant of the headline (one written for social cards, one for search engines).
    The page settles it where it can: the variant that a visible <h1> shows is the headline;
    failing that, the one the document's <title> names; only then the most trusted source.
    """
    if not titles:
        if html_title:
            return _title_from_document_title(html_title, h1s, sites, host)
        return h1s[0] if h1s else ""
    candidates = sorted(
        ((k, _strip_site(t, sites, host)) for k, t in titles), key=lambda item: _rank(item[0])
    )
    texts = [t for _, t in candidates if _squash(t)] or [t for _, t in candidates]
    best = None
    # An exact showing (the heading is the title, perhaps with a site name) beats a showing
    # under a kicker, so a title that the heading shows whole wins over a shorter variant.
    for shows in (_covers, _under_kicker):
        best = next((t for t in texts if any(shows(h, t) for h in h1s)), None)
        if best is not None:
            break
    if best is None and html_title:
        best = next((t for t in texts if _covers(html_title, t)), None)
    if best is None:
        best = texts[0]
        # a metadata title cut short (an unescaped quote ends the attribute) that the heading
        # shows whole: "Sieger und" for 'Sieger und "royaler Besuch"'
        for h in h1s:
            if h.startswith(best) and h[len(best) :].lstrip()[:1] in ('"', "„", "“", "«"):
                return h
    # A heading that the chosen title merely extends by a trailing part ("Headline | Site"
    # where the site name went unrecognised) is the cleaner title.
    parts = _SEPARATORS.split(best)
    for h in h1s:
        key = _squash(h)
        if key != _squash(best) and any(
            _squash(" ".join(parts[:i])) == key for i in range(1, len(parts))
        ):
            return h
    return best


def _page_titles(tree: etree._Element) -> tuple[str, list[str]]:
    """The page's <title> text and the texts of its first <h1> elements."""
    html_title = ""
    title_el = tree.find(".//title")
    if title_el is not None:
        html_title = _clean(title_el.text_content())
    return html_title, [h for h in _h1_texts(tree) if h]


def _tidy(title: str) -> str:
    return " ".join(_INVISIBLE.sub("", title).split())


def _choose_title(
    tree: etree._Element, md: dict[str, Any], traf_title: str | None, host: str | None
) -> tuple[str, list[str]]:
    """The article title, and the other headlines the page gives for it."""
    html_title, h1s = _page_titles(tree)
    title = _pick_title(md["titles"], md["sites"], host, html_title, h1s)
    title = _tidy(title or _clean(traf_title or ""))
    return title, _other_headlines(_candidates(md, host, html_title, h1s), title, md["sites"], host)


def _candidates(
    md: dict[str, Any], host: str | None, html_title: str, h1s: list[str]
) -> list[tuple[str, str]]:
    """Every headline the page states, as (source, text): metadata first, in order of trust,
    then the <title> (site name and trailing section names dropped) and the first <h1>."""
    found = sorted(
        ((k, _strip_site(t, md["sites"], host)) for k, t in md["titles"]), key=lambda kt: _rank(kt[0])
    )
    if html_title:
        stripped = _strip_site(html_title, md["sites"], host)
        parts = _SEPARATORS.split(stripped)
        # "Headline | Politics News | Metro": short trailing parts name sections, not the article
        while len(parts) > 1 and len(parts[-1].split()) <= 2:
            stripped = stripped[: stripped.rfind(parts[-1])].rstrip(" |-–—·•:»«/")
            parts = parts[:-1]
        found.append(("title", stripped))
    if h1s:
        found.append(("h1", h1s[0]))
    return [(k, _tidy(t)) for k, t in found if _tidy(t)]


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
    html_title, h1s = _page_titles(tree)
    return _candidates(md, urlsplit(url).hostname if url else None, html_title, h1s)


MAX_OTHER_HEADLINES = 4
_HEADLINE_WORD = re.compile(r"[^\W\d_]+")  # letters: numbers and dates add no headline


def _other_headlines(
    candidates: list[tuple[str, str]], title: str, sites: list[str], host: str | None
) -> list[str]:
    """The headlines of the page that differ from ``title`` in wording: the social-card and
    search-engine variants editors write, so that a search for any of them finds the article.

    A variant is kept only when it adds a word the title and the variants kept before it do
    not have (so "Title - National", a kicker-less title or a truncated one are not kept), and
    when it is not the site's name or an identifier.
    """
    names = _site_names(sites, host)
    # words that only name the site or give a date add nothing ("Title, Tageszeitung junge Welt,
    # 26.04.2024"); nor do headings of under three words ("Log In")
    site_words = {w.casefold() for s in [*sites, host or ""] for w in _HEADLINE_WORD.findall(s)}
    seen = {w.casefold() for w in _HEADLINE_WORD.findall(title)}
    kept: list[str] = []
    for _, text in candidates:
        new = {w.casefold() for w in _HEADLINE_WORD.findall(text)} - seen
        if (
            len(text.split()) < 3
            or len(text) > 300
            or all(w in site_words for w in new)
            or _is_site_part(text, names)
        ):
            continue
        # the title (or a kept variant) with a site or section part added, or spaced otherwise
        if any(_covers(text, t) for t in [title, *kept]):
            continue
        kept.append(text)
        seen |= new
        if len(kept) == MAX_OTHER_HEADLINES:
            break
    return kept


# ---------------------------------------------------------------- dates


def _to_published(value: date | datetime | None) -> date | datetime | None:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.date()
    return value


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _time_elements(tree: etree._Element) -> tuple[list[str], list[str]]:
    """``<time datetime>`` values in the article: (marked as publication time, unmarked)."""
    marked: list[str] = []
    plain: list[str] = []
    scopes = tree.xpath("//article|//main|//*[@itemprop='articleBody']") or [tree]
    for scope in scopes[:1]:
        for el in scope.iter("time"):
            value = el.get("datetime") or el.text_content()
            if not value:
                continue
            hint = " ".join(
                (el.get(a) or "") for a in ("itemprop", "class", "pubdate", "data-type")
            ).lower()
            parent = el.getparent()
            if parent is not None:
                hint += " " + (parent.get("class") or "").lower()
            if "modif" in hint or "update" in hint:
                continue
            if "publish" in hint or "pubdate" in hint or el.get("pubdate") is not None:
                marked.append(value)
            else:
                plain.append(value)
    return marked, plain[:1]


def _choose_date(
    tree: etree._Element, md: dict[str, Any], url: str | None, traf_date: str | None
) -> date | datetime | None:
    today = date.today()
    marked, plain = _time_elements(tree)
    for text in md["dates"] + marked:
        value = parse_date_text(text)
        if value and _day(value) <= today:
            return _to_published(value)
    from_url = date_from_url(url)
    if from_url:
        return from_url
    # htmldate's heuristics (via trafilatura) beat an unmarked <time>, often a comment's or
    # a sidebar's.
    for text in ([traf_date] if traf_date else []) + plain:
        value = parse_date_text(text)
        if value and _day(value) <= today:
            return _to_published(value)
    return None


# ---------------------------------------------------------------- language

_STOPWORDS = {
    "en": "the of and to in is that for it with as was on are be by this have from at not but or",
    "de": "der die und das ist nicht den von zu mit sich des auf für dem ein eine im auch es als",
    "fr": "le la les et des est un une du que pour dans en pas qui sur au avec ce il sont par",
    "es": "el la de que y los en del las un por con una para es se al lo como más pero sus",
    "it": "il di che la per un del della è non una con sono le gli nel alla dei più anche si",
    "nl": "de het een en van is dat op te in zijn voor met die niet aan er ook als bij",
    "pt": "de que não o da do em para com uma os no se na por mais as dos como mas ao",
    "sv": "och att det som är en på av för med till den inte har om ett var jag men",
    "da": "og at det er en til på af for med den ikke har som de et var jeg men",
    "no": "og det er at en på til av for med som ikke har de den et var jeg men",
    "pl": "i w nie na się z do że to jest jak po co ale od za jego tak przez",
    "cs": "a se na že je v to s z do jako pro by ale o jsou není také byl jeho",
    "tr": "ve bir bu da için ile de olarak daha çok gibi olan en ama kadar sonra",
    "id": "yang dan di dengan untuk ini itu dari dalam tidak akan pada juga ke adalah",
    "fi": "ja on ei se että oli hän mutta kuin myös tai ovat ole jo",
    "hu": "a az és hogy nem is egy meg van de ez már csak még mint",
    "ro": "și în de la cu pe a că nu un o din care este mai pentru",
    "vi": "của và là các những được trong có cho với một người này không đã",
    "lt": "ir kad yra su į iš bet ar kaip tai buvo jo taip",
    "is": "og að er í á sem það til með ekki var um af en",
}
_STOPSETS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str | None:
    """ISO 639-1 code from the script (CJK, Cyrillic, ...) or stopword counts; None if unsure."""
    sample = text[:5000]
    if not sample.strip():
        return None
    scripts = {
        "ja": len(re.findall(r"[\u3040-\u30ff]", sample)),
        "ko": len(re.findall(r"[\uac00-\ud7af]", sample)),
        "zh": len(re.findall(r"[\u4e00-\u9fff]", sample)),
        "cyr": len(re.findall(r"[\u0400-\u04ff]", sample)),
        "el": len(re.findall(r"[\u0370-\u03ff]", sample)),
        "he": len(re.findall(r"[\u0590-\u05ff]", sample)),
        "ar": len(re.findall(r"[\u0600-\u06ff]", sample)),
        "th": len(re.findall(r"[\u0e00-\u0e7f]", sample)),
    }
    letters = len(_WORD.findall(sample)) or 1
    if scripts["ja"] > 20:
        return "ja"
    if scripts["ko"] > 20:
        return "ko"
    if scripts["zh"] > 20:
        return "zh"
    if scripts["cyr"] > 50:
        return "uk" if re.search(r"[іїєґ]", sample) else "ru"
    for code in ("el", "he", "ar", "th"):
        if scripts[code] > 50:
            return code
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < 8:
        return None
    scores = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOPSETS.items()}
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < 3 or top < 1.2 * second or top / letters < 0.05:
        return None
    return best


def _normalise_lang(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower())[0]
    aliases = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "jp": "ja", "cz": "cs", "gr": "el"}
    code = aliases.get(code, code)
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def _choose_language(md: dict[str, Any], body_text: str) -> str | None:
    declared = next((c for c in map(_normalise_lang, md["langs"]) if c), None)
    guessed = guess_language(body_text)
    if guessed and declared != guessed:
        # Templates often keep lang="en"; trust a clear reading of the text over it.
        return guessed
    return declared or guessed


# ---------------------------------------------------------------- body

_BYLINE_LINE = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+\S", re.I)
_BYLINE_XPATH = (
    "//*[@rel='author' or @itemprop='author' or contains(@class,'byline') "
    "or contains(@class,'author') or contains(@class,'autor')]"
)


def _byline_authors(tree: etree._Element) -> list[str]:
    """Names from a visible byline element, for pages without author metadata."""
    for el in tree.xpath(_BYLINE_XPATH)[:10]:
        text = _clean(el.text_content())
        if not text or len(text) > 100 or len(text.split()) > 12:
            continue
        names = split_authors(text)
        if names:
            return names
    return []


_CREDIT = re.compile(r"\b(?:image|photo|picture|foto|bild)s?\s*:|getty images|istock|shutterstock", re.I)


# News agencies credited beside the writers ("Felix Schröder und Jörg Soldwisch, dpa")
_AGENCIES = {
    "afp", "ap", "apa", "ani", "ansa", "anp", "belga", "dpa", "efe", "epd", "kna", "kyodo", "pap",
    "pti", "reuters", "ritzau", "sda", "sid", "tass", "upi", "xinhua", "yonhap",
}  # fmt: skip
# a writer's handle after the name: "Elena Oberholzer (obe)", "Corina Gall (cog.)"
_HANDLE = re.compile(r"\s*\([a-zäöüß]{2,4}\.?\)$")


def _people(authors: list[str]) -> list[str]:
    """One facet value per person: a name list given as one value ("A B and C D", "A B, C D
    und E F", "A B og C D", "A B, C D, dpa") is split when every part is a full name or a news
    agency; a writer's handle in parentheses after the name and picture credits are dropped."""
    out: list[str] = []
    for name in authors:
        if _CREDIT.search(name) or (name.startswith("(") and name.endswith(")")):
            continue
        name = _HANDLE.sub("", name)
        parts = split_authors(name)
        if len(parts) < 2 or any(len(p.split()) < 2 and p.casefold() not in _AGENCIES for p in parts):
            parts = [name]  # "Smith, John", "AFP, Manila": one value as given
        out += [p for p in parts if p not in out]
    return out


def _drop_head_lines(body: list[str], title: str, authors: list[str]) -> list[str]:
    """Drop the headline, byline and dateline that trafilatura keeps at the top of the text."""
    title_key = _squash(title)
    author_keys = {_squash(a) for a in authors}
    out: list[str] = []
    for i, line in enumerate(body):
        key = _squash(line)
        if key and key == title_key:
            continue
        if i < 4 and len(line.split()) <= 12:
            if _BYLINE_LINE.match(line) or (key and key in author_keys):
                continue
            if parse_date_text(line) and len(line.split()) <= 8 and not line.endswith("."):
                continue
        out.append(line)
    return out


def _word_count(text: str) -> int:
    """Words, counting CJK characters (no spaces between words) as half a word each."""
    cjk = len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", text))
    return (
        len(re.findall(r"\w+", text))
        - len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]+", text))
        + cjk // 2
    )


_NOT_FOUND = re.compile(
    r"\b(?:404|page not found|not found|seite nicht gefunden|page introuvable|"
    r"página no encontrada|pagina non trovata|error)\b",
    re.I,
)


# ---------------------------------------------------------------- entry point


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
    """The article in an HTML page, or None when the page holds none (navigation, 404, empty).

    The caller reports None as "no article found".
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
        doc = _trafilatura(_XML_DECL.sub("", text, count=1), raw.url)
    except Exception:  # trafilatura raises a wide range of parser errors on broken pages
        doc = None
    if doc is None:
        return None
    body = article_text(doc.text or "", md["bodies"], tree)
    body_text = "\n".join(body)
    words = _word_count(body_text)
    if words < MIN_WORDS:
        return None

    saved_url, saved_at = saved_from(text)
    url = raw.url or saved_url or md["canonical"] or doc.url
    replay = replayed_url(url)
    if replay:  # saved from the Wayback Machine: the original page's URL and site
        url = replay[0]
    elif saved_at:
        replay = (url, saved_at) if url else None
    host = urlsplit(url).hostname if url else None
    title, other_titles = _choose_title(tree, md, doc.title, host)
    if _NOT_FOUND.search(title) and words < 150:
        return None

    authors: list[str] = []
    for group in md["authors"]:
        authors = [a for a in group if a]
        if authors:
            break
    if not authors and doc.author:
        authors = split_authors(doc.author.split("; "))
    if not authors:
        authors = _byline_authors(tree)
    if not authors:
        lead = next((p for p in body[:4] if _BYLINE_LINE.match(p) and len(p.split()) <= 12), None)
        authors = split_authors(lead) if lead else []
    authors = _people(authors)
    body = _drop_head_lines(body, title, authors)
    if not body:
        return None

    published = _choose_date(tree, md, url, doc.date)

    categories: list[str] = []
    for c in md["categories"] + list(doc.categories or []) + list(doc.tags or []):
        for part in str(c).split(","):
            part = " ".join(part.split())
            if part and part not in categories and len(part) < 80:
                categories.append(part)

    site = md["sites"][0] if md["sites"] else (doc.sitename or None)
    language = _choose_language(md, body_text)
    return Article(
        id=article_id(url, body, title),
        title=title,
        other_titles=other_titles,
        body=body,
        url=url,
        published=published,
        authors=authors,
        categories=categories,
        site=site,
        language=language,
        provenance=[_provenance(raw, replay)],
        text_hash=text_hash(body),
    )
