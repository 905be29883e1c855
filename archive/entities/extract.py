"""Named-entity extraction: Punkt sentences, NLTK tokens, a CRF, and the alias authority.

``get_extractor().extract(paragraphs)`` returns an :class:`archive.model.Entities` with the
distinct canonical person, organization and location names of a document, in order of first
appearance. ``annotate(paragraph)`` gives character spans for marking entities in text.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from quarry.archive.model import Entities

from .authority import LONG_TYPES, Authority, get_authority
from .features import DocumentContext
from .tagger import Tagger, get_tagger
from .text import tokenize

PRONOUNS = frozenset(
    "i me my mine myself you your yours yourself yourselves he him his himself she her hers "
    "herself it its itself we us our ours ourselves they them their theirs themselves who whom "
    "whose this that these those one someone anyone everyone nobody".split()
)
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun today yesterday tomorrow".split()
)
# Page furniture that a CRF happily calls an organization or a location.
CHROME_ALWAYS = frozenset(
    [
        "related posts",
        "related articles",
        "share",
        "popular",
        "views",
        "view all result",
        "no result",
        "latest from twitter",
        "read more",
        "advertisement",
        "subscribe",
        "share on facebook",
        "share on twitter",
        "tweet",
        "print",
        "email",
        "comments",
        "cookie policy",
        "privacy policy",
        "privacy and cookie policy",
        "home",
        "contact",
        "newsletter",
        "videos",
        "video",
        "opinion pieces",
        "analysis",
        "reports",
        "interviews",
        "events",
        "contributors",
        "editorials",
        "about us",
        "who we are",
        "vision",
        "view all",
        "sign up",
        "log in",
        "menu",
        "search",
        "trending",
        "most read",
    ]
)
CHROME_SITES = frozenset(
    [
        "facebook",
        "twitter",
        "whatsapp",
        "linkedin",
        "instagram",
        "telegram",
        "reddit",
        "pinterest",
        "youtube",
        "tiktok",
        "email",
        "x",
    ]
)
# Common words that start sentences; a CRF may take their capital for a name.
COMMON = frozenset(
    """a an the and or but if so as at by for from in into of on onto to with without about
    above after against along among around before behind below beneath beside between beyond
    despite during except inside near off over since through throughout toward towards under
    until upon within also although because however indeed instead meanwhile moreover
    nevertheless nonetheless otherwise still then therefore thus though yet while whereas
    when where why how what which whether all any both each either every few many more most
    much neither no none not only other others same several some such there here
    according accordingly again already always ever never often once perhaps rather shortly
    soon sometimes later earlier finally first second third last next new old recent
    recently great good best better big small large long high low major minor important
    local national international global general official public private political
    military economic social security government state president minister secretary chief
    director spokesman spokeswoman spokesperson police army officials official sources source
    report reports news update breaking live video photo photos image watch listen read
    like unlike just even well yes okay ok please thanks thank dear hi hello sir madam mr mrs
    ms dr prof st mt gen col lt sgt capt rev hon jr sr is are was were be been being have has
    had do does did will would shall should can could may might must let lets let's it's
    said says say told asked added noted stated wrote called named known left right""".split()
)
TITLES = frozenset(
    """president vice prime minister secretary second first deputy foreign defence defense
    interior home chancellor king queen prince princess emir emperor sheikh shaykh sheik
    mullah mawlawi maulana imam ayatollah caliph general gen. gen lieutenant lt. colonel col.
    major maj. captain capt. sergeant sgt. commander admiral marshal senator sen. rep.
    representative governor gov. mayor judge justice ambassador envoy chief spokesman
    spokeswoman spokesperson mr mr. mrs mrs. ms ms. dr dr. prof prof. professor sir lord lady
    dame saint st. pope cardinal bishop rabbi father brother sister former late
    leader founder commander-in-chief""".split()
)
DEMONYMS = frozenset(
    """afghan afghans american americans russian russians syrian syrians iraqi iraqis iranian
    iranians pakistani pakistanis israeli israelis palestinian palestinians turkish turk turks
    kurdish kurd kurds arab arabs saudi saudis yemeni yemenis egyptian egyptians libyan libyans
    lebanese jordanian jordanians qatari emirati chinese japanese korean koreans indian indians
    british briton britons english scottish welsh irish french german germans italian italians
    spanish spaniard portuguese dutch belgian swiss austrian swedish swede swedes norwegian
    danish finnish polish czech hungarian romanian bulgarian greek serbian croatian bosnian
    albanian ukrainian ukrainians belarusian georgian armenian azerbaijani chechen chechens
    uzbek uzbeks tajik tajiks kazakh kyrgyz turkmen pashtun pashtuns baloch hazara uyghur
    uyghurs somali somalis nigerian nigerians malian kenyan ethiopian sudanese african africans
    european europeans asian asians canadian canadians mexican mexicans brazilian australian
    australians western westerner westerners eastern northern southern soviet muslim muslims
    islamic islamist islamists jihadist jihadists christian christians jewish jew jews sunni
    sunnis shia shiite shiites alawite salafi salafist salafists catholic protestant hindu
    hindus sikh buddhist republican republicans democrat democrats conservative conservatives
    liberal liberals labour tory tories communist socialist nazi nazis""".split()
)
CONNECTORS = frozenset(
    "of and the de del della di da dos du la le von van der den al el bin ibn bint abu for on "
    "in y e & upon".split()
)
PERSON_TITLES = frozenset(
    """president gov governor rep representative sen senator ambassador minister leader mayor
    judge mr mrs ms dr prof lord sir chancellor secretary spokesman spokeswoman commissioner
    chairman chairwoman ceo premier envoy datuk dato datin tun seri haji sheikh emir king
    queen prince princess pope ayatollah mullah imam general gen lt col sgt capt admiral
    colonel lieutenant captain sergeant brigadier commander marshal""".split()
)
ORG_WORDS = frozenset(
    """authority agency council committee ministry department party university institute
    association union bank court commission office service services corporation company inc
    ltd group forces force army police bureau board centre center foundation organisation
    organization network news times post media club fund trust school college hospital""".split()
)
# Last words of names of documents, events and bodies: never the end of a person's name.
NOT_PERSON_LAST = frozenset(
    """report reports strategy act acts agreement accord accords treaty convention
    declaration resolution charter protocol plan programme program initiative review index
    summit conference forum division brigade brigades battalion front movement party army
    forces network group council ministry committee commission court corps command
    operation operations province district camp""".split()
)
DOCUMENT_LAST = frozenset(
    """report reports strategy act agreement accord accords treaty convention declaration
    resolution charter protocol plan programme program initiative review index""".split()
)
_MONEY = re.compile(r"^(?:[A-Z]{0,3}\$?|R|£|€)\d[\d.,]*(?:bn|m|k|tn|mn|b)?$")
_TRAIL = ".,;:!?\"'()[]{}<>-–—*•|/\\…“”‘’"
_LEAD = "\"'([{<-–—*•|/“”‘’"


@dataclass
class Span:
    """A candidate entity: characters [start, end) of the paragraph."""

    start: int
    end: int
    type: str  # person | organization | location
    canonical: str | None = None
    forced: bool = False
    first_in_sentence: bool = False


class EntityExtractor:
    """CRF tagger plus authority: ``extract(paragraphs) -> Entities``."""

    def __init__(
        self,
        model_path: Path | str | None = None,
        authority: Authority | None = None,
        data_dir: Path | None = None,
    ) -> None:
        self.authority = authority or get_authority(data_dir)
        tagger = Tagger(model_path) if model_path is not None else get_tagger("en")
        if tagger is None:
            raise FileNotFoundError("no English NER model (train it with `quarry train-ner`)")
        self.tagger: Tagger = tagger
        self.model_path = tagger.path

    # ---- public API -----------------------------------------------------------
    def annotate(
        self, paragraph: str, context: DocumentContext | None = None
    ) -> list[tuple[int, int, str, str]]:
        """Entity mentions in one paragraph: (char start, end, type, canonical name).

        ``context``: the whole document's (``self.tagger.context(paragraphs)``), else the
        paragraph's own."""
        lowered = _lowercase_words(paragraph)
        if context is None:
            context = self.tagger.context([paragraph])
        return [
            (s.start, s.end, s.type, s.canonical or paragraph[s.start : s.end])
            for s in self._paragraph_spans(paragraph, lowered, context)
        ]

    def extract(self, paragraphs: list[str]) -> Entities:
        """Distinct canonical entities of a document, in order of first appearance."""
        lowered: set[str] = set()
        for p in paragraphs:
            lowered |= _lowercase_words(p)
        headings = [
            _is_heading(p) and i + 1 < len(paragraphs) and _is_body(paragraphs[i + 1])
            for i, p in enumerate(paragraphs)
        ]
        running = "\n".join(p for p, h in zip(paragraphs, headings, strict=True) if not h)
        context = self.tagger.context(paragraphs)
        mentions: list[tuple[str, str, bool]] = []
        unknown: list[bool] = []  # a mention the authority did not name
        short_forms: dict[str, tuple[str, str]] = {}  # "PDMC" -> (type, the name it stands for)
        for p, heading in zip(paragraphs, headings, strict=True):
            for s in self._paragraph_spans(p, lowered, context):
                text = p[s.start : s.end]
                # a section heading ("The Latest Attack") is title-cased: an unknown name
                # in it counts only if the running text names it too
                if heading and s.canonical is None and text not in running:
                    continue
                mentions.append((s.type, s.canonical or text, s.forced))
                unknown.append(s.canonical is None)
                m = _SHORT_FORM.match(p, s.end)
                if m and s.type != "person" and _abbreviates(m.group(1), s.canonical or text):
                    short_forms.setdefault(m.group(1), (s.type, s.canonical or text))
        if short_forms:
            # "the Disaster Management Centre (DMC) ... DMC said": one organisation, not two
            mentions = [
                (*short_forms[name], forced) if new and name in short_forms else (typ, name, forced)
                for (typ, name, forced), new in zip(mentions, unknown, strict=True)
            ]
        return _collect(mentions)

    # ---- pipeline -------------------------------------------------------------
    def _paragraph_spans(
        self, paragraph: str, lowered: set[str], context: DocumentContext | None = None
    ) -> list[Span]:
        if not paragraph or not paragraph.strip():
            return []
        chrome_para = _looks_like_chrome(paragraph)
        out: list[Span] = []
        for sent in tokenize(paragraph):
            toks = [t for _, _, t in sent]
            matches = self.authority.match(toks)
            if _shouting(toks):  # "THIS WAIVER IS A ...": capitals say nothing about acronyms
                matches = [m for m in matches if not _short_caps(toks[m.start : m.end])]
            gaz = ["O"] * len(toks)
            for m in matches:
                short = {"person": "PER", "organization": "ORG", "location": "LOC"}[m.type]
                gaz[m.start] = "B-" + short
                for k in range(m.start + 1, m.end):
                    gaz[k] = "I-" + short
            labels = self.tagger.tag(toks, gaz, context)
            covered: set[int] = set()
            merged = _extend_orgs(toks, _merge(toks, labels, matches))
            merged = _coordinate(toks, _institutions(toks, merged, matches))
            for b, e, typ, canon, forced in merged:
                covered.update(range(b, e))
                if canon is None:  # "Al-Qard al-Hassan, the association that ..."
                    typ = _appositive(toks, e) or _descriptor(toks, b) or typ
                for span in self._finish(paragraph, sent, b, e, typ, canon, forced):
                    if self._keep(span, paragraph, lowered, chrome_para):
                        out.append(span)
            for b, e, typ in _appositive_runs(toks, covered):  # names the CRF missed
                for span in self._finish_part(paragraph, sent, b, e, typ):
                    if self._keep(span, paragraph, lowered, chrome_para):
                        out.append(span)
            for k, (a, z, tok) in enumerate(sent):  # "Kremlin-installed", "U.S.-backed"
                if k not in covered and "-" in tok and tok[:1].isupper():
                    out.extend(self._hyphen_parts(paragraph[a:z], a))
        return out

    def _finish(
        self,
        paragraph: str,
        sent: list[tuple[int, int, str]],
        b: int,
        e: int,
        typ: str,
        canon: str | None,
        forced: bool,
    ) -> list[Span]:
        """Character span for tokens [b, e): trimmed, split on hyphens, canonicalised."""
        if not canon:
            out: list[Span] = []
            for b2, e2, typ2 in _split(sent, b, e, typ):
                out.extend(self._finish_part(paragraph, sent, b2, e2, typ2))
            return out
        return self._finish_part(paragraph, sent, b, e, typ, canon, forced)

    def _finish_part(
        self,
        paragraph: str,
        sent: list[tuple[int, int, str]],
        b: int,
        e: int,
        typ: str,
        canon: str | None = None,
        forced: bool = False,
    ) -> list[Span]:
        authority_only = typ.startswith("?")  # keep only if the authority knows it
        typ = typ.lstrip("?")
        if not canon:  # names only: lower-case words at the edges are not part of them
            while b < e and not _name_edge(sent[b][2]):
                b += 1
            while e > b and not _name_edge(sent[e - 1][2]):
                e -= 1
            if e <= b:
                return []
            if e - b == 1 and sent[b][2].lower() in DEMONYMS:
                return []
            if (
                typ == "person"
                and b > 1
                and sent[b - 1][2].lower() in ("sheikh", "saint", "st.", "st", "sidi")
                and sent[b - 2][2].lower() in ("in", "near")
            ):
                b -= 1  # "in Sheikh Jarrah", "near St. Albans": the title is part of a place
            if (
                typ == "person"
                and b > 0
                and sent[b - 1][2].lower() in ("in", "near")
                and (e >= len(sent) or sent[e][2] not in ("'s", "'"))
            ):
                typ = "location"  # "families in Sheikh Jarrah": a place, not a person
        start, end = sent[b][0], sent[e - 1][1]
        first = b == 0 or all(not any(c.isalnum() for c in t) for _, _, t in sent[:b])
        if canon:
            return [Span(start, end, typ, canon, forced, first)]
        start, end = _trim(paragraph, start, end, typ)
        if end <= start:
            return []
        text = paragraph[start:end]
        hit = self.authority.entry(text, typ)
        if hit is not None:
            return [Span(start, end, hit.type, hit.canonical, False, first)]
        words = text.split()
        if len(words) > 1 and words[0].lower() in DEMONYMS:
            # "Syrian Kurdish YPG" -> YPG: demonyms before a known name are not part of it
            k = 0
            while k < len(words) - 1 and words[k].lower() in DEMONYMS:
                k += 1
            rest = " ".join(words[k:])
            hit = self.authority.entry(rest)
            if hit is not None and not hit.weak:
                s0 = paragraph.index(words[k], start)
                return [Span(s0, end, hit.type, hit.canonical, False, False)]
        if typ == "person" and words[-1].lower() in NOT_PERSON_LAST:
            if words[-1].lower() in DOCUMENT_LAST:
                return []  # "Trend Report", "Global Strategy": documents, not people
            typ = "organization"
        if "-" in text and " " not in text:
            parts = self._hyphen_parts(text, start)
            if parts or text.rsplit("-", 1)[-1].islower():
                return parts
        if authority_only:
            return []
        if (
            text.isupper()
            and " " in text
            and typ != "person"
            and _is_dateline(paragraph, start, end)
        ):
            return [Span(start, end, "location", text.title(), False, first)]
        return [Span(start, end, typ, None, False, first)]

    def _hyphen_parts(self, text: str, start: int) -> list[Span]:
        """``Taliban-Al-Qaeda`` -> known names; ``U.S.-led`` -> United States."""
        pieces = text.split("-")
        offsets = []
        pos = start
        for p in pieces:
            offsets.append(pos)
            pos += len(p) + 1
        out: list[Span] = []
        i = 0
        while i < len(pieces):
            for j in range(len(pieces), i, -1):
                name = "-".join(pieces[i:j])
                hit = self.authority.entry(name)
                if hit is not None and not hit.weak and name[:1].isupper():
                    out.append(
                        Span(offsets[i], offsets[i] + len(name), hit.type, hit.canonical, True)
                    )
                    i = j
                    break
            else:
                if pieces[i][:1].isupper():
                    return []
                i += 1
        return out

    def _keep(self, span: Span, paragraph: str, lowered: set[str], chrome_para: bool) -> bool:
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
            not any(c.isalpha() for c in text) or _MONEY.match(text)
        ):
            return False
        if len(words) == 1:
            w = words[0]
            if w in PRONOUNS or w in MONTHS or w in WEEKDAYS or w in COMMON:
                return False
            if span.first_in_sentence and w in lowered:
                return False
        return True


