"""Word lists the entity rules consult: what is never a name, what ends or starts one, and
what an appositive or a descriptor says a name is.

Kept apart from the rules so that a list can be read (and argued about) in one place.
"""

from __future__ import annotations

import re

PRONOUNS = frozenset(
    "i me my mine myself you your yours yourself yourselves he him his himself she her hers "
    "herself it its itself we us our ours ourselves they them their theirs themselves who whom "
    "whose this that these those one someone anyone everyone nobody".split()
)
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun today yesterday tomorrow".split()
)
# Page furniture that a CRF happily calls an organization or a location.
CHROME_ALWAYS = frozenset(
    [
        "related posts",
        "related articles",
        "share",
        "popular",
        "views",
        "view all result",
        "no result",
        "latest from twitter",
        "read more",
        "advertisement",
        "subscribe",
        "share on facebook",
        "share on twitter",
        "tweet",
        "print",
        "email",
        "comments",
        "cookie policy",
        "privacy policy",
        "privacy and cookie policy",
        "home",
        "contact",
        "newsletter",
        "videos",
        "video",
        "opinion pieces",
        "analysis",
        "reports",
        "interviews",
        "events",
        "contributors",
        "editorials",
        "about us",
        "who we are",
        "vision",
        "view all",
        "sign up",
        "log in",
        "menu",
        "search",
        "trending",
        "most read",
    ]
)
CHROME_SITES = frozenset(
    [
        "facebook",
        "twitter",
        "whatsapp",
        "linkedin",
        "instagram",
        "telegram",
        "reddit",
        "pinterest",
        "youtube",
        "tiktok",
        "email",
        "x",
    ]
)
# Common words that start sentences; a CRF may take their capital for a name.
COMMON = frozenset(
    """a an the and or but if so as at by for from in into of on onto to with without about
    above after against along among around before behind below beneath beside between beyond
    despite during except inside near off over since through throughout toward towards under
    until upon within also although because however indeed instead meanwhile moreover
    nevertheless nonetheless otherwise still then therefore thus though yet while whereas
    when where why how what which whether all any both each either every few many more most
    much neither no none not only other others same several some such there here
    according accordingly again already always ever never often once perhaps rather shortly
    soon sometimes later earlier finally first second third last next new old recent
    recently great good best better big small large long high low major minor important
    local national international global general official public private political
    military economic social security government state president minister secretary chief
    director spokesman spokeswoman spokesperson police army officials official sources source
    report reports news update breaking live video photo photos image watch listen read
    like unlike just even well yes okay ok please thanks thank dear hi hello sir madam mr mrs
    ms dr prof st mt gen col lt sgt capt rev hon jr sr is are was were be been being have has
    had do does did will would shall should can could may might must let lets let's it's
    said says say told asked added noted stated wrote called named known left right""".split()
)
TITLES = frozenset(
    """president vice prime minister secretary second first deputy foreign defence defense
    interior home chancellor king queen prince princess emir emperor sheikh shaykh sheik
    mullah mawlawi maulana imam ayatollah caliph general gen. gen lieutenant lt. colonel col.
    major maj. captain capt. sergeant sgt. commander admiral marshal senator sen. rep.
    representative governor gov. mayor judge justice ambassador envoy chief spokesman
    spokeswoman spokesperson mr mr. mrs mrs. ms ms. dr dr. prof prof. professor sir lord lady
    dame saint st. pope cardinal bishop rabbi father brother sister former late
    leader founder commander-in-chief executive chairman chairwoman ceo""".split()
)
DEMONYMS = frozenset(
    """afghan afghans american americans russian russians syrian syrians iraqi iraqis iranian
    iranians pakistani pakistanis israeli israelis palestinian palestinians turkish turk turks
    kurdish kurd kurds arab arabs saudi saudis yemeni yemenis egyptian egyptians libyan libyans
    lebanese jordanian jordanians qatari emirati chinese japanese korean koreans indian indians
    british briton britons english scottish welsh irish french german germans italian italians
    spanish spaniard portuguese dutch belgian swiss austrian swedish swede swedes norwegian
    danish finnish polish czech hungarian romanian bulgarian greek serbian croatian bosnian
    albanian ukrainian ukrainians belarusian georgian armenian azerbaijani chechen chechens
    uzbek uzbeks tajik tajiks kazakh kyrgyz turkmen pashtun pashtuns baloch hazara uyghur
    uyghurs somali somalis nigerian nigerians malian kenyan ethiopian sudanese african africans
    european europeans asian asians canadian canadians mexican mexicans brazilian australian
    australians western westerner westerners eastern northern southern soviet muslim muslims
    islamic islamist islamists jihadist jihadists christian christians jewish jew jews sunni
    sunnis shia shiite shiites alawite salafi salafist salafists catholic protestant hindu
    hindus sikh buddhist republican republicans democrat democrats conservative conservatives
    liberal liberals labour tory tories communist socialist nazi nazis""".split()
)
# Words that make a region's demonym of a demonym: "North American", "Latin American"
REGION_WORDS = frozenset(
    "north south east west central latin northern southern eastern western middle far".split()
)
CONNECTORS = frozenset(
    "of and the de del della di da dos du la le von van der den al el bin ibn bint abu for on "
    "in y e & upon".split()
)
# Words after a comma that still belong to the name before it ("King, Jr.", "OLM, Inc.")
NAME_SUFFIXES = frozenset("jr jr. sr sr. inc inc. ltd ltd. llc plc co. ii iii iv".split())
# Common nouns whose possessive is part of many names ("People's Republic of China", "King's
# College", "Women's Coalition", "Children's Hospital")
POSSESSIVE_NOUNS = frozenset(
    """people peoples women men children workers king queen lady farmers veterans citizens
    soldiers mothers fathers writers nurses teachers students nations""".split()
)
PERSON_TITLES = frozenset(
    """president gov governor rep representative sen senator ambassador minister leader mayor
    judge mr mrs ms dr prof lord sir chancellor secretary spokesman spokeswoman commissioner
    chairman chairwoman ceo premier envoy datuk dato datin tun seri haji sheikh emir king
    queen prince princess pope ayatollah mullah imam general gen lt col sgt capt admiral
    colonel lieutenant captain sergeant brigadier commander marshal""".split()
)
ORG_WORDS = frozenset(
    """authority agency council committee ministry department party university institute
    association union bank court commission office service services corporation company inc
    ltd group forces force army police bureau board centre center foundation organisation
    organization network news times post media club fund trust school college hospital""".split()
)
# Words before one capitalised noun that make it a defined term of a contract or a rule ("Each
# Party shall...", "No Member may..."), not a name.
DEFINED_TERM_DETERMINERS = frozenset("no each any every either neither".split())
# Last words that make a name of two words or more an organisation whatever the tagger typed
# it ("Boston Pops Orchestra", "Angleton High School", "Omega Psi Phi Fraternity"): bodies,
# schools and bands, never the last word of a place's or a person's name. Stricter than
# ORG_HEADS below: "West Bank", "Soviet Union", "Civic Center" are places.
ORG_LAST = frozenset(
    """orchestra quartet ensemble choir band records studios fraternity sorority party council
    committee ministry commission association corporation company agency institute foundation
    society federation league school university academy club""".split()
)
# Last words of names of natural and built features ("Shotley Bridge", "Miller Bluffs",
# "Hunter Pass"): never the last word of a person's name.
PLACE_LAST = frozenset(
    """street road avenue square bridge station airport river creek lake bay island islands
    peninsula mountain mountains pass canyon valley glacier glaciers bluff bluffs desert county
    province gate crossing checkpoint harbour harbor heights strait straits canal""".split()
)
# Last words of names of documents, events and bodies: never the end of a person's name.
NOT_PERSON_LAST = frozenset(
    """report reports strategy act acts agreement accord accords treaty convention
    declaration resolution charter protocol plan programme program initiative review index
    summit conference forum division brigade brigades battalion front movement party army
    forces network group council ministry committee commission court corps command
    operation operations province district camp""".split()
)
DOCUMENT_LAST = frozenset(
    """report reports strategy act agreement accord accords treaty convention declaration
    resolution charter protocol plan programme program initiative review index""".split()
)
# a name's last word that makes it a series of figures, not a body of people: "Reuters
# Estimates", "the Dow Jones Industrial Average", "the Nikkei Stock Average"
DATA_SERIES = frozenset("estimates consensus average averages".split())
# the possessive clitic as the tokenizer splits it off, straight or curly
POSSESSIVE = ("'s", "\u2019s")
MONEY = re.compile(r"^(?:[A-Z]{0,3}\$?|R|£|€)\d[\d.,]*(?:bn|m|k|tn|mn|b)?$")
TRAIL = ".,;:!?\"'()[]{}<>-–—*•|/\\…“”‘’"
LEAD = "\"'([{<-–—*•|/“”‘’"

