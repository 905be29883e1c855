"""Named entities for Quarry: a CRF tagger (python-crfsuite) plus a curated alias authority.

``get_extractor().extract_document(paragraphs)`` returns the distinct canonical person,
organization and location names of a document (:class:`~quarry.archive.model.Entities`) and
every mention as written (:class:`~quarry.archive.model.Mention`, offsets into the paragraphs
joined by a blank line); ``extract_entities(paragraphs)`` the names alone.
``languages.has_model(code)`` says whether articles in a language are tagged at all, and
``annotate.paragraph_marks(article)`` where an article page marks its entities.
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
