"""CRF features for one token in its sentence.

Per-token features depend only on the token string and are cached; a sentence's feature
lists are built once from those (context words +-2, gazetteer tags from the authority).
``feature_func(tokens, idx)`` has the signature NLTK's ``CRFTagger(feature_func=...)``
expects, so the same features can drive that tagger.
"""

from __future__ import annotations

from collections.abc import Sequence

from .authority import Authority, get_authority

_TOKEN_CACHE: dict[str, tuple[list[str], dict[int, tuple[str, ...]]]] = {}
_CACHE_LIMIT = 200_000
_OFFSETS = (-2, -1, 1, 2)
# Name particles (Arabic, Persian, Dutch, German...): "al-Assad", "bin Laden", "van Gogh".
_PARTICLES = frozenset(
    "al el ad ar as ash at az an ud ul bin ibn bint abu abd abdul abdel ben van von der de "
    "del della di da dos du la le mac mc".split()
)


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


def sentence_features(tokens: Sequence[str], gaz: Sequence[str] | None = None) -> list[list[str]]:
    """Feature lists for every token of a sentence (``gaz``: per-token gazetteer tags)."""
    n = len(tokens)
    entries = [_token_entry(t) for t in tokens]
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
        if gaz is not None:
            g = gaz[i]
            if g != "O":
                feats.append("g=" + g)
                feats.append("gt=" + g[2:])
            if i > 0 and gaz[i - 1] != "O":
                feats.append("g-1=" + gaz[i - 1])
            if i + 1 < n and gaz[i + 1] != "O":
                feats.append("g+1=" + gaz[i + 1])
        out.append(feats)
    return out


_LAST: list = [None, None]


def feature_func(tokens: Sequence[str], idx: int, authority: Authority | None = None) -> list[str]:
    """Features of ``tokens[idx]``: the ``CRFTagger(feature_func=...)`` interface."""
    key = tuple(tokens)
    if _LAST[0] != key:
        auth = authority or get_authority()
        _LAST[0] = key
        _LAST[1] = sentence_features(key, auth.gazetteer(key))
    return _LAST[1][idx]
