"""The re3d corpus (Dstl, defence and security): character-span mentions turned into names.

re3d marks every mention, pronouns and descriptions included ("He", "the dam", "Iraqi tribal
sheikh", "120 Iraqi soldiers"); the extractor finds names only, so such spans are neither taught
as entities nor scored as gold. Documents are tokenised like the extractor does and cut into
blocks of 5 sentences.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .authority import get_authority
from .text import tokenize

_TYPES = {"Person": "PER", "Organisation": "ORG", "Location": "LOC"}
_PRONOUNS = frozenset(
    "i me he him she her it they them we us you his its their our this that these those "
    "who which one".split()
)
_DETERMINERS = frozenset("the a an".split())
_LOWER_OK = frozenset(
    "of and the de del della di da dos du la le von van der den al el bin ibn bint abu for "
    "on in y & upon ad ar as ash at az an ud ul".split()
)
_PERSON_PREFIX = frozenset(
    """president vice prime minister secretary deputy foreign defence defense interior king
    queen prince emir sheikh shaykh general lieutenant colonel major captain sergeant
    commander admiral marshal brigadier senator governor mayor judge ambassador envoy special
    chief spokesman spokeswoman mr mrs ms dr professor sir lord lady former late leader
    iraqi syrian jordanian american russian iranian turkish kurdish saudi egyptian british
    french israeli lebanese un u.s. us""".split()
)


def _spans(text: str, ents: list[dict]) -> list[tuple[int, int, str]]:
    auth = get_authority()
    cands = []
    for e in ents:
        typ = _TYPES.get(e["type"])
        b, end = int(e["begin"]), int(e["end"])
        if e["type"] == "Nationality":
            hit = auth.canonical(text[b:end])
            typ = "LOC" if hit and hit[0] == "location" else None
        if not typ:
            continue
        b, end = _name(text, b, end, typ)
        if b < end:
            cands.append((-float(e.get("confidence", 1)), -(end - b), b, end, typ))
    chosen: list[tuple[int, int, str]] = []
    for _, _, b, end, typ in sorted(cands):
        if all(end <= c0 or b >= c1 for c0, c1, _ in chosen):
            chosen.append((b, end, typ))
    return chosen


def _name(text: str, b: int, end: int, typ: str) -> tuple[int, int]:
    """The name inside a re3d mention span [b, end), or an empty span if it is not a name."""
    words = [(m.start() + b, m.end() + b, m.group()) for m in re.finditer(r"\S+", text[b:end])]
    # names only: drop leading lower-case words ("northern Iraq" -> "Iraq") and articles
    while words and (words[0][2][:1].islower() or words[0][2].lower() in _DETERMINERS):
        if len(words) == 1:
            break
        words.pop(0)
    if typ == "PER":  # "Iraqi President Fuad Masum" -> "Fuad Masum"
        while len(words) > 1 and words[0][2].lower().rstrip(".,") in _PERSON_PREFIX:
            words.pop(0)
    if not words:
        return b, b
    first = words[0][2]
    if not first[:1].isupper() or first.lower() in _PRONOUNS:
        return b, b
    for _, _, w in words[1:]:
        core = w.strip(".,;:()'\"")
        if core[:1].islower() and core.lower() not in _LOWER_OK and "-" not in core:
            return b, b  # a description, not a name ("Syrian state", "Iraqi tribal sheikh")
    return words[0][0], words[-1][1]


def _paragraphs(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for para in text.split("\n"):
        if para.strip():
            out.append((pos, para))
        pos += len(para) + 1
    return out


def read_re3d(root: Path) -> list[list[list[tuple[str, str]]]]:
    """re3d documents with character-span entities, as blocks of 5 labelled sentences."""
    sents: list[list[tuple[str, str]]] = []
    for sub in sorted(p for p in (root / "re3d").iterdir() if p.is_dir()):
        ents_by_doc: dict[str, list[dict]] = {}
        for line in (sub / "entities.json").read_text(encoding="utf-8").splitlines():
            if line.strip():
                e = json.loads(line)
                ents_by_doc.setdefault(e["documentId"], []).append(e)
        for line in (sub / "documents.json").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            text = d["text"]
            spans = _spans(text, ents_by_doc.get(d["_id"], []))
            for para_start, para in _paragraphs(text):
                for sent in tokenize(para):
                    labs = []
                    for a, b, _ in sent:
                        a += para_start
                        b += para_start
                        lab = "O"
                        for s0, s1, typ in spans:
                            if s0 <= a and b <= s1:
                                lab = ("B-" if a == s0 else "I-") + typ
                                break
                        labs.append(lab)
                    sents.append(list(zip([t for _, _, t in sent], labs, strict=True)))
    return [sents[i : i + 5] for i in range(0, len(sents), 5)]
