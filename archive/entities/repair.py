"""Span repair: a tagger's token span cut into names, trimmed to the name, typed by what
stands next to it (an appositive, a descriptor noun), and filtered for what is not a name.
"""

from __future__ import annotations

import re

from .candidates import is_name_word
from .lexicon import (
    APPOSITIVE_HEADS,
    APPOSITIVE_STOP,
    CHROME_ALWAYS,
    CHROME_SITES,
    COMMON,
    COMPANY_SUFFIXES,
    CONNECTORS,
    CREDIT_LINES,
    DESCRIPTOR_HEADS,
    EMPLOYEE_NOUNS,
    FIRM_STAFF,
    LEAD,
    MARKET_MOVES,
    MONEY,
    MONTHS,
    NAME_SUFFIXES,
    ORG_WORDS,
    PERSON_TITLES,
    PLACE_LAST,
    POSSESSIVE,
    POSSESSIVE_NOUNS,
    PRONOUNS,
    SECURITIES,
    SPEECH_VERBS,
    TITLED_FIRMS,
    TITLES,
    TRAIL,
    WEEKDAYS,
)
from .mentions import Span


def split_span(
    sent: list[tuple[int, int, str]], b: int, e: int, typ: str
) -> list[tuple[int, int, str]]:
    """Cut a CRF span at punctuation, lower-case words, possessives and person titles.

    ``Ukraine's Air Force`` -> Ukraine + Air Force; ``Indiana Gov. Eric Holcomb`` -> Indiana +
    Eric Holcomb (a person: it follows a title); ``Camden town hall`` -> Camden. What names
    are made of stays whole: a short particle between capitalised words ("Frankfurt am Main",
    "Union for a Popular Movement"), the possessive of a common noun ("People's Republic of
    China", "King's College"), a comma before a suffix ("Martin Luther King, Jr."), a nickname
    in quotes inside a person's name, a hyphen the tagger took in between two words (text
    tokenised before it came: "Coca - Cola"; a dash between names is cut), the "#" of a
    hashtag.
    """
    parts: list[list[int]] = [[]]
    for k in range(b, e):
        tok = sent[k][2]
        low = tok.lower()
        if tok in ("'s", "'", "'S", "’s"):
            if low.lstrip("'’") == "s" and _common_possessive(sent, k, b):
                parts[-1].append(k)
            else:
                parts.append([])
        elif (
            (tok == "," and k + 1 < e and sent[k + 1][2].lower() in NAME_SUFFIXES)
            or (typ == "person" and _nickname_quote(sent, k, b, e))
            or (tok == "-" and b < k < e - 1 and sent[k - 1][2][-1:].isalnum())
            or (k + 1 < e and hashtag(sent, k))
        ):
            parts[-1].append(k)
        elif not any(c.isalnum() for c in tok) and tok not in ("&", "+"):
            parts.append([])
        elif tok[:1].islower() and low not in CONNECTORS and not name_edge(tok):
            if not _particle(sent, k, b, e):
                parts.append([])
            else:
                parts[-1].append(k)
        elif "-" in tok and tok.rsplit("-", 1)[-1].islower():  # "U.S.-led", "Russian-occupied"
            parts.append([k])
            parts.append([])
        elif tok.endswith("'") and len(tok) > 1:
            parts[-1].append(k)
            parts.append([])
        else:
            parts[-1].append(k)
    out: list[tuple[int, int, str]] = []
    for part in parts:
        if not part:
            continue
        pb, pe = part[0], part[-1] + 1
        # a strong person title inside: what follows it is a person's name
        cut = None
        for k in range(pb, pe - 1):
            if sent[k][2].lower().rstrip(".") in PERSON_TITLES:
                cut = k
        place = typ == "location" or (pb > 0 and sent[pb - 1][2].lower() in ("in", "near"))
        # "in Sheikh Jarrah" is a place; "General Electric", typed an organisation, is a
        # firm whose name starts with a word that can be a title ("Rep. Ruben Gallego" not)
        firm = typ == "organization" and sent[pb][2].lower() in TITLED_FIRMS
        if cut is not None and not (cut == pb and (place or firm)):
            rest = [sent[k][2] for k in range(cut + 1, pe)]
            if (
                1 <= len(rest) <= 4
                and all(name_edge(t) or t.lower() in CONNECTORS for t in rest)
                and not any(t.lower() in ORG_WORDS or t.lower() in COMPANY_SUFFIXES for t in rest)
            ):
                if cut > pb:
                    out.append((pb, cut, "?" + typ))
                out.append((cut + 1, pe, "person"))
                continue
        out.append((pb, pe, typ))
    return out


