"""Field values that are not what their field claims: CMS flags posing as categories, placeholder
names posing as authors, and the site a URL names when nothing else does.

Shared by every extractor (HTML pages, plain text, export records) so that one rule decides what
a category or an author is, whatever the input format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from ..model import canonical_url

__all__ = [
    "clean_authors", "clean_categories", "is_cms_token", "is_placeholder_author", "is_setting",
    "site_from_url",
]  # fmt: skip

# "LockedPostSource:LOCKED_POST_SOURCE_NONE", "Elevated:false", "LayerCake:0", "tag=abc": a key
# and a value with no space anywhere (a category with a colon reads "Politics: Europe")
_KEY_VALUE = re.compile(r"^[^\s:=]+[:=][^\s:=/]+$")
# Page-builder values as a body line may hold them: a key:value token, a key without its value
# ("showPaywall:"), a bare literal ("false")
_CMS_TOKEN = re.compile(
    r"^[A-Za-z][\w.-]*:[\w.-]+$|^[a-z]+(?:[A-Z][a-z0-9]*)+:$|^(?:true|false|null|undefined)$"
)
_LITERAL = re.compile(r"^(?:true|false|null|none|nil|undefined|nan|yes|no|on|off|n/a|-|[+-]?\d+(?:\.\d+)?)$", re.I)
# a program's identifier, not a reader's word: snake_case (LOCKED_POST_SOURCE_NONE,
# has_video_embed), or camelCase of a flag ("isPaid", "hideAds") or of three words and more
# ("lockedPostSource"); not a brand written in camelCase ("iPhone", "eBay")
_IDENTIFIER = re.compile(
    r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$|^(?:is|has|hide|show|no|disable|enable|allow|can|should)"
    r"(?:[A-Z][a-z0-9]*)+$|^[a-z]+(?:[A-Z][a-z0-9]*){2,}$"
)
# flags: "_Prio_3", "comments-enabled", "no-ads"
_FLAG = re.compile(
    r"^_|[-_](?:enabled|disabled|exclude[ds]?|include[ds]?|only|hidden|visible)$|"
    r"^(?:no|hide|show|disable|enable)[-_]",
    re.I,
)
# record ids: UUIDs, long hex digests, numbers
_RECORD_ID = re.compile(
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|\d+)$", re.I
)
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//\S+$|^www\.\S+$", re.I)

# What a template or a CMS prints where no name was filled in
_PLACEHOLDER_AUTHORS = {
    "username", "user name", "user", "admin", "administrator", "author", "author name",
    "authors", "your name", "name", "unknown", "unknown author", "anonymous user", "none",
    "null", "undefined", "n/a", "na", "nobody", "guest", "default", "webmaster", "editor name",
    "firstname lastname", "first name last name",
}  # fmt: skip
# "user123", "Autor", "first name last name": what templates put where a name belongs
_PLACEHOLDER_NAME = re.compile(
    r"^(?:user(?:name)?|admin(?:istrator)?|author(?: name)?|(?:your|full|first|last) ?name|"
    r"first ?name last ?name|guest|anonymous|unknown|webmaster|root|test|default|null|none|"
    r"undefined|n/?a|by|editor|redakteur|autor|auteur|autore)\d*$",
    re.I,
)
_TEMPLATE = re.compile(r"^(?:\{\{.*\}\}|\{%.*%\}|%[\w ]+%|\$\{?\w+\}?|\[\w[\w ]*\]|<\w[\w ]*>)$")


def is_cms_token(text: str, identifiers: bool = False) -> bool:
    """True for a content system's ``key:value`` token or flag rather than words; with
    ``identifiers``, also a bare programming identifier (``LOCKED_POST_SOURCE``, ``isPaid``),
    which is never a category but may be a line of code in a technical article's text."""
    text = text.strip().lstrip("-•* ").strip()
    if not text or " " in text:
        return False
    return bool(_CMS_TOKEN.match(text) or (identifiers and _IDENTIFIER.match(text)))


def is_setting(value: str) -> bool:
    """True for a page builder's or CMS's setting that leaked into a list of categories or tags:
    ``key:value`` tokens, booleans and numbers, program identifiers, flags, record ids, URLs."""
    text = " ".join(str(value).split())
    return bool(
        not text
        or len(text) >= 80
        or _KEY_VALUE.match(text)
        or is_cms_token(text, identifiers=True)
        or _LITERAL.match(text)
        or _FLAG.search(text)
        or _RECORD_ID.match(text)
        or _URL.match(text)
    )


def clean_categories(values: Iterable[str]) -> list[str]:
    """The categories that are words for readers, each once, in their order."""
    return _kept(values, is_setting)


def _kept(values: Iterable[str], reject: Callable[[str], bool]) -> list[str]:
    out: list[str] = []
    for value in values:
        text = " ".join(str(value).split())
        if text and not reject(text) and text not in out:
            out.append(text)
    return out


def is_placeholder_author(value: str) -> bool:
    """True for "Username", "admin", "{{author}}" and the like: a template's stand-in, a URL or
    an e-mail address, not a person's or an organisation's name."""
    text = " ".join(str(value).split()).strip(" .,;:")
    if not text:
        return True
    folded = re.sub(r"^by\s+", "", text.casefold())
    return (
        folded in _PLACEHOLDER_AUTHORS
        or _PLACEHOLDER_NAME.match(folded) is not None
        or _TEMPLATE.match(text) is not None
        or _URL.match(text) is not None
        or re.fullmatch(r"[^\s@]+@[^\s@]+\.\w+", text) is not None
    )


def clean_authors(values: Iterable[str]) -> list[str]:
    """The authors that name someone, each once, in their order."""
    return _kept(values, is_placeholder_author)


def site_from_url(url: str | None) -> str | None:
    """The site a URL names, for articles whose source gives no publisher: its host name without
    ``www.`` (a page replayed from a web archive names its original site). None for URLs that
    are not web addresses."""
    canon = canonical_url(url)
    if not canon or not canon.startswith("https://"):
        return None
    host = urlsplit(canon).hostname
    if not host:
        return None
    if "xn--" in host:
        try:
            host = host.encode("ascii").decode("idna")
        except UnicodeError:
            pass
    return host or None
