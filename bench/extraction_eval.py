"""Score HTML article extraction against the gold sets in shared/corpus (run by hand, not a test).

    python bench/extraction_eval.py [--baseline] [--corpus DIR] [--sets fundus,readability,htmldate]

Sets: fundus-news-html (title, authors, date, body token F1), readability-pages (title, byline,
date), htmldate-dev (date). Figures are printed per set and per language as a markdown table:
title is an exact match (case, spacing, quote style and invisible characters aside), title_f1 the
token F1 of the title against the gold (how near the misses are), authors the exact set.
``--baseline`` scores plain trafilatura (bare_extraction defaults) to show what our layer adds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from datetime import date, datetime
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import lxml.html

from quarry.archive.extract.html import extract_html, guess_language, headline_candidates  # noqa: E402
from quarry.archive.extract.metadata import parse_date_text, split_authors  # noqa: E402
from quarry.archive.model import RawDocument  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
BASELINE = False


# ------------------------------------------------------------------ normalisation and scores

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                         "‚": "'", "–": "-", "—": "-", "\u00a0": " "})  # fmt: skip


# Soft hyphens, zero-width spaces and joiners, BOM: invisible, not part of what a title says
# (some gold titles end in a zero-width space).
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


def norm_title(text: str | None) -> str:
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or "")).translate(_QUOTES)
    return " ".join(text.split()).strip(" \"'").casefold()


def norm_name(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def token_f1(pred: list[str], gold: list[str]) -> float:
    p, g = Counter(tokens(" ".join(pred))), Counter(tokens(" ".join(gold)))
    if not p or not g:
        return 0.0 if (p or g) else 1.0
    common = sum((p & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def day_of(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = parse_date_text(str(value))
    return day_of(parsed) if parsed else None


# ------------------------------------------------------------------ extraction (ours / baseline)


def run_extractor(path: str, content: bytes, url: str | None) -> dict[str, Any] | None:
    if BASELINE:
        import trafilatura

        doc = trafilatura.bare_extraction(content, url=url, with_metadata=True)
        if doc is None:
            return None
        return {
            "title": doc.title,
            "authors": [a for a in (doc.author or "").split("; ") if a],
            "published": doc.date,
            "body": [line for line in (doc.text or "").split("\n") if line.strip()],
            "language": doc.language,
        }
    raw = RawDocument(source=path, kind="html", content=content, url=url, format="html")
    art = extract_html(raw)
    if art is None:
        return None
    return {
        "title": art.title,
        "authors": art.authors,
        "published": art.published,
        "body": art.body,
        "language": art.language,
    }


def score(task: dict[str, Any]) -> dict[str, Any]:
    path = Path(task["path"])
    content = path.read_bytes()
    if path.suffix == ".gz":
        content = gzip.decompress(content)
    started = time.perf_counter()
    try:
        out = run_extractor(str(path), content, task.get("url"))
        error = None
    except Exception as exc:  # a crash is a result to report, not a reason to stop the run
        out, error = None, f"{type(exc).__name__}: {exc}"
    result: dict[str, Any] = {
        "set": task["set"],
        "lang": task["lang"],
        "name": task["name"],
        "found": out is not None,
        "error": error,
        "seconds": time.perf_counter() - started,
    }
    out = out or {}
    gold = task["gold"]
    if "title" in gold:
        result["title"] = float(norm_title(out.get("title")) == norm_title(gold["title"]))
        # how close a miss is: a variant of the headline, or something else
        result["title_f1"] = token_f1([out.get("title") or ""], [gold["title"] or ""])
        if not BASELINE and task["set"] == "fundus":
            result["title_sources"] = title_sources(str(path), content, task.get("url"), gold["title"])
    if gold.get("authors"):
        g = {norm_name(a) for a in gold["authors"] if norm_name(a)}
        p = {norm_name(a) for a in out.get("authors") or [] if norm_name(a)}
        if g:
            result["authors"] = float(g == p)
            result["author_recall"] = len(g & p) / len(g)
    if gold.get("date"):
        want = day_of(gold["date"])
        if want:
            result["date"] = float(day_of(out.get("published")) == want)
    if gold.get("body"):
        result["body_f1"] = token_f1(out.get("body") or [], gold["body"])
    result["got"] = {
        "title": out.get("title"),
        "authors": out.get("authors"),
        "date": str(out.get("published")),
    }
    result["want"] = {k: gold.get(k) for k in ("title", "authors", "date")}
    return result


# ------------------------------------------------------------------ title sources

SOURCES = ("og:title", "ld:headline", "twitter:title", "title", "h1")


def title_sources(path: str, content: bytes, url: str | None, gold: str) -> dict[str, Any]:
    """How the page's headline sources agree: groups of sources that give the same text, and
    the group whose text is the gold title (None when no source gives it)."""
    raw = RawDocument(source=path, kind="html", content=content, url=url, format="html")
    texts: dict[str, str] = {}
    for source, text in headline_candidates(raw):
        if source in SOURCES and source not in texts:
            texts[source] = norm_title(text)
    groups: dict[str, list[str]] = defaultdict(list)
    for source in SOURCES:
        if source in texts:
            groups[texts[source]].append(source)
    return {
        "groups": sorted("+".join(g) for g in groups.values()),
        "gold": "+".join(groups[norm_title(gold)]) if norm_title(gold) in groups else None,
    }


def title_ceiling(results: list[dict[str, Any]]) -> str:
    """The best title accuracy of any rule that decides from how the sources agree.

    Pages are grouped by their agreement pattern (e.g. og:title+twitter:title vs
    ld:headline+title+h1); the best such rule returns, for each pattern, the group most often
    gold. It is fitted to the gold itself, so it bounds what layout rules can reach here.
    """
    lines = ["| lang | n | title | best agreement rule | contested patterns (gold group: pages) |",
             "|---|---|---|---|---|"]  # fmt: skip
    by_lang: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        if "title_sources" in r:
            by_lang["all"].append(r)
            by_lang[r["lang"]].append(r)
    for lang in ("all", "en", "de"):
        rows = by_lang.get(lang, [])
        if not rows:
            continue
        patterns: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for r in rows:
            patterns[tuple(r["title_sources"]["groups"])][r["title_sources"]["gold"]] += 1
        best = sum(max((n for g, n in c.items() if g), default=0) for c in patterns.values())
        contested = [
            "; ".join(f"{g or 'none'}: {n}" for g, n in c.most_common())
            for c in patterns.values()
            if len([g for g in c if g]) > 1
        ]
        current = sum(r["title"] for r in rows)
        lines.append(
            f"| {lang} | {len(rows)} | {current / len(rows):.3f} | {best / len(rows):.3f} | "
            + " / ".join(contested)
            + " |"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------ gold sets


def fundus_tasks(corpus: Path) -> list[dict[str, Any]]:
    folder = corpus / "fundus-news-html"
    manifest = folder / "gold_manifest.jsonl"
    if not manifest.exists():
        return []
    tasks = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        body = row.get("body_paragraphs") or []
        lang = guess_language(" ".join(body)) or f"?{row['country']}"
        tasks.append(
            {
                "set": "fundus",
                "lang": lang,
                "name": row["html_file"],
                "path": str(folder / row["html_file"]),
                "url": row.get("url"),
                "gold": {
                    "title": row.get("title"),
                    "authors": row.get("authors") or [],
                    "date": row.get("publishing_date"),
                    "body": body,
                },
            }
        )
    return tasks


def readability_tasks(corpus: Path) -> list[dict[str, Any]]:
    folder = corpus / "readability-pages"
    tasks = []
    for case in sorted(folder.glob("*/expected-metadata.json")):
        source = case.parent / "source.html"
        if not source.exists():
            continue
        meta = json.loads(case.read_text(encoding="utf-8"))
        lang = (meta.get("lang") or "").split("-")[0].lower()
        if not lang:  # no gold language: read it off the page text
            text = lxml.html.document_fromstring(source.read_bytes()).text_content()
            lang = guess_language(" ".join(text.split())) or "?"
        gold: dict[str, Any] = {}
        if meta.get("title"):
            gold["title"] = meta["title"]
        if meta.get("byline"):
            gold["authors"] = split_authors(meta["byline"])
        if meta.get("publishedTime"):
            gold["date"] = meta["publishedTime"]
        tasks.append(
            {
                "set": "readability",
                "lang": lang,
                "name": case.parent.name,
                "path": str(source),
                "url": None,
                "gold": gold,
            }
        )
    return tasks


def htmldate_tasks(corpus: Path) -> list[dict[str, Any]]:
    folder = corpus / "htmldate-dev"
    gold_file = folder / "gold_dates.json"
    if not gold_file.exists():
        return []
    tasks = []
    for url, entry in json.loads(gold_file.read_text(encoding="utf-8")).items():
        path = folder / "cache" / entry["file"]
        if not path.exists():
            continue
        tasks.append(
            {
                "set": "htmldate",
                "lang": "-",
                "name": entry["file"],
                "path": str(path),
                "url": url,
                "gold": {"date": entry["date"]},
            }
        )
    return tasks


# ------------------------------------------------------------------ report

COLUMNS = ("title", "title_f1", "authors", "author_recall", "date", "body_f1")


def table(results: list[dict[str, Any]]) -> str:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        groups[(r["set"], "all")].append(r)
        groups[(r["set"], r["lang"])].append(r)
    lines = [
        "| set | lang | n | found | " + " | ".join(COLUMNS) + " |",
        "|---|---|---|---|" + "---|" * len(COLUMNS),
    ]
    for (name, lang), rows in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1] != "all", -len(kv[1]), kv[0][1])
    ):
        cells = []
        for col in COLUMNS:
            values = [r[col] for r in rows if col in r]
            cells.append(f"{sum(values) / len(values):.3f} ({len(values)})" if values else "-")
        found = sum(r["found"] for r in rows)
        lines.append(f"| {name} | {lang} | {len(rows)} | {found} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    global BASELINE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", action="store_true", help="plain trafilatura defaults")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sets", default="fundus,readability,htmldate")
    parser.add_argument("--failures", type=Path, help="write per-page misses as JSONL here")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    BASELINE = args.baseline
    makers = {"fundus": fundus_tasks, "readability": readability_tasks, "htmldate": htmldate_tasks}
    tasks = [t for name in args.sets.split(",") for t in makers[name](args.corpus)]
    if not tasks:
        print(f"no gold sets found under {args.corpus}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    with Pool(args.processes, initializer=_init, initargs=(BASELINE,)) as pool:
        results = pool.map(score, tasks, chunksize=4)
    elapsed = time.perf_counter() - started
    mode = "baseline (plain trafilatura)" if BASELINE else "quarry extract_html"
    print(f"## Extraction eval: {mode}, {len(results)} pages, {elapsed:.1f} s\n")
    print(table(results))
    if any("title_sources" in r for r in results):
        print("\n### Fundus titles: how far rules on agreeing sources can go\n")
        print(title_ceiling(results))
    errors = [r for r in results if r["error"]]
    if errors:
        print(
            f"\n{len(errors)} pages raised errors, e.g. {errors[0]['name']}: {errors[0]['error']}"
        )
    if args.failures:
        with args.failures.open("w", encoding="utf-8") as fh:
            for r in results:
                if (
                    any(r.get(c, 1) < 1 for c in ("title", "authors", "date"))
                    or r.get("body_f1", 1) < 0.8
                ):
                    fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    return 0


def _init(baseline: bool) -> None:
    global BASELINE
    BASELINE = baseline


if __name__ == "__main__":
    raise SystemExit(main())
