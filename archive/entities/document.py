"""Document-level consistency: one article, one reading of each name.

A paragraph's candidates (see ``extract``) are settled against the whole article: a title-case
heading counts only what the running text also names; a short form defined in parentheses
is its full name; an ambiguous alias stands only with support; a sentence in capitals keeps
only names the article also writes in mixed case; case variants are one value; a surname or
short form after a full name is that person or organisation; and a name has one type.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from quarry.archive.model import Entities

from .dateline import in_capitals
from .firm_names import firm_base
from .lexicon import COMPANY_SUFFIXES, POSSESSIVE, SUPPORT_WORDS
from .mentions import Found, Span
from .places import get_places


def is_heading(paragraph: str) -> bool:
    """A short line without closing punctuation: a section heading kept in the body."""
    text = paragraph.strip()
    if not text or text[-1] in ".!?:;\"'\u201d\u2019)":
        return False
    if any(c in text for c in ":@|/\u2022"):  # "Email: ...", "Attn: ...": a field, not a heading
        return False
    words = text.split()
    return len(words) <= 12 and sum(1 for w in words if w[:1].isupper()) >= 1


def is_body(paragraph: str) -> bool:
    """A paragraph of running text (what follows a section heading)."""
    text = paragraph.strip()
    return len(text.split()) >= 25 and text[-1:] in ".!?\"'\u201d\u2019)"


_SHORT_FORM = re.compile(r"\s*\(([A-Z][A-Za-z&]{1,9})\)")


def _abbreviates(short: str, name: str) -> bool:
    """True when ``short`` is made of the initials of ``name``'s words, in order, ending with
    the last word's ("PDMC" for "Gauteng Provincial Disaster Management Centre", "Seri" for
    "Social and Economic Research Initiative")."""
    letters = [c for c in short.lower() if c.isalpha()]
    initials = [w[0].lower() for w in re.findall(r"[^\W\d_][\w'-]*", name) if w[0].isupper()]
    if len(letters) < 2 or not initials or letters[-1] != initials[-1] or short == name:
        return False
    k = 0
    for c in initials:
        if k < len(letters) and c == letters[k]:
            k += 1
    return k == len(letters)


def resolve(paragraphs: list[str], found: list[Found]) -> list[Found]:
    """The article's mentions settled: kept, renamed and retyped by the rules above."""
    found = _confirmed_in_running_text(paragraphs, found)
    _apply_short_forms(paragraphs, found)
    found = _supported(paragraphs, found)
    found = _confirmed_in_mixed_case(found)
    _possessive_firms(paragraphs, found)
    found = _no_crude_people(paragraphs, found)
    found = settle(found)
    _place_names(found)
    return _surnames_again(paragraphs, found)


def settle(found: list[Found]) -> list[Found]:
    """Names and types made consistent across the document (also used on gold mentions)."""
    _case_variants(found)
    _one_type(found)
    _join_short_forms(found)
    _one_type(found)
    return found


def entities_of(found: list[Found]) -> Entities:
    """Distinct names per type, in order of first appearance."""
    ents = Entities()
    seen: set[tuple[str, str]] = set()
    for f in found:
        if (f.type, f.name) not in seen:
            seen.add((f.type, f.name))
            getattr(ents, f.type).append(f.name)
    return ents


def collect(mentions: list[tuple[str, str, bool]]) -> Entities:
    """Entities of (type, name, forced) mentions in text order, settled like an article's."""
    found = [
        Found(0, Span(i, i, typ, name if forced else None, forced), name, name, typ)
        for i, (typ, name, forced) in enumerate(mentions)
    ]
    return entities_of(settle(found))


# ---- which mentions stand ------------------------------------------------------------------
def _confirmed_in_running_text(paragraphs: list[str], found: list[Found]) -> list[Found]:
    """A section heading ("The Latest Attack") is title-cased: an unknown name in it counts
    only if the running text names it too."""
    headings = [
        is_heading(p) and i + 1 < len(paragraphs) and is_body(paragraphs[i + 1])
        for i, p in enumerate(paragraphs)
    ]
    if not any(headings):
        return found
    running = "\n".join(p for p, h in zip(paragraphs, headings, strict=True) if not h)
    return [
        f
        for f in found
        if not (headings[f.paragraph] and f.span.canonical is None and f.text not in running)
    ]


def _apply_short_forms(paragraphs: list[str], found: list[Found]) -> None:
    """"the Disaster Management Centre (DMC) ... DMC said": one organisation, not two."""
    short: dict[str, tuple[str, str]] = {}
    for f in found:
        m = _SHORT_FORM.match(paragraphs[f.paragraph], f.span.end)
        if m and f.type != "person" and _abbreviates(m.group(1), f.name):
            short.setdefault(m.group(1), (f.type, f.name))
    for f in found:
        if short and f.span.canonical is None and f.name in short:
            f.type, f.name = short[f.name]


_WORDS = re.compile(r"[^\W\d_]+")


