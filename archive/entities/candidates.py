"""Candidate names in one sentence, as token spans: the CRF's labels and the alias table's
matches merged, then made whole where the tagger cuts institutions and companies short.

A candidate is ``(begin, end, type, canonical or None, forced)`` over the sentence's tokens;
``forced`` marks a span the alias table placed (it wins over the tagger's span and type).
"""

from __future__ import annotations

from .authority import LONG_TYPES
from .lexicon import (
    COMMON,
    COMPANY_SUFFIXES,
    DETERMINERS,
    ORG_HEADS,
    PERSON_TITLES,
    PLACE_HEADS,
    TITLES,
)

Candidate = tuple[int, int, str, "str | None", bool]


def crf_spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """BIO labels -> (begin, end, short type) runs; an I- after another type starts a run."""
    out: list[tuple[int, int, str]] = []
    cur = None
    for i, lab in enumerate(labels):
        if lab == "O":
            cur = None
            continue
        prefix, typ = lab[0], lab[2:]
        if prefix == "B" or cur is None or out[-1][2] != typ:
            out.append((i, i + 1, typ))
            cur = typ
        else:
            out[-1] = (out[-1][0], i + 1, typ)
    return out


def all_caps(toks: list[str]) -> bool:
    """A sentence in capitals ("COKE IS IT", "AVON PROFIT FALLS"): its capitals say nothing
    about names or acronyms, so the alias table is not matched in it."""
    words = [t for t in toks if sum(c.isalpha() for c in t) > 1]
    return len(words) >= 2 and sum(t.isupper() for t in words) >= 0.8 * len(words)


def _company_word(tok: str) -> bool:
    return tok[:1].isupper() and tok.lower() in COMPANY_SUFFIXES


def companies(toks: list[str], spans: list[Candidate]) -> list[Candidate]:
    """Firms the tagger takes for people: a name ending in a legal form ("Motors Corp") is an
    organisation, and a name followed by a legal form, with or without "&" ("& Co", "Inc"),
    takes it in ("Merrill Lynch" + "& Co" -> "Merrill Lynch & Co"). "Messi & Ronaldo" stays
    two people: without a legal form, "&" joins names of any kind."""
    out: list[Candidate] = []
    n = len(toks)
    skip_until = -1
    for b, e, typ, canon, forced in spans:
        if b < skip_until:
            continue
        if canon is not None:
            out.append((b, e, typ, canon, forced))
            continue
        k = e
        while k < n:
            if toks[k] == "&" and k + 1 < n and _company_word(toks[k + 1]):
                k += 2
            elif _company_word(toks[k]):
                k += 1
            else:
                break
        if k > e or (e - b >= 2 and _company_word(toks[e - 1])):
            out.append((b, k, "organization", None, False))
            skip_until = k
            continue
        out.append((b, e, typ, canon, forced))
    return _untagged_firms(toks, out)


def _untagged_firms(toks: list[str], spans: list[Candidate]) -> list[Candidate]:
    """Capitalised words the tagger left out, followed by a legal form ("Lazard Freres & Co")."""
    covered = {k for b, e, *_ in spans for k in range(b, e)}
    found: list[Candidate] = []
    k = 0
    while k < len(toks):
        legal = 2 if toks[k] == "&" and k + 1 < len(toks) and _company_word(toks[k + 1]) else 0
        legal = legal or (1 if _company_word(toks[k]) else 0)
        if legal and k not in covered:
            b = k
            while b > 0 and b - 1 not in covered and is_name_word(toks[b - 1]):
                b -= 1
            if b < k:
                found.append((b, k + legal, "organization", None, False))
            k += legal
        else:
            k += 1
    return sorted(spans + found, key=_place) if found else spans


def _place(c: Candidate) -> tuple[int, int, str]:
    """Candidates in text order (and by type): their canonical names may be None, never compared."""
    return c[0], c[1], c[2]


