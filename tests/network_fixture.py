"""An invented archive whose entities and mentions are known exactly (fixtures/network/), for the
entity page, network and evidence tests: stored directly and indexed, no tagger involved."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from quarry.archive.datadir import DataDir
from quarry.archive.model import Article, Entities, Mention, text_hash
from quarry.archive.store import Store
from quarry.index.build import build_index

FIXTURE = Path(__file__).parent / "fixtures" / "network" / "articles.json"


def mentions_of(text: str, entities: list[list]) -> list[Mention]:
    """Every form of every entity found in ``text`` (as written, longest first, no overlaps)."""
    forms = sorted(((form, etype, name) for etype, name, fs in entities for form in fs),
                   key=lambda f: -len(f[0]))  # fmt: skip
    taken: list[Mention] = []
    for form, etype, name in forms:
        for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text):
            if all(m.end() <= t.start or m.start() >= t.end for t in taken):
                taken.append(Mention(form, etype, name, m.start(), m.end()))
    return sorted(taken, key=lambda m: m.start)


def fixture_articles() -> list[Article]:
    out = []
    for row in json.loads(FIXTURE.read_text(encoding="utf-8"))["articles"]:
        ents: dict[str, list[str]] = {}
        for etype, name, _ in row["entities"]:
            ents.setdefault(etype, []).append(name)
        article = Article(id=row["id"], title=row["title"], body=row["body"],
                          published=date.fromisoformat(row["date"]), site="northwind.example",
                          language="en", entities=Entities.from_dict(ents),
                          text_hash=text_hash(row["body"]))  # fmt: skip
        if row.get("mentions", True):
            article.entity_mentions = mentions_of(article.text, row["entities"])
        out.append(article)
    return out


def build_network_archive(data_dir: Path) -> Path:
    """Store the fixture articles in ``data_dir`` and index them."""
    return store_and_index(data_dir, fixture_articles())


def store_and_index(data_dir: Path, articles: list[Article]) -> Path:
    """Store ``articles`` in ``data_dir`` as they are (no extraction, no tagging) and index them."""
    data = DataDir(data_dir)
    store = Store(data.store)
    try:
        with store.transaction():
            for article in articles:
                store.put(article)
    finally:
        store.close()
    build_index(data)
    return data_dir