def _merge(
    toks: list[str], labels: list[str], matches: list
) -> list[tuple[int, int, str, str | None, bool]]:
    """CRF spans and authority matches -> (b, e, type, canonical|None, forced)."""
    crf: list[tuple[int, int, str]] = []
    cur = None
    for i, lab in enumerate(labels):
        if lab == "O":
            cur = None
            continue
        prefix, typ = lab[0], lab[2:]
        if prefix == "B" or cur is None or crf[-1][2] != typ:
            crf.append((i, i + 1, typ))
            cur = typ
        else:
            b, _, t = crf[-1]
            crf[-1] = (b, i + 1, t)
    out: list[tuple[int, int, str, str | None, bool]] = []
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
        if contained and any(_is_name_word(t) for t in rest):
            # a longer name around a known one ("Kabul International Airport")
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
    out.sort()
    return out


ORG_HEADS = frozenset(
    """department ministry office council committee court commission agency institute
    university bank bureau board authority centre center school college association union
    federation organisation organization league party directorate service academy
    foundation society corporation assembly parliament secretariat command""".split()
)


def _extend_orgs(
    toks: list[str], spans: list[tuple[int, int, str, str | None, bool]]
) -> list[tuple[int, int, str, str | None, bool]]:
    """``Florida Department`` + ``of Law Enforcement``: an unknown name ending in an
    organisation head word takes a following ``of/for`` phrase of capitalised words."""
    out: list[tuple[int, int, str, str | None, bool]] = []
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
                if _is_name_word(tok) or (tok[:1].isupper() and "-" in tok):
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


