"""Which languages the entity tagger has a model for, and what an article in another gets.

No model runs on a language it was not trained for: an article is tagged only when a model
file for its language is present (``model/ner-<lang>.crfsuite``; English's is
``model/ner.crfsuite``). Any other article gets no entities and the note
``entities not tagged (<language name>)``.

An article whose language was not detected is not tagged either ("language not detected"):
the language guessers abstain only on text too short or too mixed to call, and guessing
English there would run the English model on whatever language the text is in, which is
the failure this rule exists to prevent.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

MODEL_DIR = Path(__file__).resolve().parent / "model"
DEFAULT_LANGUAGE = "en"
_PREFIX, _SUFFIX = "ner-", ".crfsuite"


def model_path(language: str | None, model_dir: Path = MODEL_DIR) -> Path | None:
    """The model file for ``language`` (an ISO 639-1 code), or None when there is none."""
    code = (language or "").strip().lower()
    if not code:
        return None
    names = [f"{_PREFIX}{code}{_SUFFIX}"]
    if code == DEFAULT_LANGUAGE:
        names.append(f"ner{_SUFFIX}")
    for name in names:
        path = model_dir / name
        if path.is_file():
            return path
    return None


def tagged_languages(model_dir: Path = MODEL_DIR) -> tuple[str, ...]:
    """The languages with a model file present, sorted."""
    codes = {p.name[len(_PREFIX) : -len(_SUFFIX)] for p in model_dir.glob(f"{_PREFIX}*{_SUFFIX}")}
    if (model_dir / f"ner{_SUFFIX}").is_file():
        codes.add(DEFAULT_LANGUAGE)
    return tuple(sorted(codes))


def has_model(language: str | None) -> bool:
    """True when articles in ``language`` can be tagged."""
    return model_path(language) is not None


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """The English name of a language code ("de" -> "German"); the code itself if unknown."""
    try:
        name = Locale("en").languages.get(Locale.parse(code.replace("-", "_")).language)
    except (UnknownLocaleError, ValueError, TypeError):
        name = None
    return name or code


def untagged_note(language: str | None) -> str:
    """Why an article in ``language`` is not tagged, or "" when it is."""
    if has_model(language):
        return ""
    what = language_name(language) if language else "language not detected"
    return f"entities not tagged ({what})"
