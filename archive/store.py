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

    def __init__(self, path: Path, readonly: bool = False):
        self.path = Path(path)
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

    def close(self) -> None:
        self.db.close()

    @contextmanager
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
    def generation(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def get(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT data FROM articles WHERE id=?", (article_id,)).fetchone()
        return Article.from_dict(json.loads(row[0])) if row else None

    def get_many(self, ids: list[str]) -> dict[str, Article]:
        out: dict[str, Article] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for aid, data in self.db.execute(
                f"SELECT id, data FROM articles WHERE id IN ({marks})", chunk
            ):
                out[aid] = Article.from_dict(json.loads(data))
        return out

    def iter_articles(self, batch: int = 1000) -> Iterator[Article]:
        last = ""
        while True:
            rows = self.db.execute(
                "SELECT id, data FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for _, data in rows:
                yield Article.from_dict(json.loads(data))
            last = rows[-1][0]

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
        stored = self.get(article.id)  # the id comes from the address when there is one
        if stored is not None and (not article.url or same_text(stored.body, article.body)):
            return Match(stored.id, "the same address and text" if article.url else "the same text")
        return None

    def source_seen(self, prov: Provenance) -> str | None:
        """The article id already stored from exactly this source place with the same content."""
        row = self.db.execute(
            "SELECT article_id FROM sources WHERE source=? AND member=? AND offset=? AND content_hash=?",
            (
                prov.source,
                prov.member or "",
                -1 if prov.offset is None else prov.offset,
                prov.content_hash,
            ),
        ).fetchone()
        return row[0] if row else None

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )
        self.db.commit()

    def sources(self) -> list[tuple[str, str, int]]:
        return self.db.execute("SELECT DISTINCT source, member, offset FROM sources").fetchall()

    # -- writing -----------------------------------------------------------------------------

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
        existing = self.get(match.id)
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

    def replace(self, article: Article) -> None:
        """Overwrite a stored article in place (same id), e.g. after re-extraction."""
        self._write(article, time.time())
        self._add_sources(article.id, article.provenance)


def _changed(old: Article, new: Article) -> bool:
    a, b = old.to_dict(), new.to_dict()
    a.pop("provenance", None)
    b.pop("provenance", None)
    return a != b


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
        for _, data, updated in rows:
            yield Article.from_dict(json.loads(data)), updated
        last_id, last_t = rows[-1][0], rows[-1][2]