def merge(
    toks: list[str], labels: list[str], matches: list
) -> list[Candidate]:
    """CRF spans and authority matches -> (b, e, type, canonical|None, forced)."""
    crf = crf_spans(labels)
    out: list[Candidate] = []
    used = set()
    for b, e, typ in crf:
        inside = [m for m in matches if m.start < e and b < m.end]
        if not inside:
            out.append((b, e, LONG_TYPES[typ], None, False))
            continue
        exact = [m for m in inside if m.start == b and m.end == e]
        if exact:
            m = exact[0]
            out.append((m.start, m.end, m.type, m.canonical, True))
            used.add(id(m))
            continue
        contained = all(b <= m.start and m.end <= e for m in inside)
        covered = set()
        for m in inside:
            covered.update(range(m.start, m.end))
        rest = [toks[k] for k in range(b, e) if k not in covered]
        loc_in = [(m, _place_cue(toks, m.start)) for m in inside if m.type == "location"]
        loc_in = [(m, cue) for m, cue in loc_in if cue is not None and cue > b]
        if contained and loc_in:  # "Peace Palace in The Hague": a name, then a known place
            m, cue = loc_in[0]
            out.append((b, cue, LONG_TYPES[typ], None, False))
            out.append(
                (
                    cue + 1 if toks[cue + 1].lower() == "the" else m.start,
                    m.end,
                    m.type,
                    m.canonical,
                    True,
                )
            )
            used.add(id(m))
            if m.end < e:
                out.append((m.end, e, LONG_TYPES[typ], None, False))
            continue
        tail = toks[max(m.end for m in inside) : e]
        if contained and (
            any(is_name_word(t) for t in rest)
            or (typ == "ORG" and tail and all(_capitalised_word(t) for t in tail))
        ):
            # a longer name around a known one ("Kabul International Airport"; "U.S. Army",
            # "Pakistan Navy": an organisation named after its country)
            out.append((b, e, LONG_TYPES[typ], None, False))
            for m in inside:
                used.add(id(m))
            continue
        for m in inside:  # the authority wins: its spans replace the CRF's
            out.append((m.start, m.end, m.type, m.canonical, True))
            used.add(id(m))
    for m in matches:
        if id(m) not in used and not m.weak:
            out.append((m.start, m.end, m.type, m.canonical, True))
    out.sort(key=_place)
    return out


def extend_orgs(
    toks: list[str], spans: list[Candidate]
) -> list[Candidate]:
    """``Florida Department`` + ``of Law Enforcement``: an unknown name ending in an
    organisation head word takes a following ``of/for`` phrase of capitalised words."""
    out: list[Candidate] = []
    n = len(toks)
    skip_until = -1
    starts = {b: (e, canon) for b, e, _, canon, _ in spans}
    for b, e, typ, canon, forced in spans:
        if b < skip_until:
            continue
        if (
            canon is None
            and toks[e - 1].lower() in ORG_HEADS
            and e + 1 < n
            and toks[e].lower() in ("of", "for")
        ):
            k = e + 1
            last = None
            while k < n:
                tok = toks[k]
                low = tok.lower()
                if is_name_word(tok) or (tok[:1].isupper() and "-" in tok):
                    if low == "and" or (k in starts and starts[k][1] and toks[k - 1] == "and"):
                        break
                    last = k
                    k += 1
                elif low in ("of", "the", "for", "on", "&", "and") and k + 1 < n:
                    nxt = k + 1 + (toks[k + 1].lower() == "the")
                    if low == "and" and nxt in starts and starts[nxt][1]:
                        break  # "Ministry of Defence and Hamas": a second name
                    k += 1
                else:
                    break
            if last is not None:
                out.append((b, last + 1, "organization", None, False))
                skip_until = last + 1
                continue
        if (
            out
            and canon is None
            and typ == "organization"
            and e - b == 1
            and b >= 2
            and toks[b - 1] == "and"
        ):
            pb, pe, ptyp, pcanon, _ = out[-1]
            if pe == b - 1 and pcanon is None and ptyp == "organization" and "of" in toks[pb:pe]:
                out[-1] = (pb, e, ptyp, None, False)  # "Department of Climate Change and Energy"
                continue
        out.append((b, e, typ, canon, forced))
    return out


def _title_cased(tok: str) -> bool:
    """A word of an institution's name: capitalised, not a person's title ("Governor")."""
    return (
        tok[:1].isupper()
        and any(c.isalpha() for c in tok)
        and tok.lower().rstrip(".") not in PERSON_TITLES
        and tok.lower() not in DETERMINERS
    )


