"""Export writers: whole result sets and single-article citations as CSV, JSON Lines, RIS,
BibTeX and CSL-JSON.

Pure functions over Articles, with no web framework, so the web app and the ``quarry search
--format`` command share them. ``EXPORT_FORMATS`` maps a format name to
``(mimetype, extension, writer)``, where a writer turns an iterable of Articles into an iterator
of text chunks: nothing is held in memory, so a result set of any size streams.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from .model import Article

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

CSV_FIELDS = (
    "id", "title", "other_titles", "published", "authors", "categories", "site", "language",
    "views", "url", "persons", "organizations", "locations", "sources", "text",
)  # fmt: skip
_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _day(a: Article) -> date | None:
    return a.published_day


def _csv_cell(value: Any) -> Any:
    """Defuse spreadsheet formulas in text cells (the data comes from hostile websites)."""
    if isinstance(value, str) and value.startswith(_CSV_FORMULA):
        return "'" + value
    return value


def article_to_csv_row(a: Article) -> list[Any]:
    """One CSV row in CSV_FIELDS order; list fields joined with '; '."""
    row = [
        a.id,
        a.title,
        "; ".join(a.other_titles),
        a.published_iso or "",
        "; ".join(a.authors),
        "; ".join(a.categories),
        a.site or "",
        a.language or "",
        "" if a.views is None else a.views,
        a.url or "",
        "; ".join(a.entities.person),
        "; ".join(a.entities.organization),
        "; ".join(a.entities.location),
        "; ".join(dict.fromkeys(p.source for p in a.provenance)),
        a.text,
    ]
    return [_csv_cell(v) for v in row]


def _ris_clean(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip()


def article_to_ris(a: Article) -> str:
    """A RIS record (type ELEC, web page), CRLF line ends as the spec asks."""
    lines = [("TY", "ELEC"), ("ID", a.id), ("TI", a.title)]
    lines += [("AU", name) for name in a.authors]
    day = _day(a)
    if day:
        lines += [
            ("PY", f"{day.year:04d}"),
            ("DA", f"{day.year:04d}/{day.month:02d}/{day.day:02d}"),
        ]
    if a.site:
        lines += [("T2", a.site), ("PB", a.site)]
    if a.url:
        lines.append(("UR", a.url))
    if a.language:
        lines.append(("LA", a.language))
    lines += [("KW", c) for c in a.categories]
    if a.body:
        lines.append(("AB", a.body[0][:1000]))
    lines.append(("N1", f"Quarry archive id {a.id}"))
    out = "".join(f"{tag}  - {_ris_clean(value)}\r\n" for tag, value in lines if _ris_clean(value))
    return out + "ER  - \r\n"


_BIB_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip


def _bib_escape(value: Any) -> str:
    text = re.sub(r"\s+", " ", str(value)).strip()
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in text)


def _bib_key(a: Article) -> str:
    first = a.authors[0].split()[-1] if a.authors and a.authors[0].split() else (a.site or "quarry")
    ascii_ = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]", "", ascii_).lower() or "quarry"
    day = _day(a)
    return f"{stem}{day.year if day else 'nd'}_{a.id[:8]}"


def _bib_name(name: str) -> str:
    return _bib_escape(name).replace(" and ", " {and} ")


def article_to_bibtex(a: Article) -> str:
    """A BibTeX @misc entry (understood by BibTeX and biblatex alike); LaTeX specials escaped."""
    fields: list[tuple[str, str]] = [("title", "{{" + _bib_escape(a.title) + "}}")]
    if a.authors:
        fields.append(("author", "{" + " and ".join(_bib_name(n) for n in a.authors) + "}"))
    day = _day(a)
    if day:
        fields.append(("year", "{" + str(day.year) + "}"))
        fields.append(("month", MONTHS[day.month - 1][:3].lower()))  # a BibTeX macro: unbraced
        fields.append(("date", "{" + day.isoformat() + "}"))
    if a.site:
        fields.append(("howpublished", "{" + _bib_escape(a.site) + "}"))
        fields.append(("organization", "{" + _bib_escape(a.site) + "}"))
    if a.url:
        url = a.url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")
        fields.append(("url", "{" + re.sub(r"\s", "%20", url) + "}"))
    if a.language:
        fields.append(("language", "{" + _bib_escape(a.language) + "}"))
    if a.categories:
        fields.append(("keywords", "{" + _bib_escape(", ".join(a.categories)) + "}"))
    fields.append(("note", "{Quarry archive id " + _bib_escape(a.id) + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{_bib_key(a)},\n{body}\n}}\n"


def article_to_csl(a: Article) -> dict[str, Any]:
    """A CSL-JSON item (as used by Zotero, Pandoc and citeproc)."""
    item: dict[str, Any] = {"id": a.id, "type": "webpage", "title": a.title}
    if a.authors:
        item["author"] = [{"literal": name} for name in a.authors]
    day = _day(a)
    if day:
        item["issued"] = {"date-parts": [[day.year, day.month, day.day]]}
    if a.site:
        item["container-title"] = a.site
        item["publisher"] = a.site
    if a.url:
        item["URL"] = a.url
    if a.language:
        item["language"] = a.language
    if a.categories:
        item["keyword"] = ", ".join(a.categories)
    item["note"] = f"Quarry archive id {a.id}"
    return item


def article_citation(a: Article) -> str:
    """A copy-ready APA-like citation in plain text."""
    if len(a.authors) > 1:
        who = ", ".join(a.authors[:-1]) + ", & " + a.authors[-1]
    else:
        who = a.authors[0] if a.authors else ""
    day = _day(a)
    when = f"{day.year}, {MONTHS[day.month - 1]} {day.day}" if day else "n.d."
    title = a.title.rstrip(".")
    parts = [f"{who}. ({when}). {title}." if who else f"{title}. ({when})."]
    if a.site:
        parts.append(f"{a.site}.")
    if a.url:
        parts.append(a.url)
    return " ".join(parts)


# writers: iterable of Articles -> iterator of text chunks


def write_csv(articles: Iterable[Article]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)

    def flush() -> str:
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    writer.writerow(CSV_FIELDS)
    yield flush()
    for a in articles:
        writer.writerow(article_to_csv_row(a))
        yield flush()


def write_jsonl(articles: Iterable[Article]) -> Iterator[str]:
    for a in articles:
        yield json.dumps(a.to_dict(), ensure_ascii=False, default=str) + "\n"


def write_ris(articles: Iterable[Article]) -> Iterator[str]:
    for a in articles:
        yield article_to_ris(a) + "\r\n"


def write_bibtex(articles: Iterable[Article]) -> Iterator[str]:
    for a in articles:
        yield article_to_bibtex(a) + "\n"


def write_csl(articles: Iterable[Article]) -> Iterator[str]:
    """A JSON array, written item by item."""
    yield "["
    sep = "\n"
    for a in articles:
        yield sep + json.dumps(article_to_csl(a), ensure_ascii=False)
        sep = ",\n"
    yield "\n]\n"


Writer = Callable[[Iterable[Article]], Iterator[str]]
EXPORT_FORMATS: dict[str, tuple[str, str, Writer]] = {
    "csv": ("text/csv", "csv", write_csv),
    "jsonl": ("application/x-ndjson", "jsonl", write_jsonl),
    "ris": ("application/x-research-info-systems", "ris", write_ris),
    "bib": ("application/x-bibtex", "bib", write_bibtex),
    "csl.json": ("application/vnd.citationstyles.csl+json", "csl.json", write_csl),
}
