"""Lines of a page's text that are the site talking, not the article: boilerplate by its wording.

The extractor keeps some of the site's own furniture as paragraphs: share and print buttons,
picture credits and captions, consent placeholders where an embedded post would load,
newsletter and subscription prompts and paywall notices, "Order Reprints" and "Click to Tweet"
boxes, the headings of "You may also like" lists, machine timestamps and image addresses. Each
is recognised by what it says, on a line of its own, so a sentence of the article that merely
mentions a newsletter or a cookie stays. A line said several times stays too (a recipe's steps,
an interviewer's questions, a refrain), unless it is known placeholder text.
"""
from __future__ import annotations

import re

from .clean import is_cms_token
from .credits import is_reporting_credit
from .metadata import month_number

__all__ = ["is_boilerplate", "is_placeholder", "paragraphs"]

_CHROME = re.compile(
    r"^(?:share(?: this)?(?: article| story| on \w+)?|tweet|e-?mail|print|copy link|"
    r"advertisement|anzeige|werbung|publicité|publicidad|pubblicità|sponsored|"
    r"related(?: articles| stories| content| news| coverage| topics)?|read more|more from .{0,40}|"
    r"read next|see also|recommended|lesen sie auch|mehr zum thema|auch interessant|"
    r"lire aussi|à lire aussi|leer más|te puede interesar|leggi anche|"
    r"sign up.{0,80}|subscribe.{0,80}|follow us.{0,60}|newsletter|"
    # a copyright notice; not a sentence about copyright law
    r"(?:all rights reserved|©).{0,200}|copyright(?:\W+\w+){0,5}|"
    r"copyright\b(?=.{0,20}(?:©|\(c\)|\b(?:19|20)\d{2}\b|all rights)).{0,200}|click here.{0,60}|"
    r"this material may not be (?:published|reproduced|redistributed).{0,120}|"
    r"(?:image|photo|foto|bild|video)(?: credit)?:?.{0,80}|getty images|"
    r"(?:we use|this (?:site|website) uses) cookies.{0,300}|accept(?: all)? cookies|"
    r"(?:zur|to the) (?:startseite|homepage)|"
    r"loading\.{0,3}|skip (?:to|ad).{0,40}|comments?|\d+ comments?|comments? \(\d+\)|"
    r"(?:show|view|hide|load|see) (?:all |the )?(?:\d+ )?comments?(?: \(\d+\))?|"
    # where an advertisement or a player interrupts the text
    r"(?:the )?(?:story|article|text) continues (?:below|after)(?: (?:this|the))?"
    r"(?: advertisement| ad)?|continue reading(?: the main story| below| the story| the article)?|"
    r"(?:advertisement\W*)?scroll (?:down )?to continue(?: with content| reading)?|"
    r"media playback is (?:unsupported|not supported) on your device|"
    r"listen to (?:this|the) (?:article|story)(?:\W*\d+ min(?:utes?|s)?)?|"
    r"sponsored (?:content|post|links?|stories)|paid (?:post|content)|partner content|"
    r"this (?:story|article) has been shared [\d,.]+ times|"
    r"(?:zum )?hauptinhalt|main content|(?:aller au )?contenu principal|"
    # notes on the story or its broadcast, not the story
    r"this (?:is a )?(?:breaking|developing) news? story.{0,80}|"
    r"this story (?:is developing|will be updated|has been updated).{0,80}|"
    r"for more (?:stories|news|articles|content) like this.{0,60}|"
    r"(?:über )?dieses thema (?:berichtet|im programm).{0,120}|"
    # reprint and tweet boxes, and the headings of lists of other stories
    r"(?:order |purchase )?reprints?(?: & permissions| and permissions)?|"
    r"click to tweet|tweet this(?: quote)?|view this (?:post|profile) on \w+|"
    r"(?:you (?:may|might) (?:also )?(?:like|enjoy)|more (?:stories|news|on this story)|"
    r"most (?:read|popular|viewed)|popular|trending(?: now)?|don't miss|top stories|"
    r"(?:das )?könnte (?:sie )?(?:auch )?interessieren|ähnliche(?: artikel| themen)?|"
    r"meistgelesen|weitere (?:artikel|nachrichten)|les plus lus|czytaj (?:więcej|też|także)|"
    r"más información|lo más leído|i più letti)\W*|"
    # comment and contact prompts
    r"(?:join|read) (?:our|the) (?:commenting forum|comment policy).{0,120}|"
    r"would you like to comment on this article\?|"
    r"please read our comment policy.{0,80}|leave a (?:comment|reply)|"
    r"join (?:the|our|thought-provoking) (?:conversations?|discussion|debate).{0,120}|"
    r"(?:kommentar(?:e| schreiben)?|commentaires?|comentarios?|commenti)|"
    # subscription walls
    r"(?:already a subscriber|log in or create an account|create a free account).{0,80}|"
    r"(?:suscr[ií]bete|abonnez-vous|abonnieren|jetzt abonnieren|iscriviti|abonner)\W*|"
    r"\d+ (?:wochen|tage|monate) kostenlos testen.{0,40}"
    r")\W*$",
    re.I,
)

