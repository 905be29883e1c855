"""Named-entity extraction: Punkt sentences, NLTK tokens, a CRF, and the alias authority.

``get_extractor().extract_document(paragraphs)`` returns the document's
:class:`~quarry.archive.model.Entities` (distinct canonical person, organization and location
names, in order of first appearance) and every :class:`~quarry.archive.model.Mention` as
written, with offsets into the paragraphs joined by a blank line (``Article.text``).

Per sentence: the alias table's matches and the CRF's labels become candidate spans
(``candidates``), which are cut, trimmed and typed (``repair``); a dateline's place and
credit are settled (``dateline``); then the whole document is made consistent
(``document``). The CRF is called in one place only, :meth:`EntityExtractor._crf_labels`.
"""

from __future__ import annotations

import threading
from pathlib import Path

from quarry.archive.model import Entities, Mention

from .authority import Authority, gazetteer_tags, get_authority
from .candidates import all_caps, companies, coordinate, extend_orgs, institutions, merge
from .dateline import find_dateline
from .document import collect, entities_of, resolve
from .features import DocumentContext
from .firm_names import fold_legal_forms
from .languages import DEFAULT_LANGUAGE
from .lexicon import (
    DATA_SERIES,
    DEFINED_TERM_DETERMINERS,
    DEMONYMS,
    DOCUMENT_LAST,
    NOT_PERSON_LAST,
    ORG_LAST,
    PLACE_LAST,
    REGION_WORDS,
)
from .mentions import Found, Span, paragraph_spans, to_mentions
from .repair import (
    appositive,
    appositive_runs,
    descriptor,
    firm_of_staff,
    hashtag,
    keep,
    listed_firm,
    looks_like_chrome,
    lowercase_words,
    name_edge,
    not_a_person,
    possessive_firm,
    split_span,
    trim,
)
from .tagger import Tagger, get_tagger
from .text import tokenize

_collect = collect  # the name bench/ner_eval.py imports


def _name(text: str) -> str:
    """The name a mention stands for until the document's rules settle it: its words, a
    hashtag's without the "#"."""
    return " ".join(text.split()).lstrip("#") or text


