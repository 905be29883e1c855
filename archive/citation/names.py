"""Bylines as CSL names: a person split into family and given name, an organisation kept whole.

Reference managers sort and abbreviate by the family name, so "Jan van der Berg" must arrive as
family "Berg", particle "van der", given "Jan", and "European Eye on Radicalization" must arrive
whole, not as a Mr. Radicalization. Splitting a person's name is ``nameparser``'s job (titles
such as "Dr." or "Sheikh", suffixes such as "Jr." or "III", particles, "Last, First" order); this
module is the only one that uses it.

Whether a byline names a person at all is decided by its shape, never by a list of publishers:
an organisation word ("Institute", "Redaktion", "Press"), a leading article ("The", "Der"), a
lower-case word that is no name particle ("on", "for", "online"), an acronym, digits, a web
address, or the site's own name. A script whose names are not written given-name first (Chinese,
Japanese, Korean) is kept as written too, as is a byline no splitter can read as one name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from nameparser import HumanName

# lower-case words that belong to a person's name ("Jan van der Berg", "Osama bin Laden")
PARTICLES = frozenset(
    "van von der den de del della delle di da das dos du des la le bin ibn bint al el ben abu "
    "ter ten zu zum zur y e af av".split()
)
# a name that starts with an article is a title, not a person ("The Associated Press")
ARTICLES = frozenset("the der die das het les los las gli".split())
# words that mark a body of people rather than one person, in the languages of the archive
ORGANISATION_WORDS = frozenset(
    """
    agency association bureau center centre coalition commission committee company corporation
    council department desk editorial editors federation forum foundation government group
    initiative institute institution league ministry network news newsroom observatory office
    online organisation organization party press program programme project service services
    society staff team union university wire media radio television tv magazine newspaper
    writers reporters correspondents contributors webmaster admin times tribune gazette journal
    chronicle inc ltd llc plc gmbh
    agentur redaktion nachrichten zeitung stiftung institut verlag verein verband ministerium
    zentrum gruppe presse rundfunk fernsehen partei
    rédaction redaction agence fondation ministère centre groupe nouvelles
    redacción redaccion agencia fundación fundacion instituto ministerio centro grupo prensa
    noticias redazione agenzia fondazione istituto redação redacao agência notícias
    redactie stichting nieuws
    """.split()
)
MAX_PERSON_WORDS = 6
_DOMAIN = re.compile(r"[a-z0-9-]\.[a-z]{2,}(?:$|[/\s])", re.I)
_NOT_A_NAME = re.compile(r"[0-9@/&+|:;()\[\]{}<>=_#*\\]")
_NAME_ORDER_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")


def _fold(text: str) -> str:
    """Case- and accent-free letters and digits only, for comparing names."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


def _host_labels(site: str) -> set[str]:
    """Each label of a site given as a web address ("derstandard.at": "derstandard", "at")."""
    host = site.strip().casefold()
    if " " in host or not _DOMAIN.search(host + " "):
        return set()
    host = re.sub(r"^[a-z]+://", "", host).split("/")[0].removeprefix("www.")
    return {_fold(part) for part in host.split(".")} - {""}


def _family_first_script(name: str) -> bool:
    for ch in name:
        if ch.isalpha() and unicodedata.name(ch, "").startswith(_NAME_ORDER_SCRIPTS):
            return True
    return False


def _is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 5 and word.isalpha() and word.isupper()


def is_site_name(name: str, site: str | None) -> bool:
    """Whether a byline is the site's own name ("DerStandard" on derStandard.at)."""
    folded = _fold(name)
    if not site or not folded:
        return False
    return folded == _fold(site) or (len(name.split()) == 1 and folded in _host_labels(site))


def not_a_person(name: str, site: str | None = None) -> str | None:
    """Why ``name`` is kept whole rather than split into family and given name, or None."""
    words = name.split()
    if not words:
        return "empty"
    if is_site_name(name, site):
        return "the site's own name"
    if _NOT_A_NAME.search(name) or _DOMAIN.search(name + " "):
        return "not shaped like a name"
    if _family_first_script(name):
        return "written family name first"
    parts = [p.casefold().strip(".,'’") for w in words for p in w.split("-")]
    if any(p in ORGANISATION_WORDS for p in parts):
        return "an organisation word"
    if len(words) > 1 and words[0].casefold() in ARTICLES:
        return "starts with an article"
    if len(words) > MAX_PERSON_WORDS:
        return "too many words for a name"
    if all(w == w.lower() for w in words):
        return "no capitalised name"
    if len(words) > 1 and any(
        w.isalpha() and w == w.lower() and w not in PARTICLES for w in words
    ):
        return "a lower-case word that is no name particle"
    # "AFP", "AFP Deutschland"; a capitalised family name last ("André KLEIN") is no acronym
    if _is_acronym(words[0]) and (len(words) == 1 or not all(w.isupper() for w in words)):
        return "an acronym"
    return None


def csl_name(name: str, site: str | None = None) -> dict[str, Any]:
    """One byline as a CSL name object: ``{"family", "given", ...}`` or ``{"literal"}``."""
    name = " ".join(name.split())
    if not_a_person(name, site):
        return {"literal": name}
    words = name.split()
    if len(words) == 1:
        return {"family": name}  # a single-name author ("Sweidah")
    parsed = HumanName(name)
    given = " ".join(p for p in (parsed.first, parsed.middle) if p)
    last = parsed.last.split()
    if not given or not last:
        return {"literal": name}  # "Pope Francis", "Chief Keef": no given and family name
    particle = []
    while len(last) > 1 and last[0][:1].islower():
        particle.append(last.pop(0))
    out: dict[str, Any] = {"family": " ".join(last), "given": given}
    if particle:
        out["non-dropping-particle"] = " ".join(particle)
    if parsed.suffix:
        out["suffix"] = parsed.suffix
    return out


def name_text(name: dict[str, Any]) -> str:
    """A CSL name back as one line, family first ("Berg, Jan van der" is not used: particles
    stay in front of the family name, as reference managers expect on import)."""
    if "literal" in name:
        return name["literal"]
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    return ", ".join(p for p in (family, name.get("given"), name.get("suffix")) if p)
