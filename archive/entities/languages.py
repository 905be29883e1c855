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


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    return {name.casefold(): code for code, name in Locale("en").languages.items()}


def language_code(language: str | None) -> str | None:
    """An article's language as a bare code: "en-US" -> "en", "English" -> "en"."""
    value = (language or "").strip().replace("_", "-")
    if not value:
        return None
    if len(value) > 3 and "-" not in value:
        return _codes_by_name().get(value.casefold(), value.casefold())
    return value.split("-", 1)[0].lower()


def model_path(language: str | None, model_dir: Path = MODEL_DIR) -> Path | None:
    """The model file for ``language`` (a code such as "en" or "en-GB"), or None."""
    code = language_code(language)
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
    code = language_code(language)
    what = language_name(code) if code else "language not detected"
    return f"entities not tagged ({what})"
