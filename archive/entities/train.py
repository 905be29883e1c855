"""Train the CRF named-entity models from the freely licensed corpora in ``../shared/ner-train``.

``quarry train-ner [--language en]`` (or ``python -m quarry.archive.entities.train``) trains one
language's model on the **training split** of its corpora (``corpora.py``: the test and tune
splits are never trained on) and writes ``model/ner-<lang>.crfsuite``, its sidecar
``ner-<lang>.json`` (features, corpora, parameters) and ``model/ATTRIBUTION.md``.
``RECIPES`` holds what each shipped model is trained on; the choices were measured on the tune
split (``bench/ner_eval.py --tune``).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import augment, places, wordlists
from .attribution import write_attribution
from .authority import get_authority
from .corpora import DEFAULT_DATA, SPLITS, Unit, load_corpora, split
from .features import GROUPS, DocumentContext, Featurizer
from .labels import SCHEMES, to_bilou
from .tagger import MODEL_DIR, model_path

PARAMS = {
    "c1": 0.15,
    "c2": 0.02,
    "max_iterations": 150,
    "feature.minfreq": 2,
    "feature.possible_transitions": True,
}


@dataclass(frozen=True)
class Recipe:
    """What one language's model is trained on, and how."""

    corpora: tuple[str, ...]
    features: tuple[str, ...] = GROUPS
    repeat: dict[str, int] = field(default_factory=dict)  # corpus -> copies of its training units
    swap_names: tuple[str, ...] = ()  # corpora whose person names are also swapped (augment.py)
    capitals_every: int = 0  # a capitals copy of every n-th sentence with a name (0: none)
    params: dict = field(default_factory=dict)
    # the splits of each corpus trained on: the tune split joins the training split once the
    # choices it was used for are made (``--splits train`` for a model to develop with)
    splits: tuple[str, ...] = ("train",)
    scheme: str = "bio"  # the labels the CRF learns (``labels.py``)


# Chosen on the tune split (overall F1 of the extractor / of the tagger alone, all English corpora
# pooled): the five old corpora alone 0.61; all nine 0.697/0.723 with the alias gazetteer only,
# 0.701/0.723 with places, case evidence and capitals, 0.701/0.727 with neighbours too (shipped).
# Without Re-DocRED 0.684/0.703 (worse on the other corpora too); without BTC 0.691/0.716;
# c1=0.05/c2=0.01 0.694/0.714; 300 iterations 0.700/0.724; oversampling PUD, wikigold and re3d
# 0.700/0.725. German: without Europeana-de the GermEval and PUD tune scores fall (0.602, 0.591
# against 0.606, 0.632).
# Round three (the extractor's overall tune F1, English; 150 iterations each): the five groups
# below 0.7245; with the learned name lists 0.7268; with names and word clusters 0.7241 (before the
# type rules of the same day, against 0.7227); with 'conj' 0.7278; with 'conj', names and
# clusters 0.7283, but slower (29 articles per CPU-second against 32) for 0.0005. With the type
# rules of the same day and 'conj': c1=0.15/c2=0.02 0.7287, c1=0.3 0.7281, c2=0.05 0.7286,
# c1=0.3/c2=0.05 0.7309 (shipped; a smaller model), c1=0.5/c2=0.05 0.7283. French with 'conj'
# 0.694 -> 0.697; German with it 0.622 -> 0.618 (not taken).
# Round four (2026-12-06; the extractor's overall tune F1, models trained on the training split
# only). English: round three's recipe 0.7313; with the word lists ('words': frequency classes
# and census names) 0.737 (people 0.810 -> 0.822; frequency classes alone 0.731, census names
# alone 0.734; with c1=0.15 0.738, with 250 iterations 0.737: not taken); with BILOU labels too
# 0.740 (organisations 0.618 -> 0.627, at the same speed); with every feature seen once kept
# (minfreq 1) 0.748, a model of 6 MB against 4 (with c2=0.1 0.748, with c1=0.2 0.749: not
# taken). German (the tagger alone): 0.622; with 'words' 0.636; with BILOU 0.646; with minfreq 1
# 0.670. French: 0.697; with 'words' 0.698 (not taken: no better, and ShareAlike); with BILOU
# 0.702; with minfreq 1 0.716. The learned name lists and word clusters of round three are gone.
# Trained on 7 of the 8 training tenths the English model gave 0.725 against 0.731 for all 8, so
# once these choices were made the shipped models learn from the tune split too (``splits``):
# their tune figures are training figures from then on (``bench/ner_eval.py --tune`` refuses
# them; train with ``--splits train`` to develop). The test split is never trained on.
BASE = ("gaz", "places", "doc", "caps", "near")
RECIPES = {
    "en": Recipe(
        corpora=(
            "wikigold",
            "btc",
            "sec",
            "uner",
            "re3d",
            "uner-ewt-train",
            "uner-pud",
            "redocred",
            "crossner",
        ),
        features=(*BASE, "conj", "words"),
        swap_names=("wikigold", "uner", "re3d"),
        capitals_every=20,
        params={"c1": 0.3, "c2": 0.05, "feature.minfreq": 1},
        splits=("train", "tune"),
        scheme="bilou",
    ),
    "de": Recipe(
        corpora=("germeval", "uner-de-pud", "europeana-de"),
        features=(*BASE, "words"),
        splits=("train", "tune"),
        scheme="bilou",
        params={"feature.minfreq": 1},
    ),
    "fr": Recipe(
        corpora=("europeana-fr",),
        features=(*BASE, "conj"),
        splits=("train", "tune"),
        scheme="bilou",
        params={"feature.minfreq": 1},
    ),
}


