"""RIS records (Zotero, EndNote, Mendeley, Citavi) made from the CSL-JSON record.

One tag per line, CRLF line ends, as the RIS specification asks. A person is written
"Family, Given, Suffix" (particles before the family name: "van der Berg, Jan"); an organisation
is written whole with no comma, which reference managers read as a single-field (corporate) name.
"""

from __future__ import annotations

from typing import Any

from .names import name_text

RIS_TYPES = {
    "article-newspaper": "NEWS",
    "article-magazine": "MGZN",
    "post-weblog": "BLOG",
    "webpage": "ELEC",
    "report": "RPRT",
}


def _one_line(value: Any) -> str:
    return " ".join(str(value).split())


def _ris_date(value: dict[str, Any] | None) -> str | None:
    """CSL date-parts as RIS's YYYY/MM/DD (missing parts left empty: "2021//")."""
    parts = (value or {}).get("date-parts") or [[]]
    if not parts[0]:
        return None
    year, month, day = (list(parts[0]) + [None, None])[:3]
    return f"{int(year):04d}/" + (f"{int(month):02d}" if month else "") + "/" + (
        f"{int(day):02d}" if day else ""
    )


def ris_record(item: dict[str, Any]) -> str:
    """One RIS record, ``TY`` to ``ER``, from a CSL-JSON item."""
    lines: list[tuple[str, Any]] = [("TY", RIS_TYPES.get(item["type"], "ELEC")), ("ID", item["id"])]
    lines.append(("TI", item.get("title", "")))
    lines += [("AU", name_text(n)) for n in item.get("author", [])]
    issued = _ris_date(item.get("issued"))
    if issued:
        lines += [("PY", issued[:4]), ("DA", issued)]
    lines.append(("T2", item.get("container-title", "")))
    lines.append(("PB", item.get("publisher", "")))
    lines.append(("UR", item.get("URL", "")))
    lines.append(("Y2", _ris_date(item.get("accessed")) or ""))
    lines.append(("LA", item.get("language", "")))
    lines.append(("AB", item.get("abstract", "")))
    lines += [("KW", k) for k in item.get("keyword", "").split(", ")]
    lines.append(("N1", item.get("note", "")))
    out = "".join(f"{tag}  - {text}\r\n" for tag, value in lines if (text := _one_line(value)))
    return out + "ER  - \r\n"
