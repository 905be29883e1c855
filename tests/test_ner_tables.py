"""The tables ``quarry train-ner`` writes beside each model: the word lists (word frequency
classes, census names) and the GeoNames place table."""

from __future__ import annotations

import gzip

import pytest

from quarry.archive.entities import wordlists
from quarry.archive.entities.features import Featurizer
from quarry.archive.entities.places import Places


def test_word_lists_say_how_common_a_word_and_a_name_are(tmp_path) -> None:
    pytest.importorskip("wordfreq")
    pytest.importorskip("names")
    table = wordlists.build("en")
    own = {t: feats for t, (feats, _) in zip(_WORDS, map(table.features, _WORDS), strict=True)}
    assert "zf=7" in own["The"] and "zf=0" in own["Zqxvbe"]  # as common as can be; unknown
    assert "fn1" in own["Maria"] and "ln1" in own["Smith"]  # a common given name, surname
    assert not {"fn1", "fn2"} & set(own["Fridge"])
    tags = table.tags(["Maria", "Okafor", "spoke"])
    assert "1ln3" not in tags[0] and "-1fn1" in tags[1]  # Okafor follows a given name
    assert table.tags([",", "."]) == [(), ()]
    table.write(tmp_path / "a.bin.gz")
    table.write(tmp_path / "b.bin.gz")
    assert (tmp_path / "a.bin.gz").read_bytes() == (tmp_path / "b.bin.gz").read_bytes()
    again = wordlists.WordList.read(tmp_path / "a.bin.gz")
    assert len(again) == len(table)
    assert [set(t) for t in again.tags(_WORDS)] == [set(t) for t in table.tags(_WORDS)]
    (tmp_path / "c.bin.gz").write_bytes(gzip.compress(b"word\t3\n"))
    with pytest.raises(ValueError, match="not a word-list table"):
        wordlists.WordList.read(tmp_path / "c.bin.gz")


_WORDS = ["The", "Zqxvbe", "Maria", "Smith", "Fridge"]


def test_features_use_the_table_a_model_names() -> None:
    table = wordlists.WordList.of({"harbour": 4}, {"maria": {"fn": 1}})
    feat = Featurizer(("words",), words=table)
    first, second = feat(["Maria", "Harbour"], None)
    assert {"zf=0", "fn1"} <= set(first)
    assert "zf=4" in second and "-1fn1" in second
    with pytest.raises(ValueError, match="words"):
        Featurizer(("words",))


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


def test_training_without_the_train_extra_says_what_to_install(monkeypatch) -> None:
    from click.testing import CliRunner

    from quarry.web.cli import main

    monkeypatch.setitem(__import__("sys").modules, "wordfreq", None)  # not installed
    wordlists.build.cache_clear()
    result = CliRunner().invoke(main, ["train-ner", "--language", "en", "--data", "."])
    wordlists.build.cache_clear()
    assert result.exit_code == 1
    assert "needs 'wordfreq': pip install -e '.[train]'" in result.output
