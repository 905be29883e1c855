"""The old entity gold sets, kept as regression checks only (the rules were tuned on them).

``ner_gold_fundus.json``: English pages of ``../shared/corpus/fundus-news-html`` (their manifest's
body paragraphs); ``ner_gold_indomain.json``: the project's sample articles and fixture corpus
(read with the project's own body extraction), plus two held-out fundus pages.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _manifest(shared: Path) -> dict[str, dict]:
    path = shared / "corpus" / "fundus-news-html" / "gold_manifest.jsonl"
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows[row["html_file"]] = row
    return rows


def fundus_docs(shared: Path) -> list[tuple[dict, list[str]]]:
    """(gold, body paragraphs) of every page of ``ner_gold_fundus.json``."""
    gold = json.loads((ROOT / "bench" / "ner_gold_fundus.json").read_text(encoding="utf-8"))
    rows = _manifest(shared)
    return [
        (g, rows[g["html_file"]]["body_paragraphs"])
        for g in gold["pages"]
        if g["html_file"] in rows
    ]


def heldout_docs(shared: Path) -> list[tuple[dict, list[str]]]:
    """(gold, body paragraphs) of the held-out fundus pages of ``ner_gold_indomain.json``."""
    gold = json.loads((ROOT / "bench" / "ner_gold_indomain.json").read_text(encoding="utf-8"))
    rows = _manifest(shared)
    held = gold.get("heldout_fundus_pages") or []
    return [(g, rows[g["html_file"]]["body_paragraphs"]) for g in held if g["html_file"] in rows]


def indomain_docs() -> list[tuple[dict, list[str]]]:
    """(gold, body) of every document of ``ner_gold_indomain.json``: the body is what the ingest
    pipeline feeds the extractor (``archive.extract.extract`` on the page or export record)."""
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
            if (g["file"], g["member"]) not in records:
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