ORG_HEADS = frozenset(
    """department ministry office council committee court commission agency institute
    university bank bureau board authority centre center school college association union
    federation organisation organization league party directorate service academy
    foundation society corporation assembly parliament secretariat command""".split()
)
DETERMINERS = frozenset(
    "the a an this that these those its their his her our each every no any all some such either "
    "neither both".split()
)
# heads that also end place names ("West Bank", "Earls Court"): a name ending in one is left as
# the tagger or the authority typed it
PLACE_HEADS = frozenset({"bank", "court", "center", "centre", "school", "college"})

# Head nouns of an appositive ("X, the association that ...", "X, a former prosecutor")
# that say what kind of name X is.
APPOSITIVE_HEADS = {
    **dict.fromkeys(
        """prosecutor leader commander founder spokesman spokeswoman spokesperson minister
        president analyst researcher professor journalist cleric preacher ideologue militant
        emir chief director author lawyer judge activist envoy ambassador officer scholar
        expert son daughter wife husband brother father mother widow physician doctor
        politician lawmaker senator governor general colonel secretary chairman recruiter
        propagandist bomber gunman attacker suspect""".split(),
        "person",
    ),
    **dict.fromkeys(
        """group association organisation organization movement militia party network agency
        company firm charity coalition faction alliance newsletter newspaper magazine outlet
        broadcaster platform bank ministry council committee brigade battalion institute
        foundation university affiliate branch franchise offshoot contractor mission
        organisations groups militias movements parties""".split(),
        "organization",
    ),
    **dict.fromkeys(
        """city town village region province district camp country capital neighbourhood
        neighborhood island valley river port enclave territory county suburb""".split(),
        "location",
    ),
}
APPOSITIVE_STOP = frozenset(
    "that which who whose whom where of in on at for with by from and or to as , . ; : ( )".split()
)
# Nouns that say what the name right after them is: "Swedish daily Dagens Nyheter", "the
# broadcaster NRK", "militant group Tanzim al-Shabab"
DESCRIPTOR_HEADS = frozenset(
    """newspaper daily tabloid weekly magazine broadcaster outlet website channel agency group
    militia organisation organization company firm charity party movement""".split()
)
# People who work somewhere: "an analyst at Merrill Lynch", "chief economist with Bear
# Stearns" name the employer, an organisation (a firm named after its founders included)
EMPLOYEE_NOUNS = frozenset(
    """analyst analysts economist economists strategist strategists trader traders banker
    bankers broker brokers executive executives manager managers director partner partners
    researcher researchers employee employees lawyer lawyers engineer engineers consultant
    consultants spokesman spokeswoman spokesperson official officials""".split()
)
# A story's credit line names people: "(Reporting by Jane Doe; Editing by John Roe)"
CREDIT_LINES = frozenset("reporting editing writing compiled photographs photos".split())
# ... and right after the firm: "Bear Stearns analyst Justin Hott" (not "spokesman" or
# "lawyer", which follow people's names too: "Obama spokesman Josh Earnest")
FIRM_STAFF = frozenset(
    "analyst analysts economist economists strategist strategists trader traders".split()
)
# A listed company's paper: "Ford shares fell", "shares of Merrill Lynch", "a stake in Lehman"
# say the name is a firm's, whatever it looks like (a given name and a surname).
SECURITIES = frozenset("shares stock stocks shareholders stockholders bonds".split())
SPEECH_VERBS = frozenset(
    "said says say told tells added noted stated wrote argued warned claimed insisted".split()
)
MARKET_MOVES = frozenset(
    """rose fell jumped slid gained lost dropped climbed closed ended traded tumbled surged
    slipped edged rallied plunged soared sank dipped added eased advanced declined were was
    have had are""".split()
)

# Titles that also open the names of firms and bodies ("General Electric", "Premier Foods",
# "King Digital", "Prince's Trust"): an organisation starting with one keeps it
TITLED_FIRMS = frozenset("general premier king queen prince princess".split())

# Legal-form words that end a company's name ("General Motors Corp", "Merrill Lynch & Co
# Inc", "Siemens AG"): a name ending in one is an organisation, whatever the tagger said.
COMPANY_SUFFIXES = frozenset(
    """corp corp. corporation inc inc. incorporated co co. cos cos. company companies ltd
    ltd. limited plc llc llp lp l.p. ag sa s.a. nv n.v. bv b.v. gmbh spa s.p.a. ab asa oyj
    bhd pty holdings holding group bancorp bancshares industries partners""".split()
)

# Words that say a text is about armed groups or terrorism: the support an ambiguous alias
# ("IS", "ISIS", "ISI", "AQ") needs in its article when no other name of the same entity is
# there. Short on purpose: each must be rare in business, culture and sports reporting.
SUPPORT_WORDS = frozenset(
    """fighters militants militant jihadist jihadists jihadi jihadis caliphate insurgents
    insurgency terrorist terrorists terrorism extremist extremists""".split()
)