_DETERMINERS = frozenset(
    "the a an this that these those its their his her our each every no any all some such either "
    "neither both".split()
)
# heads that also end place names ("West Bank", "Earls Court"): a name ending in one is left as
# the tagger or the authority typed it
_PLACE_HEADS = frozenset({"bank", "court", "center", "centre", "school", "college"})


def _title_cased(tok: str) -> bool:
    """A word of an institution's name: capitalised, not a person's title ("Governor")."""
    return (
        tok[:1].isupper()
        and any(c.isalpha() for c in tok)
        and tok.lower().rstrip(".") not in PERSON_TITLES
        and tok.lower() not in _DETERMINERS
    )


def _institutions(
    toks: list[str], spans: list[tuple[int, int, str, str | None, bool]], matches: list
) -> list[tuple[int, int, str, str | None, bool]]:
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
                    if nxt >= n or not _title_cased(toks[nxt]) or (low == "and" and nxt in known_starts):
                        break
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
        if e - i >= 2 and toks[head].lower() in ORG_HEADS and toks[head].lower() not in _PLACE_HEADS:
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
    out.sort()
    return out


def _shouting(toks: list[str]) -> bool:
    words = [t for t in toks if sum(c.isalpha() for c in t) > 1]
    return len(words) >= 4 and sum(t.isupper() for t in words) >= 0.8 * len(words)


