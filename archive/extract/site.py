"""The site an article comes from: the publisher's name, or else the domain of its address."""

from __future__ import annotations

import re

from .clean import site_from_url

__all__ = ["choose_site", "site_from_url"]

# a copyright notice around the name: "© 2024 Valley Times. All rights reserved", "版权所有"
_COPYRIGHT = re.compile(
    r"©|\(c\)|\bcopyright\b|all rights reserved|alle rechte vorbehalten|tous droits réservés|"
    r"todos los derechos reservados|版权所有|\b(?:19|20)\d{2}\b",
    re.I,
)


def _name(value: str) -> str | None:
    value = " ".join(value.split())
    if re.match(r"^(?:https?:)?//", value, re.I):
        return site_from_url(value if "://" in value else "http:" + value)
    value = _COPYRIGHT.sub(" ", value)
    value = " ".join(value.split()).strip(" .,;:|-–—")
    return value or None


def choose_site(declared: list[str], url: str | None, fallback: str | None = None) -> str | None:
    """The first name the page declares for its publisher (JSON-LD ``publisher``,
    ``og:site_name``, ...) that is a name, else the URL's domain, else ``fallback``."""
    for value in declared:
        name = _name(value)
        if name:
            return name
    return site_from_url(url) or fallback
