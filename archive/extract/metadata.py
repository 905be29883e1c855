"""Pure helpers for article metadata: date parsing, JSON-LD, meta tags, author names.

Kept free of trafilatura so the plain-text page reader can reuse the date parsing, and so each
piece is testable on a string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

from lxml import etree

__all__ = [
    "ARTICLE_TYPES",
    "date_from_url",
    "jsonld_objects",
    "meta_tags",
    "month_number",
    "parse_date_text",
    "split_authors",
]

MIN_YEAR, MAX_YEAR = 1800, 2100

_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        "january jan janvier janv januar jänner jaenner enero ene gennaio genn gen januari jan "
        "janeiro jan styczeń stycznia leden ledna ocak",
        "february feb febr février févr fevrier februar febrero gennaio_ febbraio febb februari "
        "fevereiro fev luty lutego únor února şubat subat",
        "march mar mär maerz märz mars marzo marzo maart março marco marzec marca březen března mart",
        "april apr avril avr abril abr aprile april abril kwiecień kwietnia duben dubna nisan",
        "may mai mayo maggio mag mei maio maj maja květen května mayıs mayis",
        "june jun juin juni junio giugno giu juni junho czerwiec czerwca červen června haziran",
        "july jul juillet juil juli julio luglio lug juli julho lipiec lipca červenec července "
        "temmuz",
        "august aug août aout agosto ago augustus agosto sierpień sierpnia srpen srpna ağustos "
        "agustos",
        "september sep sept septembre septiembre setiembre settembre set setembro wrzesień "
        "września září eylül eylul",
        "october oct oktober octobre octubre oct ottobre ott outubro out październik "
        "października říjen října ekim okt",
        "november nov novembre noviembre novembre november novembro listopad listopadu kasım kasim",
        "december dec dezember dez décembre decembre diciembre dic dicembre december dezembro "
        "grudzień grudnia prosinec prosince aralık aralik",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name.rstrip("_"), _num)



def month_number(word: str) -> int | None:
    """The month a month's name or abbreviation stands for, in the sources' languages."""
    return _MONTHS.get(word.casefold().rstrip("."))


# Time-zone abbreviations common in news datelines (US zones first: they dominate the sources).
_TZ_ABBR = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "BST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2,
    "EET": 2, "EEST": 3, "WET": 0, "WEST": 1, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
    "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "ACST": 9.5, "AWST": 8, "NZST": 12, "NZDT": 13,
    "IST": 5.5, "SAST": 2, "MSK": 3,
}  # fmt: skip

_MONTH_WORD = r"([^\W\d_]{3,12})\.?"
_TIME = (
    r"(?:\D{0,8}?(\d{1,2})[:h.](\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([ap]\.?m\.?)?"
    r"\s*(Z\b|[+-]\d{2}:?\d{2}\b|\(?\b[A-Z]{2,4}\b\)?)?)?"
)
_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.I,
)
_COMPACT = re.compile(r"\b(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})?)?\b")
_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th|er|º|\.)?[\s./-]*(?:de\s+)?" + _MONTH_WORD + r"[\s,./-]*(?:de\s+)?"
    r"(\d{4}|\d{2}\b)" + _TIME,
    re.I,
)
_MONTH_DAY_YEAR = re.compile(
    r"\b" + _MONTH_WORD + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME, re.I
)
_NUMERIC = re.compile(r"\b(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})\b" + _TIME)
_YEAR_FIRST_NUMERIC = re.compile(r"\b(\d{4})([./])(\d{1,2})\2(\d{1,2})\b" + _TIME)


def _offset(token: str | None) -> timezone | None:
    if not token:
        return None
    token = token.strip("() ").upper()
    if token in _TZ_ABBR:
        return timezone(timedelta(hours=_TZ_ABBR[token]))
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", token)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        if minutes > 14 * 60:
            return None
        return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))
    return None


def _build(
    year: int,
    month: int,
    day: int,
    hour: str | None = None,
    minute: str | None = None,
    second: str | None = None,
    fraction: str | None = None,
    ampm: str | None = None,
    tz: str | None = None,
    naive_time: bool = False,
) -> date | datetime | None:
    if year < 100:
        year += 2000 if year < 50 else 1900
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        day_value = date(year, month, day)
    except ValueError:
        return None
    if hour is None or minute is None:
        return day_value
    h, mi = int(hour), int(minute)
    if ampm:
        pm = ampm.lower().startswith("p")
        if h == 12:
            h = 0 if not pm else 12
        elif pm:
            h += 12
    zone = _offset(tz)
    if zone is None and not naive_time:
        return day_value
    try:
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        return datetime(year, month, day, h, mi, int(second or 0), micro, tzinfo=zone)
    except ValueError:
        return day_value


def parse_date_text(s: str, naive_time: bool = False) -> date | datetime | None:
    """Parse a publication date as pages and datelines write it.

    Returns an aware ``datetime`` when the text gives a time with an offset or a known zone
    abbreviation, else a ``date`` (a time without a zone is unusable for ordering across sources;
    ``naive_time=True`` keeps it as a naive datetime). Numeric dates with dots are day-first
    (European); with slashes month-first unless that is impossible. ``None`` when nothing parses.
    """
    if not s:
        return None
    text = " ".join(str(s).split())[:200]
    m = _ISO.search(text)
    if m:
        y, mo, d, hh, mi, ss, frac, tz = m.groups()
        return _build(int(y), int(mo), int(d), hh, mi, ss, frac, None, tz, naive_time)
    m = _YEAR_FIRST_NUMERIC.search(text)
    if m:
        y, _, mo, d, hh, mi, ss, frac, ampm, tz = m.groups()
        return _build(int(y), int(mo), int(d), hh, mi, ss, frac, ampm, tz, naive_time)
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        for m in pattern.finditer(text):
            if order == "dmy":
                d, word, y = m.group(1), m.group(2), m.group(3)
            else:
                word, d, y = m.group(1), m.group(2), m.group(3)
            month = _MONTHS.get(word.lower())
            if not month:
                continue
            hh, mi, ss, frac, ampm, tz = m.groups()[3:]
            return _build(int(y), month, int(d), hh, mi, ss, frac, ampm, tz, naive_time)
    m = _NUMERIC.search(text)
    if m:
        a, sep, b, y, hh, mi, ss, frac, ampm, tz = m.groups()
        first, second = int(a), int(b)
        if sep == "/" and first <= 12 and second <= 31:
            month, day = first, second
        else:
            day, month = first, second
        if month > 12:
            day, month = month, day
        return _build(int(y), month, day, hh, mi, ss, frac, ampm, tz, naive_time)
    m = _COMPACT.search(text)
    if m:
        y, mo, d, hh, mi, ss, tz = m.groups()
        return _build(int(y), int(mo), int(d), hh, mi, ss, None, None, tz, naive_time)
    return None


_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|-|_|\.|$)"
    r"|/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:/|-|_|\.|$)"
)


def date_from_url(url: str | None) -> date | None:
    """A day written into the URL path (/2022/09/15/, /2022-09-15-, /20220915/), if any."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if not m:
        return None
    parts = [g for g in m.groups() if g]
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "askpublicnewsarticle",
    "blogposting",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "socialmediaposting",
    "discussionforumposting",
    "medicalscholarlyarticle",
    "satiricalarticle",
    "posting",
    "review",
}