def institutions(
    toks: list[str], spans: list[Candidate], matches: list
) -> list[Candidate]:
    """Names of institutions the tagger cut short or took for places, made whole.

    Two shapes, in a run of capitalised words: a head word followed by an of/for phrase of
    capitalised words ("Institute of Strategic and International Studies", "Washington
    Institute for Near East Policy"; "and" only inside that phrase and not before a known
    name: "Ministry of Defence and Hamas" stays two), and a run ending in a head word ("Gauteng
    Provincial Disaster Management Centre", "South African Weather Service"). The whole name
    replaces the pieces inside it; a name the authority knows is never overridden or split.
    """
    n = len(toks)
    known = [(m.start, m.end) for m in matches if not m.weak]
    known_starts = {b for b, _ in known}
    found: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if not _title_cased(toks[i]):
            i += 1
            continue
        e = i + 1
        while e < n and _title_cased(toks[e]):
            e += 1
        head = e - 1  # the run [i, e) of capitalised words; does it end in a head word?
        if toks[head].lower() in ORG_HEADS and e + 1 < n and toks[e].lower() in ("of", "for"):
            k, last, in_phrase = e, None, True
            while k < n and in_phrase:
                low = toks[k].lower()
                if low in ("of", "for", "on", "&", "and", "the"):
                    nxt = k + 1 + (k + 1 < n and toks[k + 1].lower() == "the" and low != "the")
                    if (
                        nxt >= n
                        or not _title_cased(toks[nxt])
                        or (low == "and" and (nxt in known_starts or nxt > k + 1))
                    ):
                        break  # "and" before a known name or "the": a second name
                    k = nxt
                    continue
                if _title_cased(toks[k]):
                    last = k
                    k += 1
                else:
                    in_phrase = False
            if last is not None:
                found.append((i, last + 1))
                i = last + 1
                continue
        if e - i >= 2 and toks[head].lower() in ORG_HEADS and toks[head].lower() not in PLACE_HEADS:
            found.append((i, e))
        i = e
    if not found:
        return spans
    out = list(spans)
    for b, e in found:
        if any(kb < e and b < ke and not (b <= kb and ke <= e) for kb, ke in known):
            continue  # crosses a known name
        if any(kb == b and ke == e for kb, ke in known):
            continue  # the authority's own name
        inside = [sp for sp in out if b <= sp[0] and sp[1] <= e]
        crossing = [sp for sp in out if sp[0] < e and b < sp[1] and sp not in inside]
        if crossing:
            continue
        if len(inside) == 1 and inside[0][:3] == (b, e, "organization"):
            continue
        out = [sp for sp in out if sp not in inside] + [(b, e, "organization", None, False)]
    out.sort(key=_place)
    return out


def coordinate(
    toks: list[str], spans: list[Candidate]
) -> list[Candidate]:
    """A one-word unknown "person" coordinated with a known place is a place too
    ("in Al-Hol and Roj", "Kunar and Nuristan")."""
    out = list(spans)
    for i, (b, e, typ, canon, forced) in enumerate(spans):
        if canon is not None or typ != "person" or e - b != 1:
            continue
        for j in (i - 1, i + 1):
            if not 0 <= j < len(spans):
                continue
            b2, e2, typ2, canon2, _ = spans[j]
            gap = toks[e2:b] if j < i else toks[e:b2]
            if (
                typ2 == "location"
                and canon2 is not None
                and len(gap) == 1
                and gap[0] in ("and", "or")
            ):
                out[i] = (b, e, "location", None, forced)
    return out


def _place_cue(toks: list[str], k: int) -> int | None:
    """Index of the "in"/"at"/"near" before token k (an optional "the" between), else None."""
    p = k - 1
    if p >= 0 and toks[p].lower() == "the":
        p -= 1
    return p if p >= 0 and toks[p] in ("in", "at", "near") else None


def _capitalised_word(tok: str) -> bool:
    """A capitalised word that is not a title ("Army" is, "President" is not)."""
    return tok[:1].isupper() and tok.lower().rstrip(".") not in TITLES


def is_name_word(tok: str) -> bool:
    """A capitalised word that is neither a title nor a common word."""
    return _capitalised_word(tok) and tok.lower() not in COMMON

