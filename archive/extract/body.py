"""The article's text from what the extractor found: boilerplate lines out, pieces put back.

Trafilatura finds the main text well on most pages; these steps correct what it gets wrong on
some: the site's furniture kept as paragraphs (``boilerplate``), lists of other stories
(``link_blocks``), a standfirst repeating the page's description (``teaser``), fact boxes,
photo captions and the article's header (``asides``), what follows the article outside its
container (``tail``), pull quotes that repeat a sentence of the story (``pull_quotes``), an
article split between advertisements of which only the first part is found, the next story of
an endless-scroll page taken as more of this one, and embedded posts and video captions
dropped with their widgets (``embeds``).
"""
from __future__ import annotations

import re
from html import unescape as html_unescape
from typing import Any

from lxml import etree

from quarry.archive.extract.asides import drop_asides
from quarry.archive.extract.authors import BYLINE_LINE
from quarry.archive.extract.boilerplate import is_boilerplate, paragraphs
from quarry.archive.extract.embeds import add_embeds
from quarry.archive.extract.gaps import fill_gaps
from quarry.archive.extract.link_blocks import drop_link_blocks
from quarry.archive.extract.metadata import parse_date_text
from quarry.archive.extract.pull_quotes import drop_pull_quotes
from quarry.archive.extract.summaries import drop_summary_boxes
from quarry.archive.extract.tail import drop_outside_tail
from quarry.archive.extract.teaser import drop_teaser
from quarry.archive.extract.text_keys import opening, word_list, words
from quarry.archive.extract.title import squash


def article_text(text: str, md: dict[str, Any], tree: etree._Element) -> list[str]:
    """The article's paragraphs from the extractor's ``text``, the page's declared metadata
    (its JSON-LD article bodies and descriptions) and its parsed HTML."""
    body = _fuller_body(paragraphs(text), md["bodies"])
    body = drop_link_blocks(_one_article(_continued(body, tree), tree), tree)
    body = drop_summary_boxes(fill_gaps(body, tree), tree)
    body = drop_asides(drop_teaser(body, tree, md["descriptions"]), tree)
    body = drop_pull_quotes(drop_outside_tail(body, tree), tree)
    return add_embeds(body, tree)


_CMS_MARK = re.compile(r"^\+{3}\w*$")  # "+++dropcap": a content system's layout marker
# Markdown some publishers write articleBody in: [text](url), *emphasis*{: .small}
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\s]+(?:\s+\"[^\"]*\")?\)")
_MD_ATTR = re.compile(r"\{:[^}\n]*\}")
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,2}|_{1,2})(?=\S)(.+?)(?<=\S)\1(?![\w*])")


def _fuller_body(body: list[str], stated: list[str]) -> list[str]:
    """The article's text as the page's JSON-LD ``articleBody`` gives it, when that holds
    the extracted text and half as much again: pages that split an article into several
    containers (between advertisements) lose all but the first to the extractor.

    Only a stated body in paragraphs that begins like the extracted text and contains its last
    paragraph is taken, so a summary, a teaser or another article never replaces the text.
    """
    if not body:
        return body
    length = sum(len(p.split()) for p in body)
    first, last = opening(body[0]), opening(body[-1])
    for text in stated:
        if re.search(r"</?[a-z][^>]*>", text):
            continue  # markup, not text
        text = _MD_EMPHASIS.sub(r"\2", _MD_ATTR.sub("", _MD_LINK.sub(r"\1", html_unescape(text))))
        parts = [p for p in paragraphs(text) if not _CMS_MARK.match(p)]
        if len(parts) < 4 or sum(len(p.split()) for p in parts) < 1.5 * length:
            continue
        if first in words(" ".join(parts[:3])) and last in words(text):
            return parts
    return body


_BLOCKS = ("p", "h2", "h3", "blockquote")


def _continued(body: list[str], tree: etree._Element) -> list[str]:
    """The extracted text and its continuations: pages that break an article into several
    containers of the same kind (the same tag and class, between advertisements) lose all
    but the first to the extractor; the paragraphs of the later ones are added.

    The first container must hold little besides the extracted text, and a later one counts
    only with two or more paragraphs of prose, so lists of links, tags or most-read headlines
    that share a class with the article are never taken for its text.
    """
    if len(body) < 2:
        return body
    first, last = opening(body[0]), opening(body[-1])
    if not first or not last:
        return body
    # the innermost classed container of the paragraph that ends the text and of the first one
    home = None
    for para in tree.iter("p"):
        if last in words(para.text_content()):
            home = next(
                (
                    el for el in para.iterancestors("div", "section")
                    if el.get("class") and first in words(el.text_content())
                ),
                None,
            )  # fmt: skip
            break
    length = sum(len(p.split()) for p in body)
    if home is None or length < 0.5 * len(word_list(home.text_content())):
        return body
    seen = {opening(p) for p in body}
    added: list[str] = []
    for el in tree.iter(home.tag):
        if el.get("class") != home.get("class") or el is home or _related(el, home):
            continue
        blocks = []
        for block in el.iter(*_BLOCKS):
            text = " ".join(block.text_content().split())
            key = opening(text)
            if not text or key in seen or is_boilerplate(text):
                continue
            if block.tag in ("p", "blockquote") and len(text.split()) < 8:
                continue
            blocks.append((block.tag, text, key))
        if sum(tag != "h2" and tag != "h3" for tag, _, _ in blocks) >= 2:
            for _, text, key in blocks:
                seen.add(key)
                added.append(text)
    return body + added if sum(len(p.split()) for p in added) >= 40 else body


def _related(a: etree._Element, b: etree._Element) -> bool:
    return a in b.iterancestors() or b in a.iterancestors()


def _one_article(body: list[str], tree: etree._Element) -> list[str]:
    """The text of the page's article only, when the page holds several whole articles (an
    endless-scroll page appends the next story in another ``<article>``): paragraphs found
    only in another of them are dropped, so their words and names are not this article's."""
    if len(body) < 2:
        return body
    texts = []
    for el in tree.iter("article"):
        if any(a.tag == "article" for a in el.iterancestors()):
            continue
        text = words(el.text_content())
        if len(text.split()) >= 150:
            texts.append(text)
    if len(texts) < 2:
        return body
    keys = [opening(p) for p in body]
    home = next((t for t in texts if keys[0] and keys[0] in t), None)
    if home is None:
        return body
    others = [t for t in texts if t is not home]
    return [p for p, k in zip(body, keys, strict=True) if k in home or not any(k in t for t in others)]


def drop_head_lines(body: list[str], title: str, authors: list[str]) -> list[str]:
    """Drop the headline, byline and dateline that trafilatura keeps at the top of the text."""
    title_key = squash(title)
    author_keys = {squash(a) for a in authors}
    out: list[str] = []
    for i, line in enumerate(body):
        key = squash(line)
        if key and key == title_key:
            continue
        if i < 4 and len(line.split()) <= 12:
            if BYLINE_LINE.match(line) or (key and key in author_keys):
                continue
            # a dateline; not an embedded post's attribution ("— Name (@handle) May 3, 2024")
            dated = parse_date_text(line) and not line.startswith(("—", "–"))
            if dated and len(line.split()) <= 8 and not line.endswith("."):
                continue
        out.append(line)
    return out
