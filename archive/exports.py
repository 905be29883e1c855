"""Export writers: whole result sets as CSV, JSON Lines, RIS, BibTeX, CSL-JSON and reference
lists in APA, Chicago and MLA.

Pure functions over Articles, with no web framework, so the web app and the ``quarry search
--format`` command share them. ``EXPORT_FORMATS`` maps a format name to
``(mimetype, extension, writer)``. A writer turns an iterable of Articles into an iterator of
text chunks (nothing is held in memory, so a result set of any size streams); it may take
keyword options, read from a request's or a command's arguments by :func:`writer_options`
(only CSV has one: ``body``). Every citation format is made from the one CSL-JSON record of
:mod:`quarry.archive.citation`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from .citation import STYLES, bibtex_entry, bibtex_key, csl_item, render, ris_record
from .model import Article

CSV_FIELDS = (
    "id", "title", "other_titles", "published", "authors", "categories", "site", "language",
    "views", "url", "persons", "organizations", "locations", "sources", "text",
)  # fmt: skip
_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")
CELL_LIMIT = 32_767  # the most characters a spreadsheet cell holds (Excel; UTF-16 units)
BODY_CHOICES = ("cut", "full", "none")  # the CSV's text column: cut short, whole, left out
DEFAULT_BODY = "cut"
BODY_CUT_CHARS = 1_000
CSV_BODY_HELP = (
    f"The CSV's text column: cut (the default: its first {BODY_CUT_CHARS:,} characters and a "
    "marker), full (up to the 32,767 characters a spreadsheet cell holds) or none (left out)."
)


def _units(text: str) -> int:
    """Length as a spreadsheet counts it (UTF-16 code units: an emoji counts two)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int, why: str = "") -> str:
    """``text`` if it fits in ``limit`` units, else its start (at a word boundary when one is
    near) and a marker saying how much was kept: "… [cut: 1,000 of 5,432 characters]"."""
    if _units(text) <= limit:
        return text
    marker = f" … [cut: {len(text):,} of {len(text):,} characters{why}]"
    keep = max(limit - _units(marker), 0)
    head = text[:keep]
    while _units(head) > keep:  # a character beyond the BMP takes two units
        head = head[: len(head) - (_units(head) - keep)]
    space = head.rfind(" ", max(len(head) - 200, 0))
    if space > 0:
        head = head[:space]
    return head.rstrip() + f" … [cut: {len(head.rstrip()):,} of {len(text):,} characters{why}]"


def _csv_cell(value: Any) -> Any:
    """A cell a spreadsheet takes: formulas defused (the data comes from hostile websites) and
    no more than CELL_LIMIT characters."""
    if not isinstance(value, str):
        return value
    if value.startswith(_CSV_FORMULA):
        value = "'" + value
    return cut(value, CELL_LIMIT, "; a spreadsheet cell holds no more")


def csv_fields(body: str = DEFAULT_BODY) -> tuple[str, ...]:
    return CSV_FIELDS if body != "none" else CSV_FIELDS[:-1]


def article_to_csv_row(a: Article, body: str = DEFAULT_BODY) -> list[Any]:
    """One CSV row in :func:`csv_fields` order; list fields joined with '; '. ``body`` is
    ``cut`` (the first BODY_CUT_CHARS characters), ``full`` or ``none`` (no text column)."""
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
    ]
    if body == "cut":
        row.append(cut(a.text, BODY_CUT_CHARS))
    elif body == "full":
        row.append(a.text)
    return [_csv_cell(v) for v in row]


def writer_options(fmt: str, args: Mapping[str, str]) -> dict[str, str]:
    """The keyword options of ``fmt``'s writer from URL or command arguments (``body`` for
    CSV); ValueError with the reason for a value the writer does not take."""
    if fmt != "csv":
        return {}
    body = (args.get("body") or DEFAULT_BODY).strip().lower()
    if body not in BODY_CHOICES:
        raise ValueError(f"body={body[:40]!r} is not an option: use one of {', '.join(BODY_CHOICES)}")
    return {"body": body}


# writers: iterable of Articles -> iterator of text chunks


def write_csv(articles: Iterable[Article], body: str = DEFAULT_BODY) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)

    def flush() -> str:
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    writer.writerow(csv_fields(body))
    yield flush()
    for a in articles:
        writer.writerow(article_to_csv_row(a, body))
        yield flush()


def write_jsonl(articles: Iterable[Article]) -> Iterator[str]:
    for a in articles:
        yield json.dumps(a.to_dict(), ensure_ascii=False, default=str) + "\n"


def write_ris(articles: Iterable[Article]) -> Iterator[str]:
    for a in articles:
        yield ris_record(csl_item(a)) + "\r\n"


def write_bibtex(articles: Iterable[Article]) -> Iterator[str]:
    """BibTeX entries; a key already used in this file is lengthened to the whole archive id."""
    seen: set[str] = set()
    for a in articles:
        item = csl_item(a)
        key = bibtex_key(item)
        if key in seen:
            key = key.rsplit("_", 1)[0] + "_" + a.id
        seen.add(key)
        yield bibtex_entry(item, key) + "\n"


def write_csl(articles: Iterable[Article]) -> Iterator[str]:
    """A JSON array, written item by item."""
    yield "["
    sep = "\n"
    for a in articles:
        yield sep + json.dumps(csl_item(a), ensure_ascii=False)
        sep = ",\n"
    yield "\n]\n"


def reference_list(style: str) -> Callable[[Iterable[Article]], Iterator[str]]:
    """A writer of a plain-text reference list in ``style``, one entry per paragraph, in the
    order given (the style is parsed once, not per entry)."""

    def write(articles: Iterable[Article]) -> Iterator[str]:
        for a in articles:
            try:
                text = render(csl_item(a), style)
            except Exception as exc:  # noqa: BLE001 - one record must not end the file
                text = f"[article {a.id} could not be formatted: {type(exc).__name__}]"
            yield text + "\n\n"

    write.__name__ = f"write_{style.replace('-', '_')}"
    return write


Writer = Callable[..., Iterator[str]]
EXPORT_FORMATS: dict[str, tuple[str, str, Writer]] = {
    "csv": ("text/csv", "csv", write_csv),
    "jsonl": ("application/x-ndjson", "jsonl", write_jsonl),
    "ris": ("application/x-research-info-systems", "ris", write_ris),
    "bib": ("application/x-bibtex", "bib", write_bibtex),
    "csl.json": ("application/vnd.citationstyles.csl+json", "csl.json", write_csl),
    **{key: ("text/plain", f"{key}.txt", reference_list(key)) for key in STYLES},
}
