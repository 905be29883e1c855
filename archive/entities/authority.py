"""The entity authority: a curated alias table that maps name variants to one canonical name.

The table lives in ``data/aliases.tsv`` inside the package (format described in its header).
A user file ``<data_dir>/aliases.tsv`` in the same format extends it and overrides it: an
alias the user file lists is re-pointed to the user's entry.

The same table serves three purposes: canonicalising extracted names, a gazetteer feature
for the CRF, and a dictionary pass that forces the span and type of known actors.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from quarry.archive.datadir import DataDir

PACKAGE_TABLE = Path(__file__).resolve().parent / "data" / "aliases.tsv"
TYPES = ("person", "organization", "location")
SHORT_TAGS = {"person": "PER", "organization": "ORG", "location": "LOC"}
LONG_TYPES = {v: k for k, v in SHORT_TAGS.items()}
_MARKERS = "=~?"  # alias prefixes: exact case, weak, ambiguous (see the table's header)

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_SPACERS = str.maketrans(
    {
        "-": " ",
        "\u2010": " ",
        "\u2011": " ",
        "\u2012": " ",
        "\u2013": " ",
        "\u2014": " ",
        ".": "",
        ",": "",
        "_": " ",
    }
)


def normalise_name(name: str) -> str:
    """A name reduced for matching: NFC, straight apostrophes, no dots, hyphens as spaces."""
    name = unicodedata.normalize("NFC", name).translate(_APOSTROPHES).translate(_SPACERS)
    return " ".join(name.split())


def _is_short_acronym(key: str) -> bool:
    """Short all-caps names (IS, US, AQ, MI5) match only in capitals; so do short
    mixed-case acronyms (LeT, AfD, DoD), which would otherwise match "Let" or "DOD"."""
    compact = key.replace(" ", "")
    if 0 < len(compact) <= 3 and compact.isupper():
        return True
    return 0 < len(compact) <= 4 and any(c.isupper() for c in compact[1:]) and not compact.isupper()


def _strip_the(key: str) -> str:
    if key[:4].casefold() == "the " and len(key) > 4:
        return key[4:]
    return key


def _join(keys: list[str]) -> str:
    """Token keys joined as text: clitics such as 's attach to the previous word."""
    out = ""
    for k in keys:
        if not k:
            continue
        out = out + k if (k[0] == "'" and out) else (out + " " + k if out else k)
    return out


@dataclass(frozen=True)
class Entry:
    """One entity of the authority."""

    type: str
    canonical: str
    weak: bool = False  # known name, but too ambiguous to force a span by itself
    ambiguous: bool = False  # exact case only, and stands only with support in the article


@dataclass(frozen=True)
class Match:
    """A dictionary match over a token sequence: tokens[start:end]."""

    start: int
    end: int
    type: str
    canonical: str
    weak: bool
    ambiguous: bool = False