def _short_caps(toks: list[str]) -> bool:
    return len(toks) == 1 and len(toks[0].replace(".", "")) <= 3 and toks[0].isupper()


def _coordinate(
    toks: list[str], spans: list[tuple[int, int, str, str | None, bool]]
) -> list[tuple[int, int, str, str | None, bool]]:
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
                and gap[0]
                in (
                    "and",
                    "or",
                )
            ):
                out[i] = (b, e, "location", None, forced)
    return out


def _place_cue(toks: list[str], k: int) -> int | None:
    """Index of the "in"/"at"/"near" before token k (an optional "the" between), else None."""
    p = k - 1
    if p >= 0 and toks[p].lower() == "the":
        p -= 1
    return p if p >= 0 and toks[p] in ("in", "at", "near") else None


def _split(
    sent: list[tuple[int, int, str]], b: int, e: int, typ: str
) -> list[tuple[int, int, str]]:
    """Cut a CRF span at punctuation, lower-case words, possessives and person titles.

    ``Ukraine's Air Force`` -> Ukraine + Air Force; ``Indiana Gov. Eric Holcomb`` -> Indiana +
    Eric Holcomb (a person: it follows a title); ``Camden town hall`` -> Camden.
    """
    parts: list[list[int]] = [[]]
    for k in range(b, e):
        tok = sent[k][2]
        low = tok.lower()
        if tok in ("'s", "'", "'S"):
            parts.append([])
        elif not any(c.isalnum() for c in tok) and tok not in ("&", "+"):
            parts.append([])
        elif tok[:1].islower() and low not in CONNECTORS and not _name_edge(tok):
            parts.append([])
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
        if cut is not None and not (cut == pb and place):  # "in Sheikh Jarrah": a place
            rest = [sent[k][2] for k in range(cut + 1, pe)]
            if (
                1 <= len(rest) <= 4
                and all(_name_edge(t) or t.lower() in CONNECTORS for t in rest)
                and not any(t.lower() in ORG_WORDS for t in rest)
            ):
                if cut > pb:
                    out.append((pb, cut, "?" + typ))
                out.append((cut + 1, pe, "person"))
                continue
        out.append((pb, pe, typ))
    return out