class _Appender:
    """Feeds labelled sentences to a CRF trainer with the features of the recipe."""

    def __init__(
        self, trainer, features: tuple[str, ...], tables: dict, scheme: str = "bio"
    ) -> None:
        self.trainer = trainer
        self.scheme = scheme
        self.featurizer = Featurizer(features, **tables)
        self.auth = get_authority()
        self.sentences = 0
        self.tokens = 0

    def unit(self, unit: Unit) -> None:
        context = self.featurizer.context(" ".join(t for t, _ in s) for s in unit)
        for sent in unit:
            self.sentence(sent, context)

    def sentence(self, sent: list[tuple[str, str]], context: DocumentContext | None = None) -> None:
        toks = [t for t, _ in sent]
        feats = self.featurizer(toks, self.auth.gazetteer(toks), context)
        labels = [lab for _, lab in sent]
        self.trainer.append(feats, to_bilou(labels) if self.scheme == "bilou" else labels)
        self.sentences += 1
        self.tokens += len(toks)


def build_tables(features: tuple[str, ...], language: str, folder: Path) -> tuple[dict, dict]:
    """The tables of the recipe's feature groups, written into ``folder``: (Featurizer keyword
    arguments, {group: file name})."""
    tables: dict = {}
    files: dict[str, str] = {}
    if "words" in features:
        files["words"] = f"words-{language}.bin.gz"
        wordlists.build(language).write(folder / files["words"])
        tables["words"] = wordlists.WordList.read(folder / files["words"])
    return tables, files


