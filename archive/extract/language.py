"""The article's language: the page's declaration, unless its text clearly reads otherwise."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["choose_language", "guess_language"]

_STOPWORDS = {
    "en": "the of and to in is that for it with as was on are be by this have from at not but or",
    "de": "der die und das ist nicht den von zu mit sich des auf für dem ein eine im auch es als",
    "fr": "le la les et des est un une du que pour dans en pas qui sur au avec ce il sont par",
    "es": "el la de que y los en del las un por con una para es se al lo como más pero sus",
    "it": "il di che la per un del della è non una con sono le gli nel alla dei più anche si",
    "nl": "de het een en van is dat op te in zijn voor met die niet aan er ook als bij",
    "pt": "de que não o da do em para com uma os no se na por mais as dos como mas ao",
    "sv": "och att det som är en på av för med till den inte har om ett var jag men",
    "da": "og at det er en til på af for med den ikke har som de et var jeg men",
    "no": "og det er at en på til av for med som ikke har de den et var jeg men",
    "pl": "i w nie na się z do że to jest jak po co ale od za jego tak przez",
    "cs": "a se na že je v to s z do jako pro by ale o jsou není také byl jeho",
    "tr": "ve bir bu da için ile de olarak daha çok gibi olan en ama kadar sonra",
    "id": "yang dan di dengan untuk ini itu dari dalam tidak akan pada juga ke adalah",
    "fi": "ja on ei se että oli hän mutta kuin myös tai ovat ole jo",
    "hu": "a az és hogy nem is egy meg van de ez már csak még mint",
    "ro": "și în de la cu pe a că nu un o din care este mai pentru",
    "vi": "của và là các những được trong có cho với một người này không đã",
    "lt": "ir kad yra su į iš bet ar kaip tai buvo jo taip",
    "is": "og að er í á sem það til með ekki var um af en",
}
_STOPSETS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str | None:
    """ISO 639-1 code from the script (CJK, Cyrillic, ...) or stopword counts; None if unsure."""
    sample = text[:5000]
    if not sample.strip():
        return None
    scripts = {
        "ja": len(re.findall(r"[\u3040-\u30ff]", sample)),
        "ko": len(re.findall(r"[\uac00-\ud7af]", sample)),
        "zh": len(re.findall(r"[\u4e00-\u9fff]", sample)),
        "cyr": len(re.findall(r"[\u0400-\u04ff]", sample)),
        "el": len(re.findall(r"[\u0370-\u03ff]", sample)),
        "he": len(re.findall(r"[\u0590-\u05ff]", sample)),
        "ar": len(re.findall(r"[\u0600-\u06ff]", sample)),
        "th": len(re.findall(r"[\u0e00-\u0e7f]", sample)),
    }
    letters = len(_WORD.findall(sample)) or 1
    if scripts["ja"] > 20:
        return "ja"
    if scripts["ko"] > 20:
        return "ko"
    if scripts["zh"] > 20:
        return "zh"
    if scripts["cyr"] > 50:
        return "uk" if re.search(r"[іїєґ]", sample) else "ru"
    for code in ("el", "he", "ar", "th"):
        if scripts[code] > 50:
            return code
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < 8:
        return None
    scores = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOPSETS.items()}
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < 3 or top < 1.2 * second or top / letters < 0.05:
        return None
    return best


def _normalise_lang(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower())[0]
    aliases = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "jp": "ja", "cz": "cs", "gr": "el"}
    code = aliases.get(code, code)
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def choose_language(md: dict[str, Any], body_text: str) -> str | None:
    declared = next((c for c in map(_normalise_lang, md["langs"]) if c), None)
    guessed = guess_language(body_text)
    if guessed and declared != guessed:
        # Templates often keep lang="en"; trust a clear reading of the text over it.
        return guessed
    return declared or guessed