# Head nouns of an appositive ("X, the association that ...", "X, a former prosecutor")
# that say what kind of name X is.
APPOSITIVE_HEADS = {
    **dict.fromkeys(
        """prosecutor leader commander founder spokesman spokeswoman spokesperson minister
        president analyst researcher professor journalist cleric preacher ideologue militant
        emir chief director author lawyer judge activist envoy ambassador officer scholar
        expert son daughter wife husband brother father mother widow physician doctor
        politician lawmaker senator governor general colonel secretary chairman recruiter
        propagandist bomber gunman attacker suspect""".split(),
        "person",
    ),
    **dict.fromkeys(
        """group association organisation organization movement militia party network agency
        company firm charity coalition faction alliance newsletter newspaper magazine outlet
        broadcaster platform bank ministry council committee brigade battalion institute
        foundation university affiliate branch franchise offshoot contractor mission
        organisations groups militias movements parties""".split(),
        "organization",
    ),
    **dict.fromkeys(
        """city town village region province district camp country capital neighbourhood
        neighborhood island valley river port enclave territory county suburb""".split(),
        "location",
    ),
}
_APPOSITIVE_STOP = frozenset(
    "that which who whose whom where of in on at for with by from and or to as , . ; : ( )".split()
)


def _appositive(toks: list[str], e: int) -> str | None:
    """Type given by an appositive after tokens[:e]: ``, the/a [modifiers] head``."""
    if e + 2 >= len(toks) or toks[e] != "," or toks[e + 1].lower() not in ("the", "a", "an"):
        return None
    k = e + 2
    head = None
    while k < len(toks) and k < e + 8 and toks[k].lower() not in _APPOSITIVE_STOP:
        head = toks[k].lower()
        k += 1
    return APPOSITIVE_HEADS.get(head or "")