def _loads_lenient(text: str) -> Any:
    text = text.strip()
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", text).strip()
    text = text.rstrip(";")
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        # Control characters inside strings (raw newlines) are common in hand-written JSON-LD.
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:
        obj, _ = json.JSONDecoder(strict=False).raw_decode(text)
        return obj
    except ValueError:
        return None


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in node:
                yield from _walk(node[key])


def jsonld_objects(tree: etree._Element) -> list[dict[str, Any]]:
    """All JSON-LD objects of the page, @graph and lists flattened, in document order."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        data = _loads_lenient(script.text or "")
        if data is not None:
            objects.extend(_walk(data))
    return objects


def types_of(obj: dict[str, Any]) -> set[str]:
    """The lower-cased schema.org types of a JSON-LD object."""
    value = obj.get("@type") or []
    if isinstance(value, str):
        value = [value]
    return {str(v).rsplit("/", 1)[-1].lower() for v in value if v}


def meta_tags(tree: etree._Element) -> dict[str, list[str]]:
    """``<meta>`` contents keyed by lower-cased name/property/itemprop/http-equiv, in order."""
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            content = meta.get("value")
        if content is None or not content.strip():
            continue
        for attr in ("name", "property", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                for k in key.lower().split():
                    found.setdefault(k.strip(), []).append(content.strip())
    return found


_BY = re.compile(
    r"^\s*(?:written\s+)?(?:by|von|par|por|di|door|af|av|de|przez|autor(?:in)?:?)\s+", re.I
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\||\b(?i:and)\b|\b(?:und|et|y|e|en|og|och|i|ve|und)\s)\s*")
_AUTHOR_NOISE = re.compile(
    r"\b(?:updated|published|posted|min read|minutes? read|photo|photos|follow|email|reporter|"
    r"correspondent|editor|staff writer|contributor|twitter|facebook)\b.*$",
    re.I,
)


def split_authors(value: str | list[str] | None) -> list[str]:
    """Author names from a byline: "By A and B", "A, B & C" -> ["A", "B", "C"]; URLs dropped."""
    if not value:
        return []
    values = value if isinstance(value, list) else [value]
    names: list[str] = []
    for v in values:
        v = " ".join(str(v).split())
        if not v or v.startswith(("http://", "https://", "www.", "/")) or "@" in v:
            continue
        v = _BY.sub("", v)
        v = _AUTHOR_NOISE.sub("", v).strip(" ,;:-|–—")
        for part in _AUTHOR_SPLIT.split(v):
            part = _BY.sub("", part).strip(" ,;:-|–—·•\"'")
            if not part or len(part) > 60 or not re.search(r"[^\W\d_]", part):
                continue
            if part.lower() in {"by", "and", "staff", "admin", "unknown", "none", "null"}:
                continue
            if part not in names:
                names.append(part)
    return names


def jsonld_names(value: Any) -> list[str]:
    """Names from a JSON-LD author/publisher value: string, object with name, or a list of those."""
    out: list[str] = []
    if isinstance(value, list):
        for v in value:
            out.extend(jsonld_names(v))
    elif isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            name = " ".join(str(n) for n in name)
        if not name and (value.get("givenName") or value.get("familyName")):
            name = f"{value.get('givenName', '')} {value.get('familyName', '')}".strip()
        if isinstance(name, str) and name.strip():
            out.append(name.strip())
    elif isinstance(value, str) and value.strip():
        out.append(value.strip())
    return out
