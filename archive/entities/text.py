"""Sentence splitting and word tokenisation with character offsets (no downloaded data)."""

from __future__ import annotations

from functools import lru_cache

from nltk.tokenize import NLTKWordTokenizer

# Same-length replacements so that offsets in the cleaned text hold in the original.
_CLEAN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00a0": " "})


@lru_cache(maxsize=1)
def _sentence_tokenizer():
    import punkt

    return punkt.tokenizer_for("english", prefixes=True)


_WORDS = NLTKWordTokenizer()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (Punkt, English parameters)."""
    if not text.strip():
        return []
    return list(_sentence_tokenizer().span_tokenize(text))


def tokenize(text: str) -> list[list[tuple[int, int, str]]]:
    """Sentences of (start, end, token) triples; tokens are taken from ``text`` itself."""
    clean = text.translate(_CLEAN)
    out = []
    for s0, s1 in sentence_spans(clean):
        sent = clean[s0:s1]
        try:
            spans = list(_WORDS.span_tokenize(sent))
        except ValueError:  # alignment failure on odd quoting: fall back to whitespace
            spans = []
            pos = 0
            for w in sent.split():
                b = sent.index(w, pos)
                spans.append((b, b + len(w)))
                pos = b + len(w)
        toks = [(s0 + a, s0 + b, clean[s0 + a : s0 + b]) for a, b in spans if b > a]
        if toks:
            out.append(toks)
    return out