# Nouns that say what the name right after them is: "Swedish daily Dagens Nyheter", "the
# broadcaster NRK", "militant group Tanzim al-Shabab"
DESCRIPTOR_HEADS = frozenset(
    """newspaper daily tabloid weekly magazine broadcaster outlet website channel agency group
    militia organisation organization company firm charity party movement""".split()
)


def _descriptor(toks: list[str], b: int) -> str | None:
    """Type given by the noun right before a name (``newspaper X``: an organization)."""
    if b > 0 and toks[b - 1].lower() in DESCRIPTOR_HEADS:
        return "organization"
    return None


def _appositive_runs(toks: list[str], covered: set[int]) -> list[tuple[int, int, str]]:
    """Runs of two or more capitalised words the CRF left out, typed by an appositive."""
    out = []
    k = 1  # never the first word of a sentence
    n = len(toks)
    while k < n:
        if k in covered or not _is_name_word(toks[k]) or toks[k].lower() in MONTHS:
            k += 1
            continue
        j = k + 1
        while (
            j < n
            and j not in covered
            and (
                _is_name_word(toks[j])
                or (toks[j].lower() in CONNECTORS and j + 1 < n and _is_name_word(toks[j + 1]))
            )
        ):
            j += 1
        if j - k >= 2:
            typ = _appositive(toks, j)
            if typ:
                out.append((k, j, typ))
        k = j
    return out


def _is_dateline(text: str, start: int, end: int) -> bool:
    """``MEXICO CITY (AP) —`` / ``PUTRAJAYA, Nov 22 —``: an all-caps place opening a story."""
    if text[:start].strip():
        return False
    after = text[end : end + 3].lstrip()
    return after[:1] in ("(", ",", "\u2014", "-", "\u2013")


def _name_edge(tok: str) -> bool:
    """A token that can start or end a name: capitalised, a digit-bearing code, or al-X."""
    return any(c.isupper() for c in tok) or (tok[:1].isdigit() and any(c.isalpha() for c in tok))