class EntityExtractor:
    """CRF tagger plus authority: ``extract_document(paragraphs) -> (Entities, mentions)``."""

    def __init__(
        self,
        model_path: Path | str | None = None,
        authority: Authority | None = None,
        data_dir: Path | None = None,
        language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self.authority = authority or get_authority(data_dir)
        self.language = language
        tagger = Tagger(model_path, language) if model_path is not None else get_tagger(language)
        if tagger is None:
            raise FileNotFoundError(
                f"no entity model for language {language!r} (train it with `quarry train-ner`)"
            )
        self.tagger: Tagger = tagger
        self.model_path = tagger.path

    # ---- public API -----------------------------------------------------------
    def extract(self, paragraphs: list[str]) -> Entities:
        """Distinct canonical entities of a document, in order of first appearance."""
        return self.extract_document(paragraphs)[0]

    def extract_document(self, paragraphs: list[str]) -> tuple[Entities, list[Mention]]:
        """The document's entities and its mentions (offsets into the joined paragraphs)."""
        lowered: set[str] = set()
        for p in paragraphs:
            lowered |= lowercase_words(p)
        context = self.tagger.context(paragraphs)  # the document's evidence for the CRF
        found = [
            Found(i, s, p[s.start : s.end], s.canonical or _name(p[s.start : s.end]), s.type)
            for i, p in enumerate(paragraphs)
            for s in self._paragraph_spans(p, lowered, context)
        ]
        found = resolve(paragraphs, found)
        fold_legal_forms(found, self.authority.organisation)
        return entities_of(found), to_mentions(paragraphs, found)

    def annotate(self, paragraph: str) -> list[tuple[int, int, str, str]]:
        """Entity mentions in one paragraph read alone: (char start, end, type, name)."""
        return paragraph_spans([paragraph], self.extract_document([paragraph])[1])[0]

    # ---- pipeline -------------------------------------------------------------
    def _crf_labels(
        self, toks: list[str], gaz: list[str], context: DocumentContext | None
    ) -> list[str]:
        """The CRF's BIO labels for one sentence (its gazetteer tags and the document's
        context as features)."""
        return self.tagger.tag(toks, gaz, context)

    def _paragraph_spans(
        self, paragraph: str, lowered: set[str], context: DocumentContext | None = None
    ) -> list[Span]:
        if not paragraph or not paragraph.strip():
            return []
        chrome_para = looks_like_chrome(paragraph)
        out: list[Span] = []
        for sent in tokenize(paragraph):
            toks = [t for _, _, t in sent]
            shouted = all_caps(toks)  # "COKE IS IT": never matched against the alias table
            matches = [] if shouted else self.authority.match(toks)
            labels = self._crf_labels(toks, gazetteer_tags(matches, len(toks)), context)
            ambiguous = {(m.start, m.end) for m in matches if m.ambiguous}
            sent_spans: list[Span] = []
            covered: set[int] = set()
            merged = extend_orgs(toks, merge(toks, labels, matches))
            merged = companies(toks, coordinate(toks, institutions(toks, merged, matches)))
            for b, e, typ, canon, forced in merged:
                end = None if canon else possessive_firm(toks, b, e, typ)
                if end is not None:  # "Moody's said": the firm's name keeps its "'s"
                    e, typ = end, "organization"
                    while b < e - 2 and (not name_edge(toks[b]) or toks[b].split("-")[-1].islower()):
                        b += 1  # "Ohio-based Wendy's": the name only
                    canon = paragraph[sent[b][0] : sent[e - 1][1]].replace("\u2019", "'")
                covered.update(range(b, e))
                hint = None if canon else (  # the type the words around the name give
                    appositive(toks, e)
                    or descriptor(toks, b)
                    or firm_of_staff(toks, e)
                    or listed_firm(toks, b, e)
                    or not_a_person(toks, b, e, typ)
                )
                for span in self._finish(paragraph, sent, b, e, hint or typ, canon, forced):
                    span.ambiguous = span.ambiguous or (canon is not None and (b, e) in ambiguous)
                    span.typed = hint is not None and span.type == hint
                    sent_spans.append(span)
            for b, e, typ in appositive_runs(toks, covered):  # names the CRF missed
                sent_spans.extend(self._finish_part(paragraph, sent, b, e, typ))
            for k, (a, z, tok) in enumerate(sent):  # "Kremlin-installed", "U.S.-backed"
                if k not in covered and "-" in tok and tok[:1].isupper():
                    sent_spans.extend(self._hyphen_parts(paragraph[a:z], a))
            for span in sent_spans:
                if keep(span, paragraph, lowered, chrome_para):
                    span.shouted = shouted
                    out.append(span)
        return sorted(self._dateline(paragraph, out), key=lambda s: (s.start, s.end))

    def _dateline(self, paragraph: str, spans: list[Span]) -> list[Span]:
        """"LONDON (Reuters) -": the place is a location, the wire's credit no mention."""
        found = find_dateline(paragraph)
        if found is None:
            return spans
        cut = [found.credit] if found.credit else []
        places = []
        for a, z in found.places:
            hit = self.authority.entry(paragraph[a:z], "location")
            if hit is not None and hit.type != "location":
                continue  # a known organisation or person opening the paragraph
            canonical = hit.canonical if hit is not None and not hit.ambiguous else None
            places.append(Span(a, z, "location", canonical, True, True, dateline=True))
            cut.append((a, z))
        kept = [s for s in spans if not any(s.start < z and a < s.end for a, z in cut)]
        return kept + places

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
            for b2, e2, typ2 in split_span(sent, b, e, typ):
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
        if b > 0 and hashtag(sent, b - 1):
            b -= 1  # "#Ukraine": the name as written
        if not canon:  # names only: lower-case words at the edges are not part of them
            while b < e and not name_edge(sent[b][2]) and not hashtag(sent, b):
                b += 1
            while e > b and not name_edge(sent[e - 1][2]):
                e -= 1
            if e <= b:
                return []
            if e - b == 2 and sent[b][2].lower() in DEFINED_TERM_DETERMINERS:
                return []  # "No Party may assign it": a defined term, not a name
            if sent[e - 1][2].lower() in DEMONYMS and all(
                sent[k][2].lower() in REGION_WORDS for k in range(b, e - 1)
            ):
                return []  # "Afghan", "North American sales": adjectives, not names
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
            return [Span(start, end, typ, canon, forced, first)]  # ambiguity set by the caller
        start, end = trim(paragraph, start, end, typ)
        if end <= start:
            return []
        text = paragraph[start:end]
        hit = self.authority.entry(text.lstrip("#"), typ)
        if hit is not None:
            return [Span(start, end, hit.type, hit.canonical, False, first, hit.ambiguous)]
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
                return [Span(s0, end, hit.type, hit.canonical, False, False, hit.ambiguous)]
        if words[-1].lower() in DATA_SERIES:
            return []  # "Reuters Estimates", "Dow Jones Industrial Average": figures, no body
        if typ == "person" and words[-1].lower() in NOT_PERSON_LAST:
            if words[-1].lower() in DOCUMENT_LAST:
                return []  # "Trend Report", "Global Strategy": documents, not people
            typ = "organization"
        elif len(words) > 1 and words[-1].lower() in ORG_LAST:
            typ = "organization"  # "Boston Pops Orchestra" typed a place: its last word says
        elif typ == "person" and len(words) > 1 and words[-1].lower() in PLACE_LAST:
            typ = "location"  # "Shotley Bridge" typed a person
        if "-" in text and " " not in text:
            parts = self._hyphen_parts(text, start)
            if parts or text.rsplit("-", 1)[-1].islower():
                return parts
        if authority_only:
            return []
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
                    end = offsets[i] + len(name)
                    out.append(Span(offsets[i], end, hit.type, hit.canonical, True, False, hit.ambiguous))
                    i = j
                    break
            else:
                if pieces[i][:1].isupper():
                    return []
                i += 1
        return out


_EXTRACTORS: dict[str | None, EntityExtractor] = {}
_LOCK = threading.Lock()


def get_extractor(
    data_dir: Path | str | None = None, language: str = DEFAULT_LANGUAGE
) -> EntityExtractor:
    """The shared extractor (one per ``data_dir`` and language), loaded on first use."""
    key = str(Path(data_dir).resolve()) if data_dir else None
    if language != DEFAULT_LANGUAGE:
        key = f"{key}|{language}"
    ext = _EXTRACTORS.get(key)
    if ext is None:
        with _LOCK:
            ext = _EXTRACTORS.get(key)
            if ext is None:
                ext = EntityExtractor(authority=get_authority(data_dir), language=language)
                _EXTRACTORS[key] = ext
    return ext


def extract_entities(paragraphs: list[str], data_dir: Path | str | None = None) -> Entities:
    """Entities of a document with the shared extractor."""
    return get_extractor(data_dir).extract(paragraphs)
