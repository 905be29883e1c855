"""Query-time alias expansion: a known entity's name typed alone also searches the entity.

``ISIS-K`` typed alone becomes a group ORing the entity's facet value (the articles tagged with
it) and its other names in the text. The step is reported (:class:`AliasExpansion`: the words as
typed, the entity, the names added), so the page can say what was added and offer the word as
typed (``SearchRequest.as_typed``). It never overreaches:

- only a word or words standing alone, or a quoted phrase that is the whole alias: ``"IS
  fighters"`` stays a phrase, and nothing inside a field's value or group (``title:(ISIS OR
  Daesh)``) is touched;
- ambiguous aliases (``?`` in the alias table: IS, ISIS/Isis, ISI, AQ ...) and weak ones (``~``)
  expand only when typed in the table's exact case (``is`` never becomes Islamic State), and
  not in a query written in capitals (the tagger ignores sentences in capitals too);
- the names added are never ambiguous or weak aliases, short acronyms or names with one-letter
  words: the text index ignores case, so "Isis" would find the goddess and "IS" every "is".
  The word as typed is always searched as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
MAX_ALIAS_WORDS = 6
_SYNTAX = set("*?~^[]{}")


@dataclass(frozen=True)
class AliasExpansion:
    """One alias of a known entity in a query, and what searching it also searched."""

    typed: str  # the words as typed (without quotation marks)
    type: str  # the entity's type
    name: str  # its canonical name (its facet value)
    added: tuple[str, ...]  # the other names searched in the text, besides ``typed``
    expanded: bool = True  # False: the request asked for ``typed`` as typed only

    def toggled(self, as_typed: tuple[str, ...]) -> tuple[str, ...]:
        """A request's ``as_typed`` with these words kept as typed if they were expanded, and
        expanded again if they were kept (the link that undoes the step)."""
        rest = tuple(w for w in as_typed if typed_key(w) != self.typed)
        return (*rest, self.typed) if self.expanded else rest

    def to_json(self) -> dict:
        return {"typed": self.typed, "entity": {"type": self.type, "name": self.name},
                "added": list(self.added), "expanded": self.expanded}  # fmt: skip


def typed_key(words: str) -> str:
    """How a word or phrase as typed is compared with ``SearchRequest.as_typed``."""
    return " ".join(words.replace('"', " ").split())


def match(
    tokens: list[str], i: int, authority, shouting: bool
) -> tuple[int, str, tuple[str, str]] | None:
    """The alias starting at ``tokens[i]``: (tokens it spans, the words as typed, (type,
    canonical)), or None. A quoted token counts only whole."""
    tok = tokens[i]
    if tok.startswith('"'):
        if re.search(r"~\d+$", tok):
            return None  # a proximity search is not a name
        typed = typed_key(tok)
        hit = _entity(typed, authority, shouting)
        return (1, typed, hit) if hit else None
    for n in range(min(MAX_ALIAS_WORDS, len(tokens) - i), 0, -1):
        words = tokens[i : i + n]
        if any(not _plain(w) for w in words):
            continue
        typed = " ".join(words)
        hit = _entity(typed, authority, shouting)
        if hit:
            return n, typed, hit
    return None


def _plain(word: str) -> bool:
    """A word of the query that may be part of a name (no operator, field, quote or syntax)."""
    return not (word in OPERATORS or word in "()" or ":" in word or word.startswith('"')
                or any(c in _SYNTAX for c in word))  # fmt: skip


def _entity(typed: str, authority, shouting: bool) -> tuple[str, str] | None:
    entry = authority.entry(typed)
    if entry is None:
        return None
    if entry.ambiguous or entry.weak:
        if shouting or not _as_listed(typed, entry, authority):
            return None
    return entry.type, entry.canonical


def _as_listed(typed: str, entry, authority) -> bool:
    """``typed`` is written exactly as one of the entity's names in the table (case included)."""
    from quarry.archive.entities.authority import normalise_name

    key = normalise_name(typed)
    return any(normalise_name(a) == key for a in authority.aliases(entry.type, entry.canonical))


def in_capitals(tokens: list[str], authority) -> bool:
    """A query written in capitals ("COKE IS IT"): two words at least that are no known name,
    and every word's letters capitals. Its ambiguous aliases are not expanded."""
    words = [t.strip('"') for t in tokens if _plain(t) or t.startswith('"')]
    letters = [c for w in words for c in w if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters):
        return False
    return sum(1 for w in words if authority.entry(w) is None) >= 2


def group(typed: str, etype: str, canonical: str, authority) -> tuple[str, tuple[str, ...]]:
    """The query text ORing the entity's facet value, the words as typed and its other safe
    names; and those other names."""
    names = []
    for name in dict.fromkeys([canonical, *authority.aliases(etype, canonical)]):
        entry = authority.entry(name, etype)
        if entry is not None and (entry.ambiguous or entry.weak):
            continue  # "Isis", "IS", "Amnesty": the case-blind text index would find other things
        if name.casefold() != typed.casefold() and _searchable(name):
            names.append(name)
    parts = [f"{etype}:{quote(canonical)}"]
    if _searchable(typed):
        parts.append(quote(typed))
    parts += [quote(n) for n in names]
    return "(" + " OR ".join(parts) + ")", tuple(names)


def _searchable(name: str) -> bool:
    """A name the text index can find as such: not a bare acronym of three capitals or fewer
    (IS, US: common words once lower-cased) and no one-letter word ("X Corp" would search as
    "corp": the analyzer drops one-letter words)."""
    if len(name) <= 3 and name.isupper():
        return False
    return not any(len(w) < 2 for w in re.findall(r"\w+", name))


def quote(value: str) -> str:
    return '"' + value.replace('"', " ") + '"'
