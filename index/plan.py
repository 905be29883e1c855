"""A request's query, parsed once and walked once.

:func:`prepare` takes the request's ``q`` (already cut to ``MAX_QUERY_CHARS`` when the request
was made), moves a date range that merely narrows it into the date filters
(:func:`index.filters.narrowed`) and parses the rest once (:func:`parse`, :mod:`index.query`). One
walk over the parsed Whoosh query then gives everything later phases need: the plain tree the array matcher
evaluates (:mod:`index.arraymatch`; the nodes below), the words whose positions phrases need, and
what snippets mark per text field: single words, and phrases as phrases (marked only where the
whole phrase occurs, never word by word). Nothing after this module looks at Whoosh's query
classes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh import query as wq

from . import query as qp
from .aliases import AliasExpansion
from .filters import narrowed
from .request import SearchRequest
from .schema import ANNOTATION_FIELDS

MAX_ARRAY_SLOP = 64  # wider proximity searches are left to Whoosh
MAX_EXPENSIVE_TERMS = 16  # wildcard, fuzzy, range and wide proximity terms in one query
_FIELD_PREFIX = re.compile(r"\b\w+:(?=\S)")


# -- the tree the array matcher evaluates ---------------------------------------------------------


@dataclass(frozen=True)
class Term:
    field: str
    text: bytes
    boost: float = 1.0


@dataclass(frozen=True)
class Every:
    """Every document (``field`` None) or every document with some word in a text field."""

    field: str | None
    boost: float = 1.0


@dataclass(frozen=True)
class Nothing:
    pass


@dataclass(frozen=True)
class Not:
    sub: Node


@dataclass(frozen=True)
class And:
    subs: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Or:
    subs: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class AndNot:
    a: Node
    b: Node


@dataclass(frozen=True)
class Require:
    a: Node
    b: Node


@dataclass(frozen=True)
class AndMaybe:
    a: Node
    b: Node


@dataclass(frozen=True)
class Phrase:
    """Words in order, each 1 to ``slop`` positions after the previous (Whoosh's semantics)."""

    field: str
    words: tuple[bytes, ...]
    slop: int
    boost: float = 1.0


@dataclass(frozen=True)
class Expand:
    """A wildcard, prefix, fuzzy term or range: the OR of the indexed words it stands for."""

    field: str
    source: object = field(compare=False)  # the Whoosh query, for the postings' expansion
    key: str = ""  # identifies the expansion (for its cache)
    shown: str = ""  # as the researcher typed it (for messages)
    fuzzy: tuple[str, int, int] | None = None  # (word, maximum distance, prefix length)
    boost: float = 1.0


@dataclass(frozen=True)
class Whoosh:
    """A subtree with no array form (numeric ranges, spans, very wide proximity): Whoosh's own
    matcher runs it."""

    source: object = field(compare=False)
    key: str = ""


@dataclass(frozen=True)
class Annotation:
    """A ``tag:`` or ``note:`` clause: answered from the annotations database (a mask over the
    documents, :mod:`index.annotated`), never from the index."""

    field: str  # "tag" or "note"
    kind: str  # "term", "phrase", "prefix" or "wildcard"
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0


Node = (Term | Every | Nothing | Not | And | Or | AndNot | Require | AndMaybe | Phrase | Expand | Whoosh
        | Annotation)  # fmt: skip


# -- the walk -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Walk:
    """What one walk over a parsed query found (shared by the requests that ask the same)."""

    tree: Node
    phrase_words: frozenset[tuple[str, bytes]] = frozenset()  # whose positions phrases need
    # text field -> words to mark (title words are marked in the body's field)
    marks: dict[str, frozenset[str]] = field(default_factory=dict)
    expansions: tuple[Expand, ...] = ()  # their words are marked too, once expanded
    # text field -> phrases to mark whole: (words, slop) as the matcher matches them
    phrases: dict[str, frozenset[tuple[tuple[str, ...], int]]] = field(default_factory=dict)
    entities: frozenset[tuple[str, str]] = frozenset()  # (type, name) searched as facet values
    annotated: bool = False  # holds Annotation nodes: its matches change with the annotations
    # wildcard, fuzzy and range terms and subtrees left to Whoosh: each can cost a posting list
    # per word it stands for, or a walk of postings one at a time
    expensive: int = 0


class TooCostly(Exception):
    """A query with more expensive terms than one search may run (refused, not run in part)."""


def walk(q, schema) -> Walk:
    """Translate a parsed Whoosh query into the matcher's tree, noting phrase words and the
    words to mark on the way."""
    phrase_words: set[tuple[str, bytes]] = set()
    marks: dict[str, set[str]] = {}
    phrases: dict[str, set[tuple[tuple[str, ...], int]]] = {}
    entities: set[tuple[str, str]] = set()
    expansions: list[Expand] = []
    annotated: list[Annotation] = []

    def mark(fieldname: str, word: str | bytes) -> None:
        if fieldname in ("title", "body") or fieldname.startswith("text_"):
            text = word.decode("utf-8") if isinstance(word, bytes) else word
            marks.setdefault("body" if fieldname == "title" else fieldname, set()).add(text)
        elif fieldname in qp.ENTITY_FIELDS:
            entities.add((fieldname, word.decode("utf-8") if isinstance(word, bytes) else word))

    def mark_phrase(fieldname: str, words, slop: int) -> None:
        """A phrase is marked whole, where all its words occur as the matcher matches them."""
        if len(words) == 1:
            mark(fieldname, words[0])
        elif fieldname in ("title", "body") or fieldname.startswith("text_"):
            texts = tuple(w.decode("utf-8") if isinstance(w, bytes) else w for w in words)
            name = "body" if fieldname == "title" else fieldname
            phrases.setdefault(name, set()).add((texts, slop))

    def encode(fieldname: str, text) -> bytes | None:
        try:
            return text if isinstance(text, bytes) else schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    # expensive terms as typed: a term the parser searches in several fields (the title, the
    # body, each language's text) counts once, in the field that has most of them
    expanded: dict[str, set[str]] = {}
    left_to_whoosh: set[str] = set()

    def whoosh(node, negated: bool) -> Whoosh:
        left_to_whoosh.add(_FIELD_PREFIX.sub("", str(node)))
        if not negated:  # the words inside are marked as Whoosh would have found them
            for leaf in _leaves(node):
                if isinstance(leaf, wq.Term):
                    mark(leaf.fieldname, leaf.text)
                elif isinstance(leaf, wq.Phrase):
                    mark_phrase(leaf.fieldname, leaf.words, leaf.slop)
                elif _expands(leaf) and leaf.field() in schema:
                    expansions.append(expand(leaf))
        return Whoosh(node, repr(node))

    def expand(node) -> Expand:
        shown = str(node)
        if isinstance(node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            shown = shown.split(":", 1)[-1]  # as typed, without the field it was run on
        expanded.setdefault(node.field(), set()).add(shown)
        fuzzy = (node.text, node.maxdist, node.prefixlength) if isinstance(node, wq.FuzzyTerm) else None
        return Expand(node.field(), node, f"{type(node).__name__}:{node!r}", shown, fuzzy, node.boost)

    def go(node, negated: bool) -> Node:
        if getattr(node, "fieldname", None) in ANNOTATION_FIELDS:
            found = _annotation(node)
            if isinstance(found, Annotation):
                annotated.append(found)
            return found
        if isinstance(node, wq.Term):
            if node.fieldname not in schema:
                return Nothing()
            text = encode(node.fieldname, node.text)
            if text is None:
                return Nothing()
            if not negated:
                mark(node.fieldname, text)
            return Term(node.fieldname, text, node.boost)
        if isinstance(node, wq.Every):
            name = node.fieldname
            if name in (None, "", "*"):
                return Every(None, node.boost)
            if name not in schema or not schema[name].scorable:
                return whoosh(node, negated)
            return Every(name, node.boost)
        if node is wq.NullQuery or isinstance(node, type(wq.NullQuery)):
            return Nothing()
        if isinstance(node, wq.Not):
            return Not(go(node.query, not negated))
        if isinstance(node, wq.And):
            return And(tuple(go(s, negated) for s in node.subqueries), node.boost)
        if isinstance(node, wq.Or) and not node.scale and (node.minmatch or 0) <= 1 and type(node) is wq.Or:
            return Or(tuple(go(s, negated) for s in node.subqueries), node.boost)
        if isinstance(node, wq.AndNot):
            return AndNot(go(node.a, negated), go(node.b, not negated))
        if isinstance(node, wq.Require):
            return Require(go(node.a, negated), go(node.b, negated))
        if isinstance(node, wq.AndMaybe):
            return AndMaybe(go(node.a, negated), go(node.b, negated))
        if isinstance(node, wq.Phrase) and 0 < node.slop <= MAX_ARRAY_SLOP:
            if node.fieldname not in schema:
                return Nothing()
            fmt = schema[node.fieldname].format
            if not fmt or not fmt.supports("positions"):
                return whoosh(node, negated)
            words = tuple(encode(node.fieldname, w) for w in node.words)
            if None in words:
                return Nothing()
            phrase_words.update((node.fieldname, word) for word in words)
            if not negated:
                mark_phrase(node.fieldname, words, node.slop)
            return Phrase(node.fieldname, words, node.slop, node.boost)
        if _expands(node):
            if node.field() not in schema:
                return Nothing()
            found = expand(node)
            if not negated:
                expansions.append(found)
            return found
        return whoosh(node, negated)

    tree = go(q, False)
    return Walk(tree, frozenset(phrase_words), {k: frozenset(v) for k, v in marks.items()},
                tuple(expansions), {k: frozenset(v) for k, v in phrases.items()},
                frozenset(entities), bool(annotated),
                max(map(len, expanded.values()), default=0) + len(left_to_whoosh))  # fmt: skip


def _annotation(node) -> Node:
    """A clause on an annotation field as the annotations database answers it."""
    name, boost = node.fieldname, getattr(node, "boost", 1.0)
    if isinstance(node, wq.Phrase):
        return Annotation(name, "phrase", tuple(str(w) for w in node.words), node.slop, boost)
    if isinstance(node, wq.Prefix):
        return Annotation(name, "prefix", (str(node.text),), boost=boost)
    if isinstance(node, wq.Wildcard):
        return Annotation(name, "wildcard", (str(node.text),), boost=boost)
    text = getattr(node, "text", None)
    if isinstance(node, (wq.Term, wq.FuzzyTerm)) and isinstance(text, str) and text:
        return Annotation(name, "term", (text,), boost=boost)  # a fuzzy tag or note word: as written
    return Nothing()  # ranges and the like mean nothing for labels and notes


def _expands(q) -> bool:
    """A query standing for several indexed words (wildcard, fuzzy term, range) that the matcher
    expands itself; numeric ranges are left to Whoosh."""
    return isinstance(q, wq.MultiTerm) and not isinstance(q, wq.NumericRange)


def _leaves(q) -> list:
    try:
        return list(q.leaves()) if q.children() else [q]
    except (AttributeError, TypeError):
        return [q]


# -- the request's query, prepared once ------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """A query text parsed and walked."""

    walk: Walk
    text: str  # the text finally parsed (aliases expanded): what identifies its matches
    error: str | None  # why it was not parsed as written (its plain words were searched)
    aliases: tuple[AliasExpansion, ...] = ()  # entity aliases expanded, or kept as typed


def parse(q: str, schema, authority=None, vocab=None, languages: tuple[str, ...] = (),
          as_typed: tuple[str, ...] = ()) -> Parsed:  # fmt: skip
    """Parse a query text once and walk the result once (the aliases in ``as_typed`` as
    typed)."""
    parsed = qp.parse(q, schema, authority, vocab, languages, as_typed)
    return Parsed(walk(parsed.query, schema), parsed.text, parsed.error, parsed.aliases)


@dataclass(frozen=True)
class Plan:
    """A request ready to run: ``parsed`` is None when it browses every document."""

    request: SearchRequest  # as run: a narrowing date range moved into its date filters
    parsed: Parsed | None

    @property
    def error(self) -> str | None:
        return self.parsed.error if self.parsed else None


def prepare(req: SearchRequest, parse_query: Callable[[str, tuple[str, ...]], Parsed]) -> Plan:
    """The request's date range narrowing taken out, and the rest of its query parsed once
    (``parse_query(q, as_typed)`` is :func:`parse` with the generation's schema, perhaps
    cached); TooCostly when it has more expensive terms than one search may run."""
    req = narrowed(req)
    plan = Plan(req, None if req.is_browse else parse_query(req.q, req.as_typed))
    if plan.parsed is not None and plan.parsed.walk.expensive > MAX_EXPENSIVE_TERMS:
        raise TooCostly(f"the query has {plan.parsed.walk.expensive} wildcard, fuzzy, range or wide "
                        f"proximity terms; at most {MAX_EXPENSIVE_TERMS} can be searched at once")  # fmt: skip
    return plan
