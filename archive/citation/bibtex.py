"""BibTeX/biblatex entries made from the CSL-JSON record.

News and magazine articles are ``@article`` with a ``journal``; everything else is ``@online``
(biblatex) with the site as ``organization``. Names are written "von Last, Jr, First" so BibTeX
splits them as the CSL record does, and an organisation is braced whole
(``{{European Eye on Radicalization}}``) so it is never split into a first and a last name. Every
LaTeX special character is escaped; keys are the first author's family name, the year and the
start of the archive id ("doe2021_a1b2c3d4"): the same article always gets the same key.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

BIB_TYPES = {"article-newspaper": "article", "article-magazine": "article"}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip


def escape(value: Any) -> str:
    """A value for a braced BibTeX field: one line, LaTeX's special characters escaped."""
    return "".join(_SPECIAL.get(ch, ch) for ch in " ".join(str(value).split()))


def _name(name: dict[str, Any]) -> str:
    if "literal" in name:
        return "{" + escape(name["literal"]) + "}"
    last = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    parts = [last] + ([name["suffix"]] if name.get("suffix") else []) + [name.get("given", "")]
    return ", ".join(_name_part(p) for p in parts if p)


def _name_part(text: str) -> str:
    text = escape(text)
    if "," in text:
        return "{" + text + "}"  # a comma would start the next part of the name
    # a word "and" would end the name and start another: braced, it stays part of this one
    return re.sub(r"\band\b", "{and}", text, flags=re.I)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded).lower()


def bibtex_key(item: dict[str, Any]) -> str:
    """The entry's key: first author's family name (or the site), year, archive id's start."""
    first = (item.get("author") or [{}])[0]
    stem = first.get("family") or " ".join(first.get("literal", "").split()[:1])
    stem = _ascii(stem or item.get("container-title", "") or item.get("publisher", ""))
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    year = parts[0][0] if parts[0] else "nd"
    return f"{stem[:24] or 'quarry'}{year}_{_ascii(str(item['id']))[:8]}"


def _url(url: str) -> str:
    url = url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
    return re.sub(r"\s", "%20", url)


def _iso(value: dict[str, Any] | None) -> str | None:
    parts = (value or {}).get("date-parts") or [[]]
    if not parts[0]:
        return None
    return "-".join(f"{int(p):02d}" if i else f"{int(p):04d}" for i, p in enumerate(parts[0]))


def bibtex_entry(item: dict[str, Any], key: str | None = None) -> str:
    """One entry from a CSL-JSON item (``key`` defaults to :func:`bibtex_key`)."""
    kind = BIB_TYPES.get(item["type"], "online")
    fields: list[tuple[str, str]] = []
    if item.get("title"):
        fields.append(("title", "{{" + escape(item["title"]) + "}}"))
    if item.get("author"):
        fields.append(("author", "{" + " and ".join(_name(n) for n in item["author"]) + "}"))
    issued = _iso(item.get("issued"))
    if issued:
        fields.append(("year", "{" + issued[:4] + "}"))
        if len(issued) >= 7:
            fields.append(("month", MONTHS[int(issued[5:7]) - 1]))  # a BibTeX macro: unbraced
        fields.append(("date", "{" + issued + "}"))
    site = item.get("container-title") or item.get("publisher")
    if site:
        fields.append(("journal" if kind == "article" else "organization", "{" + escape(site) + "}"))
    if item.get("URL"):
        fields.append(("url", "{" + _url(item["URL"]) + "}"))
    accessed = _iso(item.get("accessed"))
    if accessed:
        fields.append(("urldate", "{" + accessed + "}"))
    for name in ("language", "keyword", "note"):
        if item.get(name):
            field = "keywords" if name == "keyword" else name
            fields.append((field, "{" + escape(item[name]) + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{kind}{{{key or bibtex_key(item)},\n{body}\n}}\n"
