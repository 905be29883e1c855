"""The article store: SQLite in the data directory, the source of truth the index is built from.

One row per article (its JSON), one row per source it was read from. A ``generation`` counter
rises with every change so the index can tell whether it is up to date.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from .model import Article, Provenance, same_text, text_article_id
from .store_errors import (
    DamagedRecord,
    DiskFull,
    StoreError,
    StoreUnreadable,
    decode_article,
    guarded,
)

__all__ = ["DamagedRecord", "DiskFull", "Match", "Store", "StoreError", "StoreUnreadable", "Stored",
           "decode_article", "iter_updated_since"]  # fmt: skip

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    text_hash TEXT NOT NULL,
    url TEXT,
    data TEXT NOT NULL,
    added REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_text_hash ON articles(text_hash);
CREATE TABLE IF NOT EXISTS sources (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    member TEXT NOT NULL DEFAULT '',
    offset INTEGER NOT NULL DEFAULT -1,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (source, member, offset)
);
CREATE INDEX IF NOT EXISTS sources_article ON sources(article_id);
CREATE INDEX IF NOT EXISTS sources_hash ON sources(content_hash);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Match(NamedTuple):
    """A stored article a new one is the same as, and why."""

    id: str
    why: str


class Stored(NamedTuple):
    """What :meth:`Store.put` did with an article: ``outcome`` (new, updated, duplicate), the
    stored article concerned, and for a duplicate why it is one and whether its source was added
    to the stored article (``merged``: the article changed, so the index takes it again)."""

    outcome: str
    article_id: str
    title: str
    why: str = ""
    merged: bool = False


class Store:
    """Articles keyed by id, with duplicate detection by id, by text hash and by source content."""

    @guarded
    def __init__(self, path: Path, readonly: bool = False):
        self.path = Path(path)
        self.damaged: set[str] = set()  # ids of records met that could not be decoded (skipped)
        if readonly:
            uri = f"file:{self.path}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            self.db.commit()
        self.db.execute("PRAGMA foreign_keys=ON")

    @guarded
    def close(self) -> None:
        self.db.close()

    @contextmanager
    @guarded
    def transaction(self) -> Iterator[None]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            yield
            self.db.execute(
                "INSERT INTO meta(key, value) VALUES('generation', '1') "
                "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise

    # -- reading -----------------------------------------------------------------------------

    @property
    @guarded
    def generation(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    @guarded
    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    @guarded
    def changed_since(self, since: float) -> int:
        """How many articles changed after a store timestamp (what an index synced up to it lacks)."""
        return self.db.execute("SELECT COUNT(*) FROM articles WHERE updated > ?", (since,)).fetchone()[0]

    @guarded
    def get(self, article_id: str) -> Article | None:
        """The stored article (None: no such id); DamagedRecord when its row cannot be decoded."""
        row = self.db.execute("SELECT data FROM articles WHERE id=?", (article_id,)).fetchone()
        return decode_article(article_id, row[0]) if row else None

    def _decoded(self, rows: Iterable[tuple[str, str]]) -> Iterator[Article]:
        """The articles of (id, data) rows; damaged ones are skipped and noted in ``damaged``."""
        for aid, data in rows:
            try:
                yield decode_article(aid, data)
            except DamagedRecord:
                self.damaged.add(aid)

    @guarded
    def get_many(self, ids: list[str]) -> dict[str, Article]:
        out: dict[str, Article] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT id, data FROM articles WHERE id IN ({marks})", chunk)
            out.update((a.id, a) for a in self._decoded(rows))
        return out

    @guarded
    def iter_articles(self, batch: int = 1000) -> Iterator[Article]:
        last = ""
        while True:
            rows = self.db.execute(
                "SELECT id, data FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            yield from self._decoded(rows)
            last = rows[-1][0]

    @guarded
    def find_duplicate(self, article: Article, by_place: bool = False) -> Match | None:
        """The stored article this one is the same as, and why: read from the same place (only
        when ``by_place``, i.e. when re-extracting), the same text, or the same address with the
        same text. An address alone is no identity: pages that name their site's home page (or
        a section) as their canonical URL are different articles with one address."""
        if by_place:
            for p in article.provenance:
                row = self.db.execute(
                    "SELECT article_id FROM sources WHERE source=? AND member=? AND offset=?",
                    (p.source, p.member or "", -1 if p.offset is None else p.offset),
                ).fetchone()
                if row:
                    return Match(row[0], "the same place")
        if article.text_hash:
            row = self.db.execute(
                "SELECT id FROM articles WHERE text_hash=? LIMIT 1", (article.text_hash,)
            ).fetchone()
            if row:
                return Match(row[0], "the same text")
        try:
            stored = self.get(article.id)  # the id comes from the address when there is one
        except DamagedRecord:  # taken by a record that cannot be read: this one replaces it
            return Match(article.id, "the same address (its stored record was damaged)")
        if stored is not None and (not article.url or same_text(stored.body, article.body)):
            return Match(stored.id, "the same address and text" if article.url else "the same text")
        return None

    @guarded
    def source_seen(self, prov: Provenance) -> str | None:
        """The article id already stored from exactly this source place with the same content
        (not when that article's record is damaged: reading the source again replaces it)."""
        row = self.db.execute(
            "SELECT article_id FROM sources JOIN articles ON articles.id = article_id "
            "WHERE source=? AND member=? AND offset=? AND content_hash=? AND json_valid(articles.data)",
            (
                prov.source,
                prov.member or "",
                -1 if prov.offset is None else prov.offset,
                prov.content_hash,
            ),
        ).fetchone()
        return row[0] if row else None

    @guarded
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    @guarded
    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )
        self.db.commit()

    @guarded
    def sources(self) -> list[tuple[str, str, int]]:
        return self.db.execute("SELECT DISTINCT source, member, offset FROM sources").fetchall()

    @guarded
    def check(self) -> tuple[list[str], list[str]]:
        """What SQLite's own integrity check reports (nothing when it passes), and the ids of the
        records that cannot be decoded (a changed byte inside a row passes SQLite's check)."""
        problems = [row[0] for row in self.db.execute("PRAGMA integrity_check(20)") if row[0] != "ok"]
        damaged, last = [], ""
        while True:
            rows = self.db.execute("SELECT id, data FROM articles WHERE id > ? ORDER BY id LIMIT 1000",
                                   (last,)).fetchall()  # fmt: skip
            if not rows:
                return problems, damaged
            for aid, data in rows:
                try:
                    decode_article(aid, data)
                except DamagedRecord:
                    damaged.append(aid)
            last = rows[-1][0]

    # -- writing -----------------------------------------------------------------------------

    @guarded
    def put(self, article: Article, reextract: bool = False) -> Stored:
        """Store an article, merging it into an existing duplicate; says what happened (new,
        updated, duplicate) and which stored article it concerns.

        With ``reextract`` a document read again from the place an article came from replaces
        that article's extraction (its id is kept). Call inside :meth:`transaction`.
        """
        now = time.time()
        match = self.find_duplicate(article, by_place=reextract)
        if match is None:
            if self.db.execute("SELECT 1 FROM articles WHERE id=?", (article.id,)).fetchone():
                # its address is taken by another text
                article.id = text_article_id(article.url, article.text_hash)
            self._write(article, now, added=now)
            self._add_sources(article.id, article.provenance)
            return Stored("new", article.id, article.title)
        try:
            existing = self.get(match.id)
        except DamagedRecord:  # the document read again repairs its damaged stored record
            article.id = match.id
            self._write(article, now)
            self._add_sources(article.id, article.provenance)
            return Stored("updated", article.id, article.title)
        assert existing is not None
        known = {p.key() for p in existing.provenance}
        if any(p.key() in known for p in article.provenance):
            # the same source read again: update when the extraction changed, else nothing to do
            if not _changed(existing, article):
                return Stored("duplicate", existing.id, existing.title, "already stored from this place")
            article.id = existing.id
            merged = {p.key(): p for p in existing.provenance}
            merged.update({p.key(): p for p in article.provenance})
            article.provenance = list(merged.values())
            self._write(article, now)
            self._add_sources(article.id, article.provenance)
            return Stored("updated", article.id, article.title)
        existing.provenance.extend(article.provenance)
        self._write(existing, now)
        self._add_sources(existing.id, article.provenance)
        return Stored("duplicate", existing.id, existing.title, match.why, merged=True)

    def _write(self, article: Article, now: float, added: float | None = None) -> None:
        data = json.dumps(article.to_dict(), ensure_ascii=False)
        if added is not None:
            self.db.execute(
                "INSERT INTO articles(id, text_hash, url, data, added, updated) VALUES(?,?,?,?,?,?)",
                (article.id, article.text_hash, article.url, data, added, now),
            )
        else:
            self.db.execute(
                "UPDATE articles SET text_hash=?, url=?, data=?, updated=? WHERE id=?",
                (article.text_hash, article.url, data, now, article.id),
            )

    def _add_sources(self, article_id: str, provenance: Iterable[Provenance]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO sources(article_id, source, member, offset, content_hash) "
            "VALUES(?,?,?,?,?)",
            [
                (
                    article_id,
                    p.source,
                    p.member or "",
                    -1 if p.offset is None else p.offset,
                    p.content_hash,
                )
                for p in provenance
            ],
        )

    @guarded
    def replace(self, article: Article) -> None:
        """Overwrite a stored article in place (same id), e.g. after re-extraction."""
        self._write(article, time.time())
        self._add_sources(article.id, article.provenance)


def _changed(old: Article, new: Article) -> bool:
    a, b = old.to_dict(), new.to_dict()
    a.pop("provenance", None)
    b.pop("provenance", None)
    return a != b


@guarded
def iter_updated_since(
    store: Store, since: float, batch: int = 1000
) -> Iterator[tuple[Article, float]]:
    """Articles changed after ``since`` (a store timestamp), oldest change first."""
    last_t, last_id = since, ""
    while True:
        rows = store.db.execute(
            "SELECT id, data, updated FROM articles WHERE (updated > ?) OR (updated = ? AND id > ?) "
            "ORDER BY updated, id LIMIT ?",
            (last_t, last_t, last_id, batch),
        ).fetchall()
        if not rows:
            return
        for aid, data, updated in rows:
            try:
                yield decode_article(aid, data), updated
            except DamagedRecord:
                store.damaged.add(aid)  # skipped: reported by whoever reads ``damaged``
        last_id, last_t = rows[-1][0], rows[-1][2]