# a picture credit on a line of its own: "STR/AFP via Getty Images", "Foto: dpa"
_CREDIT_LINE = re.compile(
    r"(?:getty images|shutterstock|istock|\bimago\b|\bpicture alliance|"
    r"/(?:afp|reuters|ap|epa|dpa)\b|\b(?:photo|foto|bild|image|фото)\s*:)",
    re.I,
)

# a picture's caption that ends in its credit: "The dam at dawn. Photo: Ana Ruiz", "… | Name/dpa",
# and a source line of its own: "Quelle: AFP"
_CAPTION = re.compile(
    r"\b(?:bild|foto|photo|image|picture|kuva|фото)s?\s*:\s*[^.!?:]{2,60}$|"
    r"\|\s*[^|]{2,60}/(?:dpa|afp|reuters|ap|epa|imago)\s*$|^(?:quelle|source|fuente|fonte)\s*:\s*\S+$",
    re.I,
)

# What a page shows in place of content it will not load without consent, in the languages of
# the sources: "External content not available", "Ein Klick für den Datenschutz", "I agree that
# external content is shown to me", "Your privacy settings prevent loading this content".
_PLACEHOLDER = re.compile(
    r"external content|third[- ]party content|content (?:is )?not available|"
    r"(?:privacy|cookie|consent) (?:settings|preferences|choices)|"
    r"(?:enable|allow|accept) (?:javascript|cookies|all cookies|marketing cookies)|"
    r"to (?:view|see|display|load|show) this (?:content|post|video|tweet|embed)|"
    r"(?:this|the) (?:embed|content|post|video) (?:could not|cannot|can't) be (?:loaded|shown|displayed)|"
    r"externe[nrs]? inhalte?|inhalt (?:ist )?nicht verfügbar|zur anzeige aktiviere|ein klick für den datenschutz|"
    r"empfohlener redaktioneller inhalt|(?:datenschutz|cookie|privatsphäre)-?einstellungen|"
    r"contenu externe|contenu (?:n'est )?(?:pas )?disponible|paramètres de (?:confidentialité|cookies)|"
    r"contenido externo|contenido no disponible|contenuto esterno|contenuto non disponibile|"
    r"externe inhoud|eksternt innhold|eksternt indhold|externt innehåll|treść zewnętrzna",
    re.I,
)

# a bare machine timestamp, perhaps labelled: "2024-05-03T14:05:00Z", "Updated: 2024-05-03 14:05"
_TIMESTAMP = re.compile(
    r"^(?:[^\W\d_]+\.?:?\s+){0,2}\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
    r"(?:Z|\s?[+-]\d{2}:?\d{2})?)?$",
    re.I,
)
# A line that only says when: "Updated 15.59 | Published 14.14", "Friday, 28.04.2023, 19:25",
# "Aktualisiert am": labels, weekdays, months, zones and numbers, no word of a sentence.
_STAMP_WORDS = frozenset(
    "updated published posted modified last first on at am pm uhr um stand zuletzt "
    "aktualisiert veröffentlicht erstellt publié mis à jour le modifié h publicado actualizado el "
    "las pubblicato aggiornato il alle ore gepubliceerd bijgewerkt om op publicerad uppdaterad "
    "kl publisert oppdatert publiceret opdateret opublikowano aktualizacja "
    "utc gmt bst cet cest mez mesz est edt cst cdt pst pdt "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi "
    "vendredi samedi dimanche lunes martes miércoles jueves viernes sábado domingo måndag "
    "tisdag onsdag torsdag fredag lördag söndag mandag tirsdag lørdag søndag".split()
)
_STAMP_LABELS = frozenset(
    "updated published posted modified aktualisiert veröffentlicht erstellt publié modifié "
    "publicado actualizado pubblicato aggiornato gepubliceerd bijgewerkt publicerad uppdaterad "
    "publisert oppdatert publiceret opdateret opublikowano aktualizacja".split()
)
_WHEN = re.compile(r"\b\d{1,2}[:.h]\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")


