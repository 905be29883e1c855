"""Named-entity benchmark: document-level precision/recall/F1 and throughput.

Run by hand from the repository root::

    python bench/ner_eval.py [--shared ../shared] [--only dev|fundus|indomain|speed] [--show]

(a) the held-out development split of ../shared/ner-train (every 10th unit, never trained
on); (b) English pages of ../shared/corpus/fundus-news-html, gold entity lists annotated by
hand for this project in bench/ner_gold_fundus.json; (d) in-domain text (terrorism and
radicalisation analysis): the project's sample articles and test-fixture corpus, read with
the project's own body extraction, gold in bench/ner_gold_indomain.json, plus the re3d
(defence/security) part of the dev split as its own row; (c) articles/s on ~1,000-word
articles.
Scores compare the distinct names of each document, per type and overall (micro-averaged).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_T0 = time.perf_counter()  # load time counts the imports too

from quarry.archive.entities import get_authority, get_extractor  # noqa: E402
from quarry.archive.entities.authority import normalise_name  # noqa: E402
from quarry.archive.entities.extract import _collect  # noqa: E402
from quarry.archive.model import ENTITY_TYPES, Entities  # noqa: E402

LONG = {"PER": "person", "ORG": "organization", "LOC": "location"}


def key(name: str) -> str:
    """Comparison key: case, spacing, dots, hyphens and apostrophe style ignored."""
    return "".join(normalise_name(name).casefold().split())


def gold_from_doc(doc: list[list[tuple[str, str]]]) -> Entities:
    """Document-level gold names from BIO sentences, canonicalised like predictions."""
    auth = get_authority()
    mentions = []
    for sent in doc:
        cur: list[str] = []
        typ = ""
        for tok, lab in [*sent, ("", "O")]:
            if (lab == "O" or lab.startswith("B-")) and cur:
                name = " ".join(cur)
                for suf in (" 's", " '", "'s"):
                    if name.endswith(suf):
                        name = name[: -len(suf)]
                hit = auth.canonical(name, LONG[typ])
                mentions.append((LONG[typ], hit[1] if hit else name, False))
                cur = []
            if lab.startswith("B-"):
                cur = [tok]
                typ = lab[2:]
            elif lab.startswith("I-") and cur:
                cur.append(tok)
    return _collect(mentions)


Gold = dict  # {"entities": {type: ["name|alias", ...]}, "optional": [...]}


def gold_of(ents: Entities, optional: list[str] | None = None) -> Gold:
    return {"entities": ents.as_dict(), "optional": list(optional or [])}


def score(pairs: list[tuple[Gold, Entities]]) -> dict:
    """Micro P/R/F1 per type and overall over (gold, predicted) document pairs.

    A gold entry "A|B" is one entity with equivalent names; a prediction matching any of
    them matches it. Predictions matching an optional name are not counted either way.
    """
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for gold, pred in pairs:
        optional = {key(n) for n in gold.get("optional", [])}
        for t in ENTITY_TYPES:
            entities = [{key(a) for a in g.split("|")} for g in gold["entities"].get(t, [])]
            known = set().union(*entities) if entities else set()
            p = {key(n) for n in getattr(pred, t)}
            tp = sum(1 for alts in entities if alts & p)
            fn = len(entities) - tp
            fp = len({k for k in p if k not in known and k not in optional})
            for bucket in (t, "overall"):
                counts[bucket][0] += tp
                counts[bucket][1] += fp
                counts[bucket][2] += fn
    out = {}
    for bucket, (tp, fp, fn) in counts.items():
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[bucket] = {
            "P": round(prec, 3),
            "R": round(rec, 3),
            "F1": round(f1, 3),
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }
    return out


def detok(sent: list[tuple[str, str]]) -> str:
    return " ".join(t for t, _ in sent)


def eval_dev(shared: Path) -> dict:
    """(a) the held-out development split, per corpus and pooled."""
    from quarry.archive.entities.train import load_corpora, split

    ex = get_extractor()
    results = {}
    pooled = []
    for name, docs in load_corpora(shared / "ner-train").items():
        _, dev = split(docs)
        pairs = [(gold_of(gold_from_doc(d)), ex.extract([detok(s) for s in d])) for d in dev]
        pooled += pairs
        results[name] = {"docs": len(dev), **score(pairs)}
    results["all"] = {"docs": len(pooled), **score(pooled)}
    return results


def load_fundus(shared: Path) -> list[tuple[dict, dict]]:
    """(manifest row, gold annotation) for every annotated fundus page."""
    gold = json.loads((ROOT / "bench" / "ner_gold_fundus.json").read_text(encoding="utf-8"))
    rows = {}
    manifest = shared / "corpus" / "fundus-news-html" / "gold_manifest.jsonl"
    for line in manifest.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        rows[r["html_file"]] = r
    return [(rows[g["html_file"]], g) for g in gold["pages"] if g["html_file"] in rows]


def eval_fundus(shared: Path, show: bool = False) -> dict:
    """(b) hand-annotated English news pages (body_paragraphs as the text)."""
    ex = get_extractor()
    pairs = []
    for row, g in load_fundus(shared):
        pred = ex.extract(row["body_paragraphs"])
        pairs.append((g, pred))
        if show:
            print("==", g["html_file"])
            optional = {key(n) for n in g.get("optional", [])}
            for t in ENTITY_TYPES:
                gold = g["entities"].get(t, [])
                alts = {key(a) for e in gold for a in e.split("|")}
                pk = {key(n): n for n in getattr(pred, t)}
                miss = [e for e in gold if not {key(a) for a in e.split("|")} & set(pk)]
                extra = [n for k, n in pk.items() if k not in alts and k not in optional]
                if miss or extra:
                    print(f"  {t}: missed {miss} | spurious {extra}")
    return {"docs": len(pairs), **score(pairs)}


def load_indomain() -> list[tuple[dict, list[str]]]:
    """(gold annotation, body paragraphs) for every in-domain gold document.

    The body is what the ingest pipeline feeds the extractor: ``archive.extract.extract``
    on the raw page (``pagetext`` or ``html``) or export record, ``Article.body`` only.
    """
    from quarry.archive.extract import extract
    from quarry.archive.model import RawDocument
    from quarry.archive.readers.base import ReadOptions
    from quarry.archive.readers.exports import read_csv, read_jsonl

    gold = json.loads((ROOT / "bench" / "ner_gold_indomain.json").read_text(encoding="utf-8"))
    records: dict[tuple[str, str], RawDocument] = {}
    out = []
    for g in gold["documents"]:
        path = ROOT / g["file"]
        if g.get("member"):
            if not records.keys() & {(g["file"], g["member"])}:
                reader = read_jsonl if path.suffix == ".jsonl" else read_csv
                for raw in reader(path, ReadOptions()):
                    if isinstance(raw, RawDocument):
                        records[(g["file"], raw.member or "")] = raw
            raw = records[(g["file"], g["member"])]
        else:
            kind = "html" if path.suffix in (".html", ".htm") else "pagetext"
            raw = RawDocument(source=str(path), kind=kind, content=path.read_bytes())
        out.append((g, extract(raw).body))
    return out


def show_diff(label: str, g: Gold, pred: Entities) -> None:
    """Print the gold names missed and the predicted names not in the gold."""
    optional = {key(n) for n in g.get("optional", [])}
    lines = []
    for t in ENTITY_TYPES:
        gold = g["entities"].get(t, [])
        alts = {key(a) for e in gold for a in e.split("|")}
        pk = {key(n): n for n in getattr(pred, t)}
        miss = [e for e in gold if not {key(a) for a in e.split("|")} & set(pk)]
        extra = [n for k, n in pk.items() if k not in alts and k not in optional]
        if miss or extra:
            lines.append(f"  {t}: missed {miss} | spurious {extra}")
    if lines:
        print("==", label)
        print("\n".join(lines))


def eval_indomain(shared: Path, show: bool = False) -> dict:
    """(d) in-domain gold documents, and the re3d part of the dev split separately."""
    ex = get_extractor()
    pairs = []
    for g, body in load_indomain():
        pred = ex.extract(body)
        pairs.append((g, pred))
        if show:
            show_diff(g["file"] + (" " + g["member"] if g.get("member") else ""), g, pred)
    results = {"indomain": {"docs": len(pairs), **score(pairs)}}
    gold = json.loads((ROOT / "bench" / "ner_gold_indomain.json").read_text(encoding="utf-8"))
    held = gold.get("heldout_fundus_pages") or []
    manifest = shared / "corpus" / "fundus-news-html" / "gold_manifest.jsonl"
    if held and manifest.is_file():
        rows = {}
        for line in manifest.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            rows[r["html_file"]] = r
        hpairs = []
        for g in held:
            if g["html_file"] in rows:
                pred = ex.extract(rows[g["html_file"]]["body_paragraphs"])
                hpairs.append((g, pred))
                if show:
                    show_diff("held-out " + g["html_file"], g, pred)
        results["heldout"] = {"docs": len(hpairs), **score(hpairs)}
    if (shared / "ner-train" / "re3d").is_dir():
        from quarry.archive.entities.train import read_re3d, split

        _, dev = split(read_re3d(shared / "ner-train"))
        re3d = []
        for d in dev:
            g = gold_of(gold_from_doc(d))
            pred = ex.extract([detok(s) for s in d])
            re3d.append((g, pred))
            if show:
                show_diff("re3d-dev " + detok(d[0])[:60], g, pred)
        results["re3d-dev"] = {"docs": len(re3d), **score(re3d)}
    return results


def eval_speed(shared: Path, n: int = 60) -> dict:
    """(c) articles per second (one core) on ~1,000-word articles from the Reuters set."""
    import gzip

    ex = get_extractor()
    path = shared / "corpus" / "reuters-news-106k" / "reuters_news_106k.jsonl.gz"
    arts: list[list[str]] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            body = json.loads(line).get("body") or ""
            words = body.split()
            if 900 <= len(words) <= 1100:
                paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n  ", body)]
                paras = [p for p in paras if p]
                arts.append(paras)
                if len(arts) >= n:
                    break
    ex.extract(arts[0])  # warm-up
    t0 = time.perf_counter()
    c0 = time.process_time()
    for paras in arts:
        ex.extract(paras)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    words = sum(len(" ".join(p).split()) for p in arts)
    return {
        "articles": len(arts),
        "mean_words": round(words / len(arts)),
        "articles_per_s_wall": round(len(arts) / wall, 1),
        "articles_per_cpu_s": round(len(arts) / cpu, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--only", choices=["dev", "fundus", "indomain", "speed"])
    ap.add_argument(
        "--show", action="store_true", help="list fundus/in-domain misses and spurious names"
    )
    ap.add_argument("--model", type=Path, help="evaluate this model file instead")
    args = ap.parse_args(argv)
    if args.model:
        from quarry.archive.entities import extract as extract_mod

        extract_mod._EXTRACTORS[None] = extract_mod.EntityExtractor(args.model)
    get_extractor().extract(["Warm-up sentence about Kabul."])
    report: dict = {"load_seconds": round(time.perf_counter() - _T0, 2)}
    if args.only in (None, "dev"):
        report["dev"] = eval_dev(args.shared)
    if args.only in (None, "fundus"):
        report["fundus"] = eval_fundus(args.shared, args.show)
    if args.only in (None, "indomain"):
        report["indomain"] = eval_indomain(args.shared, args.show)
    if args.only in (None, "speed"):
        report["speed"] = eval_speed(args.shared)
    for section in ("dev", "fundus", "indomain"):
        if section in report:
            print(f"\n## {section}")
            rows = report[section] if section != "fundus" else {"fundus": report[section]}
            for name, res in rows.items():
                print(f"{name:10} docs={res['docs']:4}", end="")
                for t in ("person", "organization", "location", "overall"):
                    if t in res:
                        print(
                            f"  {t[:3]} P={res[t]['P']:.2f} R={res[t]['R']:.2f} "
                            f"F1={res[t]['F1']:.2f}",
                            end="",
                        )
                print()
    if "speed" in report:
        print("\n## speed", report["speed"])
    print("\nload_seconds", report["load_seconds"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
