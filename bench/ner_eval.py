"""Named-entity benchmark: held-out document-level P/R/F1 per type, load time and speed.

Run by hand from the repository root (``--shared`` defaults to ``../shared``)::

    python bench/ner_eval.py [--shared DIR] [--only test|indomain|regression|speed]
    python bench/ner_eval.py --tune [--errors]        # the tune split only, while developing
    python bench/ner_eval.py --model FILE.crfsuite    # another English model file

What it measures, every time:

(a) the **test split** of ``../shared/ner-train``, per corpus, pooled, and pooled without the
    tweets of BTC (another genre). The split is fixed per corpus by the unit's index (a document,
    or a fixed block of sentences where a corpus has no document breaks; CrossNER, GermEval and
    Europeana are read in blocks): ``i % 10 == 9`` is the test split (the development split of the
    model shipped before, so neither model was trained on it), ``i % 10 == 4`` the tune split,
    the rest training data (``archive/entities/corpora.py``). German and French corpora are scored
    with their language's tagger alone (the extractor's rules are English).
(b) the **in-domain set**: 46 English articles (``bench/ner_blind.py``, guideline
    ``bench/ner_guideline.md``), gold in ``bench/ner_gold_blind.json`` (skipped while absent).
(c) the old gold sets ``ner_gold_fundus.json`` and ``ner_gold_indomain.json``: regression checks
    only, since the extractor's rules were tuned on them.
(d) model load time and articles per CPU-second on ~1,000-word Reuters articles.

Honesty rules: nobody prints or studies per-document errors of the test split or of the in-domain
set, so this script prints only totals for them; ``--errors`` prints per-document errors of the
tune split alone. Scores are per document on the distinct **surface forms as written** per type
(forms differing only in case, spacing, apostrophe or dash style are one; ``optional`` gold names
count neither way); a second line scores the canonical names that the facets count, as before.
The readers and the split are loaded from this checkout's ``archive/entities`` by path, so that
older code (``PYTHONPATH`` at another checkout) is scored on exactly the same documents.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import sys
import time
import types
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_T0 = time.perf_counter()  # load time counts the imports too

from quarry.archive.entities import get_authority, get_extractor  # noqa: E402
from quarry.archive.model import ENTITY_TYPES, Article  # noqa: E402
from quarry.archive.pipeline import add_entities  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ner_scoring import canonical_gold, score, surface_gold  # noqa: E402

LONG = {"PER": "person", "ORG": "organization", "LOC": "location"}


def bench_readers() -> types.ModuleType:
    """This checkout's corpus readers, whatever ``quarry`` the PYTHONPATH points at."""
    name = "_bench_entities"
    if name + ".corpora" in sys.modules:
        return sys.modules[name + ".corpora"]
    pkg = types.ModuleType(name)
    pkg.__path__ = [str(ROOT / "archive" / "entities")]
    sys.modules[name] = pkg
    spec = importlib.util.spec_from_file_location(
        name + ".corpora", ROOT / "archive" / "entities" / "corpora.py"
    )
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name + ".corpora"] = mod
    spec.loader.exec_module(mod)
    return mod


def use_model(path: Path) -> None:
    """Make the shared extractor use the English model file ``path``."""
    try:
        from quarry.archive.entities import tagger as tagger_mod
    except ImportError:  # code before the tagger module: one extractor, one model
        from quarry.archive.entities import extract as extract_mod

        extract_mod._EXTRACTORS[None] = extract_mod.EntityExtractor(path)
        return
    tagger_mod._TAGGERS["en"] = tagger_mod.Tagger(path, "en")


def _trained_splits(model: Path | None) -> list[str]:
    """The splits the English model (``model``, else the shipped one) was trained on."""
    try:
        from quarry.archive.entities.tagger import model_path, read_meta
    except ImportError:  # code before the tagger module: the training split only
        return ["train"]
    return read_meta(model or model_path("en")).get("splits", ["train"])


