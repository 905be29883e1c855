"""Reporting credits: who helped write the story, on a line of their own, not the story.

Agency and newspaper stories end, or a live ticker's summary closes, with a line naming the
reporters and the agencies whose material went into the text ("Associated Press writer Ana Ruiz
in Paris contributed to this report.", "Additional reporting from PA", "Reporting by Ana Ruiz;
Editing by Ben Cole", "Mit Informationen der Nachrichtenagenturen AFP und dpa", "Con información
de EFE"). It says who wrote the article, like a byline; it is not its text. No agency is named
here: a bare agency credit ("mit dpa") stays, which cost nothing measurable on the shared pages.
"""

from __future__ import annotations

import re

__all__ = ["is_reporting_credit"]

_MAX_WORDS = 45
_CREDIT = re.compile(
    r"contributed(?: reporting)?(?: to)? (?:this|the) (?:report|story|article)\W*$|"
    r"^\W*(?:additional|with|further) reporting (?:by|from)\b|"
    r"^\W*reporting by\b(?:[^.;]{0,80}(?:;|\bediting by\b)|(?:\W+\w+){1,6}\W*$)|"
    r"^\W*(?:writing|editing|compiled|translated) by\b.{0,80};|"
    r"^\W*mit (?:material|informationen|agenturmaterial) (?:von|der|des|aus)\b|"
    r"^\W*con informaci(?:ón|ones) de (?-i:[A-ZÁÉÍÓÚ])(?:\W*\w+){0,8}\W*$",
    re.I,
)


def is_reporting_credit(line: str) -> bool:
    """True for a line that credits the story's reporters or agencies and says nothing else."""
    return len(line.split()) <= _MAX_WORDS and bool(_CREDIT.search(line))
