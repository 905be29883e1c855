"""Tags and notes: a researcher's short labels and free text on single articles.

A tag is one tag whatever its case: the spelling first used is kept for everyone after. Notes are
searched with SQLite's FTS5 (Porter stemming, diacritics folded), the same way the index treats
article text: ``note:court`` finds a note saying "courts".
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from .db import AnnotationsError, chunks, now, placeholders, writing

MAX_TAG = 64
MAX_TAGS = 50  # per article
MAX_NOTE = 50_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Note:
    article_id: str
    text: str
    author: str
    created_at: str
    updated_at: str
    updated_by: str


@dataclass
class ArticleNotes:
    """What a researcher added to one article: its tags and its note."""

    tags: list[str] = field(default_factory=list)
    note: str = ""


def clean_tag(text: str) -> str:
    """A tag as stored: one line, spaces collapsed; commas separate tags, so none inside one."""
    tag = " ".join(_CONTROL.sub(" ", str(text or "")).split())
    if not tag:
        raise AnnotationsError("a tag cannot be empty")
    if "," in tag:
        raise AnnotationsError("a tag cannot hold a comma (commas separate tags)")
    if len(tag) > MAX_TAG:
        raise AnnotationsError(f"a tag can be at most {MAX_TAG} characters long: {tag[:20]}…")
    return tag


def split_tags(text: str) -> list[str]:
    """Tags typed into one box, separated by commas."""
    return [clean_tag(part) for part in str(text or "").split(",") if part.strip()]


def clean_note(text: str) -> str:
    note = str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    note = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", note)
    if len(note) > MAX_NOTE:
        raise AnnotationsError(f"a note can be at most {MAX_NOTE:,} characters long")
    return note


def _fts_string(word: str) -> str:
    """A word as an FTS5 string (quoted: it is matched as written, never read as syntax)."""
    return '"' + word.replace('"', '""') + '"'


def note_query(kind: str, words: tuple[str, ...], slop: int = 1) -> str | None:
    """An FTS5 query for a ``note:`` clause: a word, a phrase (with a proximity), a prefix;
    None for a wildcard (FTS5 has none: see :meth:`Notes.note_matches`)."""
    if not words or not all(w.strip() for w in words):
        return None
    if kind == "term":
        return _fts_string(words[0])
    if kind == "prefix":
        return _fts_string(words[0]) + "*"
    if kind == "phrase":
        if slop <= 1 or len(words) == 1:
            return _fts_string(" ".join(words))
        return f"NEAR({' '.join(_fts_string(w) for w in words)}, {slop - 1})"
    return None


class Notes:
    """The tags and notes of one annotations database."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    # -- tags --------------------------------------------------------------------------------

    def tags_of(self, article_id: str) -> list[str]:
        rows = self.conn.execute("SELECT tag FROM tags WHERE article_id = ? ORDER BY tag_key",
                                 (article_id,))  # fmt: skip
        return [r[0] for r in rows]

    def add_tags(self, article_id: str, tags: list[str], author: str = "") -> list[str]:
        """Tag an article; the tags it did not have yet (in the spelling kept for each)."""
        tags = [clean_tag(t) for t in tags]
        added: list[str] = []
        stamp = now()
        with writing(self.conn) as c:
            (have,) = c.execute("SELECT COUNT(*) FROM tags WHERE article_id = ?", (article_id,)).fetchone()
            for tag in dict.fromkeys(tags):
                key = tag.casefold()
                known = c.execute("SELECT tag FROM tags WHERE tag_key = ? LIMIT 1", (key,)).fetchone()
                spelled = known[0] if known else tag
                if c.execute("SELECT 1 FROM tags WHERE article_id = ? AND tag_key = ?",
                             (article_id, key)).fetchone():  # fmt: skip
                    continue
                if have + len(added) >= MAX_TAGS:
                    raise AnnotationsError(f"an article can have at most {MAX_TAGS} tags")
                c.execute("INSERT INTO tags(article_id, tag, tag_key, author, created_at) "
                          "VALUES (?,?,?,?,?)", (article_id, spelled, key, author, stamp))  # fmt: skip
                added.append(spelled)
        return added

    def remove_tag(self, article_id: str, tag: str) -> bool:
        with writing(self.conn) as c:
            return c.execute("DELETE FROM tags WHERE article_id = ? AND tag_key = ?",
                             (article_id, str(tag).strip().casefold())).rowcount > 0  # fmt: skip

    def tag_pairs(self) -> list[tuple[str, str]]:
        """Every (article id, tag): what the Tag facet and ``tag:`` are made from."""
        return self.conn.execute("SELECT article_id, tag FROM tags").fetchall()

    def tag_counts(self) -> list[tuple[str, int]]:
        """Every tag with how many articles have it, the most used first."""
        rows = self.conn.execute("SELECT MIN(tag), COUNT(*) FROM tags GROUP BY tag_key "
                                 "ORDER BY COUNT(*) DESC, tag_key")  # fmt: skip
        return [(r[0], r[1]) for r in rows]

    def tagged(self, kind: str, value: str) -> list[str]:
        """The articles with a tag equal to ``value`` (any case), starting with it (``prefix``)
        or matching it as a wildcard (``*``, ``?``)."""
        key = value.strip().casefold()
        if kind == "term":
            rows = self.conn.execute("SELECT article_id FROM tags WHERE tag_key = ?", (key,))
            return [r[0] for r in rows]
        keys = [r[0] for r in self.conn.execute("SELECT DISTINCT tag_key FROM tags")]
        if kind == "prefix":
            wanted = [k for k in keys if k.startswith(key)]
        else:
            wanted = [k for k in keys if fnmatchcase(k, key)]
        out: list[str] = []
        for part in chunks(wanted):
            rows = self.conn.execute(f"SELECT article_id FROM tags WHERE tag_key IN ({placeholders(len(part))})", part)
            out += [r[0] for r in rows]
        return out

    # -- notes -------------------------------------------------------------------------------

    def note_of(self, article_id: str) -> Note | None:
        row = self.conn.execute(
            "SELECT article_id, text, author, created_at, updated_at, updated_by FROM notes "
            "WHERE article_id = ?", (article_id,)).fetchone()  # fmt: skip
        return Note(*row) if row else None

    def set_note(self, article_id: str, text: str, author: str = "") -> Note | None:
        """Write an article's note (an empty one deletes it)."""
        text, stamp = clean_note(text), now()
        with writing(self.conn) as c:
            if not text:
                c.execute("DELETE FROM notes WHERE article_id = ?", (article_id,))
            else:
                c.execute(
                    "INSERT INTO notes(article_id, text, author, created_at, updated_at, updated_by) "
                    "VALUES (?,?,?,?,?,?) ON CONFLICT(article_id) DO UPDATE SET text = excluded.text, "
                    "updated_at = excluded.updated_at, updated_by = excluded.updated_by "
                    "WHERE notes.text IS NOT excluded.text",
                    (article_id, text, author, stamp, stamp, author),
                )
        return self.note_of(article_id)

    def note_matches(self, kind: str, words: tuple[str, ...], slop: int = 1) -> list[str]:
        """The articles whose note has the word, phrase or prefix (``kind`` as in
        :func:`note_query`), or a word matching a wildcard pattern."""
        query = note_query(kind, words, slop)
        if query is not None:
            try:
                rows = self.conn.execute(
                    "SELECT n.article_id FROM notes_fts f JOIN notes n ON n.rowid = f.rowid "
                    "WHERE notes_fts MATCH ?", (query,)).fetchall()  # fmt: skip
            except sqlite3.OperationalError:  # a word FTS5 cannot take (no letters at all)
                return []
            return [r[0] for r in rows]
        if kind != "wildcard" or not words:
            return []
        pattern = words[0].casefold()
        out = []
        for aid, text in self.conn.execute("SELECT article_id, text FROM notes"):
            if any(fnmatchcase(w, pattern) for w in re.findall(r"\w+", text.casefold())):
                out.append(aid)
        return out

    # -- both, for many articles at once -----------------------------------------------------

    def annotations_of(self, article_ids: list[str]) -> dict[str, ArticleNotes]:
        """Tags and note of each of these articles that has either (for result lists and exports)."""
        out: dict[str, ArticleNotes] = {}
        ids = list(dict.fromkeys(article_ids))
        for part in chunks(ids):
            marks = placeholders(len(part))
            for aid, tag in self.conn.execute(
                f"SELECT article_id, tag FROM tags WHERE article_id IN ({marks}) ORDER BY tag_key", part
            ):
                out.setdefault(aid, ArticleNotes()).tags.append(tag)
            for aid, text in self.conn.execute(
                f"SELECT article_id, text FROM notes WHERE article_id IN ({marks})", part
            ):
                out.setdefault(aid, ArticleNotes()).note = text
        return out
