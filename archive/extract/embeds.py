"""Posts embedded in an article, and the captions of its videos, put back into its text.

An article that quotes a post embeds it (a tweet, an Instagram, Bluesky, TikTok, Threads, Reddit
or Facebook post) inside a wrapper that the extractor takes for a social-media widget and drops,
and it drops a video's caption with the player. What the post or the caption says is part of
the article; it goes back where the page shows it, after the paragraph before it. Only embeds
inside the article's own container count, so a sidebar's feed stays out.
"""

from __future__ import annotations

import re

from lxml import etree

from quarry.archive.extract.boilerplate import is_boilerplate
from quarry.archive.extract.text_keys import opening

__all__ = ["add_embeds"]

_POSTS = (
    "twitter-tweet", "instagram-media", "bluesky-embed", "tiktok-embed", "text-post-media",
    "reddit-embed-bq", "fb-xfbml-parse-ignore", "mastodon-embed",
)  # fmt: skip
_VIDEO_HOSTS = ("youtube", "youtu.be", "vimeo", "dailymotion", "jwplayer", "brightcove", "video")
_EMBEDS = etree.XPath(
    "//blockquote["
    + " or ".join(f"contains(@class,'{c}')" for c in _POSTS)
    + "] | //figure[.//video or .//*[contains(@class,'video')] or .//iframe["
    + " or ".join(f"contains(@src,'{host}')" for host in _VIDEO_HOSTS)
    + "]]/figcaption"
)
_BLOCKS = ("p", "li", "h2", "h3", "h4", "blockquote", "figcaption", "td")
# the credit that ends a caption: "... in London. Video: Ana Ruiz / Valley Times"
_CREDIT = re.compile(
    r"\s*(?:\(|\b)(?:video|foto|photo|bild|image|quelle|source|kilde|källa)s?\s*:[^.!?]{0,80}$",
    re.I,
)


def _texts(embed: etree._Element) -> list[str]:
    """What an embed says: a post's paragraphs and its attribution line, or a caption."""
    paragraphs = [" ".join(p.text_content().split()) for p in embed.iter("p")]
    paragraphs = [p for p in paragraphs if p]
    whole = " ".join(embed.text_content().split())
    rest = whole
    for p in paragraphs:
        rest = rest.replace(p, " ", 1)
    rest = " ".join(rest.split())
    lines = [*paragraphs, rest] if paragraphs else [_CREDIT.sub("", whole)]
    return [line for line in lines if len(line.split()) >= 3 and not is_boilerplate(line)]


def _common_ancestor(a: etree._Element, b: etree._Element) -> etree._Element | None:
    # a set of the elements themselves: lxml keeps one proxy per node while it is referenced
    ancestors = {a, *a.iterancestors()}
    return next((x for x in (b, *b.iterancestors()) if x in ancestors), None)


def add_embeds(body: list[str], tree: etree._Element) -> list[str]:
    """``body`` with the text of the posts and video captions embedded in the article, each
    after the paragraph the page shows before it."""
    embeds = _EMBEDS(tree)
    if not embeds or len(body) < 2:
        return body
    inside = {x for e in embeds for x in e.iter()}  # held, so each node keeps its proxy
    keys = {opening(p): i for i, p in enumerate(body)}
    found: list[tuple[int, etree._Element]] = []  # (index of the body line before it, embed)
    matched: list[etree._Element] = []
    last = -1
    for el in tree.iter(*_BLOCKS):
        if el in inside:
            if el in embeds:
                found.append((last, el))
            continue
        key = opening(el.text_content())
        if key and key in keys:
            last = keys[key]
            matched.append(el)
    home = _common_ancestor(matched[0], matched[-1]) if len(matched) >= 2 else None
    if home is None or not found:
        return body
    known = " ".join(opening(p) for p in body)
    added: dict[int, list[str]] = {}
    for index, embed in found:
        if not any(a is home for a in embed.iterancestors()):
            continue
        for text in _texts(embed):
            if opening(text) not in known:
                added.setdefault(index, []).append(text)
                known += " " + opening(text)
    if not added:
        return body
    out = list(added.get(-1, []))
    for i, line in enumerate(body):
        out += [line, *added.get(i, [])]
    return out
