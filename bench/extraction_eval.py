"""Score HTML article extraction against the gold sets in shared/corpus (run by hand, not a test).

    python bench/extraction_eval.py [--corpus DIR] [--sets fundus,readability,htmldate]
                                    [--no-baselines] [--failures FILE]

Sets: fundus-news-html (title, authors, date, body token F1), readability-pages (title, byline,
date, site name), htmldate-dev (date). Beside Quarry, every page is also given to trafilatura
alone (``bare_extraction`` defaults: its body and date) and htmldate alone (``find_date`` with
``original_date=True``: the publication, not the last change), the baselines Quarry must beat.

Each page belongs to a development or a held-out half (``extraction_gold.half_of``: the SHA-256
of set and page name). The first table gives every set per language over both halves, the
second each set per half; ``--failures`` writes the per-page misses of the development half only,
so rules are never written from the held-out pages. Title is an exact match (case, spacing, quote
style and invisible characters aside), title_f1 the title's token F1, authors the exact set, day
the publication day, site the site's name (readability gold only).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from datetime import date, datetime
from multiprocessing import Pool
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from extraction_gold import DEFAULT_CORPUS, MAKERS  # noqa: E402

from quarry.archive.extract import NoArticle  # noqa: E402
from quarry.archive.extract.html import extract_html, guess_language, headline_candidates  # noqa: E402
from quarry.archive.extract.metadata import parse_date_text  # noqa: E402
from quarry.archive.model import RawDocument  # noqa: E402

BASELINES = True


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
    """Words, with invisible characters removed first: a soft hyphen inside a gold word
    ("Geschlechts\u00adeintrag") must not split it in two."""
    return re.findall(r"\w+", _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold())


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


def body_diff(pred: list[str], gold: list[str]) -> dict[str, list[str]]:
    """Paragraphs only one side has (for reading a miss): what is extra, what is missing."""
    pred_text, gold_text = " ".join(tokens(" ".join(pred))), " ".join(tokens(" ".join(gold)))
    return {
        "extra": [p for p in pred if " ".join(tokens(p)) not in gold_text],
        "missing": [p for p in gold if " ".join(tokens(p)) not in pred_text],
    }


# ------------------------------------------------------------------ extraction


def quarry_output(path: str, content: bytes, url: str | None) -> dict[str, Any]:
    raw = RawDocument(source=path, kind="html", content=content, url=url, format="html")
    try:
        art = extract_html(raw)
    except NoArticle as exc:
        return {"skipped": str(exc)}
    if art is None:
        return {"skipped": "no article found"}
    return {
        "title": art.title,
        "authors": art.authors,
        "published": art.published,
        "body": art.body,
        "site": art.site,
    }


def trafilatura_output(content: bytes, url: str | None) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(content, url=url, with_metadata=True)
    if doc is None:
        return {}
    return {
        "published": doc.date,
        "body": [ln for ln in (doc.text or "").split("\n") if ln.strip()],
    }


def htmldate_output(content: bytes, url: str | None) -> dict[str, Any]:
    from htmldate import find_date

    return {"published": find_date(content, url=url, original_date=True)}


def score(task: dict[str, Any]) -> dict[str, Any]:
    path = Path(task["path"])
    content = path.read_bytes()
    if path.suffix == ".gz":
        content = gzip.decompress(content)
    started = time.process_time()  # CPU time: the machine may be shared
    try:
        out = quarry_output(str(path), content, task.get("url"))
    except Exception as exc:  # a crash is a result to report, not a reason to stop the run
        out = {"error": f"{type(exc).__name__}: {exc}"}
    seconds = time.process_time() - started
    result: dict[str, Any] = {k: task[k] for k in ("set", "lang", "half", "name")}
    result |= {"found": "body" in out, "skipped": out.get("skipped"), "error": out.get("error")}
    result["seconds"] = seconds
    gold = task["gold"]
    want_day = day_of(gold.get("date")) if gold.get("date") else None
    outputs = {"": out}
    if BASELINES:
        for name, run in (("traf_", trafilatura_output), ("htmldate_", htmldate_output)):
            try:
                outputs[name] = run(content, task.get("url"))
            except Exception:  # noqa: BLE001 - a baseline's crash is its miss
                outputs[name] = {}
    for prefix, o in outputs.items():
        if want_day:
            result[prefix + "day"] = float(day_of(o.get("published")) == want_day)
        if gold.get("body") and prefix != "htmldate_":
            result[prefix + "body_f1"] = token_f1(o.get("body") or [], gold["body"])
    if "title" in gold:
        result["title"] = float(norm_title(out.get("title")) == norm_title(gold["title"]))
        # how close a miss is: a variant of the headline, or something else
        result["title_f1"] = token_f1([out.get("title") or ""], [gold["title"] or ""])
        if task["set"] == "fundus":
            result["title_sources"] = title_sources(
                str(path), content, task.get("url"), gold["title"]
            )
    if gold.get("authors"):
        g = {norm_name(a) for a in gold["authors"] if norm_name(a)}
        p = {norm_name(a) for a in out.get("authors") or [] if norm_name(a)}
        if g:
            result["authors"] = float(g == p)
    if gold.get("site"):
        result["site"] = float(norm_name(out.get("site") or "") == norm_name(gold["site"]))
    result["got"] = {k: out.get(k) for k in ("title", "authors", "published", "site")}
    result["want"] = {k: gold.get(k) for k in ("title", "authors", "date", "site")}
    if gold.get("body") and result.get("body_f1", 1) < 0.97:
        result["body"] = body_diff(out.get("body") or [], gold["body"])
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


# ------------------------------------------------------------------ report

COLUMNS = (
    ("body_f1", "body F1"), ("traf_body_f1", "trafilatura body F1"), ("day", "day"),
    ("traf_day", "trafilatura day"), ("htmldate_day", "htmldate day"), ("title", "title"),
    ("title_f1", "title_f1"), ("authors", "authors"), ("site", "site"),
)  # fmt: skip


def _cells(rows: list[dict[str, Any]], columns: tuple[tuple[str, str], ...]) -> str:
    cells = []
    for col, _ in columns:
        values = [r[col] for r in rows if col in r]
        cells.append(f"{sum(values) / len(values):.3f} ({len(values)})" if values else "-")
    return " | ".join(cells)


def _header(first: str, columns: tuple[tuple[str, str], ...]) -> list[str]:
    return [f"| {first} | n | found | " + " | ".join(c for _, c in columns) + " |",
            "|---" * (first.count("|") + 3) + "|" + "---|" * len(columns)]  # fmt: skip


def table(results: list[dict[str, Any]]) -> str:
    """Every set, and every language of it, over both halves."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        groups[(r["set"], "all")].append(r)
        if r["set"] != "htmldate":
            groups[(r["set"], r["lang"])].append(r)
    lines = _header("set | lang", COLUMNS)
    for (name, lang), rows in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1] != "all", -len(kv[1]), kv[0][1])
    ):
        found = sum(r["found"] for r in rows)
        lines.append(f"| {name} | {lang} | {len(rows)} | {found} | " + _cells(rows, COLUMNS) + " |")
    return "\n".join(lines)