def _supported(paragraphs: list[str], found: list[Found]) -> list[Found]:
    """An ambiguous alias ("IS", "ISI") stands only when the article also names the entity
    another way or uses a support word; otherwise a mention the table alone placed is
    dropped, and one the tagger found keeps its own spelling."""
    if not any(f.span.ambiguous for f in found):
        return found
    named = {(f.type, f.span.canonical) for f in found if f.span.canonical and not f.span.ambiguous}
    words = {w.casefold() for p in paragraphs for w in _WORDS.findall(p)}
    context = bool(words & SUPPORT_WORDS)
    out = []
    for f in found:
        if f.span.ambiguous and not context and (f.type, f.span.canonical) not in named:
            if f.span.forced:
                continue
            f.span.canonical, f.span.ambiguous, f.name = None, False, _spaced(f.text)
        out.append(f)
    return out


def _confirmed_in_mixed_case(found: list[Found]) -> list[Found]:
    """A name in a sentence in capitals stands only if the article writes it in mixed case
    too, and then it is that mention's name and type ("COKE IS IT" names nothing)."""
    if not any(f.span.shouted for f in found):
        return found
    mixed: dict[str, Found] = {}
    for f in found:
        if not f.span.shouted and not in_capitals(f.text):
            mixed.setdefault(f.text.casefold(), f)
    out = []
    for f in found:
        if f.span.shouted:
            m = mixed.get(f.text.casefold())
            if m is None:
                continue
            f.name, f.type, f.span.canonical = m.name, m.type, m.span.canonical
        out.append(f)
    return out


# ---- names and types -----------------------------------------------------------------------
def _spaced(text: str) -> str:
    return " ".join(text.split())


def _title(text: str) -> str:
    """"NEW YORK" -> "New York", "ST. LOUIS" -> "St. Louis"."""
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), text)


def _case_variants(found: list[Found]) -> None:
    """"CHICAGO" and "Chicago" are one value: the alias table's name, else the article's
    commonest mixed-case form; a dateline's place in capitals alone takes title case."""
    groups: dict[str, list[Found]] = defaultdict(list)
    for f in found:
        groups[f.name.casefold()].append(f)
    for fs in groups.values():
        known = [f.name for f in fs if f.span.canonical]
        forms = Counter(f.name for f in fs)
        mixed = [n for n, _ in forms.most_common() if not in_capitals(n)]
        if known:
            best = known[0]
        elif mixed:
            best = mixed[0]
        elif any(f.span.dateline for f in fs):
            best = _title(fs[0].name)
        else:
            continue
        for f in fs:
            f.name = best


def _place_names(found: list[Found]) -> None:
    """A place the alias table does not know takes its GeoNames name, so that one place is
    one facet value however the article spells it: "Kiev" -> "Kyiv", "Sao Paulo" -> "São
    Paulo", "CHICAGO" -> "Chicago"."""
    places = get_places()
    for f in found:
        if f.type == "location" and f.span.canonical is None:
            place = places.lookup(f.name)
            if place is not None:
                f.name = place.name


def _no_crude_people(paragraphs: list[str], found: list[Found]) -> list[Found]:
    """"Brent crude", "Brent futures": an oil benchmark, which the tagger reads as a person's
    name; where the article writes a name before "crude", "oil", "futures" or "blend", it is no
    person anywhere in it."""
    crude = {
        f.name for f in found
        if f.type == "person" and _CRUDE.match(paragraphs[f.paragraph], f.span.end)
    }  # fmt: skip
    return [f for f in found if not (f.type == "person" and f.name in crude)] if crude else found


_CRUDE = re.compile(r"\s+(?:crude|oil|futures|blend)\b", re.I)


def _possessive_firms(paragraphs: list[str], found: list[Found]) -> None:
    """A firm named with "'s" ("Moody's said") is that firm wherever the article writes the
    name with its "'s" ("according to Barron's", "Moody's downgrade"), which the tagger
    reads as a person's possessive."""
    firms = {
        f.name[:-2]: f.name
        for f in found
        if f.type == "organization" and f.name.endswith("'s") and len(f.name) > 3
    }
    if not firms:
        return
    for f in found:
        if f.name in firms and paragraphs[f.paragraph][f.span.end : f.span.end + 2] in POSSESSIVE:
            f.name, f.type = firms[f.name], "organization"
            f.span.end += 2
            f.text = paragraphs[f.paragraph][f.span.start : f.span.end]


def _one_type(found: list[Found]) -> None:
    """One name, one type per article: the alias table's (or the dateline's) type, else the
    type its context gave it ("analyst at X"), else the type most of its mentions have (the
    first one on a tie)."""
    groups: dict[str, list[Found]] = defaultdict(list)
    for f in found:
        groups[f.name].append(f)
    for fs in groups.values():
        forced = [f.type for f in fs if f.span.forced] or [f.type for f in fs if f.span.typed]
        typ = forced[0] if forced else Counter(f.type for f in fs).most_common(1)[0][0]
        for f in fs:
            f.type = typ


