"""Tests for the NER training side: corpus readers, the fixed split, places, the tagger interface."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest
from conftest import shared_path

from quarry.archive.entities import corpora
from quarry.archive.entities.corpora import load_corpora, split, split_of, to_bio
from quarry.archive.entities.features import DocumentContext, sentence_features
from quarry.archive.entities.places import get_places, lookup
from quarry.archive.entities.tagger import Tagger, get_tagger, model_path, tagger_languages

NER = Path(__file__).parent / "fixtures" / "ner"


def labels(unit):
    return [[lab for _, lab in s] for s in unit]


def names(unit) -> list[tuple[str, str]]:
    """(type, text) of every labelled span of a unit."""
    out = []
    for sent in unit:
        cur, typ = [], ""
        for tok, lab in [*sent, ("", "O")]:
            if cur and lab[:2] != "I-":
                out.append((typ, " ".join(cur)))
                cur = []
            if lab != "O":
                typ = lab[2:]
                cur.append(tok)
    return out


# ---- labels and readers --------------------------------------------------------------
def test_to_bio_maps_schemes_and_drops_misc() -> None:
    assert to_bio(["I-PER", "I-PER", "O", "I-LOC", "I-LOC"]) == [
        "B-PER",
        "I-PER",
        "O",
        "B-LOC",
        "I-LOC",
    ]
    assert to_bio(["B-GPE", "I-GPE", "B-MISC", "B-OTH", "B-O", "B-PERSON"]) == [
        "B-LOC",
        "I-LOC",
        "O",
        "O",
        "O",
        "B-PER",
    ]
    assert to_bio(["I-ORG", "I-PER"]) == ["B-ORG", "B-PER"]  # IOB1: a new type starts a name


def test_wikigold_reads_documents_in_iob1() -> None:
    docs = corpora.read_wikigold(NER)
    assert len(docs) == 2
    assert names(docs[0]) == [("PER", "Maria Okafor"), ("LOC", "Lagos"), ("ORG", "Harbour Trust")]
    assert names(docs[1]) == [("LOC", "Tamsel"), ("LOC", "Brenford")]


def test_btc_drops_mentions_and_blocks_tweets() -> None:
    units = corpora.read_btc(NER)
    assert len(units) == 1 and len(units[0]) == 2
    assert names(units[0]) == [("LOC", "Leeds"), ("ORG", "Acme")]  # handles are not names
    assert "@" not in [t for s in units[0] for t, _ in s]


def test_sec_roles_are_not_names() -> None:
    (unit,) = corpora.read_sec(NER)
    assert names(unit) == [("ORG", "Northgate Bank Ltd")]


def test_uner_documents_and_stray_tags() -> None:
    docs = corpora.read_uner(NER)
    assert len(docs) == 2
    assert names(docs[0]) == [("PER", "Tom Reyes"), ("ORG", "Vantor"), ("LOC", "Ohio")]
    assert labels(docs[0])[1] == ["O"] * 5  # OTH (MISC) and the stray B-O are O
    assert corpora.read_uner_ewt_train(NER) == docs


def test_pud_and_redocred_read_docstart_documents() -> None:
    pud = corpora.read_uner_pud(NER)
    assert [names(d) for d in pud] == [
        [("ORG", "Velmar Institute"), ("LOC", "Quito")],
        [("PER", "Ana Lind")],
    ]
    docs = corpora.read_redocred(NER)
    assert len(docs) == 2 and len(docs[0]) == 2
    assert names(docs[0]) == [("PER", "Pedro Alves"), ("LOC", "Braga"), ("ORG", "Solar Records")]


def test_crossner_is_read_in_sentence_blocks() -> None:
    units = corpora.read_crossner(NER)
    assert [len(u) for u in units] == [10, 2]  # one file, 12 sentences: two blocks, not one doc
    assert names(units[1])[0] == ("PER", "Lena10")


def test_re3d_keeps_names_and_drops_descriptions() -> None:
    (unit,) = corpora.read_re3d(NER)
    assert names(unit) == [
        ("PER", "Hal Morrow"),
        ("LOC", "Zentra"),
        ("ORG", "Azure Council"),
        ("LOC", "Portavia"),
    ]


def test_german_and_french_readers() -> None:
    assert names(corpora.read_germeval(NER)[0]) == [
        ("PER", "Anna Berger"),
        ("LOC", "Linz"),
        ("ORG", "Holzwerk"),
    ]
    assert names(corpora.read_uner_de_pud(NER)[0]) == [("PER", "Karl"), ("LOC", "Graz")]
    assert names(corpora.read_europeana_de(NER)[0]) == [("PER", "Müller"), ("LOC", "Wien")]
    assert names(corpora.read_europeana_fr(NER)[0]) == [("PER", "Durand"), ("LOC", "Lyon")]


def test_load_corpora_by_language() -> None:
    en = load_corpora(NER, language="en")
    assert set(en) == {c for c in corpora.corpus_names("en")}
    assert set(load_corpora(NER, language="de")) == {"germeval", "uner-de-pud", "europeana-de"}
    assert load_corpora(NER / "nowhere") == {}


# ---- the split -----------------------------------------------------------------------------
def test_split_rule_is_fixed_by_index() -> None:
    assert [split_of(i) for i in range(10)] == ["train"] * 4 + ["tune"] + ["train"] * 4 + ["test"]
    assert split_of(19) == "test" and split_of(24) == "tune"
    with pytest.raises(ValueError):
        split([], "dev")


def test_every_unit_is_in_exactly_one_split() -> None:
    units = [[[(f"w{i}", "O")]] for i in range(57)]
    parts = {w: split(units, w) for w in ("train", "tune", "test")}
    seen = [u[0][0][0] for part in parts.values() for u in part]
    assert sorted(seen) == sorted(u[0][0][0] for u in units)  # each once, none lost
    assert len(parts["test"]) == 5 and len(parts["tune"]) == 6


# The test split's documents, fingerprinted with b250f85's train.split() (its development split,
# every 10th unit from the 10th): the model shipped then never trained on them, nor does any now.
OLD_DEV_SPLIT = {
    "wikigold": (145, 14, "1d3bb7878da7c744"),
    "btc": (934, 93, "f5c5191500410218"),
    "sec": (147, 14, "e924b850d03a08e8"),
    "uner": (634, 63, "3854e138167b4800"),
    "re3d": (35, 3, "cb03820947e3f3ef"),
}


def test_test_split_is_the_old_development_split() -> None:
    data = shared_path("ner-train")
    for name, units in load_corpora(data, names=list(OLD_DEV_SPLIT)).items():
        test = split(units, "test")
        digest = hashlib.sha256()
        for unit in test:
            for sent in unit:
                digest.update(("\x1f".join(t for t, _ in sent) + "\n").encode())
            digest.update(b"\x1e")
        assert (len(units), len(test), digest.hexdigest()[:16]) == OLD_DEV_SPLIT[name], name


# ---- places ------------------------------------------------------------------------------
def test_places_lookup_gives_canonical_names() -> None:
    assert lookup("Kiev") == ("Kyiv", "city")
    assert lookup("LONDON") == ("London", "city")
    assert lookup("Germany") == ("Germany", "country")
    assert lookup("Texas") == ("Texas", "state")
    assert lookup("Africa") == ("Africa", "continent")
    assert lookup("U.S.") is None  # abbreviations stay with the alias table
    assert lookup("Zentra") is None and lookup("") is None


def test_places_tags_mark_longest_names() -> None:
    toks = "Troops left New York City for Kabul and the lake".split()
    tags = get_places().tags(toks)
    assert tags[2:5] == ["bigcity"] * 3 and tags[6] != "" and tags[0] == tags[8] == ""
    assert get_places().tags(["the", "paris", "agreement"]) == ["", "", ""]  # lower case


# ---- features --------------------------------------------------------------------------------
def test_document_context_reads_case_evidence() -> None:
    ctx = DocumentContext.of(["LONDON (Reuters) - Police said.", "The police in London met NATO."])
    feats = sentence_features(["LONDON", "Police", "NATO"], doc=ctx)
    assert "dT" in feats[0]  # "London" written in title case elsewhere
    assert "dL" in feats[1]  # "police" written in lower case elsewhere
    assert "dU" in feats[2]  # an acronym in running text
    shouting = sentence_features("OIL PRICES JUMP IN LONDON".split(), caps=True)
    assert all("SU" in f for f in shouting)


def test_conjunction_features_join_a_word_with_its_neighbours() -> None:
    feats = sentence_features(["Bank", "of", "England", "said"], conj=True)
    assert "sh3=Xx|x|Xx" in feats[1]  # a lower-case word between two capitalised ones
    assert "sh3=^|Xx|x" in feats[0] and "sh3=Xx|x|$" in feats[3]
    assert "bn=england|said" in feats[2] and not any(f.startswith("bn=") for f in feats[3])
    assert not any(f.startswith(("sh3=", "bn=")) for f in sentence_features(["Bank", "of"])[0])


def test_document_context_knows_a_names_other_neighbours() -> None:
    ctx = DocumentContext.of(["Senator Mike Duffy spoke.", "Later, Duffy left for Ottawa."])
    assert ctx.near["Duffy"] == {"p=C", "n=spoke", "p=P", "n=left"}  # after "Mike", "Later,"
    feats = sentence_features(["Duffy", "resigned"], doc=ctx, near=True, case=False)[0]
    assert "dnp=C" in feats and not any(f.startswith("d0") or f == "dM" for f in feats)
    assert not any(f.startswith("dn") for f in sentence_features(["Duffy"], doc=ctx)[0])


# ---- the tagger interface ----------------------------------------------------------------------
def test_no_tagger_for_an_untrained_language() -> None:
    assert get_tagger("xx") is None
    assert get_tagger("") is None
    assert "en" in tagger_languages()
    assert "xx" not in tagger_languages()


def test_english_tagger_finds_names_in_a_sentence() -> None:
    tagger = get_tagger("en")
    assert tagger is not None and get_tagger("EN") is tagger and get_tagger("en-GB") is tagger
    toks = "Angela Merkel met officials of the World Bank in Nairobi on Monday .".split()
    labels_ = tagger.tag(toks, ["O"] * len(toks))
    assert labels_[:2] == ["B-PER", "I-PER"]
    assert labels_[6:8] == ["B-ORG", "I-ORG"]
    assert labels_[9] == "B-LOC" and labels_[-1] == "O"
    doc = tagger.tag_document([toks, "Merkel flew home .".split()])
    assert doc[0] == labels_ and doc[1][0] == "B-PER"


def test_tagger_is_shared_by_threads() -> None:
    tagger = get_tagger("en")
    toks = "Vladimir Putin spoke in Moscow .".split()
    expected = tagger.tag(toks)
    results = []

    def work() -> None:
        for _ in range(20):
            results.append(tagger.tag(toks))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 80


def test_missing_model_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="train-ner"):
        Tagger(tmp_path / "ner-xx.crfsuite")


def test_train_writes_model_sidecar_and_attribution(tmp_path) -> None:
    from quarry.archive.entities.attribution import render
    from quarry.archive.entities.train import Recipe, train

    out = tmp_path / "ner-en.crfsuite"
    recipe = Recipe(
        corpora=("wikigold", "uner-pud", "crossner"),
        capitals_every=1,
        params={"max_iterations": 10},
    )
    summary = train(NER, "en", out, recipe)
    assert out.is_file() and summary["bytes"] > 0
    meta = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["language"] == "en" and set(meta["corpora"]) == set(recipe.corpora)
    assert meta["corpora"]["crossner"]["units"] == 2  # two sentence blocks, both training units
    tagger = Tagger(out)
    assert tagger.featurizer.groups == frozenset(meta["features"])
    assert meta["tables"] == {"words": "words-en.bin.gz"} and meta["splits"] == ["train"]
    assert tagger.featurizer.words is not None
    assert "fn1" in tagger.featurizer.words.tags(["Maria"])[0]
    text = render(tmp_path)
    assert "CrossNER" in text and "Wikipedia contributors" in text and "CC BY-SA 4.0" in text
    assert "GeoNames" in text and "`words-en.bin.gz`" in text and "wordfreq" in text
    assert "splits trained on: train" in text


def test_training_again_gives_the_same_files(tmp_path) -> None:
    from quarry.archive.entities.train import Recipe, train

    recipe = Recipe(corpora=("wikigold", "uner", "crossner"), params={"max_iterations": 10})
    for name in ("a", "b"):
        train(NER, "en", tmp_path / name / "ner-en.crfsuite", recipe)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["ner-en.crfsuite", "ner-en.json", "words-en.bin.gz"]
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_model_whose_table_is_missing_says_so(tmp_path) -> None:
    from quarry.archive.entities.train import Recipe, train

    out = tmp_path / "ner-en.crfsuite"
    train(NER, "en", out, Recipe(corpora=("wikigold",), params={"max_iterations": 5}))
    (tmp_path / "words-en.bin.gz").unlink()
    with pytest.raises(FileNotFoundError, match="words-en.bin.gz"):
        Tagger(out)


def test_shipped_models_have_sidecars_and_attribution() -> None:
    model_dir = model_path("en").parent
    attribution = (model_dir / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for lang in tagger_languages():
        path = model_path(lang)
        assert path.stat().st_size < 30 * 1024 * 1024
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert f"`{path.name}`" in attribution
        for corpus in meta["corpora"]:
            assert corpora.CORPORA[corpus].language == lang
    assert not (model_dir / "ner.crfsuite").exists()


def test_shipped_models_were_trained_by_their_recipes() -> None:
    from quarry.archive.entities.train import PARAMS, RECIPES

    for lang in tagger_languages():
        meta = json.loads(model_path(lang).with_suffix(".json").read_text(encoding="utf-8"))
        recipe = RECIPES[lang]
        assert tuple(meta["features"]) == recipe.features, lang
        assert set(meta["corpora"]) == set(recipe.corpora), lang
        assert meta["params"] == {**PARAMS, **recipe.params}, lang
        assert meta["capitals_every"] == recipe.capitals_every, lang
        assert meta.get("splits", ["train"]) == list(recipe.splits), lang
        assert "test" not in recipe.splits


def test_the_test_split_is_never_trained_on(tmp_path) -> None:
    from quarry.archive.entities.train import Recipe, train

    with pytest.raises(ValueError, match="test split"):
        train(NER, "en", tmp_path / "ner-en.crfsuite", Recipe(corpora=("wikigold",), splits=("test",)))


def test_train_ner_command_checks_language_and_data(tmp_path) -> None:
    from click.testing import CliRunner

    from quarry.web.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["train-ner", "--data", str(NER), "--language", "xx"])
    assert result.exit_code == 2 and "no training recipe for language 'xx'" in result.output
    result = runner.invoke(main, ["train-ner", "--data", str(tmp_path), "--language", "en"])
    assert result.exit_code == 1 and "Error: training corpora missing" in result.output


def test_a_bilou_model_tags_in_bio(tmp_path) -> None:
    from quarry.archive.entities.train import Recipe, train

    out = tmp_path / "ner-en.crfsuite"
    recipe = Recipe(corpora=("wikigold",), scheme="bilou", params={"max_iterations": 10})
    train(NER, "en", out, recipe)
    tagger = Tagger(out)
    assert tagger.scheme == "bilou"
    assert json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["scheme"] == "bilou"
    unit = load_corpora(NER, names=["wikigold"])["wikigold"][0]
    labels = [lab for sent in tagger.tag_document([[t for t, _ in s] for s in unit]) for lab in sent]
    assert {lab[:2] for lab in labels} <= {"B-", "I-", "O"}
    raw = {  # the CRF itself speaks BILOU
        lab[:2] for s in unit for lab in tagger._crf.tag(tagger.featurizer([t for t, _ in s], None))
    }
    assert {"U-", "L-"} & raw and raw <= {"B-", "I-", "L-", "U-", "O"}