HALF_COLUMNS = COLUMNS[:5]


def halves_table(results: list[dict[str, Any]]) -> str:
    """Body and day per set (fundus: all, English, German, the rest) and per half; last, the
    day over all three sets' pages together."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        groups[r["set"]].append(r)
        if r["set"] == "fundus":
            groups["fundus " + (r["lang"] if r["lang"] in ("en", "de") else "other")].append(r)
        groups["pooled"].append(r)
    order = [
        "fundus",
        "fundus en",
        "fundus de",
        "fundus other",
        "readability",
        "htmldate",
        "pooled",
    ]
    lines = _header("set | half", HALF_COLUMNS)
    for name in order:
        for half in ("all", "dev", "held"):
            rows = [r for r in groups.get(name, []) if half in ("all", r["half"])]
            if rows:
                found = sum(r["found"] for r in rows)
                cells = _cells(rows, HALF_COLUMNS)
                lines.append(f"| {name} | {half} | {len(rows)} | {found} | {cells} |")
    return "\n".join(lines)


def skip_reasons(results: list[dict[str, Any]]) -> str:
    reasons = Counter(r["skipped"] or r["error"] for r in results if not r["found"])
    return ", ".join(f"{reason}: {n}" for reason, n in reasons.most_common()) or "none"


def main(argv: list[str] | None = None) -> int:
    global BASELINES
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sets", default="fundus,readability,htmldate")
    parser.add_argument("--no-baselines", action="store_true", help="Quarry only (faster)")
    parser.add_argument("--failures", type=Path, help="write the development half's misses here")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    BASELINES = not args.no_baselines
    tasks = [t for name in args.sets.split(",") for t in MAKERS[name](args.corpus, guess_language)]
    if not tasks:
        print(f"no gold sets found under {args.corpus}", file=sys.stderr)
        return 1
    load = os.getloadavg()
    started = time.perf_counter()
    with Pool(args.processes, initializer=_init, initargs=(BASELINES,)) as pool:
        results = pool.map(score, tasks, chunksize=4)
    elapsed = time.perf_counter() - started
    ours = sum(r["seconds"] for r in results)
    print(f"## Extraction eval: {len(results)} pages, {elapsed:.1f} s wall on {args.processes} "
          f"processes; Quarry's extraction {ours:.1f} CPU-s in all ({1000 * ours / len(results):.0f} "
          f"ms a page); load average before {load[0]:.2f}, after {os.getloadavg()[0]:.2f}\n")  # fmt: skip
    print(table(results))
    print("\n### Per half (development / held-out)\n")
    print(halves_table(results))
    print(f"\nPages without an article (Quarry): {skip_reasons(results)}")
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
                missed = any(r.get(c, 1) < 1 for c in ("title", "authors", "day", "site"))
                if r["half"] == "dev" and (missed or r.get("body_f1", 1) < 0.97 or not r["found"]):
                    fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    return 0


def _init(baselines: bool) -> None:
    global BASELINES
    BASELINES = baselines


if __name__ == "__main__":
    raise SystemExit(main())
