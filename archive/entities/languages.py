"""Which languages the entity tagger has a model for, and what an article in another gets.

No model runs on a language it was not trained for: an article is tagged only when the tagger
has a model for its language (``model/ner-<lang>.crfsuite``, see :mod:`.tagger`). Any other
article gets no entities and the note ``entities not tagged (<language name>)``.

An article whose language was not detected is not tagged either ("language not detected"):
the language guessers abstain only on text too short or too mixed to call, and guessing
English there would run the English model on whatever language the text is in, which is
the failure this rule exists to prevent.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

from .tagger import tagger_languages

DEFAULT_LANGUAGE = "en"


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


def tagged_languages() -> tuple[str, ...]:
    """The languages the tagger has a model for, sorted."""
    return tagger_languages()


def has_model(language: str | None) -> bool:
    """True when articles in ``language`` can be tagged."""
    code = language_code(language)
    return bool(code) and code in tagger_languages()


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
