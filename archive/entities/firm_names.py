"""One name per firm in the facets: its legal form ("Corp", "Inc.", "plc") is no part of it.

A wire story writes "Intel Corp" first and "Intel" after; other articles write only one of them. A
facet that counts "Intel Corp" and "Intel" apart splits the firm's articles in two, and an
article that names both is counted twice. The legal form is dropped from an organisation's
name where that leaves a name: the alias table's entry for what remains, or a name of two or
more words ("General Motors Corp" is General Motors), or a one-word name that is no common
English word ("Sony Corp" is Sony) or that the article also uses alone. A common word keeps
its form unless the article uses it alone ("News Corp" is not "News"), and so does a name
joined to its form by "&" ("Morris & Co." is not the person Morris).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from .mentions import Found
from .tagger import MODEL_DIR
from .wordlists import WordList

__all__ = ["LEGAL_FORMS", "firm_base", "fold_legal_forms", "folded"]

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


def folded(name: str, lookup: Callable[[str], str | None], alone: set[str]) -> str:
    """An organisation's name as the facets count it (see the module's description):
    ``lookup`` gives the alias table's canonical organisation for a name, ``alone`` holds the
    names the article writes."""
    if lookup(name) == name:
        return name  # a name the alias table gives stays as the table writes it
    words = name.split()
    cut, amp = _cut(words)
    if cut == len(words):
        return name
    base = " ".join(words[:cut]).rstrip(", ")
    known = lookup(base)
    if known is not None:
        return known
    if " " in base or (not amp and (base in alone or not _common_word(base))):
        return base
    return name


def fold_legal_forms(found: list[Found], lookup: Callable[[str], str | None]) -> None:
    """Rename the article's organisations without their legal form (:func:`folded`)."""
    alone = {n for f in found if f.type == "organization" for n in (f.name, f.text)}
    for f in found:
        if f.type == "organization":
            f.name = folded(f.name, lookup, alone)


@lru_cache(maxsize=1)
def _words() -> WordList | None:
    path = MODEL_DIR / "words-en.bin.gz"
    return WordList.read(path) if path.exists() else None


def _common_word(word: str) -> bool:
    """True for one of the commonest words of English ("News", "Time"), which alone is no
    firm's name; a brand ("Sony", "Target") is rarer."""
    words = _words()
    return words is not None and words.frequency_class(word.lower()) >= _COMMON_CLASS


_COMMON_CLASS = 5  # Zipf 5 and up: "news", "time", "general"; "target", "sony" are 4
