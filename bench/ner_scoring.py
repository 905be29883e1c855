"""Document-level scoring of entity names for ``bench/ner_eval.py``.

A gold document is ``{"entities": {type: [form, ...]}, "optional": [form, ...]}``; an entry
``"A|B"`` is one entity with equivalent forms (the old gold sets use it). A prediction is
``{type: set of forms}``. Per document and type a gold entity is found when a predicted form
matches one of its forms; a predicted form matching no gold form and no optional form is
spurious. Micro P/R/F1 per type and overall.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable

TYPES = ("person", "organization", "location")
_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)


def key(form: str) -> str:
    """Comparison key of a surface form: case, spacing, apostrophe and dash style ignored
    (bench/ner_guideline.md); abbreviation dots count ("U.S." is not "US")."""
    return "".join(unicodedata.normalize("NFC", form).translate(_FOLD).casefold().split())


def _optional(gold: dict) -> set[str]:
    opt = gold.get("optional") or []
    if isinstance(opt, dict):
        opt = [f for forms in opt.values() for f in forms]
    return {key(f) for f in opt}


def score(pairs: Iterable[tuple[dict, dict[str, set[str]]]]) -> dict:
    """Micro P/R/F1 per type and overall over (gold, predicted forms) document pairs."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for gold, pred in pairs:
        optional = _optional(gold)
        for t in TYPES:
            entities = [{key(a) for a in g.split("|")} for g in gold["entities"].get(t, [])]
            entities = [alts - optional or alts for alts in entities if not alts <= optional]
            known = set().union(*entities) if entities else set()
            p = {key(n) for n in pred.get(t, ())}
            tp = sum(1 for alts in entities if alts & p)
            fn = len(entities) - tp
            fp = len({k for k in p if k not in known and k not in optional})
            for bucket in (t, "overall"):
                counts[bucket][0] += tp
                counts[bucket][1] += fp
                counts[bucket][2] += fn
    out = {}
    for bucket, (tp, fp, fn) in counts.items():
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[bucket] = {"P": prec, "R": rec, "F1": f1, "tp": tp, "fp": fp, "fn": fn}
    return out


def surface_gold(spans: Iterable[Iterable[tuple[str, str]]]) -> dict:
    """Gold of one unit from its sentences' (type, form) spans: the distinct forms per type."""
    ents: dict[str, list[str]] = {t: [] for t in TYPES}
    seen: set[tuple[str, str]] = set()
    for sent in spans:
        for typ, form in sent:
            if (typ, key(form)) not in seen:
                seen.add((typ, key(form)))
                ents[typ].append(form)
    return {"entities": ents, "optional": []}


def canonical_gold(gold: dict, authority) -> dict:
    """The gold as canonical names, the way the facets count them: each form through the alias
    table (a place it does not list through GeoNames, where the code under test does that), and
    a one-word person name folded into a longer one of the same document that begins or ends
    with it ("Putin" -> "Vladimir Putin")."""
    try:  # code of 2026-12-06 and later: places the alias table lacks take their GeoNames name
        from quarry.archive.entities.document import _place_names  # noqa: F401
        from quarry.archive.entities.places import get_places

        places = get_places()
    except ImportError:
        places = None
    ents: dict[str, list[str]] = {}
    for t in TYPES:
        names = []
        for entry in gold["entities"].get(t, []):
            alts = []
            for form in entry.split("|"):
                hit = authority.canonical(form, t)
                place = places.lookup(form) if places and t == "location" and not hit else None
                alts.append(hit[1] if hit else place.name if place else form)
            names.append("|".join(dict.fromkeys(alts)))
        ents[t] = names
    full = [n for n in ents["person"] if " " in n and "|" not in n]
    folded = []
    for n in ents["person"]:
        if " " not in n and "|" not in n:
            n = next((f for f in full if f.split()[-1] == n or f.split()[0] == n), n)
        if n not in folded:
            folded.append(n)
    ents["person"] = folded
    ents["organization"] = _without_legal_forms(ents["organization"], gold, authority)
    optional = [
        (authority.canonical(f) or (None, f))[1]
        for f in gold.get("optional") or []
        if isinstance(f, str)
    ]
    return {"entities": ents, "optional": optional}


def _without_legal_forms(names: list[str], gold: dict, authority) -> list[str]:
    """Organisation names the way the facets count them where the code under test drops a
    firm's legal form ("General Motors Corp" -> General Motors; ``firm_names.folded``)."""
    try:  # code of 2026-12-06 (second round) and later
        from quarry.archive.entities.firm_names import folded
    except ImportError:
        return names

    written = {a for e in gold["entities"].get("organization", []) for a in e.split("|")}
    alone = written | {a for n in names for a in n.split("|")}
    return [
        "|".join(dict.fromkeys(folded(name, authority.organisation, alone) for name in entry.split("|")))
        for entry in names
    ]
