"""Articles from plain-text files: captures of whole pages (a browser's "save as text" or
copy-paste) and any other text.

A text file is a page capture only when it looks like one: the layout of European Eye on
Radicalization and sites built on the same WordPress theme (breadcrumb, title, date, "in
<categories>", title again, views, share buttons, author, body, "Related Posts"), or a page's
navigation, share buttons and footer around an article (its main block of prose, the title above
it and the first date near it are taken). Any other text is an article whole
(:mod:`.plaintext`).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ..decode import decode_bytes
from ..model import Article, Provenance, RawDocument, article_id, text_hash
from .clean import clean_authors, clean_categories
from .plaintext import byline_authors, is_byline, plain_article

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_LINE = re.compile(
    rf"^(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS}),?\s+\d{{4}}|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})$",
    re.I,
)
_CATEGORY_LINE = re.compile(r"^in\s+(.+)$")
_VIEWS_LINE = re.compile(r"^(\d[\d,.]*)\s*([KkMm])?$")
_SHARE = re.compile(r"^(share on|tweet|share this|facebook|twitter|whatsapp|email|print)\b", re.I)
_COPYRIGHT = re.compile(r"copyright\s*©?\s*(?:\d{4}\s*)?(.+?)\.?$", re.I)
_BULLET = re.compile(r"^\s*[•·\-\*▪►]\s+")
# Lines that end the article in this page layout (exact lines, not words inside paragraphs).
_END_MARKERS = {
    "related posts",
    "related articles",
    "related",
    "popular",
    "latest from twitter",
    "no result",
    "view all result",
    "you may also like",
    "read more",
    "more from",
    "tags:",
    "leave a comment",
    "comments",
    "share this:",
    "recommended",
}


def extract_pagetext(raw: RawDocument) -> Article:
    """The article in a text file: a page capture's article, or the whole text.

    Raises :class:`NoArticle` (with the reason) when there is none."""
    from . import NoArticle

    text = decode_bytes(raw.content, raw.encoding, is_html=False)
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    fields = _eer_layout(lines)
    if fields is None and looks_like_capture(lines):
        fields = _generic(lines)
        if fields is None:
            raise NoArticle("page capture without an article (navigation, links and notices only)")
    if fields is None:
        fields = plain_article(lines)
        if fields is None:
            raise NoArticle("no article found (no sentence, list or table in the text)")
    body: list[str] = fields["body"]
    url = raw.url
    return Article(
        id=article_id(url, body, fields["title"]),
        url=url,
        title=fields["title"],
        body=body,
        published=fields.get("published"),
        authors=clean_authors(fields.get("authors", [])),
        categories=clean_categories(fields.get("categories", [])),
        site=fields.get("site"),
        language=fields.get("language") or guess_language(" ".join(body[:5])),
        views=fields.get("views"),
        provenance=[Provenance.from_raw(raw)],
        text_hash=text_hash(body),
    )


# Lines a page's navigation, share buttons and footer are made of (whole lines, any case)
_CHROME = {
    "menu", "search", "subscribe", "sign in", "sign up", "log in", "login", "log out", "register",
    "skip to content", "skip to main content", "home", "about", "about us", "contact",
    "contact us", "privacy", "privacy policy", "terms of use", "terms of service", "cookies",
    "cookie policy", "cookie settings", "accept cookies", "accept all", "newsletter", "share",
    "share this", "share this article", "share on facebook", "share on twitter", "facebook",
    "twitter", "whatsapp", "linkedin", "telegram", "instagram", "youtube", "email", "print",
    "tweet", "more stories", "related posts", "related articles", "popular", "most read",
    "trending", "read more", "you may also like", "recommended", "advertisement",
    "no result", "view all result", "views", "all rights reserved", "back to top", "latest news",
    "startseite", "impressum", "datenschutz", "kontakt", "suche", "anmelden", "accueil",
    "mentions légales", "recherche", "se connecter", "inicio", "buscar", "contacto",
}  # fmt: skip
_MENU_BAR = re.compile(r"^[\w’' -]{2,25}(?:\s+[|•·]\s+[\w’' -]{2,25}){2,}$")


def looks_like_capture(lines: list[str]) -> bool:
    """True when a text shows a page's chrome around its article: navigation, share buttons,
    cookie and copyright notices on lines of their own, before and after the prose (or at least
    three of them); a press release's "Contact:" block or a closing copyright line alone is not
    enough."""
    positions = [i for i, line in enumerate(lines) if _is_chrome(line)]
    if len(positions) >= 3:
        return True
    prose = [i for i, line in enumerate(lines) if len(line.split()) >= 12]
    return bool(positions and prose and positions[0] < prose[0] and positions[-1] > prose[-1])


def _is_chrome(line: str) -> bool:
    text = _BULLET.sub("", line.strip()).strip().rstrip(":").casefold()
    return text in _CHROME or _MENU_BAR.match(line.strip()) is not None or (
        text.startswith(("©", "copyright")) and len(text.split()) <= 12
    )


def parse_views(text: str) -> int | None:
    """'613' -> 613, '1,234' -> 1234, '12K' -> 12000, '1.2K' -> 1200."""
    m = _VIEWS_LINE.match(text.strip())
    if not m:
        return None
    number, suffix = m.group(1), (m.group(2) or "").upper()
    if suffix:
        value = float(number.replace(",", ""))
        return int(round(value * (1000 if suffix == "K" else 1_000_000)))
    digits = number.replace(",", "").replace(".", "")
    return int(digits) if digits.isdigit() else None


def parse_date_line(text: str) -> date | datetime | None:
    from .metadata import parse_date_text

    return parse_date_text(text.strip())


def _eer_layout(lines: list[str]) -> dict | None:
    """Title / date / 'in categories' / title / views / VIEWS / share / author / body."""
    stripped = [ln.strip() for ln in lines]
    for i, line in enumerate(stripped):
        if not _DATE_LINE.match(line):
            continue
        cat = _next_nonblank(stripped, i)
        if cat is None or not _CATEGORY_LINE.match(stripped[cat]):
            continue
        title_idx = _prev_nonblank(stripped, i)
        if title_idx is None:
            continue
        title = stripped[title_idx]
        categories = [
            c.strip() for c in _CATEGORY_LINE.match(stripped[cat]).group(1).split(",") if c.strip()
        ]
        j = cat + 1
        views = None
        # optional repeated title, views count, "VIEWS", share buttons
        while j < len(stripped):
            s = stripped[j]
            if not s or s == title:
                j += 1
                continue
            if (
                views is None
                and parse_views(s) is not None
                and _next_nonblank_text(stripped, j).upper() == "VIEWS"
            ):
                views = parse_views(s)
                j = _next_nonblank(stripped, j) + 1
                continue
            if _SHARE.match(s):
                j += 1
                continue
            break
        # the byline: one short, name-like line before the first paragraph
        authors: list[str] = []
        k = j
        if k < len(stripped) and _is_byline(stripped[k]):
            authors = byline_authors(stripped[k])
            k += 1
        body = _body_until_end(stripped, k)
        if not body:
            continue
        return {
            "title": title,
            "published": parse_date_line(line),
            "categories": categories,
            "views": views,
            "authors": authors,
            "body": body,
            "site": _site_name(stripped),
        }
    return None


def _is_byline(line: str) -> bool:
    words = line.split()
    if not 1 <= len(words) <= 12 or line.endswith((".", "?", "!", ":")):
        return False
    return _SHARE.match(line) is None and sum(w[:1].isupper() for w in words) >= max(
        1, len(words) * 0.6
    )


def _body_until_end(lines: list[str], start: int) -> list[str]:
    body: list[str] = []
    for line in lines[start:]:
        if not line:
            continue
        if line.lower().rstrip(":") in _END_MARKERS or line.lower() in _END_MARKERS:
            break
        if _COPYRIGHT.search(line) and len(line.split()) < 20 and "©" in line:
            break
        if _BULLET.match(line) and not body:
            continue
        body.append(line)
    return body


def _site_name(lines: list[str]) -> str | None:
    for line in reversed(lines):
        if "©" in line or "copyright" in line.lower():
            m = _COPYRIGHT.search(line)
            if m:
                name = m.group(1).strip(" .©")
                name = re.sub(r"^(\d{4}\s*)?", "", name).strip()
                if name and len(name.split()) <= 8:
                    return name
    for i, line in enumerate(lines):
        if line.lower() == "view all result":
            nxt = _next_nonblank(lines, i)
            if nxt is not None and not _BULLET.match(lines[nxt]):
                return lines[nxt]
    return None


def _generic(lines: list[str]) -> dict | None:
    """Any capture: the main block of prose, the title above it, the first date near it."""
    stripped = [ln.strip() for ln in lines]
    paragraphs = [(i, s) for i, s in enumerate(stripped) if s and not _BULLET.match(s)]
    if not paragraphs:
        return None
    # the main block: the run of lines with the most prose words, where a run may contain short
    # lines (headings) but breaks at three short lines in a row
    best: tuple[int, int, int] = (0, 0, 0)  # words, start, end (indexes into paragraphs)
    start, words, short_run = 0, 0, 0
    for n, (_, s) in enumerate(paragraphs):
        wc = len(s.split())
        if wc >= 15 and s[-1:] in '.!?"”’)':
            words += wc
            short_run = 0
        else:
            short_run += 1
            if short_run >= 3 or s.lower() in _END_MARKERS:
                start, words, short_run = n + 1, 0, 0
                continue
        if words > best[0]:
            best = (words, start, n + 1)
    if best[0] < 40:
        return None
    # the block's lines, list items among them, from its first prose line to its last
    first, last = paragraphs[best[1]][0], paragraphs[best[2] - 1][0]
    block = [s for s in stripped[first : last + 1] if s and not _is_chrome(s)]
    while block and len(block[0].split()) < 15 and not block[0].endswith("."):
        block.pop(0)
    block_start_line = paragraphs[best[1]][0]
    head = [s for s in stripped[:block_start_line] if s]
    published = None
    title = None
    authors: list[str] = []
    for s in reversed(head[-12:]):
        if published is None and _DATE_LINE.match(s):
            published = parse_date_line(s)
            continue
        if not authors and is_byline(s):
            authors = byline_authors(s)
            continue
        if (
            title is None
            and "|" not in s
            and 3 <= len(s.split()) <= 25
            and not _is_chrome(s)
            and not _SHARE.match(s)
            and not s[-1:] == "."
        ):
            title = s
    if published is None:
        for s in stripped:
            if _DATE_LINE.match(s):
                published = parse_date_line(s)
                break
    return {
        "title": title or block[0][:120],
        "published": published,
        "authors": authors,
        "body": block,
        "site": _site_name(stripped),
    }


def _next_nonblank(lines: list[str], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if lines[j]:
            return j
    return None


def _prev_nonblank(lines: list[str], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if lines[j]:
            return j
    return None


def _next_nonblank_text(lines: list[str], i: int) -> str:
    j = _next_nonblank(lines, i)
    return lines[j] if j is not None else ""


_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "on", "as"},
    "de": {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "sich", "auf", "ein"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "dans", "pour", "que", "qui", "du"},
    "es": {"el", "la", "los", "las", "y", "que", "del", "en", "por", "una", "para", "con"},
    "it": {"il", "la", "che", "di", "della", "per", "una", "sono", "con", "non", "gli", "del"},
    "nl": {"de", "het", "een", "en", "van", "dat", "niet", "zijn", "op", "met", "voor", "is"},
    "pt": {"o", "a", "os", "as", "que", "do", "da", "em", "um", "uma", "para", "não"},
}


def guess_language(text: str) -> str | None:
    """A cheap stopword vote; good enough to pick an analyzer, not a language identifier."""
    words = re.findall(r"\w+", text.lower())[:400]
    if len(words) < 5:
        return None
    scores = {lang: sum(w in stops for w in words) for lang, stops in _STOPWORDS.items()}
    lang, score = max(scores.items(), key=lambda kv: kv[1])
    return lang if score >= 2 else None