def hashtag(sent: list[tuple[int, int, str]], k: int) -> bool:
    """Token ``k`` is the "#" of a hashtag naming something ("#Ukraine"): part of the name as
    written."""
    return (
        sent[k][2] == "#"
        and k + 1 < len(sent)
        and sent[k][1] == sent[k + 1][0]
        and name_edge(sent[k + 1][2])
    )


def _particle(sent: list[tuple[int, int, str]], k: int, b: int, e: int) -> bool:
    """A short lower-case word between capitalised words of one span ("am", "delle", "für"),
    or two of them ("for a"): part of the name."""
    if len(sent[k][2]) > 5 or not sent[k][2].isalpha() or not b < k < e - 1:
        return False
    prev, nxt = sent[k - 1][2], sent[k + 1][2]
    return (prev[:1].isupper() or prev.lower() in CONNECTORS) and (
        nxt[:1].isupper() or (k + 2 < e and nxt.isalpha() and sent[k + 2][2][:1].isupper())
    )


def _common_possessive(sent: list[tuple[int, int, str]], k: int, b: int) -> bool:
    """"People's Republic", "Women's Coalition": the possessive of a common noun inside a name,
    not of a name ("Moscow's")."""
    return k > b and sent[k - 1][2].lower() in POSSESSIVE_NOUNS


def _nickname_quote(sent: list[tuple[int, int, str]], k: int, b: int, e: int) -> bool:
    """A quote around a nickname inside a person's name (William "Buckshot" May)."""
    quotes = [j for j in range(b, e) if sent[j][2] in _QUOTES]
    return len(quotes) == 2 and quotes[0] > b and quotes[1] < e - 1 and k in quotes


_QUOTES = ('"', "\u201c", "\u201d")


def appositive(toks: list[str], e: int) -> str | None:
    """Type given by an appositive after tokens[:e]: ``, the/a [modifiers] head``."""
    if e + 2 >= len(toks) or toks[e] != "," or toks[e + 1].lower() not in ("the", "a", "an"):
        return None
    k = e + 2
    head = None
    while k < len(toks) and k < e + 8 and toks[k].lower() not in APPOSITIVE_STOP:
        head = toks[k].lower()
        k += 1
    return APPOSITIVE_HEADS.get(head or "")


# Nouns that say what the name right after them is: "Swedish daily Dagens Nyheter", "the

def descriptor(toks: list[str], b: int) -> str | None:
    """Type given by the words right before a name: ``newspaper X``, ``analyst at X`` (an
    organization), ``Editing by X`` (a person)."""
    if b > 0 and toks[b - 1].lower() in DESCRIPTOR_HEADS:
        return "organization"
    if b > 1 and toks[b - 1] in ("at", "with") and toks[b - 2].lower() in EMPLOYEE_NOUNS:
        return "organization"
    if b > 1 and toks[b - 1] == "by" and toks[b - 2].lower() in CREDIT_LINES:
        return "person"  # "(Reporting by Jane Doe; Editing by John Roe)"
    return None


def firm_of_staff(toks: list[str], e: int) -> str | None:
    """Type given by the noun right after a name: ``X analyst Jane Doe`` (an organization)."""
    if e < len(toks) and toks[e].lower() in FIRM_STAFF:
        return "organization"
    return None