def _firm_base(words: list[str]) -> list[str]:
    """A company's name without its legal form: "Merrill Lynch & Co Inc" -> Merrill Lynch."""
    words = list(words)
    while len(words) > 1 and (words[-1].lower() in COMPANY_SUFFIXES or words[-1] == "&"):
        words.pop()
    return words


def _longer_name(found: list[Found], split: list[list[str]], i: int) -> Found | None:
    """The full name the short form ``found[i]`` stands for, if the article has one
    (``split`` holds each mention's name as words)."""
    f, words = found[i], split[i]
    candidates: list[int] = []
    firms: list[int] = []  # "Ford" where "Ford Motor Co." is named and no person called Ford
    for j, g in enumerate(found):
        long_words = split[j]
        if len(long_words) <= len(words) or g.name == f.name:
            continue
        if g.type == "person" and len(words) == 1:
            # "Yeltsin" after "Boris Yeltsin"; a surname the tagger typed otherwise too,
            # unless the alias table knows it as something else ("Washington")
            if words[0] in (long_words[0], long_words[-1]) and (
                f.type == "person" or (f.span.canonical is None and words[0] == long_words[-1])
            ):
                candidates.append(j)
        elif g.type == "organization" and f.span.canonical is None:
            if f.type == "organization":
                # "Harvard" for "Harvard University", "Motors Corp" for "General Motors Corp"
                n = len(words)
                if long_words[:n] == words or (n >= 2 and long_words[-n:] == words):
                    candidates.append(j)
            elif f.type == "person" and _firm_base(long_words) == words:
                candidates.append(j)  # "Merrill Lynch" where "Merrill Lynch & Co" is named
            elif f.type == "person" and len(words) == 1 and long_words[0] == words[0]:
                if len(long_words) <= 5 and firm_base(g.name) is not None:
                    firms.append(j)  # a short firm's name: not a run of names ending in "Inc."
    if not candidates:
        candidates = firms
    if len({found[j].name for j in candidates}) > 1 and f.type != "person":
        return None  # "United" for "United Nations" or "United Airlines": undecided
    before = [j for j in candidates if j < i]
    if before:
        return found[before[-1]]
    return found[candidates[0]] if candidates else None


def _join_short_forms(found: list[Found]) -> None:
    """A surname or short form is the person or organisation named in full in the article
    (the nearest full name before it, else the first after it)."""
    split = [f.name.split() for f in found]
    targets = [
        None if f.type == "location" and f.span.canonical is not None else _longer_name(found, split, i)
        for i, f in enumerate(found)
    ]
    for f, g in zip(found, targets, strict=True):
        if g is not None:
            f.name, f.type = g.name, g.type


def _surnames_again(paragraphs: list[str], found: list[Found]) -> list[Found]:
    """"Yeltsin said ..." after "Boris Yeltsin" is a mention of him even where the tagger saw
    nothing: the surname, standing alone, after the full name (and not a word the article
    also writes in lower case, nor a name of another type in it)."""
    persons = {f.name for f in found if f.type == "person" and len(f.name.split()) >= 2}
    if not persons:
        return found
    other = {f.name for f in found if f.type != "person"}
    lower = {w for p in paragraphs for w in _WORDS.findall(p) if w[:1].islower()}
    by_surname: dict[str, list[str]] = defaultdict(list)
    for name in persons:
        last = name.split()[-1]
        if len(last) >= 3 and last[:1].isupper() and last.lower() not in lower and last not in other:
            by_surname[last].append(name)
    if not by_surname:
        return found
    pattern = re.compile(r"(?<![\w.'-])(" + "|".join(map(re.escape, by_surname)) + r")(?![\w-])")
    first_seen = {}
    for f in found:
        first_seen.setdefault(f.name, (f.paragraph, f.span.start))
    added = []
    for i, p in enumerate(paragraphs):
        covered = [(f.span.start, f.span.end) for f in found if f.paragraph == i]
        for m in pattern.finditer(p):
            a, z = m.span()
            if any(a < e and s < z for s, e in covered) or _next_to_name(p, a, z):
                continue
            before = [n for n in by_surname[m.group(1)] if first_seen[n] < (i, a)]
            if before:
                name = max(before, key=lambda n: first_seen[n])
                added.append(Found(i, Span(a, z, "person"), m.group(1), name, "person"))
    if not added:
        return found
    return sorted(found + added, key=lambda f: (f.paragraph, f.span.start))


def _next_to_name(text: str, start: int, end: int) -> bool:
    """A capitalised word right before or after (part of a longer name: "Yeltsin Center")."""
    before = text[:start].rstrip().rsplit(None, 1)
    after = text[end:].lstrip().split(None, 1)
    prev = before[-1] if before and text[:start][-1:].isspace() else ""
    if prev[-1:] in ".!?:;,\"\u201d)":
        prev = ""  # the end of the sentence before
    nxt = after[0] if after and text[end : end + 1].isspace() else ""
    return any(w[:1].isupper() for w in (prev, nxt) if w not in ("", "&"))