# ---- predictions: one function for old and new code ---------------------------------
def predict(paragraphs: list[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """({type: surface forms as written}, {type: canonical names}) of one English document.

    The extraction pipeline tags the article; its entity mentions give the surface forms when
    it records them, else ``EntityExtractor.annotate`` per paragraph does (older code)."""
    article = Article(id="bench", title="", body=list(paragraphs), language="en")
    add_entities(article)
    names = {t: set(getattr(article.entities, t)) for t in ENTITY_TYPES}
    forms: dict[str, set[str]] = {t: set() for t in ENTITY_TYPES}
    mentions = getattr(article, "entity_mentions", None) or []
    if mentions:
        for m in mentions:
            forms[m.type].add(m.text)
        return forms, names
    ex = get_extractor()
    kwargs = {}
    if "context" in inspect.signature(ex.annotate).parameters:
        kwargs["context"] = ex.tagger.context(paragraphs)
    for p in paragraphs:
        for start, end, typ, _ in ex.annotate(p, **kwargs):
            forms[typ].add(p[start:end])
    return forms, names


def tagger_forms(tagger, unit: list[list[tuple[str, str]]]) -> dict[str, set[str]]:
    """Surface forms found by a tagger alone (no extractor rules) in one unit."""
    auth = get_authority()
    sents = [[t for t, _ in s] for s in unit]
    labels = tagger.tag_document(sents, [auth.gazetteer(s) for s in sents])
    forms: dict[str, set[str]] = {t: set() for t in ENTITY_TYPES}
    for toks, labs in zip(sents, labels, strict=True):
        for typ, form in spans(toks, labs):
            forms[typ].add(form)
    return forms


def spans(tokens: list[str], labels: list[str]) -> list[tuple[str, str]]:
    """(type, text) of the BIO spans of a sentence, tokens joined by spaces, no possessive."""
    out = []
    cur: list[str] = []
    typ = ""
    for tok, lab in [*zip(tokens, labels, strict=True), ("", "O")]:
        if cur and (lab == "O" or lab.startswith("B-") or lab[2:] != typ):
            name = " ".join(cur)
            for suf in (" 's", " '", "'s"):
                if name.endswith(suf) and len(name) > len(suf):
                    name = name[: -len(suf)]
            out.append((LONG[typ], name))
            cur = []
        if lab != "O":
            if not cur:
                typ = lab[2:]
            cur.append(tok)
    return out


# ---- the sections ----------------------------------------------------------------------
def eval_split(
    shared: Path, which: str, errors: bool = False, tagger_only: bool = False, caps: bool = False
) -> dict:
    """(a) one split of every corpus present: English through the extractor, others through
    their language's tagger alone (English too with ``tagger_only``). Per-document errors only
    for the tune split."""
    readers = bench_readers()
    results: dict[str, dict] = {}
    pooled: dict[str, list] = defaultdict(list)
    for name, units in readers.load_corpora(shared / "ner-train").items():
        if caps:  # the first sentence of every unit in capitals, as a headline is
            units = [[[(t.upper(), lab) for t, lab in u[0]], *u[1:]] for u in units]
        lang = readers.CORPORA[name].language
        tagger = None
        if lang != "en" or tagger_only:
            try:
                from quarry.archive.entities.tagger import get_tagger
            except ImportError:
                continue
            tagger = get_tagger(lang)
            if tagger is None:
                print(f"  ({name}: no {lang} model)")
                continue
        pairs, canon = [], []
        for k, unit in enumerate(readers.split(units, which)):
            gold = surface_gold(spans(toks, labs) for toks, labs in _sentences(unit))
            if tagger is None:
                forms, names = predict([" ".join(t for t, _ in s) for s in unit])
                canon.append((canonical_gold(gold, get_authority()), names))
            else:
                forms = tagger_forms(tagger, unit)
            pairs.append((gold, forms))
            if errors and which == "tune":
                show_errors(f"{name}#{k}", gold, forms)
        key = "all" if lang == "en" else "all-" + lang
        results[name] = {"docs": len(pairs), "forms": score(pairs)}
        if canon:
            results[name]["names"] = score(canon)
        pooled[key] += pairs
        if name != "btc" and lang == "en":
            pooled["all-no-btc"] += pairs
    for key, pairs in pooled.items():
        results[key] = {"docs": len(pairs), "forms": score(pairs)}
    return results


def _sentences(unit):
    for sent in unit:
        yield [t for t, _ in sent], [lab for _, lab in sent]


def show_errors(label: str, gold: dict, forms: dict[str, set[str]]) -> None:
    """Print the gold forms missed and the predicted forms not in the gold (tune split only)."""
    from ner_scoring import key

    lines = []
    for t in ENTITY_TYPES:
        entries = gold["entities"].get(t, [])
        alts = {key(a) for e in entries for a in e.split("|")}
        pk = {key(n): n for n in forms.get(t, ())}
        miss = [e for e in entries if not {key(a) for a in e.split("|")} & set(pk)]
        extra = [n for k, n in pk.items() if k not in alts]
        if miss or extra:
            lines.append(f"  {t[:3]}: missed {miss} | spurious {extra}")
    if lines:
        print("==", label)
        print("\n".join(lines))


def eval_indomain(shared: Path) -> dict | None:
    """(b) the frozen in-domain set: totals only."""
    import ner_blind

    if not ner_blind.GOLD.is_file():
        print(f"\n## in-domain: skipped ({ner_blind.GOLD.relative_to(ROOT)} is not there yet)")
        return None
    pairs, canon = [], []
    for _doc_id, paras, gold in ner_blind.load(shared):
        if "entities" not in gold:  # the types at the top level of the document's record
            gold = {"entities": {t: gold.get(t) or [] for t in ENTITY_TYPES}, **gold}
        forms, names = predict(paras)
        pairs.append((gold, forms))
        canon.append((canonical_gold(gold, get_authority()), names))
    return {"in-domain": {"docs": len(pairs), "forms": score(pairs), "names": score(canon)}}


def eval_regression(shared: Path) -> dict:
    """(c) the old gold sets, whose documents the rules were tuned on."""
    from ner_regression import fundus_docs, heldout_docs, indomain_docs

    out = {}
    sets = {
        "fundus-old": fundus_docs(shared),
        "indomain-old": indomain_docs(),
        "heldout-old": heldout_docs(shared),
    }
    for name, docs in sets.items():
        pairs, canon = [], []
        for gold, paras in docs:
            forms, names = predict(paras)
            pairs.append((gold, forms))
            canon.append((gold, names))
        out[name] = {"docs": len(pairs), "forms": score(pairs), "names": score(canon)}
    return out


def eval_speed(shared: Path, n: int = 60) -> dict:
    """(d) articles per CPU-second through the pipeline's entity step (~1,000-word articles)."""
    import gzip
    import json
    import re

    path = shared / "corpus" / "reuters-news-106k" / "reuters_news_106k.jsonl.gz"
    arts: list[list[str]] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            body = json.loads(line).get("body") or ""
            if 900 <= len(body.split()) <= 1100:
                paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n  ", body)]
                arts.append([p for p in paras if p])
                if len(arts) >= n:
                    break
    predict(arts[0])  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    for paras in arts:
        add_entities(Article(id="speed", title="", body=paras, language="en"))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    words = sum(len(" ".join(p).split()) for p in arts)
    return {
        "articles": len(arts),
        "mean_words": round(words / len(arts)),
        "articles_per_s_wall": round(len(arts) / wall, 1),
        "articles_per_cpu_s": round(len(arts) / cpu, 1),
    }


def print_table(title: str, rows: dict) -> None:
    print(f"\n## {title}")
    for name, res in rows.items():
        for kind in ("forms", "names"):
            if kind not in res:
                continue
            label = name if kind == "forms" else "  canonical"
            print(f"{label:16} {kind:5} docs={res['docs']:4}", end="")
            for t in ("person", "organization", "location", "overall"):
                r = res[kind].get(t)
                if r:
                    print(f"  {t[:3]} P={r['P']:.3f} R={r['R']:.3f} F1={r['F1']:.3f}", end="")
            print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--only", choices=["test", "indomain", "regression", "speed"])
    ap.add_argument("--tune", action="store_true", help="the tune split only (development)")
    ap.add_argument("--errors", action="store_true", help="with --tune: per-document errors")
    ap.add_argument("--model", type=Path, help="evaluate this English model file instead")
    ap.add_argument(
        "--tagger-only", action="store_true", help="with --tune: the tagger without the rules"
    )
    ap.add_argument(
        "--capitals",
        action="store_true",
        help="with --tune: each unit's first sentence in capitals",
    )
    args = ap.parse_args(argv)
    if not args.shared.is_dir() and Path("/work/shared").is_dir():
        args.shared = Path("/work/shared")
    if args.errors and not args.tune:
        ap.error("--errors prints the tune split's errors only: use it with --tune")
    if args.model:
        use_model(args.model)
    if args.tune and "tune" in _trained_splits(args.model):
        ap.error(
            "this English model learned from the tune split, so its tune figures are training "
            "figures: train one without it (python -m quarry.archive.entities.train --splits "
            "train --out DIR/ner-en.crfsuite) and pass --model DIR/ner-en.crfsuite"
        )
    predict(["Warm-up sentence about Kabul."])
    load_seconds = round(time.perf_counter() - _T0, 2)
    load_cpu = round(time.process_time(), 2)
    if args.tune:
        print_table(
            "tune split (development only)",
            eval_split(args.shared, "tune", args.errors, args.tagger_only, args.capitals),
        )
        return 0
    if args.only in (None, "test"):
        print_table(
            "test split of ../shared/ner-train (never trained on)", eval_split(args.shared, "test")
        )
    if args.only in (None, "indomain"):
        rows = eval_indomain(args.shared)
        if rows:
            print_table("in-domain set (bench/ner_blind.py; frozen, totals only)", rows)
    if args.only in (None, "regression"):
        print_table(
            "old gold sets: regression checks only (rules were tuned on them)",
            eval_regression(args.shared),
        )
    if args.only in (None, "speed"):
        print("\n## speed", eval_speed(args.shared))
    print(
        f"\nload: {load_seconds} s wall, {load_cpu} s CPU (imports, model and gazetteers, "
        "first document)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