def not_a_person(toks: list[str], b: int, e: int, typ: str) -> str | None:
    """A name the tagger took for a person that the words after it say is a thing:
    ``X, which ...`` (people take "who"; not after a preposition: in "the tomb of X, which"
    the "which" is the tomb's) and ``X cut its rating`` (people take "his" or "her"; "Obama said
    its ..." may be another's, so only after a verb, and not one of saying)."""
    if typ != "person" or e + 1 >= len(toks):
        return None
    nxt, then = toks[e].lower(), toks[e + 1].lower()
    which = nxt == "," and then == "which" and (b == 0 or toks[b - 1].lower() not in _PREPOSITIONS)
    verb = nxt.isalpha() and nxt.islower() and nxt not in COMMON and nxt not in SPEECH_VERBS
    if which or (then == "its" and verb):  # "X as its governor": no verb, no cue
        return "organization"
    return None


# what a firm is said to have done, right after its name: "Moody's said"; not "reported" or
# "announced", which follow a possessive as adjectives ("Google's reported bid")
_FIRM_SAYS = SPEECH_VERBS - {"noted", "added"}  # "Smith's noted collection": adjectives


def possessive_firm(toks: list[str], b: int, e: int, typ: str) -> int | None:
    """The end of a firm's name that ends in "'s" ("Moody's said", "McDonald's cut its
    prices"), where the tagger found the name without it, or with it (which trimming would
    take off as a possessive). A possessive is followed by what is someone's ("Smith's
    wife", "Smith's report"), never by a verb."""
    if typ == "location" or e >= len(toks):
        return None
    end = e if e - b > 1 and toks[e - 1] in POSSESSIVE else e + 1
    if end == e + 1 and toks[e] not in POSSESSIVE or end >= len(toks):
        return None
    nxt = toks[end]
    then = toks[end + 1].lower() if end + 1 < len(toks) else ""
    verb = nxt.isalpha() and nxt.islower() and nxt not in COMMON  # "X's and its": no verb
    if nxt.lower() in _FIRM_SAYS or (verb and then == "its"):
        return end
    return None


_PREPOSITIONS = frozenset("of by for to from with in on at about".split())


def listed_firm(toks: list[str], b: int, e: int) -> str | None:
    """Type given by a company's paper around a name: ``X shares fell``, ``X stock,``,
    ``shares of X``, ``a stake in X`` (an organization). "X shares his view" is a verb."""
    n = len(toks)
    if e + 1 < n and toks[e].lower() in SECURITIES:
        nxt = toks[e + 1]
        if nxt.lower() in MARKET_MOVES or not any(c.isalnum() for c in nxt):
            return "organization"
    if b > 1 and toks[b - 1] in ("of", "in") and toks[b - 2].lower() in (*SECURITIES, "stake"):
        return "organization"
    return None


def appositive_runs(toks: list[str], covered: set[int]) -> list[tuple[int, int, str]]:
    """Runs of two or more capitalised words the CRF left out, typed by an appositive, or by
    a staff noun and a name after them ("Hartwell Keene analyst Jane Porter": a firm, even
    opening the sentence)."""
    out = []
    k = 0
    n = len(toks)
    while k < n:
        if k in covered or not is_name_word(toks[k]) or toks[k].lower() in MONTHS:
            k += 1
            continue
        j = k + 1
        while (
            j < n
            and j not in covered
            and (
                is_name_word(toks[j])
                or (toks[j].lower() in CONNECTORS and j + 1 < n and is_name_word(toks[j + 1]))
            )
        ):
            j += 1
        if j - k >= 2:
            # a sentence's first word is capitalised anyway: only a staff noun and a name after
            # the run say it is a name
            typ = appositive(toks, j) if k else None
            if typ is None and firm_of_staff(toks, j) and j + 1 < n and is_name_word(toks[j + 1]):
                typ = "organization"
            if typ:
                out.append((k, j, typ))
        k = j
    return out


_TICKER = re.compile(r"[A-Z0-9]{1,6}\.[A-Z]{1,3}")  # "FNM.N", "VOWG.DE": a stock code