def _only_when(line: str, words: int) -> bool:
    """True for a line of date and time labels and values only (see ``_STAMP_WORDS``)."""
    if words > 10:
        return False
    letters = re.findall(r"[^\W\d_]+", line.casefold())
    if not all(w in _STAMP_WORDS or month_number(w) for w in letters):
        return False
    # a label, or a time or numeric date outside a table's row (a timetable's times are text);
    # a year or a month alone may head a part of a timeline
    labelled = any(w in _STAMP_LABELS for w in letters)
    return labelled or ("|" not in line and bool(_WHEN.search(line)))


# how long the article takes to read, at a line's end: "Lesedauer: 4 Minuten", "6 min read"
_READING_TIME = re.compile(
    r"(?:\b(?:lesedauer|lesezeit|reading time|read time|temps de lecture|tiempo de lectura|"
    r"tempo di lettura|lästid|lesetid|czas czytania)\s*:?\s*(?:ca\.?\s*)?\d+\s*"
    r"(?:min(?:uten|utes|uter|utter|ute|s)?)\.?|\b\d+\s*-?\s*min(?:ute)?s?\.?\s+read)\W*$",
    re.I,
)


def _reading_time(line: str, words: int) -> bool:
    """True for a reading-time note, alone or after the line's date and time."""
    found = _READING_TIME.search(line) if words <= 14 else None
    if found is None:
        return False
    rest = line[: found.start()].strip(" |·•,;–-")
    return not rest or bool(_TIMESTAMP.match(rest)) or _only_when(rest, len(rest.split()))


# an image's address or file name on a line of its own
_IMAGE_URL = re.compile(
    r"^\S*\.(?:jpe?g|png|gif|webp|avif|svg|bmp|tiff?)(?:[?#]\S*)?$|"
    r"^(?:https?:)?//\S+/(?:images?|img|media|photos?|uploads?)/\S+$",
    re.I,
)
# newsletter sign-ups: the word, and the reader addressed ("sign up", "your inbox", "Sie")
_NEWSLETTER = re.compile(r"newsletter|nyhetsbrev|nieuwsbrief|boletín", re.I)
# the reader addressed, or speaking in the form's first person ("With my sign-up I agree ...")
_READER = re.compile(
    r"(?i:\b(?:you|your|our|sign up|subscribe|vous|votre|notre|tu|te|nuestro|iscriviti|quieres|"
    r"je|jouw|deg|dig|unser(?:e|en|em)?|my|ich|mein(?:e[mnrs]?)?)\b)|\b(?:Sie|Ihr|Ihnen|I)\b"
)
# subscription prompts and paywall notices: the word, and the reader addressed
_SUBSCRIPTION = re.compile(
    r"\b(?:subscri(?:ption|ber)|suscri(?:pci[oó]n|ptor)|abonn(?:ement|ent|é)|abbonamento|"
    r"abbonat|prenumera(?:tion|nt))",
    re.I,
)
# someone's words, a quotation ending in its punctuation ("Sign up," he said): not the site's prompt
_SPEECH = re.compile("[,.!?…][\"“”»]")
# the site about itself: an error-report box, an old-browser notice, a prompt to follow the
# site or fetch its app
_SITE_NOTE = re.compile(
    r"melden sie (?:uns )?(?:den|einen) fehler|^(?:report|spotted|found) (?:an? )?(?:error|typo)|"
    r"you(?:'re| are) using an? (?:outdated|unsupported|old(?:er)?) (?:web )?browser|"
    r"browser version with limited support|(?:update|upgrade) your browser|"
    r"^follow .{1,60}\bon (?:twitter|x|facebook|instagram|tiktok|threads|bluesky|linkedin)\b",
    re.I,
)
# an app offered to the reader: "Get our app for Android and iOS", "Hier geht es zur App"
_APP = re.compile(r"\bapp\b.{0,80}\b(?:android|ios|app store|google play)\b", re.I)
_APP_PROMPT = re.compile(r"\b(?:download|get|install|here|hier|jetzt|herunterladen)\b", re.I)
_CONTACT = re.compile(r"\S+@\S+\.\w+")
_CONTACT_PROMPT = re.compile(r"get in touch|e-?mail us|contact us|write to us|schreiben sie uns", re.I)
# an address set after a label, ending the line: "Email: ...", "Feedback zu diesem Artikel an: ..."
_CONTACT_LABELLED = re.compile(r":\s*\S+@\S+\.\w+\W*$")
# "MORE: <headline>", "Lesen Sie auch: <headline>": a pointer to another story
_PROMO = re.compile(
    r"^(?:more|read more|also read|read also|see also|watch|related|recommended|"
    r"lesen sie (?:auch|mehr)|"
    r"mehr (?:dazu|zum thema)|auch interessant|(?:à )?lire aussi|voir aussi|le(?:er|a) también|"
    r"leggi anche|czytaj (?:też|także|więcej)|zobacz (?:też|także)|les også|läs också|lees ook)"
    r"\s*:\s*\S|^>>\s*\S",
    re.I,
)



