"""Pages with little text: a real short post, or a page that only holds the place of one.

A page whose text is under ``MIN_WORDS`` words is still an article when it is a short post (a
notice, a photo with its caption, a two-line announcement) that says it is one: an
``<article>`` element holding its paragraphs, or a declared article, posting, photo or video
(JSON-LD type or ``og:type``). Other short pages are skipped, each with its own reason: an
access check that a bot-protection service shows instead of the page, a JavaScript shell whose
text is loaded by scripts (not in the saved HTML), or a page with no article.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from quarry.archive.extract.boilerplate import is_boilerplate
from quarry.archive.extract.metadata import ARTICLE_TYPES
from quarry.archive.extract.text_keys import opening, word_count

__all__ = [
    "ACCESS_CHECK",
    "HOLDING_MAX_WORDS",
    "JAVASCRIPT_SHELL",
    "MIN_WORDS",
    "access_check",
    "error_page",
    "javascript_shell",
    "short_post",
    "word_count",
]

MIN_WORDS = 40
# the most words an access check or a JavaScript shell shows; a longer page is read as a page
HOLDING_MAX_WORDS = 150

ACCESS_CHECK = "access check page (a bot-protection service answered instead of the site)"
JAVASCRIPT_SHELL = "JavaScript page without its text (the text is loaded by scripts)"

# What the pages of bot-protection services say and load (Cloudflare, Imperva/Incapsula,
# DataDome, PerimeterX, Akamai, Sucuri, DDoS-Guard)
_ACCESS_TEXT = re.compile(
    r"checking (?:if the site connection is secure|your browser)|"
    r"verify(?:ing)? (?:that )?you are (?:a )?human|complete the security check|"
    r"enable javascript and cookies to continue|this process is automatic|"
    r"why have i been blocked|unusual traffic from your computer|press (?:&|and) hold|"
    r"incapsula incident|ddos protection by|request unsuccessful|pardon our interruption|"
    r"are you a robot|bot verification|access to this page has been denied",
    re.I,
)
_ACCESS_TITLE = re.compile(
    r"^(?:just a moment|attention required|access denied|403 forbidden|security check|"
    r"are you a robot|one more step|robot check|captcha|ddos-guard|please wait)\b",
    re.I,
)
_ACCESS_MARKUP = re.compile(
    r"/cdn-cgi/challenge-platform/|cf-browser-verification|_Incapsula_Resource|"
    r"captcha-delivery\.com|px-captcha|sucuri_cloudproxy",
    re.I,
)
_NEEDS_JAVASCRIPT = re.compile(
    r"(?:enable|activate|turn on|requires?|need) (?:to enable )?javascript|javascript (?:is )?"
    r"(?:required|disabled|must be enabled)|javascript aktivieren|activer javascript|"
    r"activa(?:r)? javascript|abilita(?:re)? javascript",
    re.I,
)
_APP_ROOT = "//*[@id='root' or @id='app' or @id='__next' or @id='__nuxt' or @id='___gatsby'] | //app-root"
_VISIBLE_TEXT = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript "
    "or ancestor::template)]"
)


def _visible_words(tree: etree._Element) -> int:
    return sum(len(str(t).split()) for t in tree.xpath(_VISIBLE_TEXT))


def access_check(tree: etree._Element, html: str, title: str) -> bool:
    """True for a bot-protection service's check page (served in place of the article)."""
    if _ACCESS_TITLE.match(title.strip()) or _ACCESS_MARKUP.search(html):
        return True
    text = " ".join(" ".join(str(t).split()) for t in tree.xpath(_VISIBLE_TEXT))
    return len(text.split()) <= HOLDING_MAX_WORDS and bool(_ACCESS_TEXT.search(text))


def javascript_shell(tree: etree._Element) -> bool:
    """True for a page whose text comes from scripts: next to no visible text, and a
    note asking for JavaScript, an application's empty mount point, or mostly script."""
    if _visible_words(tree) >= 50:
        return False
    notes = " ".join(el.text_content() for el in tree.iter("noscript"))
    if _NEEDS_JAVASCRIPT.search(notes) or tree.xpath(_APP_ROOT):
        return True
    return sum(len(el.text or "") for el in tree.iter("script")) > 10_000


_POST_TYPES = ARTICLE_TYPES | {"imageobject", "videoobject", "photograph", "mediaobject", "image"}
_NOT_POSTS = {"website", "webpage", "profile", "product", "book", "business.business", "place"}
_SCOPE = "//article | //*[@itemprop='articleBody']"
_OUTSIDE = {"nav", "header", "footer", "aside", "form"}


def _declares_post(md: dict[str, Any]) -> bool:
    """The page says it is one piece of content: an article or posting, a photo or a video
    (a JSON-LD type, or an ``og:type`` such as "article", "video.other" or "app:photo")."""
    types = md["types"]
    if types & _POST_TYPES:
        return True
    og_types = md["meta"].get("og:type", [])
    return any(t.lower() not in _NOT_POSTS and not t.lower().startswith("music.") for t in og_types)


def _scope_paragraphs(tree: etree._Element) -> list[str]:
    """The paragraphs of the page's one ``<article>`` (or article body), furniture aside; none
    on a page of several articles (a list of teasers)."""
    found_scopes = tree.xpath(_SCOPE)
    scope = [el for el in found_scopes if not any(a in found_scopes for a in el.iterancestors())]
    if len(scope) != 1:
        return []
    found: list[str] = []
    for el in scope[0].iter("p", "blockquote"):
        if any(a.tag in _OUTSIDE for a in el.iterancestors()):
            continue
        text = " ".join(el.text_content().split())
        if text and not is_boilerplate(text) and text not in found:
            found.append(text)
    return found


def short_post(tree: etree._Element, md: dict[str, Any], body: list[str]) -> list[str]:
    """The text of a short post, or [] when the page is not one.

    The paragraphs of its ``<article>`` when it has one. For a page that declares a post, else
    the extracted lines that are sentences when they say what the page's description says, else
    the description (a photo's caption): a site's promotion is no post's text.
    """
    paragraphs = _scope_paragraphs(tree)
    if paragraphs:
        return paragraphs
    if not _declares_post(md):
        return []
    sentences = [line for line in body if len(line.split()) >= 4 and line[-1:] in ".!?…\"”"]
    described = md["descriptions"][:1]
    if not described or (sentences and opening(described[0], 6) in opening(" ".join(sentences), 60)):
        return sentences
    return described


# the title of a page that says the article is not there
_NOT_FOUND = re.compile(
    r"\b(?:404|page not found|not found|seite nicht gefunden|page introuvable|"
    r"página no encontrada|pagina non trovata|error)\b",
    re.I,
)


def error_page(title: str, words: int) -> bool:
    """True for a short page whose title says it is an error ("404", "Page not found")."""
    return words < HOLDING_MAX_WORDS and bool(_NOT_FOUND.search(title))
