"""Named entities for Quarry: a CRF tagger (python-crfsuite) plus a curated alias authority.

``extract_entities(paragraphs)`` returns the distinct canonical person, organization and
location names of a document as an :class:`archive.model.Entities`.
"""

from __future__ import annotations

from .authority import Authority, get_authority
from .extract import EntityExtractor, extract_entities, get_extractor

__all__ = [
    "Authority",
    "EntityExtractor",
    "extract_entities",
    "get_authority",
    "get_extractor",
]
