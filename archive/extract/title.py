"""The article's title, and the other headlines the page gives it.

Pages carry several headlines (visible ``<h1>``, ``og:title``, JSON-LD ``headline``, ``<title>``);
the page itself settles which one is the headline where it can, the others are kept as
``other_titles`` when they add words.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from quarry.archive.extract.page_metadata import clean_text

__all__ = ["MAX_OTHER_HEADLINES", "choose_title", "headline_sources", "page_titles", "squash"]

_SEPARATORS = re.compile(r"\s+[|\-–—·•:»«/]\s+|\s+::\s+")
# Invisible characters that editors use to steer line breaks (soft hyphen, zero-width space and
# joiners, word joiner, BOM); they are no part of the title text.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})


def squash(text: str) -> str:
    """The text as lower-case letters and digits only, for comparing headline variants."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _site_names(sites: list[str], host: str | None) -> set[str]:
    """Squashed names the site goes by: its declared names and its host name, with umlauts
    also transliterated (a host name writes "Börsen-Zeitung" as boersen-zeitung)."""
    names = {n for s in sites if s for n in _squash_variants(s)}
    if host:
        bare = host.lower().removeprefix("www.")
        names |= {squash(bare), squash(bare.split(".")[0])} - {""}
    return names


def _is_site_part(part: str, names: set[str]) -> bool:
    """True when a separated part of a title names the site ("The Times", "Times Online",
    "news.times.com") rather than the article."""
    return any(_names_site(sq, len(part.split()), names) for sq in _squash_variants(part))


def _squash_variants(text: str) -> set[str]:
    """The squashed text, and with umlauts transliterated as host names write them."""
    sq = squash(text)
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
    return [clean_text(h.text_content()) for h in tree.iter("h1")][:3]


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
    key = squash(title)
    if not key:
        return False
    if squash(container) == key:
        return True
    parts = _SEPARATORS.split(container)
    return any(
        squash(" ".join(parts[:i])) == key or squash(" ".join(parts[i:])) == key
        for i in range(1, len(parts))
    )


_KICKER = re.compile(r"^(.{2,80}?)(?::|\s[-–—|])\s+(.+)$")


def _under_kicker(heading: str, title: str) -> bool:
    """True when the visible heading is ``title`` run together with a kicker ("Kicker: Title",
    the topic line many news sites set above the headline)."""
    m = _KICKER.match(heading)
    return bool(m) and len(m.group(1).split()) <= 6 and squash(m.group(2)) == squash(title)


def _title_from_document_title(
    html_title: str, h1s: list[str], sites: list[str], host: str | None
) -> str:
    """The title of a page without title metadata, from its <title> and <h1>."""
    # The longest heading that the <title> shows as one of its separated parts.
    shown = [h for h in h1s if _covers(html_title, h)]
    if shown:
        return max(shown, key=lambda h: len(squash(h)))
    stripped = _strip_site(html_title, sites, host)
    for h in h1s:
        if squash(h) and squash(h) in squash(stripped):
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
    texts = [t for _, t in candidates if squash(t)] or [t for _, t in candidates]
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
        key = squash(h)
        if key != squash(best) and any(
            squash(" ".join(parts[:i])) == key for i in range(1, len(parts))
        ):
            return h
    return best


def page_titles(tree: etree._Element) -> tuple[str, list[str]]:
    """The page's <title> text and the texts of its first <h1> elements."""
    html_title = ""
    title_el = tree.find(".//title")
    if title_el is not None:
        html_title = clean_text(title_el.text_content())
    return html_title, [h for h in _h1_texts(tree) if h]


def _tidy(title: str) -> str:
    return " ".join(_INVISIBLE.sub("", title).split())


def choose_title(
    tree: etree._Element, md: dict[str, Any], traf_title: str | None, host: str | None
) -> tuple[str, list[str]]:
    """The article title, and the other headlines the page gives for it."""
    html_title, h1s = page_titles(tree)
    title = _pick_title(md["titles"], md["sites"], host, html_title, h1s)
    title = _tidy(title or clean_text(traf_title or ""))
    return title, _other_headlines(headline_sources(md, host, html_title, h1s), title, md["sites"], host)


def headline_sources(
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

