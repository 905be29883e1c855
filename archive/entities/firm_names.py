"""One name per firm in the facets: its legal form ("Corp", "Inc.", "plc") is no part of it.

Reuters writes "Intel Corp" first and "Intel" after; other articles write only one of them. A
facet that counts "Intel Corp" and "Intel" apart splits the firm's articles in two, and an
article that names both is counted twice. The legal form is dropped from an organisation's
name where that leaves a name: the alias table's entry for what remains, or a name of two or
more words ("General Motors Corp" is General Motors), or a one-word name the article also
uses alone ("Intel"). A one-word name the article never uses alone keeps its form ("News
Corp" is not "News"), and so does one joined to its form by "&" ("Morris & Co.").
"""

from __future__ import annotations

from collections.abc import Callable

from .mentions import Found

__all__ = ["LEGAL_FORMS", "firm_base", "fold_legal_forms"]

# the abbreviated forms a firm's name is followed by; written out ("RAND Corporation",
# "Digital Equipment Corporation") the word is part of the name
LEGAL_FORMS = frozenset(
    """corp corp. inc inc. co co. cos cos. ltd ltd. plc llc llp lp l.p. ag sa s.a. nv n.v. bv
    b.v. gmbh spa s.p.a. ab asa oyj bhd pty""".split()
)


def _cut(words: list[str]) -> tuple[int, bool]:
    """How many words the name keeps, and whether an "&" went with the form ("& Co")."""
    cut, amp = len(words), False
    while cut > 1 and (words[cut - 1].lower().rstrip(",") in LEGAL_FORMS or words[cut - 1] in "&,"):
        amp = amp or words[cut - 1] == "&"
        cut -= 1
    return cut, amp


def firm_base(name: str) -> str | None:
    """``name`` without its legal form ("Merrill Lynch & Co Inc" -> "Merrill Lynch"), or None
    when it has none."""
    words = name.split()
    cut, _ = _cut(words)
    if cut == len(words):
        return None
    return " ".join(words[:cut]).rstrip(", ") or None


def fold_legal_forms(found: list[Found], lookup: Callable[[str], str | None]) -> None:
    """Rename the article's organisations without their legal form (see the module's
    description). ``lookup`` gives the alias table's canonical organisation for a name."""
    alone = {n for f in found if f.type == "organization" for n in (f.name, f.text)}
    for f in found:
        if f.type != "organization" or lookup(f.name) == f.name:
            continue  # a name the alias table gives stays as the table writes it
        base = firm_base(f.name)
        if base is None:
            continue
        known = lookup(base)
        if known is not None:
            f.name = known
        elif " " in base or (base in alone and not _cut(f.name.split())[1]):
            f.name = base  # not "Morris" for "Morris & Co.": the person is called that