def train(
    data_dir: Path = DEFAULT_DATA,
    language: str = "en",
    out: Path | None = None,
    recipe: Recipe | None = None,
    verbose: bool = False,
) -> dict:
    """Train one language's model on the recipe's splits (never the test split) of its
    corpora."""
    import pycrfsuite

    recipe = recipe or RECIPES[language]
    if "test" in recipe.splits:
        raise ValueError("the test split is never trained on")
    out = Path(out) if out else model_path(language)
    t0 = time.perf_counter()
    if "words" in recipe.features:
        wordlists.build(language)  # first, so that a missing ``train`` extra is said at once
    corpora = load_corpora(Path(data_dir), names=list(recipe.corpora))
    missing = [c for c in recipe.corpora if c not in corpora]
    if missing:
        raise FileNotFoundError(f"training corpora missing under {data_dir}: {', '.join(missing)}")
    trainer = pycrfsuite.Trainer(verbose=verbose)
    params = {**PARAMS, **recipe.params}
    trainer.set_params(params)
    by_corpus = {
        name: [u for which in recipe.splits for u in split(units, which)]
        for name, units in corpora.items()
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    if "places" in recipe.features and out.parent.resolve() == MODEL_DIR.resolve():
        places.refresh()  # the shipped place table, rebuilt from GeoNames
    tables, files = build_tables(recipe.features, language, out.parent)
    feed = _Appender(trainer, recipe.features, tables, recipe.scheme)
    stats: dict[str, dict[str, int]] = {}
    for name, train_units in by_corpus.items():
        before = feed.sentences
        for _ in range(recipe.repeat.get(name, 1)):
            for unit in train_units:
                feed.unit(unit)
        sents = [s for u in train_units for s in u]
        extra = augment.swap_names(sents) if name in recipe.swap_names else []
        if recipe.capitals_every:
            extra += augment.capitals(sents, recipe.capitals_every)
        for _, sent in extra:
            feed.sentence(sent)
        stats[name] = {
            "units": len(train_units),
            "sentences": len(sents),
            "fed_sentences": feed.sentences - before,
        }
    t1 = time.perf_counter()
    trainer.train(str(out))
    t2 = time.perf_counter()
    meta = {
        "language": language,
        "features": list(recipe.features),
        "splits": list(recipe.splits),
        "scheme": recipe.scheme,
        "tables": files,
        "corpora": stats,
        "repeat": recipe.repeat,
        "swap_names": list(recipe.swap_names),
        "capitals_every": recipe.capitals_every,
        "params": params,
        "alias_table_version": feed.auth.version,
        "tokens": feed.tokens,
    }
    out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    if out.parent.resolve() == MODEL_DIR.resolve():
        write_attribution(MODEL_DIR)
    last = trainer.logparser.last_iteration or {}
    return {
        "model": str(out),
        "bytes": out.stat().st_size,
        **meta,
        "feature_seconds": round(t1 - t0, 1),
        "train_seconds": round(t2 - t1, 1),
        "iterations": last.get("num"),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m quarry.archive.entities.train [--language en] [--out FILE]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="ner-train directory")
    ap.add_argument("--language", default="en", choices=sorted(RECIPES))
    ap.add_argument("--out", type=Path, help="model file (default: the shipped one)")
    ap.add_argument("--corpora", nargs="*", help="train on these corpora instead")
    ap.add_argument("--features", nargs="*", choices=GROUPS, help="feature groups instead")
    ap.add_argument("--repeat", nargs="*", default=[], help="CORPUS=N copies of its units")
    ap.add_argument("--capitals-every", type=int, help="capitals copies (0: none)")
    ap.add_argument("--no-swap", action="store_true", help="no person-name swaps")
    ap.add_argument("--c1", type=float)
    ap.add_argument("--c2", type=float)
    ap.add_argument("--minfreq", type=int)
    ap.add_argument("--iterations", type=int)
    ap.add_argument("--scheme", choices=SCHEMES, help="label scheme (default: the recipe's)")
    ap.add_argument(
        "--splits", nargs="*", choices=SPLITS[:2], help="splits trained on (default: the recipe's)"
    )
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    base = RECIPES[args.language]
    params = dict(base.params)
    for name, value in (
        ("c1", args.c1),
        ("c2", args.c2),
        ("feature.minfreq", args.minfreq),
        ("max_iterations", args.iterations),
    ):
        if value is not None:
            params[name] = value
    recipe = Recipe(
        corpora=tuple(args.corpora) if args.corpora else base.corpora,
        features=tuple(args.features) if args.features is not None else base.features,
        repeat={k: int(v) for k, v in (r.split("=") for r in args.repeat)} or base.repeat,
        swap_names=() if args.no_swap else base.swap_names,
        capitals_every=base.capitals_every if args.capitals_every is None else args.capitals_every,
        params=params,
        splits=tuple(args.splits) if args.splits else base.splits,
        scheme=args.scheme or base.scheme,
    )
    summary = train(args.data, args.language, args.out, recipe, verbose=args.verbose)
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
