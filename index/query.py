"""Parsing the researcher's query language into a Whoosh query, with alias expansion.

Words, "phrases", AND/OR/NOT (and ``-word``), parentheses, ``field:value``, wildcards, ``term~`` fuzzy,
``"a b"~5`` proximity and ``published:[2021-01 TO 2022-06]`` ranges. A query that cannot be
parsed as written is reported and its plain words are searched instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import qparser, query

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
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
# a minus before a word, phrase, group or field at the start of a term: "oil -gas" is NOT gas
# (Whoosh would drop the sign and require the word); "al-Shabaab" and "oil - gas" stay as written
_MINUS = re.compile(r'(^|[\s(])-(?=[\w"(])')


@dataclass
class ParsedQuery:
    query: query.Query
    error: str | None
    text: str  # the text that was finally parsed


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


def parse(text: str, schema, authority=None, vocab=None, languages: tuple[str, ...] = ()) -> ParsedQuery:
    """Parse a query; on a syntax problem fall back to its plain words and say why."""
    parser = make_parser(schema, languages)
    error = _syntax_problem(text)
    if error is None:
        expanded = expand(text, authority, vocab)
        try:
            q = parser.parse(expanded)
            problems = _errors_in(q)
            if problems:
                error = "; ".join(problems)
            else:
                return ParsedQuery(q, None, expanded)
        except Exception as exc:  # noqa: BLE001 - the parser's failures are the user's typos
            error = str(exc) or type(exc).__name__
    words = plain_words(text)
    expanded = expand(words, authority, vocab)
    try:
        q = parser.parse(expanded) if words else query.NullQuery
    except Exception:  # noqa: BLE001
        q = query.NullQuery
    return ParsedQuery(q, error, expanded)


def _quote(value: str) -> str:
    return '"' + value.replace('"', " ") + '"'


def expand(text: str, authority=None, vocab=None) -> str:
    """Rewrite entity aliases: a bare alias or quoted alias becomes its canonical entity or any
    of its names in the text; ``person:isis`` style values become the canonical indexed value.

    ``vocab`` maps a facet field to a function resolving a value case-insensitively.
    """
    text = _DATE_RANGE.sub(_month_range, text)
    text = _MINUS.sub(r"\1NOT ", text)
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        field, sep, value = tok.partition(":")
        if sep and field.lower() in FACET_FIELDS and value:
            if value.startswith('"') and not value.endswith('"'):
                out.append(tok)
                i += 1
                continue
            raw = value.strip('"')
            resolved = _resolve_value(field.lower(), raw, authority, vocab)
            out.append(f"{field.lower()}:{_quote(resolved)}")
            i += 1
            continue
        if authority is not None and not sep:
            match = _match_alias(tokens, i, authority)
            if match:
                n, (etype, canonical) = match
                out.append(_entity_group(etype, canonical, authority))
                i += n
                continue
        out.append(tok)
        i += 1
    return " ".join(out)


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


def _match_alias(tokens: list[str], i: int, authority):
    tok = tokens[i]
    if tok.startswith('"'):
        if re.search(r"~\d+$", tok):
            return None
        hit = authority.canonical(tok.strip('"'))
        return (1, hit) if hit else None
    for n in range(min(6, len(tokens) - i), 0, -1):
        words = tokens[i : i + n]
        if any(w in _OPERATORS or w in "()" or ":" in w or w.startswith('"') or any(c in w for c in "*?~^[]{}") for w in words):
            continue
        hit = authority.canonical(" ".join(words))
        if hit:
            return n, hit
    return None


def _entity_group(etype: str, canonical: str, authority) -> str:
    parts = [f"{etype}:{_quote(canonical)}"]
    names = [canonical, *authority.aliases(etype, canonical)]
    for name in dict.fromkeys(names):
        if len(name) <= 3 and name.isupper():
            continue  # bare acronyms (IS, US, AQ) would match common words in the text
        if any(len(w) < 2 for w in re.findall(r"\w+", name)):
            continue  # "X Corp" would search as "corp": the analyzer drops one-letter words
        parts.append(_quote(name))
    return "(" + " OR ".join(parts) + ")"
