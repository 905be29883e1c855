"""The tables ``quarry train-ner`` learns beside each model: word clusters of the training text,
name lists of its labels (jackknifed for training), and the GeoNames place table."""

from __future__ import annotations

import gzip

from quarry.archive.entities import clusters, namelists
from quarry.archive.entities.features import Featurizer
from quarry.archive.entities.places import Places

# A small made-up text: weekdays, cities and ministries each occur in the same contexts.
_DAYS = ("Monday", "Tuesday", "Friday", "Sunday")
_CITIES = ("Lagos", "Quito", "Hanoi", "Oslo")
_BODIES = ("Ministry", "Commission", "Council", "Agency")


def _text() -> list[list[str]]:
    sents = []
    for k in range(40):
        day, city, body = _DAYS[k % 4], _CITIES[(k // 4) % 4], _BODIES[(k // 16) % 4]
        sents.append(f"On {day} the {body} met in {city} , officials said .".split())
        sents.append(f"The {body} will report on {day} from {city} .".split())
        sents.append(f"Talks in {city} ended on {day} , the {body} said .".split())
    return sents


def test_clusters_group_words_of_the_same_contexts_and_are_reproducible(tmp_path) -> None:
    table = clusters.build(_text(), levels=(3, 6))
    assert len({table[d] for d in _DAYS}) == 1  # the weekdays share their ids at each level
    assert len({table[c] for c in _CITIES}) == 1
    assert table["Monday"] != table["Lagos"] != table["Ministry"]
    clusters.write(table, tmp_path / "a.tsv")
    clusters.write(clusters.build(_text(), levels=(3, 6)), tmp_path / "b.tsv")
    assert (tmp_path / "a.tsv").read_bytes() == (tmp_path / "b.tsv").read_bytes()
    shipped = clusters.Clusters.read(tmp_path / "a.tsv")
    assert shipped.ids("Monday") == shipped.ids("MONDAY") == tuple(map(str, table["Monday"]))
    assert shipped.ids("Atlantis") is None


def _unit(*sentences: str) -> list[list[tuple[str, str]]]:
    """A labelled unit from sentences written as ``word/LABEL`` (O when no label)."""
    out = []
    for sent in sentences:
        out.append([tuple(w.split("/")) if "/" in w else (w, "O") for w in sent.split()])
    return out


UNITS = [
    _unit("Maria/B-PER Okafor/I-PER joined Harbour/B-ORG Trust/I-ORG in/O Lagos/B-LOC ."),
    _unit("Quito/B-LOC hosted Harbour/B-ORG Trust/I-ORG ."),
    _unit("Maria/B-PER Lind/I-PER spoke ."),
    _unit("Jordan/B-PER Reyes/I-PER visited Jordan/B-LOC and Jordan/B-LOC ."),
]


def test_name_list_tags_listed_names_and_given_names(tmp_path) -> None:
    names = namelists.build(UNITS)
    tags = names.tags("Officials of Harbour Trust met Maria Okafor in LAGOS".split())
    assert tags[2:4] == [("nB=ORG",), ("nI=ORG",)]
    assert tags[5] == ("nB=PER", "gn") and tags[6] == ("nI=PER",)
    assert tags[8] == ("nB=LOC",)  # case folded, but a name starts with a capital
    assert names.tags(["lagos"]) == [()]
    assert names.tags(["Jordan"]) == [("nB=LOC", "gn")]  # LOC twice, PER once: LOC first
    names.write(tmp_path / "names.tsv")
    again = namelists.NameList.read(tmp_path / "names.tsv")
    words = "Maria Lind left Quito for Jordan".split()
    assert [set(t) for t in again.tags(words)] == [set(t) for t in names.tags(words)]


def test_jackknife_never_shows_a_unit_its_own_names() -> None:
    folds = namelists.jackknife(UNITS, folds=2)  # units 0, 2 in fold 0; 1, 3 in fold 1
    assert folds[0].tags(["Lagos"]) == [()]  # only unit 0 names Lagos
    assert folds[1].tags(["Lagos"]) == [("nB=LOC",)]
    assert folds[0].tags(["Quito"]) == [("nB=LOC",)] and folds[1].tags(["Quito"]) == [()]
    assert folds[1].tags(["Harbour", "Trust"])[0] == ("nB=ORG",)  # unit 0 names it for unit 1


def test_features_use_the_tables_a_model_names() -> None:
    table = clusters.Clusters({"Lagos": ("1", "7", "30")})
    feat = Featurizer(("clusters", "names"), clusters=table, names=namelists.build(UNITS))
    first, second = feat(["Lagos", "Harbour"], None)
    assert {"k0=1", "k1=7", "k2=30", "nB=LOC"} <= set(first)
    assert "-1k1=7" in second and "nB=ORG" not in second  # "Harbour" alone is no listed name
    fold = namelists.jackknife(UNITS, folds=2)[0]
    assert "nB=LOC" not in feat(["Lagos"], None, names=fold)[0]


def test_place_table_round_trips_byte_for_byte(tmp_path) -> None:
    built = Places.build()
    built.write(tmp_path / "a.tsv.gz")
    built.write(tmp_path / "b.tsv.gz")
    assert (tmp_path / "a.tsv.gz").read_bytes() == (tmp_path / "b.tsv.gz").read_bytes()
    read = Places.read(tmp_path / "a.tsv.gz")
    assert read._table == built._table
    toks = "Troops left New York City for Kiev".split()
    assert read.tags(toks) == built.tags(toks) and read.lookup("Kiev").name == "Kyiv"
    first = gzip.open(tmp_path / "a.tsv.gz", "rt", encoding="utf-8").readline()
    assert first.count("\t") == 3
