"""Lines after the article's end that the page sets outside the article, out of its text.

The extractor now and then runs on past the article into what follows it on the page: a note
about the newsroom, a subscription offer, a sign-in warning, a box from the sidebar. The
article's own container is the innermost element that holds most of its prose (three quarters
of the words of its paragraphs of twelve words or more); lines after the last one found inside
it, that the page sets outside it, are not the article's. Lines the page does not show as an
element of their own, and tails that would take more than a quarter of the text, stay.
"""

from __future__ import annotations

from collections import Counter

from lxml import etree

from quarry.archive.extract.text_keys import opening, word_count

__all__ = ["drop_outside_tail"]

_BLOCKS = ("p", "div", "li", "h2", "h3", "h4", "h5", "h6", "td", "dd", "blockquote", "span", "a")
_PROSE_WORDS = 12  # a paragraph of the article's prose, not a heading or a label
_SHARE = 0.75  # of the prose's words that the article's container holds
# the page's blocks whose text starts with the given characters, found by lxml itself
_STARTING = etree.XPath(
    "//*[" + " or ".join(f"self::{tag}" for tag in _BLOCKS) + "]"
    "[starts-with(normalize-space(.), $start)]"
)


def _home(
    body: list[str], tree: etree._Element
) -> tuple[etree._Element | None, dict[str, etree._Element]]:
    """The innermost element holding three quarters of the words of the body's prose
    paragraphs, and the page's paragraph (``<p>``) for each line that is one."""
    keys = {opening(line): word_count(line) for line in body}
    paras: dict[str, etree._Element] = {}
    held: Counter[etree._Element] = Counter()
    for para in tree.iter("p"):
        key = opening(para.text_content())
        if key not in keys or key in paras:
            continue
        paras[key] = para
        if keys[key] >= _PROSE_WORDS:
            for node in (para, *para.iterancestors()):
                held[node] += keys[key]
    total = sum(n for n in map(word_count, body) if n >= _PROSE_WORDS)
    homes = [node for node, count in held.items() if count >= _SHARE * total]
    home = max(homes, key=lambda node: sum(1 for _ in node.iterancestors()), default=None)
    return home, paras


def drop_outside_tail(body: list[str], tree: etree._Element) -> list[str]:
    """``body`` without the lines after its last line inside the article's container that the
    page sets outside that container."""
    if len(body) < 3:
        return body
    home, paras = _home(body, tree)
    if home is None:
        return body
    keys = [opening(line) for line in body]
    last_para = paras.get(keys[-1])
    if last_para is not None and any(a is home for a in last_para.iterancestors()):
        return body  # the text ends inside the article, as it mostly does
    within = {opening(el.text_content()) for el in home.iter(*_BLOCKS)} - {""}
    last = max((i for i, key in enumerate(keys) if key in within), default=len(body))
    outside = set()
    for i in range(last + 1, len(body)):
        start = " ".join(body[i].split())[:30]
        if start and any(
            opening(el.text_content()) == keys[i] for el in _STARTING(tree, start=start)
        ):
            outside.add(i)
    dropped = sum(word_count(body[i]) for i in outside)
    if not outside or dropped > 0.25 * sum(map(word_count, body)):
        return body
    return [line for i, line in enumerate(body) if i not in outside]
