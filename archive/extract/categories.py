"""The article's categories: sections, tags and keywords the page declares."""

from __future__ import annotations

from typing import Any

__all__ = ["choose_categories"]


def choose_categories(md: dict[str, Any], doc: Any) -> list[str]:
    """Sections and tags from the page's metadata, then trafilatura's, each value once."""
    categories: list[str] = []
    for c in md["categories"] + list(doc.categories or []) + list(doc.tags or []):
        for part in str(c).split(","):
            part = " ".join(part.split())
            if part and part not in categories and len(part) < 80:
                categories.append(part)
    return categories