def _is_name_word(tok: str) -> bool:
    return tok[:1].isupper() and tok.lower().rstrip(".") not in TITLES and tok.lower() not in COMMON


def _trim(text: str, start: int, end: int, typ: str) -> tuple[int, int]:
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
            if seg[-1] in _TRAIL and not (seg[-1] == "." and _is_abbrev(seg)):
                end -= 1
                changed = True
            elif seg[0] in _LEAD:
                start += 1
                changed = True
    seg = text[start:end]
    if seg[:4].lower() == "the " and len(seg) > 4:
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


def _is_abbrev(seg: str) -> bool:
    """``U.S.``, ``D.C.``, ``Jr.``: the final dot belongs to the name."""
    last = seg.split()[-1] if seg.split() else seg
    return last.count(".") >= 2 or last.lower() in ("jr.", "sr.", "inc.", "co.", "ltd.", "st.")


def _lowercase_words(text: str) -> set[str]:
    """Words seen in lower case in running text (evidence that a word is not a name)."""
    out = set()
    for w in text.split():
        w = w.strip(_TRAIL)
        if w and w[0].islower() and w.isalpha():
            out.add(w)
    return out


def _is_heading(paragraph: str) -> bool:
    """A short line without closing punctuation: a section heading kept in the body."""
    text = paragraph.strip()
    if not text or text[-1] in ".!?:;\"'\u201d\u2019)":
        return False
    if any(c in text for c in ":@|/\u2022"):  # "Email: ...", "Attn: ...": a field, not a heading
        return False
    words = text.split()
    return len(words) <= 12 and sum(1 for w in words if w[:1].isupper()) >= 1


def _is_body(paragraph: str) -> bool:
    """A paragraph of running text (what follows a section heading)."""
    text = paragraph.strip()
    return len(text.split()) >= 25 and text[-1:] in ".!?\"'\u201d\u2019)"


def _looks_like_chrome(paragraph: str) -> bool:
    words = paragraph.split()
    low = paragraph.casefold()
    return len(words) <= 8 or "share on" in low or "follow us" in low


# A short form defined right after a name: "Provincial Disaster Management Centre (PDMC)"
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


def _collect(mentions: list[tuple[str, str, bool]]) -> Entities:
    """Distinct names per type in order of first appearance; short person names that
    repeat the surname of a full name in the same document fold into it."""
    types: dict[str, Counter] = {}
    order: list[str] = []
    forced: dict[str, str] = {}
    for typ, name, is_forced in mentions:
        if name not in types:
            types[name] = Counter()
            order.append(name)
        types[name][typ] += 1
        if is_forced:
            forced[name] = typ
    chosen = {n: forced.get(n) or types[n].most_common(1)[0][0] for n in order}
    persons = [n for n in order if chosen[n] == "person"]
    full = [n for n in persons if " " in n]
    ents = Entities()
    seen: set[tuple[str, str]] = set()
    for n in order:
        typ = chosen[n]
        if typ == "person" and " " not in n:
            longer = [f for f in full if f.split()[-1] == n or f.split()[0] == n]
            if longer:
                n = longer[0]
        if n in {name for t, name in seen if t == typ}:
            continue
        # a bare surname of a known person in another type (e.g. tagged LOC) is dropped
        if typ != "person" and any(f.split()[-1] == n for f in full):
            continue
        seen.add((typ, n))
        getattr(ents, typ).append(n)
    return ents


_EXTRACTORS: dict[str | None, EntityExtractor] = {}
_LOCK = threading.Lock()


def get_extractor(data_dir: Path | str | None = None) -> EntityExtractor:
    """The shared extractor (one per ``data_dir``), loaded on first use."""
    key = str(Path(data_dir).resolve()) if data_dir else None
    ext = _EXTRACTORS.get(key)
    if ext is None:
        with _LOCK:
            ext = _EXTRACTORS.get(key)
            if ext is None:
                ext = EntityExtractor(authority=get_authority(data_dir))
                _EXTRACTORS[key] = ext
    return ext


def extract_entities(paragraphs: list[str], data_dir: Path | str | None = None) -> Entities:
    """Entities of a document with the shared extractor."""
    return get_extractor(data_dir).extract(paragraphs)
