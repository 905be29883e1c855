"""A SQLite FTS5 baseline for the scale benchmark (bench/scale.py): the same articles, the same
queries, the same result page (total, top 20 with snippets, nine facets, histogram).

    python bench/fts5.py build DATA_DIR OUT.sqlite     # from Quarry's store.sqlite
    python bench/fts5.py search OUT.sqlite 'oil published:[2007-01 TO 2007-12]'

Tables: ``docs`` (one row per article: title, body, date, the scalar facets year/month/site/language
and the list facets category/author/person/organization/location as JSON arrays) and ``fts``, an
external-content FTS5(title, body) index over it with the porter stemmer. Ranking is
``bm25(fts, 2.0, 1.0)`` (title weighted twice, as Quarry's title field boost). Facets are
``GROUP BY`` counts (``json_each`` for the list facets) over the matching rowids, materialised
once per query in a temporary table.

The query translation covers the benchmark's query language: words (ANDed), "phrases",
``title:`` (an FTS5 column filter), ``author:``/``category:``/``person:``/``organization:``/
``location:``/``site:``/``language:`` (a WHERE over the facet columns, case-insensitive),
``published:[FROM TO TO]`` (a WHERE on the date column) and ``*`` or nothing (browse, newest first).
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

LIST_FACETS = ("category", "author", "person", "organization", "location")
SCALAR_FACETS = ("year", "month", "site", "language")
FACETS = (
    "category",
    "year",
    "month",
    "author",
    "site",
    "language",
    "person",
    "organization",
    "location",
)
FACET_LIMIT = 10
PAGE_SIZE = 20

SCHEMA = """
CREATE TABLE docs (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    url TEXT,
    published TEXT,            -- YYYY-MM-DD (the article's local date), NULL when undated
    year TEXT, month TEXT, site TEXT, language TEXT,
    category TEXT NOT NULL, author TEXT NOT NULL, person TEXT NOT NULL,
    organization TEXT NOT NULL, location TEXT NOT NULL   -- JSON arrays
);
CREATE VIRTUAL TABLE fts USING fts5(title, body, content='docs', content_rowid='rowid',
                                    tokenize='porter unicode61');
"""


def build(data_dir: Path, out: Path) -> dict:
    """Build the FTS5 database from a Quarry data directory's store; returns counts and seconds."""
    from quarry.archive.model import Article

    t0 = time.perf_counter()
    out = Path(out)
    tmp = out.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{Path(data_dir) / 'store.sqlite'}?mode=ro", uri=True)
    db = sqlite3.connect(tmp)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.executescript(SCHEMA)
    rows = []
    n = 0

    def flush() -> None:
        db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        rows.clear()

    for (data,) in src.execute("SELECT data FROM articles ORDER BY rowid"):
        a = Article.from_dict(json.loads(data))
        day = a.published_day
        ents = a.entities
        n += 1
        rows.append(
            (
                n,
                a.id,
                a.title or "",
                a.text,
                a.url,
                day.isoformat() if day else None,
                f"{day.year:04d}" if day else None,
                f"{day.year:04d}-{day.month:02d}" if day else None,
                a.site,
                a.language,
                json.dumps(list(dict.fromkeys(a.categories)), ensure_ascii=False),
                json.dumps(list(dict.fromkeys(a.authors)), ensure_ascii=False),
                json.dumps(list(dict.fromkeys(ents.person)), ensure_ascii=False),
                json.dumps(list(dict.fromkeys(ents.organization)), ensure_ascii=False),
                json.dumps(list(dict.fromkeys(ents.location)), ensure_ascii=False),
            )
        )
        if len(rows) >= 2000:
            flush()
    flush()
    db.execute("INSERT INTO fts(rowid, title, body) SELECT rowid, title, body FROM docs")
    db.execute("INSERT INTO fts(fts) VALUES('optimize')")
    db.execute("CREATE INDEX docs_published ON docs(published)")
    db.execute("CREATE INDEX docs_year ON docs(year)")
    db.commit()
    db.close()
    src.close()
    tmp.replace(out)
    return {"articles": n, "seconds": round(time.perf_counter() - t0, 2)}


# ------------------------------------------------------------------------------ queries

_TOKEN = re.compile(r'(\w+):\[([^\]]*)\]|(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)')


@dataclass
class Translated:
    match: str | None  # an FTS5 MATCH expression, None: no full-text part
    where: list[str] = field(default_factory=list)  # SQL conditions on docs d
    params: list = field(default_factory=list)


def _fts_phrase(text: str) -> str | None:
    words = re.findall(r"\w+", text)
    return '"' + " ".join(words) + '"' if words else None


def _month_bound(text: str, start: bool) -> str:
    parts = text.strip().split("-")
    if len(parts) == 1:
        return f"{parts[0]}-01-01" if start else f"{parts[0]}-12-31"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-01" if start else f"{parts[0]}-{parts[1]}-31"
    return text.strip()


def translate(q: str) -> Translated:
    """The benchmark's query language -> FTS5 MATCH + WHERE conditions (everything ANDed)."""
    out = Translated(None)
    terms: list[str] = []
    for m in _TOKEN.finditer(q.strip()):
        rng_field, rng, qfield, qvalue, ffield, fvalue, phrase, word = m.groups()
        if rng_field:
            lo, _, hi = rng.upper().partition(" TO ")
            out.where.append("d.published BETWEEN ? AND ?")
            out.params += [_month_bound(lo, True), _month_bound(hi, False)]
            continue
        fname = (qfield or ffield or "").lower()
        fval = qvalue if qfield else fvalue
        if fname:
            if fname in ("title", "body"):
                p = _fts_phrase(fval)
                if p:
                    terms.append(f"{fname} : {p}")
            elif fname in LIST_FACETS or fname in ("categories", "authors", "org", "place"):
                fname = {
                    "categories": "category",
                    "authors": "author",
                    "org": "organization",
                    "place": "location",
                }.get(fname, fname)
                out.where.append(
                    f"EXISTS (SELECT 1 FROM json_each(d.{fname}) j WHERE j.value = ? COLLATE NOCASE)"
                )
                out.params.append(fval)
            elif fname in SCALAR_FACETS:
                out.where.append(f"d.{fname} = ? COLLATE NOCASE")
                out.params.append(fval)
            continue
        if phrase is not None:
            p = _fts_phrase(phrase)
            if p:
                terms.append(p)
            continue
        if word in ("*", "AND"):
            continue
        if word.endswith("*") and len(word) > 1:
            w = re.findall(r"\w+", word)
            if w:
                terms.append('"' + w[0] + '" *')
            continue
        p = _fts_phrase(word)
        if p:
            terms.append(p)
    out.match = " AND ".join(terms) if terms else None
    return out


def _facet_cond(name: str) -> str:
    if name in LIST_FACETS:
        return f"EXISTS (SELECT 1 FROM json_each(d.{name}) j WHERE j.value = ?)"
    return f"d.{name} = ?"


class FTS5Archive:
    def __init__(self, path: Path):
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.execute("PRAGMA mmap_size=2147483648")
        self.db.execute("PRAGMA cache_size=-262144")
        self.db.execute("CREATE TEMP TABLE base(rowid INTEGER PRIMARY KEY, score REAL)")
        self.db.execute("CREATE TEMP TABLE final(rowid INTEGER PRIMARY KEY, score REAL)")

    def close(self) -> None:
        self.db.close()

    def search(
        self,
        q: str,
        filters: dict[str, str] | None = None,
        snippets: bool = True,
        facets: bool = True,
        histogram: bool = True,
    ) -> dict:
        """One result page. ``filters``: facet -> one value to keep (facets combine with AND; a
        facet's own counts ignore its own filter, as Quarry's do)."""
        db = self.db
        filters = filters or {}
        t = translate(q)
        db.execute("DELETE FROM base")
        db.execute("DELETE FROM final")
        where = " AND ".join(t.where) if t.where else "1"
        if t.match is not None:
            db.execute(
                "INSERT INTO base(rowid, score) SELECT f.rowid, bm25(fts, 2.0, 1.0) FROM fts f "
                f"JOIN docs d ON d.rowid = f.rowid WHERE fts MATCH ? AND {where}",
                [t.match, *t.params],
            )
        else:
            db.execute(
                f"INSERT INTO base(rowid, score) SELECT d.rowid, NULL FROM docs d WHERE {where}",
                t.params,
            )
        table = "base"
        if filters:
            conds = " AND ".join(_facet_cond(n) for n in filters)
            db.execute(
                f"INSERT INTO final SELECT b.rowid, b.score FROM base b JOIN docs d ON d.rowid = b.rowid "
                f"WHERE {conds}",
                list(filters.values()),
            )
            table = "final"
        total = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if t.match is not None:
            order = "t.score, t.rowid"
        else:
            order = "d.published DESC, t.rowid DESC"
        top = db.execute(
            f"SELECT d.rowid, d.id, d.title, d.published, d.url, d.author, d.category "
            f"FROM {table} t JOIN docs d ON d.rowid = t.rowid ORDER BY {order} LIMIT {PAGE_SIZE}"
        ).fetchall()
        hits = [
            {
                "id": r[1],
                "title": r[2],
                "date": r[3],
                "url": r[4],
                "authors": json.loads(r[5]),
                "categories": json.loads(r[6]),
                "snippet": "",
            }
            for r in top
        ]
        if snippets and top:
            rowids = [r[0] for r in top]
            if t.match is not None:
                marks = ",".join("?" * len(rowids))
                snips = dict(
                    db.execute(
                        "SELECT rowid, snippet(fts, 1, '<mark>', '</mark>', ' … ', 40) FROM fts "
                        f"WHERE fts MATCH ? AND rowid IN ({marks})",
                        [t.match, *rowids],
                    )
                )
            else:
                marks = ",".join("?" * len(rowids))
                snips = dict(
                    db.execute(
                        f"SELECT rowid, substr(body, 1, 300) FROM docs WHERE rowid IN ({marks})",
                        rowids,
                    )
                )
            for r, h in zip(top, hits, strict=True):
                h["snippet"] = snips.get(r[0], "")
        result = {"total": total, "hits": hits}
        if facets:
            result["facets"] = {name: self._facet(name, filters) for name in FACETS}
        if histogram:
            result["histogram"] = db.execute(
                f"SELECT d.month, count(*) FROM {table} t JOIN docs d ON d.rowid = t.rowid "
                "WHERE d.month IS NOT NULL GROUP BY d.month ORDER BY d.month"
            ).fetchall()
        return result

    def _facet(self, name: str, filters: dict[str, str]) -> list[tuple[str, int]]:
        """Top values of a facet over the base set restricted by every filter but its own."""
        others = {n: v for n, v in filters.items() if n != name}
        conds = " AND ".join(_facet_cond(n) for n in others) if others else "1"
        if name in LIST_FACETS:
            sql = (
                f"SELECT j.value, count(*) c FROM base b JOIN docs d ON d.rowid = b.rowid, "
                f"json_each(d.{name}) j WHERE {conds} GROUP BY j.value ORDER BY c DESC, j.value LIMIT {FACET_LIMIT}"
            )
        else:
            order = f"d.{name} DESC" if name in ("year", "month") else "c DESC"
            sql = (
                f"SELECT d.{name}, count(*) c FROM base b JOIN docs d ON d.rowid = b.rowid "
                f"WHERE d.{name} IS NOT NULL AND {conds} GROUP BY d.{name} ORDER BY {order} LIMIT {FACET_LIMIT}"
            )
        return self.db.execute(sql, list(others.values())).fetchall()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "build":
        print(json.dumps(build(Path(sys.argv[2]), Path(sys.argv[3]))))
    elif len(sys.argv) >= 4 and sys.argv[1] == "search":
        arch = FTS5Archive(Path(sys.argv[2]))
        t0 = time.perf_counter()
        res = arch.search(sys.argv[3])
        res["ms"] = round((time.perf_counter() - t0) * 1000, 2)
        print(json.dumps(res, ensure_ascii=False, indent=1)[:4000])
    else:
        sys.exit(__doc__)
