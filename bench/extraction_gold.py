"""The gold sets of shared/corpus for bench/extraction_eval.py, each page in a fixed half.

Every page is put in a development half or a held-out half by the SHA-256 of its set and
name (``half_of``), fixed before anyone looked at errors: rules are written from the per-page
misses of the development half only (``--failures`` writes nothing else); the held-out half is
looked at only in aggregate, to see whether a change generalises.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import lxml.html

from quarry.archive.extract.metadata import split_authors

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def half_of(set_name: str, name: str) -> str:
    """Either "dev" or "held": the low bit of the first byte of sha256("<set>/<name>")."""
    digest = hashlib.sha256(f"{set_name}/{name}".encode()).digest()
    return "dev" if digest[0] % 2 == 0 else "held"


def _task(set_name: str, lang: str, name: str, path: Path, url: str | None, gold: dict) -> dict:
    return {
        "set": set_name,
        "lang": lang,
        "half": half_of(set_name, name),
        "name": name,
        "path": str(path),
        "url": url,
        "gold": gold,
    }


def fundus_tasks(corpus: Path, guess_language: Any) -> list[dict[str, Any]]:
    """fundus-news-html: title, authors, publication date and body paragraphs per page."""
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
        gold = {
            "title": row.get("title"),
            "authors": row.get("authors") or [],
            "date": row.get("publishing_date"),
            "body": body,
        }
        tasks.append(
            _task("fundus", lang, row["html_file"], folder / row["html_file"], row.get("url"), gold)
        )
    return tasks


def readability_tasks(corpus: Path, guess_language: Any) -> list[dict[str, Any]]:
    """readability-pages: title, byline, published time and site name where the gold has them."""
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
        if meta.get("siteName"):
            gold["site"] = meta["siteName"]
        tasks.append(_task("readability", lang, case.parent.name, source, None, gold))
    return tasks


def htmldate_tasks(corpus: Path, guess_language: Any) -> list[dict[str, Any]]:
    """htmldate-dev: the publication day per page."""
    folder = corpus / "htmldate-dev"
    gold_file = folder / "gold_dates.json"
    if not gold_file.exists():
        return []
    tasks = []
    for url, entry in json.loads(gold_file.read_text(encoding="utf-8")).items():
        path = folder / "cache" / entry["file"]
        if path.exists():
            tasks.append(_task("htmldate", "-", entry["file"], path, url, {"date": entry["date"]}))
    return tasks


MAKERS = {"fundus": fundus_tasks, "readability": readability_tasks, "htmldate": htmldate_tasks}