# where the site files the story: "Tags: drought, water", "Filed under: Environment"
_FILED = re.compile(
    r"^(?:(?:tags?|topics?|categor(?:y|ies)|keywords|schlagw(?:o|ö)rte|themen|mots[- ]clés|"
    r"etiquetas|argomenti)\s*:|filed under\b|posted in\b|tagged(?: with)?\s*:?)\s*\S",
    re.I,
)


def _menu_line(line: str) -> bool:
    """A row of the site's links set on one line: "Order Reprints | Today's Paper | Subscribe".
    Three or more short items, none a sentence, one of them the site's furniture; a table's
    row (which starts with its bar) is text."""
    if line.startswith("|"):
        return False
    items = [item.strip() for item in re.split(r"\s[|•·]\s", line)]
    return (
        len(items) >= 3
        and all(0 < len(item.split()) <= 5 and not item.endswith((".", "?", "!")) for item in items)
        and any(_CHROME.match(item) for item in items)
    )


def is_placeholder(line: str) -> bool:
    """True for what a page shows in place of an embed it will not load without consent."""
    return len(line.split()) <= 60 and bool(_PLACEHOLDER.search(line))


def is_boilerplate(line: str) -> bool:
    """True for a line that is the site's furniture (see the module's description)."""
    words = len(line.split())
    if words > 60:  # a paragraph of the article: every rule here is for shorter lines
        return False
    if _CHROME.match(line) or is_placeholder(line) or is_cms_token(line):
        return True
    if is_reporting_credit(line):
        return True
    if words <= 8 and _CREDIT_LINE.search(line) and not line.endswith((".", "?", "!")):
        return True
    if words <= 40 and _CAPTION.search(line):
        return True
    if _TIMESTAMP.match(line) or _IMAGE_URL.match(line) or _only_when(line, words):
        return True
    if _reading_time(line, words):
        return True
    if words <= 15 and not line.endswith(".") and (_FILED.match(line) or _menu_line(line)):
        return True
    if (
        words <= 45
        and (_NEWSLETTER.search(line) or _SUBSCRIPTION.search(line))
        and _READER.search(line)
        and not _SPEECH.search(line)
    ):
        return True
    if words <= 30 and _CONTACT.search(line):
        if _CONTACT_PROMPT.search(line) or _CONTACT_LABELLED.search(line):
            return True
    if words <= 45 and not _SPEECH.search(line):
        if _SITE_NOTE.search(line):
            return True
        if _APP.search(line) and (_READER.search(line) or _APP_PROMPT.search(line)):
            return True
    return words <= 25 and bool(_PROMO.match(line)) and not line.endswith(".")


def paragraphs(text: str) -> list[str]:
    """Lines of text as paragraphs: blank lines, boilerplate lines and a line that repeats the
    one before it out."""
    found: list[str] = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if not line or is_boilerplate(line):
            continue
        if found and found[-1] == line:
            continue
        found.append(line)
    return found