def name_edge(tok: str) -> bool:
    """A token that can start or end a name: capitalised, a digit-bearing code, or al-X;
    never a stock ticker ("Fannie Mae FNM.N" is Fannie Mae)."""
    if _TICKER.fullmatch(tok):
        return False
    return any(c.isupper() for c in tok) or (tok[:1].isdigit() and any(c.isalpha() for c in tok))


def trim(text: str, start: int, end: int, typ: str) -> tuple[int, int]:
    """Strip possessives, surrounding punctuation, a leading 'the' and leading titles."""
    changed = True
    while changed and end > start:
        changed = False
        seg = text[start:end]
        for suf in ("'s", "\u2019s", "'S"):
            if seg.endswith(suf) and len(seg) > len(suf):
                end -= len(suf)
                changed = True
                break
        else:
            if seg[-1] in TRAIL and not (seg[-1] == "." and _is_abbrev(seg)):
                end -= 1
                changed = True
            elif seg[0] in LEAD:
                start += 1
                changed = True
    seg = text[start:end]
    if seg[:4].lower() == "the " and len(seg) > 4 and not _written_the(text, start):
        start += 4
    if typ == "person":
        while True:
            seg = text[start:end]
            first, _, rest = seg.partition(" ")
            if rest and first.lower() in TITLES:
                start += len(first) + 1
            else:
                break
    return start, end


def _written_the(text: str, start: int) -> bool:
    """A capitalised "The" inside a sentence belongs to the name ("said The New York Times");
    a lower-case "the", or "The" opening a sentence, does not."""
    before = text[:start].rstrip()
    return text[start] == "T" and bool(before) and (before[-1].isalnum() or before[-1] == ",")


def _is_abbrev(seg: str) -> bool:
    """``U.S.``, ``D.C.``, ``Jr.``: the final dot belongs to the name."""
    last = seg.split()[-1] if seg.split() else seg
    return last.count(".") >= 2 or last.lower() in ("jr.", "sr.", "inc.", "co.", "ltd.", "st.")


def lowercase_words(text: str) -> set[str]:
    """Words seen in lower case in running text (evidence that a word is not a name)."""
    out = set()
    for w in text.split():
        w = w.strip(TRAIL)
        if w and w[0].islower() and w.isalpha():
            out.add(w)
    return out


def looks_like_chrome(paragraph: str) -> bool:
    """A short line or a sharing box: site names in it are buttons, not mentions."""
    words = paragraph.split()
    low = paragraph.casefold()
    return len(words) <= 8 or "share on" in low or "follow us" in low


def keep(span: Span, paragraph: str, lowered: set[str], chrome_para: bool) -> bool:
    """False for what is not a name: page furniture, pronouns, dates, titles, money, and a
    sentence-initial word the document also writes in lower case."""
    text = paragraph[span.start : span.end]
    low = text.casefold()
    if low in CHROME_ALWAYS or (chrome_para and low in CHROME_SITES):
        return False
    if span.canonical is not None:
        return True
    if len(text) < 2 or not any(c.isupper() for c in text):
        return False
    words = low.replace("-", " ").split()
    if not words or all(
        w in PRONOUNS
        or w in MONTHS
        or w in WEEKDAYS
        or w in TITLES
        or w.strip(".,").isdigit()
        or w in COMMON
        for w in words
    ):
        return False
    if any(c.isdigit() for c in text) and (
        not any(c.isalpha() for c in text) or MONEY.match(text)
    ):
        return False
    if len(words) == 1:
        w = words[0]
        if w in PRONOUNS or w in MONTHS or w in WEEKDAYS or w in COMMON:
            return False
        if w in COMPANY_SUFFIXES and not text.isupper():
            return False  # a legal form alone ("Corp"; "SA" or "CO" may be a state)
        if w in PLACE_LAST and not text.isupper():
            return False  # a place's head noun alone ("State, County and Municipal ...")
        if span.first_in_sentence and w in lowered:
            return False
    return True
