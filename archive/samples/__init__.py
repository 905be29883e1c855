"""A small bundled sample archive: fictional "Quarry Sample Review" articles written for Quarry.

``pages/`` holds plain-text whole-page captures (European Eye on Radicalization layout) and
``html/`` holds HTML5 article pages. They are for demos and tests; see ``README.md`` (CC0).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["sample_dir"]


def sample_dir() -> Path:
    """The folder that holds the sample files (``pages/*.txt``, ``html/*.html``, ``README.md``)."""
    return Path(__file__).parent
