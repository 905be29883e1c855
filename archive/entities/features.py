"""CRF features for the tokens of a sentence, in the groups a model was trained with.

Per-token features depend only on the token string and are cached; a sentence's feature lists
are built from those (context words +-2), the alias-table gazetteer tags, the GeoNames place
tags (``places.py``) and what the rest of the document says about the word's case
(:class:`DocumentContext`). A model records which groups it was trained with (``GROUPS``), so
that tagging uses exactly the same features.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_TOKEN_CACHE: dict[str, tuple[list[str], dict[int, tuple[str, ...]]]] = {}
_CACHE_LIMIT = 200_000
_OFFSETS = (-2, -1, 1, 2)
# Name particles (Arabic, Persian, Dutch, German...): "al-Assad", "bin Laden", "van Gogh".
_PARTICLES = frozenset(
    "al el ad ar as ash at az an ud ul bin ibn bint abu abd abdul abdel ben van von der de "
    "del della di da dos du la le mac mc".split()
)
# Optional feature groups: alias-table gazetteer, GeoNames places, document case evidence,
# all-capitals sentences (headlines, datelines), and the neighbours of a capitalised word's
# other occurrences in the document ("near": "Duffy" after a capitalised word elsewhere).
# "conj": conjunctions of neighbouring tokens: the short shapes of the word and its two
# neighbours together ("Xx|x|Xx": a lower-case word between names) and the word with the next
# one ("party said"). "words": how common the word is in the language and as a given name or
# surname, from word lists outside the training data (``wordlists.py``).
GROUPS = ("gaz", "places", "doc", "caps", "near", "conj", "words")
_NEAR_LIMIT = 8
_SENTENCE_END = (".", "!", "?", ":", '"', "\u201d")
_STRIP = ".,;:!?\"'()[]{}<>\u201c\u201d\u2018\u2019*"


def word_shape(tok: str) -> str:
    """Character classes: X upper, x lower, d digit, other characters kept (``Xxxx-Xxxx``)."""
    out = []
    for c in tok:
        if c.isupper():
            out.append("X")
        elif c.islower():
            out.append("x")
        elif c.isdigit():
            out.append("d")
        else:
            out.append(c)
    return "".join(out)


def short_shape(shape: str) -> str:
    """Word shape with runs collapsed (``Xx-Xx``)."""
    out = []
    last = ""
    for c in shape:
        if c != last:
            out.append(c)
            last = c
    return "".join(out)


def _token_entry(tok: str) -> tuple[list[str], dict[int, tuple[str, ...]]]:
    hit = _TOKEN_CACHE.get(tok)
    if hit is not None:
        return hit
    low = tok.lower()
    shape = word_shape(tok)
    sshape = short_shape(shape)
    title = tok[:1].isupper()
    feats = [
        "bias",
        "w=" + low,
        "sh=" + (shape if len(shape) <= 6 else sshape),
        "ss=" + sshape,
        "p1=" + low[:1],
        "p2=" + low[:2],
        "p3=" + low[:3],
        "s1=" + low[-1:],
        "s2=" + low[-2:],
        "s3=" + low[-3:],
        "s4=" + low[-4:],
    ]
    if title:
        feats.append("T")
    if tok.isupper():
        feats.append("U")
    if tok.isdigit():
        feats.append("D")
    elif any(c.isdigit() for c in tok):
        feats.append("hd")
    if "-" in tok:
        feats.append("hy")
        parts = low.split("-")
        feats.append("hy0=" + parts[0])
        feats.append("hyN=" + parts[-1])
    if any(c.isupper() for c in tok[1:]):
        feats.append("mc")
    if low in _PARTICLES:
        feats.append("part")
    elif "-" in low and low.split("-", 1)[0] in _PARTICLES and any(c.isupper() for c in tok):
        feats.append("partN")
    if "." in tok:
        feats.append("dot")
    if len(tok) == 1:
        feats.append("len1")
    elif len(tok) <= 3:
        feats.append("len3")
    ctx = {}
    for off in _OFFSETS:
        p = str(off)
        extra = (p + "T",) if title else ()
        if "partN" in feats:
            extra += (p + "P",)
        ctx[off] = (p + "w=" + low, p + "ss=" + sshape) + extra
    entry = (feats, ctx)
    if len(_TOKEN_CACHE) > _CACHE_LIMIT:
        _TOKEN_CACHE.clear()
    _TOKEN_CACHE[tok] = entry
    return entry


@dataclass
class DocumentContext:
    """How the words of one document are written away from the start of a sentence.

    A capitalised word that the same document also writes in lower case is probably not a name
    ("Police said ... the police"); an all-capitals word written elsewhere in title case is a
    name in a headline or dateline ("LONDON (Reuters) - ... in London").
    """

    lower: set[str] = field(default_factory=set)  # words written in lower case
    title: set[str] = field(default_factory=set)  # capitalised words after a sentence's start
    upper: set[str] = field(default_factory=set)  # all-capitals words in mixed-case text
    # capitalised word -> the kinds of words before ("p=") and after ("n=") its occurrences
    near: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, texts: Iterable[str]) -> DocumentContext:
        """The context of a document given as its paragraphs (or its sentences)."""
        ctx = cls()
        for text in texts:
            raws = text.split()
            words = [raw.strip(_STRIP) for raw in raws]
            shouting = _mostly_upper(raws)
            start = True
            for k, (raw, w) in enumerate(zip(raws, words, strict=True)):
                if w and w[0].isalpha():
                    if w[0].islower():
                        ctx.lower.add(w)
                    else:
                        if not start:
                            if not w.isupper():
                                ctx.title.add(w)
                            elif not shouting and len(w) > 1:
                                ctx.upper.add(w)
                        near = ctx.near.setdefault(w, set())
                        if len(near) < _NEAR_LIMIT:
                            before = "S" if start else _kind(words[k - 1], raws[k - 1][-1] + raw[0])
                            after = (
                                _kind(words[k + 1], raw[-1] + raws[k + 1][0])
                                if k + 1 < len(raws)
                                else "E"
                            )
                            near.add("p=" + before)
                            near.add("n=" + after)
                start = raw.endswith(_SENTENCE_END)
        return ctx


def _kind(word: str, edges: str) -> str:
    """What a neighbouring word is: punctuation between (``edges``: the characters on either
    side of the gap) gives "P"; capitalised "C", capitals "U", a number "D", else the lower-case
    word itself."""
    if not edges.isalnum() or not word:
        return "P"
    if word[0].isupper():
        return "U" if word.isupper() and len(word) > 1 else "C"
    if word[0].isdigit():
        return "D"
    return word.lower()


def _mostly_upper(words: Sequence[str]) -> bool:
    alpha = [w for w in words if sum(c.isalpha() for c in w) > 1]
    return len(alpha) >= 3 and sum(w.isupper() for w in alpha) >= 0.8 * len(alpha)


def _doc_feature(tok: str, ctx: DocumentContext) -> str | None:
    if not tok[:1].isupper():
        return None
    if tok.isupper() and len(tok) > 1:
        if tok.title() in ctx.title or tok.capitalize() in ctx.title:
            return "dT"  # "LONDON" where "London" is written too
        if tok in ctx.upper:
            return "dU"  # an acronym the running text writes in capitals too
        if tok.lower() in ctx.lower:
            return "dUl"  # "POLICE" where "police" is written too
        return "dU0"
    low = tok[:1].lower() + tok[1:]
    if low in ctx.lower or tok.lower() in ctx.lower:
        return "dL"  # "Police" where "police" is written too
    if tok in ctx.title:
        return "dM"  # capitalised after the start of some sentence
    return "d0"


def sentence_features(
    tokens: Sequence[str],
    gaz: Sequence[str] | None = None,
    places: Sequence[str] | None = None,
    doc: DocumentContext | None = None,
    caps: bool = False,
    near: bool = False,
    case: bool = True,
    conj: bool = False,
    words: Sequence[tuple[str, ...]] | None = None,
) -> list[list[str]]:
    """Feature lists for every token of a sentence.

    ``gaz``: per-token alias-table tags (``B-ORG``...); ``places``: per-token place kinds (""
    outside); ``doc``: the document, for its case evidence (``case``) and the neighbours of the
    word's occurrences in it (``near``); ``caps``: mark a sentence written in capitals (its shapes then
    say nothing); ``conj``: the shapes of the word and its neighbours together, and the word
    with the next one; ``words``: per-token word-list features (``WordList.tags``).
    """
    n = len(tokens)
    entries = [_token_entry(t) for t in tokens]
    shouting = caps and _mostly_upper(tokens)
    out = []
    for i in range(n):
        feats = list(entries[i][0])
        if i == 0:
            feats.append("BOS")
        elif i == 1:
            feats.append("BOS+1")
        if i == n - 1:
            feats.append("EOS")
        for off in _OFFSETS:
            j = i + off
            if 0 <= j < n:
                feats.extend(entries[j][1][off])
        if i > 0:
            feats.append("bg=" + entries[i - 1][0][1][2:] + "|" + entries[i][0][1][2:])
        if conj:
            prev = entries[i - 1][0][3][3:] if i > 0 else "^"
            nxt = entries[i + 1][0][3][3:] if i + 1 < n else "$"
            feats.append(f"sh3={prev}|{entries[i][0][3][3:]}|{nxt}")  # short shapes
            if i + 1 < n:
                feats.append("bn=" + entries[i][0][1][2:] + "|" + entries[i + 1][0][1][2:])
        if gaz is not None:
            g = gaz[i]
            if g != "O":
                feats.append("g=" + g)
                feats.append("gt=" + g[2:])
            if i > 0 and gaz[i - 1] != "O":
                feats.append("g-1=" + gaz[i - 1])
            if i + 1 < n and gaz[i + 1] != "O":
                feats.append("g+1=" + gaz[i + 1])
        if places is not None:
            if places[i]:
                feats.append("pl=" + places[i])
            if i > 0 and places[i - 1]:
                feats.append("pl-1=" + places[i - 1])
            if i + 1 < n and places[i + 1]:
                feats.append("pl+1=" + places[i + 1])
        if doc is not None and case:
            d = _doc_feature(tokens[i], doc)
            if d:
                feats.append(d)
                if i == 0:
                    feats.append(d + "|BOS")
        if doc is not None and near and tokens[i][:1].isupper():
            feats.extend("dn" + k for k in sorted(doc.near.get(tokens[i], ())))
        if words is not None:
            feats.extend(words[i])
        if shouting:
            feats.append("SU")
            feats.append("SUw=" + entries[i][0][1][2:])
        out.append(feats)
    return out


class Featurizer:
    """The features of one model's groups: what the trainer and the tagger both compute."""

    def __init__(self, groups: Iterable[str], words=None) -> None:
        """``words`` (:class:`~.wordlists.WordList`): the table of the "words" group."""
        self.groups = frozenset(groups)
        unknown = self.groups - set(GROUPS)
        if unknown:
            raise ValueError(f"unknown feature groups {sorted(unknown)}")
        if "words" in self.groups and words is None:
            raise ValueError("feature group 'words' needs its table")
        self.words = words if "words" in self.groups else None
        self._places = None
        if "places" in self.groups:
            from .places import get_places

            self._places = get_places()

    def context(self, texts: Iterable[str]) -> DocumentContext | None:
        """The document context of a text given as paragraphs, if the groups use it."""
        return DocumentContext.of(texts) if self.groups & {"doc", "near"} else None

    def __call__(
        self,
        tokens: Sequence[str],
        gaz: Sequence[str] | None,
        context: DocumentContext | None = None,
    ) -> list[list[str]]:
        """Feature lists of one sentence (``context``: its document's; the sentence alone when
        None)."""
        doc = None
        if self.groups & {"doc", "near"}:
            doc = context if context is not None else DocumentContext.of([" ".join(tokens)])
        return sentence_features(
            tokens,
            gaz if "gaz" in self.groups else None,
            self._places.tags(tokens) if self._places is not None else None,
            doc,
            caps="caps" in self.groups,
            near="near" in self.groups,
            case="doc" in self.groups,
            conj="conj" in self.groups,
            words=self.words.tags(tokens) if self.words is not None else None,
        )
