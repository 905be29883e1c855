"""Why a search found nothing: the query as the engine understood it, in words, and how many
articles each restriction leaves out.

A page that finds nothing should say why. :func:`describe` puts the walked query (the tree the
matcher ran, :mod:`index.plan`: aliases expanded, words stemmed, fields chosen) into words, using
the words as the researcher typed them where the index holds a stem. :func:`relaxations` counts,
for each restriction of the request in turn, the articles found without it, from the masks the
search already made (one AND per restriction: the ANDs of all before and all after it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from . import plan
from .aliases import AliasExpansion
from .columns import Columns
from .filters import parts
from .query import ENTITY_FIELDS
from .request import FACETS, SearchRequest

MAX_DESCRIPTION = 600
_RANGE = re.compile(r"[\[{](\S*) TO (\S*)[\]}]")
ENTITY_WORDS = {"person": "the person", "organization": "the organisation", "location": "the place"}


@dataclass
class Relaxed:
    """One restriction of a search and how many articles the search finds without it."""

    # "facet" (its selected values), "exclude", "within", "dates", "collection", "query", and
    # "filters": every restriction but the collection at once (what the query alone finds)
    kind: str
    facet: str  # the facet ("" for dates, the collection and the query)
    value: str  # the excluded or required value; "from..to"; "" for a facet and the collection
    total: int  # articles found without this restriction (all the others kept)

    def to_json(self) -> dict:
        return {"kind": self.kind, "facet": self.facet, "value": self.value, "total": self.total}


def why_nothing(schema, plan_: plan.Plan, columns: Columns, qmask: np.ndarray | None,
                includes: dict[str, np.ndarray], allowed: np.ndarray | None) -> tuple[str | None, list[Relaxed]]:  # fmt: skip
    """For a search that found nothing: its query in words (None: browsing) and its
    :func:`relaxations`."""
    req, parsed = plan_.request, plan_.parsed
    understood = None if parsed is None else describe(parsed.walk.tree, req.q, schema["body"].analyzer, parsed.aliases)
    return understood, relaxations(columns, req, qmask, includes, allowed)


def relaxations(columns: Columns, req: SearchRequest, qmask: np.ndarray | None,
                includes: dict[str, np.ndarray], allowed: np.ndarray | None) -> list[Relaxed]:  # fmt: skip
    """For each restriction of ``req`` (facet selections, exclusions, ``within`` pairs, dates,
    the collection, and the query when there are others), the articles found without it, and
    then without any of them but the collection (``filters``).
    ``qmask`` is the query's matches (None: browsing), ``allowed`` the collection's mask."""
    items = [(("facet", name, ""), mask) for name, mask in includes.items()]
    items += parts(columns, req, req.within)
    if allowed is not None:
        items.append((("collection", "", ""), allowed))
    if not items:
        return []
    if qmask is not None:
        items.append((("query", "", req.q), qmask))
    masks = [columns.live, *(mask for _, mask in items)]
    before = [masks[0]]  # before[i]: the AND of masks[:i + 1]
    for mask in masks[1:]:
        before.append(before[-1] & mask)
    after = np.ones(columns.ndocs, dtype=bool)
    totals = []
    for i in range(len(masks) - 1, 0, -1):  # without masks[i]: before[i - 1] & after
        totals.append(int(np.count_nonzero(before[i - 1] & after)))
        after = after & masks[i]
    out = [Relaxed(*key, total) for (key, _), total in zip(items, reversed(totals), strict=True)]
    if qmask is not None:
        alone = qmask if allowed is None else qmask & allowed
        out.append(Relaxed("filters", "", "", int(np.count_nonzero(alone & columns.live))))
    return out


def describe(tree: plan.Node, q: str, analyzer, aliases: tuple[AliasExpansion, ...] = ()) -> str:
    """The walked query in words: words as typed in ``q`` where ``analyzer`` (the text's) gives
    the stem searched, phrases, fields, wildcards and fuzzy terms said as such, an expanded alias
    as its entity."""
    text = _say(tree, _Context(q, analyzer, aliases), top=True)
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1].rstrip() + "…"


class _Context:
    """What saying a query needs: the stems of the words typed, and the aliases expanded (in
    the order of the query, as the walk meets them)."""

    def __init__(self, q: str, analyzer, aliases: tuple[AliasExpansion, ...]) -> None:
        self.analyzer = analyzer
        self.typed: dict[str, str] = {}  # stem -> the word as typed (the first that gives it)
        for start, end, stem in self._tokens(q):
            self.typed.setdefault(stem, q[start:end])
        self.pending: dict[tuple[str, str], list[AliasExpansion]] = {}
        for alias in aliases:
            if alias.expanded:
                self.pending.setdefault((alias.type, alias.name), []).append(alias)

    def _tokens(self, text: str) -> list[tuple[int, int, str]]:
        try:
            return [(t.startchar, t.endchar, t.text) for t in self.analyzer(text, chars=True, mode="query")]
        except Exception:  # noqa: BLE001 - a description is best effort: stems stand in
            return []

    def stems(self, text: str) -> tuple[str, ...]:
        return tuple(stem for _, _, stem in self._tokens(text))

    def word(self, stem: bytes) -> str:
        value = stem.decode("utf-8", "replace")
        return self.typed.get(value, value)


def _is_text(field: str | None) -> bool:
    return field in ("title", "body") or bool(field and field.startswith("text_"))


def _where(field: str) -> str:
    return " in the title" if field == "title" else ""


def _say(node: plan.Node, ctx: _Context, top: bool = False) -> str:
    """One node in words (``top``: no parentheses around a group)."""
    if isinstance(node, plan.Term):
        if _is_text(node.field):
            return f"“{ctx.word(node.text)}”{_where(node.field)}"
        value = node.text.decode("utf-8", "replace")
        if node.field in ENTITY_FIELDS:
            return f"{ENTITY_WORDS[node.field]} {value}"
        return f"{FACETS.get(node.field, node.field).lower()} “{value}”"
    if isinstance(node, plan.Phrase):
        words = " ".join(ctx.word(w) for w in node.words)
        near = f" (within {node.slop} words)" if node.slop > 1 else ""
        return f"the phrase “{words}”{near}{_where(node.field)}"
    if isinstance(node, plan.Expand):
        if node.fuzzy:
            return f"words spelled like “{node.fuzzy[0]}”{_where(node.field)}"
        span = _RANGE.search(node.shown)
        if span and not _is_text(node.field):
            return f"{FACETS.get(node.field, node.field).lower()} from {span[1] or 'the first'} to {span[2] or 'the last'}"
        return f"words matching {node.shown}{_where(node.field)}"
    if isinstance(node, plan.Annotation):
        what = "your tag" if node.field == "tag" else "your notes with"
        return f"{what} “{' '.join(node.words)}”" + ("…" if node.kind in ("prefix", "wildcard") else "")
    if isinstance(node, plan.Not):
        return "not " + _say(node.sub, ctx)
    if isinstance(node, plan.AndNot):
        return f"{_say(node.a, ctx)} but not {_say(node.b, ctx)}"
    if isinstance(node, (plan.Require, plan.AndMaybe)):
        joint = " and " if isinstance(node, plan.Require) else ", preferring "
        return _group([_say(node.a, ctx), _say(node.b, ctx)], joint, top)
    if isinstance(node, plan.And):
        return _group([_say(s, ctx) for s in node.subs], " and ", top)
    if isinstance(node, plan.Or):
        return _say_or(node, ctx, top)
    if isinstance(node, plan.Every):
        return "every article" if node.field is None else f"any word in {node.field}"
    if isinstance(node, plan.Nothing):
        return "nothing (a field or word the index cannot hold)"
    return f"({node.key})" if isinstance(node, plan.Whoosh) else "?"


def _say_or(node: plan.Or, ctx: _Context, top: bool) -> str:
    """An OR: the aliases it expanded said as their entity, a word or phrase searched in the title
    and the text said once."""
    said, covered = [], set()
    for sub in node.subs:
        if isinstance(sub, plan.Term) and sub.field in ENTITY_FIELDS:
            for alias in _claim(ctx, (sub.field, sub.text.decode("utf-8", "replace")), node):
                said.append(f"“{alias.typed}” (also {ENTITY_WORDS[alias.type]} {alias.name}, by any of its names)")
                covered |= {ctx.stems(name) for name in (alias.typed, *alias.added)} | {_key(sub)}
    said += [_say(s, ctx) for s in node.subs if _key(s) not in covered]
    said = list(dict.fromkeys(said))
    said = [s for s in said if not (s.endswith(" in the title") and s[: -len(" in the title")] in said)]
    return said[0] if len(said) == 1 else _group(said, " or ", top)


def _claim(ctx: _Context, entity: tuple[str, str], node: plan.Or) -> list[AliasExpansion]:
    """The pending aliases of ``entity`` whose words this OR searches (the first, if none)."""
    pending = ctx.pending.get(entity, [])
    keys = {_key(s) for s in node.subs}
    mine = [a for a in pending if ctx.stems(a.typed) in keys] or pending[:1]
    for alias in mine:
        pending.remove(alias)
    return mine


def _key(node: plan.Node) -> tuple:
    """A text field's word or phrase as its stems (whatever the field), else the node itself."""
    if isinstance(node, plan.Term) and _is_text(node.field):
        return (node.text.decode("utf-8", "replace"),)
    if isinstance(node, plan.Phrase) and _is_text(node.field):
        return tuple(w.decode("utf-8", "replace") for w in node.words)
    return (node,)


def _group(said: list[str], joint: str, top: bool) -> str:
    text = joint.join(said)
    return text if top or len(said) < 2 else f"({text})"
