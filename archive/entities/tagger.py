"""The statistical tagger: one CRF model per language, behind one small interface.

``get_tagger("en")`` returns the shipped English :class:`Tagger` (loaded once, shared by threads)
or None for a language without a model; ``tagger_languages()`` lists the languages that have one.
``Tagger.tag(tokens, gaz)`` gives BIO labels over PER/ORG/LOC for one sentence; pass the
document's :class:`DocumentContext` (``Tagger.context(paragraphs)``) when the sentence is part of
a longer text, or use ``tag_document``. A model file ``ner-<lang>.crfsuite`` has a sidecar
``ner-<lang>.json`` naming the feature groups it was trained with.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from .features import DocumentContext, Featurizer
from .labels import to_bio

MODEL_DIR = Path(__file__).resolve().parent / "model"


def model_path(language: str, model_dir: Path = MODEL_DIR) -> Path:
    """Where the model of ``language`` lives: ``model/ner-<lang>.crfsuite``."""
    return Path(model_dir) / f"ner-{language}.crfsuite"


def read_meta(path: Path) -> dict:
    """The sidecar of a model file (an empty dict when there is none: alias gazetteer only)."""
    meta = Path(path).with_suffix(".json")
    if meta.is_file():
        return json.loads(meta.read_text(encoding="utf-8"))
    return {}


def read_tables(path: Path, meta: dict) -> dict:
    """The tables a model's sidecar names (``"tables": {"words": file}``), read from the
    model's folder: keyword arguments for :class:`Featurizer`."""
    from .wordlists import WordList

    readers = {"words": WordList.read}
    out = {}
    for group, name in (meta.get("tables") or {}).items():
        table = Path(path).parent / name
        if not table.is_file():
            raise FileNotFoundError(f"NER table missing: {table} (train it with `quarry train-ner`)")
        out[group] = readers[group](table)
    return out


class Tagger:
    """A CRF model and the features it was trained with."""

    def __init__(self, path: Path | str, language: str = "en") -> None:
        import pycrfsuite

        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(
                f"NER model missing: {self.path} (train it with `quarry train-ner`)"
            )
        meta = read_meta(self.path)
        self.language = meta.get("language", language)
        self.featurizer = Featurizer(meta.get("features", ["gaz"]), **read_tables(self.path, meta))
        self.scheme = meta.get("scheme", "bio")
        self._crf = pycrfsuite.Tagger()
        self._crf.open(str(self.path))
        self._lock = threading.Lock()

    def context(self, texts: Iterable[str]) -> DocumentContext | None:
        """The document context of a text given as paragraphs, if the model uses it."""
        return self.featurizer.context(texts)

    def tag(
        self,
        tokens: Sequence[str],
        gaz: Sequence[str] | None = None,
        context: DocumentContext | None = None,
    ) -> list[str]:
        """BIO labels (``B-PER``, ``I-ORG``, ``O``...) for one sentence's tokens.

        ``gaz``: the alias-table tags per token (``Authority.gazetteer``); ``context``: the
        document the sentence belongs to (the sentence alone when None)."""
        if not tokens:
            return []
        feats = self.featurizer(tokens, gaz, context)
        with self._lock:
            labels = self._crf.tag(feats)
        return to_bio(labels) if self.scheme == "bilou" else labels

    def tag_document(
        self, sentences: Sequence[Sequence[str]], gaz: Sequence[Sequence[str]] | None = None
    ) -> list[list[str]]:
        """Labels for every sentence of one document, with the document as context."""
        context = self.context(" ".join(s) for s in sentences)
        gazs = gaz if gaz is not None else [None] * len(sentences)
        return [self.tag(s, g, context) for s, g in zip(sentences, gazs, strict=True)]


_TAGGERS: dict[str, Tagger | None] = {}
_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def tagger_languages(model_dir: Path = MODEL_DIR) -> tuple[str, ...]:
    """The languages with a shipped model, sorted (e.g. ``("de", "en")``); read once."""
    return tuple(sorted(p.stem[4:] for p in Path(model_dir).glob("ner-*.crfsuite")))


def get_tagger(language: str) -> Tagger | None:
    """The shared tagger of ``language`` (a code such as "en"), or None when none is trained."""
    language = (language or "").lower().split("-")[0].split("_")[0]
    if language in _TAGGERS:
        return _TAGGERS[language]
    with _LOCK:
        if language not in _TAGGERS:
            path = model_path(language)
            _TAGGERS[language] = Tagger(path, language) if language and path.is_file() else None
    return _TAGGERS[language]
