"""Parsing the researcher's query language into a Whoosh query, with alias expansion.

Words, "phrases", AND/OR/NOT (and ``-word``), parentheses, ``field:value``, wildcards, ``term~`` fuzzy,
``"a b"~5`` proximity and ``published:[2021-01 TO 2022-06]`` ranges. A query that cannot be
parsed as written is reported and its plain words are searched instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import qparser, query

from . import aliases
from .aliases import AliasExpansion
from .schema import ANNOTATION_FIELDS, FACET_FIELDS, LANGUAGE_FIELDS, query_schema

FIELD_ALIASES = {
    "published": ["date"],
    "category": ["categories", "topic"],
    "author": ["authors", "by"],
    "organization": ["org", "organisation"],
    "location": ["place", "loc"],
    "language": ["lang"],
    "tag": ["tags"],
    "note": ["notes"],
}
ENTITY_FIELDS = ("person", "organization", "location")
MAX_NESTING = 20
# a field with a quoted value is one token; then phrases (with proximity), parentheses, words
_TOKEN = re.compile(r'[^\s()"]+:"[^"]*"(?:~\d+)?|"[^"]*"(?:~\d+)?|\(|\)|[^\s()"]+')
_DATE_RANGE = re.compile(
    r"\b(?:published|date):\[\s*(\d{4}(?:-\d{2})?)?\s*\bTO\b\s*(\d{4}(?:-\d{2})?)?\s*\]", re.IGNORECASE
)
_OPERATORS = aliases.OPERATORS
# a minus before a word, phrase, group or field at the start of a term: "oil -gas" is NOT gas
# (Whoosh would drop the sign and require the word); "al-Shabaab" and "oil - gas" stay as written
_MINUS = re.compile(r'(^|[\s(])-(?=[\w"(])')


@dataclass
class ParsedQuery:
    query: query.Query
    error: str | None
    text: str  # the text that was finally parsed
    aliases: tuple[AliasExpansion, ...] = ()  # entity aliases expanded (or kept as typed)


def make_parser(schema, languages: tuple[str, ...] = ()) -> qparser.QueryParser:
    """A parser over title and body, plus the language fields that hold documents."""
    schema = query_schema(schema)  # tag: and note: are parsed too (index/annotated.py answers them)
    parser = qparser.MultifieldParser(["title", "body", *languages], schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    parser.add_plugin(qparser.GtLtPlugin())
    return parser


def _syntax_problem(text: str) -> str | None:
    if text.count('"') % 2:
        return "a quotation mark is not closed"
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return "a closing parenthesis has no opening one"
        if depth > MAX_NESTING:
            return f"parentheses are nested more than {MAX_NESTING} deep"
    if depth:
        return "a parenthesis is not closed"
    m = re.search(r"(\w+):\s*\[([^\]]*)\]", text)
    if m and " TO " not in m.group(2).upper() and m.group(2).strip():
        return f"the range in {m.group(0)!r} needs the form [FROM TO TO]"
    if re.search(r"\[[^\]]*$", text):
        return "a range bracket is not closed"
    for field in re.findall(r"(?<![\w\"])([A-Za-z_]+):", text):
        if field.lower() not in _KNOWN_FIELDS:
            return f"there is no field called {field!r}"
    return None


_KNOWN_FIELDS = {"title", "body", *LANGUAGE_FIELDS, "published", "year", "month", "id", *FACET_FIELDS,
                 *ANNOTATION_FIELDS} | {
    a for aliases in FIELD_ALIASES.values() for a in aliases
}


def _errors_in(q: query.Query) -> list[str]:
    found = []
    for node in q.leaves() if hasattr(q, "leaves") else []:
        if node.__class__.__name__ == "ErrorQuery":
            found.append(getattr(node, "message", "invalid part"))
    if q.__class__.__name__ == "ErrorQuery":
        found.append(getattr(q, "message", "invalid query"))
    return found


def plain_words(text: str) -> str:
    words = re.findall(r"\w[\w'’-]*", text)
    return " ".join(w for w in words if w.upper() not in _OPERATORS)


def parse(text: str, schema, authority=None, vocab=None, languages: tuple[str, ...] = (),
          as_typed: tuple[str, ...] = ()) -> ParsedQuery:  # fmt: skip
    """Parse a query; on a syntax problem fall back to its plain words and say why. Aliases
    whose words are in ``as_typed`` are searched as typed."""
    parser = make_parser(schema, languages)
    error = _syntax_problem(text)
    if error is None:
        expanded, found = expand(text, authority, vocab, as_typed)
        try:
            q = parser.parse(expanded)
            problems = _errors_in(q)
            if problems:
                error = "; ".join(problems)
            else:
                return ParsedQuery(q, None, expanded, found)
        except Exception as exc:  # noqa: BLE001 - the parser's failures are the user's typos
            error = str(exc) or type(exc).__name__
    words = plain_words(text)
    expanded, found = expand(words, authority, vocab, as_typed)
    try:
        q = parser.parse(expanded) if words else query.NullQuery
    except Exception:  # noqa: BLE001
        q = query.NullQuery
    return ParsedQuery(q, error, expanded, found)


def expand(text: str, authority=None, vocab=None, as_typed: tuple[str, ...] = ()
           ) -> tuple[str, tuple[AliasExpansion, ...]]:  # fmt: skip
    """Rewrite entity aliases (:mod:`index.aliases`): a bare alias or quoted alias also searches
    its entity and its other names, unless it is in ``as_typed``; ``person:isis`` style values
    become the canonical indexed value. Returns the text and the aliases found.

    ``vocab`` maps a facet field to a function resolving a value case-insensitively.
    """
    text = _DATE_RANGE.sub(_month_range, text)
    text = _MINUS.sub(r"\1NOT ", text)
    tokens = _TOKEN.findall(text)
    shouting = authority is not None and aliases.in_capitals(tokens, authority)
    keep = {aliases.typed_key(w) for w in as_typed}
    found: dict[str, AliasExpansion] = {}
    groups: list[bool] = []  # per open parenthesis: does it hold a field's value ("title:(")?
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        field, sep, value = tok.partition(":")
        if tok == "(" and out and out[-1].endswith(":"):  # "title:(a OR b)": keep it whole
            groups.append(True)
            out[-1] += tok
            i += 1
            continue
        if tok == "(":
            groups.append(False)
        elif tok == ")" and groups:
            groups.pop()
        if sep and field.lower() in FACET_FIELDS and value:
            if value.startswith('"') and not value.endswith('"'):
                out.append(tok)
                i += 1
                continue
            raw = value.strip('"')
            resolved = _resolve_value(field.lower(), raw, authority, vocab)
            out.append(f"{field.lower()}:{aliases.quote(resolved)}")
            i += 1
            continue
        if authority is not None and not sep and not any(groups):
            match = aliases.match(tokens, i, authority, shouting)
            if match:
                n, typed, (etype, canonical) = match
                either, added = aliases.group(typed, etype, canonical, authority)
                expanded = typed not in keep
                found.setdefault(typed, AliasExpansion(typed, etype, canonical, added, expanded))
                out.append(either if expanded else " ".join(tokens[i : i + n]))
                i += n
                continue
        out.append(tok)
        i += 1
    return " ".join(out), tuple(found.values())


def split_date_range(text: str) -> tuple[str, str | None, str | None]:
    """Take a date range that merely narrows an all-AND query out of it, as from/to dates.

    ``oil published:[2008 TO 2009-06]`` is ``oil`` between 2008-01 and 2009-06: a filter over
    the date column, much cheaper than a range query. Queries with OR, NOT or parentheses are
    left whole (the range may sit inside an alternative)."""
    matches = list(_DATE_RANGE.finditer(text))
    if len(matches) != 1:
        return text, None, None
    rest = _DATE_RANGE.sub(" ", text).strip()
    if re.search(r"\b(OR|NOT|ANDNOT|ANDMAYBE)\b|[()]|(^|\s)[-!]", rest):
        return text, None, None
    return rest, matches[0].group(1), matches[0].group(2)


def _month_range(m: re.Match) -> str:
    """``published:[2021 TO 2022-06]`` as a range over the month field: a few dozen terms
    instead of Whoosh's numeric date range, which walks every indexed date (seconds at 50k)."""
    start = m.group(1) or "0000-01"
    end = m.group(2) or "9999-12"
    start = start if len(start) == 7 else start + "-01"
    end = end if len(end) == 7 else end + "-12"
    return f"month:[{start} TO {end}]"


def _resolve_value(field: str, value: str, authority, vocab) -> str:
    if authority is not None and field in ENTITY_FIELDS:
        hit = authority.canonical(value, field) or authority.canonical(value)
        if hit and hit[0] == field:
            value = hit[1]
    if vocab is not None:
        found = vocab(field, value)
        if found:
            return found
    return value
