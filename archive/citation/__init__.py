"""Citations: one CSL-JSON record per article, and everything made from it.

``csl_item`` builds the record (names split, type by source, container, dates); ``ris_record``
and ``bibtex_entry`` write it for reference managers; ``render`` formats it in APA, Chicago or
MLA with citeproc-py and the official CSL styles. No Flask, no Whoosh: the web app, the
``quarry search --format`` command and the export writers share it.
"""

from __future__ import annotations

from .bibtex import bibtex_entry, bibtex_key
from .csl import csl_item, item_type
from .names import csl_name
from .ris import ris_record
from .styles import DEFAULT_STYLE, STYLES, render, style_title

__all__ = [
    "DEFAULT_STYLE",
    "STYLES",
    "bibtex_entry",
    "bibtex_key",
    "csl_item",
    "csl_name",
    "item_type",
    "render",
    "ris_record",
    "style_title",
]