class Authority:
    """The alias table: ``canonical(name)`` -> (type, canonical name)."""

    def __init__(self) -> None:
        self.version = ""
        self._exact: dict[str, list[Entry]] = {}
        self._folded: dict[str, list[Entry]] = {}
        self._aliases: dict[tuple[str, str], list[str]] = {}
        self._first_words: set[str] = set()
        self._max_words = 1

    # ---- loading --------------------------------------------------------------
    @classmethod
    def load(cls, data_dir: Path | None = None) -> Authority:
        """The package table, extended/overridden by ``<data_dir>/aliases.tsv`` if present."""
        auth = cls()
        auth._read(PACKAGE_TABLE)
        if data_dir is not None:
            user = DataDir.of(data_dir).aliases
            if user.is_file():
                user_version = auth._read(user)
                if user_version:
                    auth.version = f"{auth.version}+{user_version}"
        return auth

    def _read(self, path: Path) -> str:
        version = ""
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            if line.startswith("#"):
                body = line.lstrip("#").strip()
                if body.lower().startswith("version:") and not version:
                    version = body.split(":", 1)[1].strip()
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                raise ValueError(f"{path}:{lineno}: expected type<TAB>canonical[<TAB>aliases]")
            etype = parts[0].strip().lower()
            etype = LONG_TYPES.get(etype.upper(), etype)
            if etype not in TYPES:
                raise ValueError(f"{path}:{lineno}: unknown type {parts[0]!r}")
            canonical = parts[1].strip().lstrip(_MARKERS)
            aliases = [a.strip() for a in (parts[2] if len(parts) > 2 else "").split("|")]
            aliases = [a for a in aliases if a]
            marked = {a.lstrip(_MARKERS): a for a in aliases}
            if canonical not in marked:
                aliases.insert(0, canonical)
            self.add(etype, canonical, aliases)
        if version and not self.version:
            self.version = version
        return version

    def add(self, etype: str, canonical: str, aliases: list[str]) -> None:
        """Add an entity; each alias is re-pointed to it (``=`` exact case, ``~`` weak,
        ``?`` ambiguous: exact case and only with support in the article)."""
        listed = self._aliases.setdefault((etype, canonical), [])
        for raw in aliases:
            alias = raw.lstrip(_MARKERS)
            markers = raw[: len(raw) - len(alias)]
            ambiguous = "?" in markers
            exact = "=" in markers or ambiguous
            key = normalise_name(alias)
            if not key:
                continue
            if not exact:
                key = _strip_the(key)
            entry = Entry(etype, canonical, "~" in markers, ambiguous)
            # an alias listed again (a user's table) replaces the earlier entry of its type,
            # whichever way each was matched
            if exact or _is_short_acronym(key):
                self._put(self._exact, key, entry)
                self._drop(self._folded, key.casefold(), etype)
            else:
                self._put(self._folded, key.casefold(), entry)
                self._drop(self._exact, key, etype)
            if alias not in listed:
                listed.append(alias)
            words = key.split()
            # text is matched token by token, and "People's" is two tokens: People, 's
            first = words[0].casefold()
            self._first_words.add(first)
            if first.endswith(("'s", "'")) and len(first) > 2:
                self._first_words.add(first[: first.rindex("'")])
            self._max_words = max(self._max_words, len(words) + key.count("'"))

    @staticmethod
    def _drop(table: dict[str, list[Entry]], key: str, etype: str) -> None:
        entries = [e for e in table.get(key, []) if e.type != etype]
        if entries:
            table[key] = entries
        else:
            table.pop(key, None)

    @staticmethod
    def _put(table: dict[str, list[Entry]], key: str, entry: Entry) -> None:
        entries = [e for e in table.get(key, []) if e.type != entry.type]
        table[key] = [entry, *entries]

    # ---- lookups --------------------------------------------------------------
    def _lookup(self, key: str, etype: str | None) -> Entry | None:
        entries = self._exact.get(key) or self._folded.get(_strip_the(key).casefold())
        if not entries:
            return None
        if etype:
            for e in entries:
                if e.type == etype:
                    return e
        return entries[0]

    def entry(self, name: str, type: str | None = None) -> Entry | None:
        """The full entry for a known alias (with its weak flag), else None."""
        key = normalise_name(name)
        if not key:
            return None
        return self._lookup(key, LONG_TYPES.get(type or "", type))

    def organisation(self, name: str) -> str | None:
        """The canonical name of the organisation the table firmly knows as ``name`` (not by
        a weak or an ambiguous alias), else None."""
        hit = self.entry(name, "organization")
        if hit is None or hit.type != "organization" or hit.ambiguous or hit.weak:
            return None
        return hit.canonical

    def canonical(self, name: str, type: str | None = None) -> tuple[str, str] | None:
        """(type, canonical) for a known alias, else None. ``type`` breaks ties."""
        e = self.entry(name, type)
        return (e.type, e.canonical) if e else None

    def aliases(self, type: str, canonical: str) -> list[str]:
        """The aliases that currently resolve to this entity (canonical first)."""
        type = LONG_TYPES.get(type, type)
        out = []
        for alias in self._aliases.get((type, canonical), []):
            e = self.entry(alias, type)
            if e and e.canonical == canonical and e.type == type:
                out.append(alias)
        return out

    def entities(self) -> list[tuple[str, str]]:
        """All (type, canonical) pairs in the table."""
        return [k for k, v in self._aliases.items() if self.aliases(*k)]

    def __len__(self) -> int:
        return len(self.entities())

    # ---- gazetteer over tokens ----------------------------------------------
    def match(self, tokens: list[str] | tuple[str, ...]) -> list[Match]:
        """Longest non-overlapping alias matches over a token sequence, left to right.

        Case-insensitive aliases need at least one capital letter in the matched text,
        so that common lower-case words never match.
        """
        keys = [normalise_name(t) for t in tokens]
        n = len(keys)
        first_words = self._first_words
        out: list[Match] = []
        i = 0
        while i < n:
            k = keys[i]
            if not k or k.split(" ", 1)[0].casefold() not in first_words:
                i += 1
                continue
            found = None
            for j in range(min(n, i + self._max_words), i, -1):
                if not keys[j - 1]:
                    continue
                key = _join(keys[i:j])
                entries = self._exact.get(key)
                if not entries:
                    entries = self._folded.get(key.casefold())
                    if entries and not any(c.isupper() for c in key):
                        entries = None
                if entries:
                    e = entries[0]
                    found = Match(i, j, e.type, e.canonical, e.weak, e.ambiguous)
                    break
            if found:
                out.append(found)
                i = found.end
            else:
                i += 1
        return out

    def gazetteer(self, tokens: list[str] | tuple[str, ...]) -> list[str]:
        """Per-token gazetteer tags (``B-ORG``, ``I-LOC``, ``O``) used as CRF features."""
        return gazetteer_tags(self.match(tokens), len(tokens))


def gazetteer_tags(matches: list[Match], n: int) -> list[str]:
    """BIO tags of ``n`` tokens from their dictionary matches."""
    tags = ["O"] * n
    for m in matches:
        short = SHORT_TAGS[m.type]
        tags[m.start] = "B-" + short
        for k in range(m.start + 1, m.end):
            tags[k] = "I-" + short
    return tags


@lru_cache(maxsize=8)
def _cached(data_dir: str | None) -> Authority:
    return Authority.load(Path(data_dir) if data_dir else None)


def get_authority(data_dir: Path | str | None = None) -> Authority:
    """The authority for ``data_dir`` (package table alone when None), loaded once."""
    return _cached(str(Path(data_dir).resolve()) if data_dir else None)
