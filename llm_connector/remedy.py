"""What a "what can I do?" story is asking for: the remedy, the forum and the deadline.

People tell what went wrong (the fridge stopped cooling, the coaching centre kept the fees) and ask what
they can do. The sentences sharing most of the story's words describe the wrong (a defect, an unfair
trade practice); the answer they need is the remedy: a complaint to the consumer commission for the
amount paid, within two years, and what the commission can order (refund, replacement, compensation).
These patterns say whether a question asks that, which sentences state each part of it, and whether a
story is about buying online at all (a guide on e-commerce rights does not answer a shop purchase).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from common.remedy import COMPLAINT, FORUM, TIME_LIMIT

# the part of a remedy each kind of sentence states (the forum and the time limit: common.remedy); "replaced"
# is what happened ("e-Jagriti, which replaced e-Daakhil"), not what a commission orders
RELIEF = re.compile(r"\b(?:refund|replace(?:ment)?s?|compensation)\b", re.IGNORECASE)
_BY_COMMISSION = re.compile(r"\bcommission\b|\bsection\s+39\b|\bcomplaint\b", re.IGNORECASE)
_BAND = re.compile(r"\bup\s*to\s+(?:Rs|₹)", re.IGNORECASE)  # "up to Rs 50 lakh District Commission"
_HEADING = re.compile(r"^(?:What|How|When|Where|Which|Who|Why)\b")  # a guide's summary line, no statement
_APPEAL = re.compile(r"\bappeal\w*|\brevision\b|\breview\b", re.IGNORECASE)

# a story about buying online; without one, sentences on e-commerce rights answer nothing in it
ONLINE_CUE = re.compile(
    r"\bonline\b|\be-?commerce\b|\bapps?\b|\bwebsites?\b|\bsites?\b|\bplatforms?\b|\bmarketplaces?\b"
    r"|\bportal\b|\border(?:ed|s)?\b|\bmangwa\w*|\binternet\s+shopping\b"
    # the marketplaces people name instead of saying "online"
    r"|\b(?:amazon|flipkart|myntra|meesho|ajio|nykaa|snapdeal|jiomart|swiggy|zomato|blinkit|zepto|bigbasket"
    r"|makemytrip|goibibo)\b",
    re.IGNORECASE,
)
_ONLINE_TEXT = re.compile(
    r"\be-commerce\b|\bplatforms?\b|\bmarketplaces?\b|\belectronic\s+service\s+provider"
    r"|\b(?:buy\w*|bought|shopping|sold|ordered)\s+online\b|\bonline\s+(?:shopping|purchases?|sellers?|orders?|stores?)\b",
    re.IGNORECASE,
)
_FILING_ONLINE = re.compile(r"\be-?filing\b|\be-Daakhil\b|\be-Jagriti\b|\bfile\s+online\b", re.IGNORECASE)


def remedy_parts(text: str) -> frozenset[str]:
    """Which parts of the remedy a sentence states: "forum" (the commission to complain to), "limit"
    (the two years of section 69, not an appeal's period) and "relief" (what the commission can order)."""
    parts: set[str] = set()
    if _HEADING.match(text):
        return frozenset()
    if FORUM.search(text) and (COMPLAINT.search(text) or _BAND.search(text)) and not _APPEAL.search(text):
        parts.add("forum")
    if TIME_LIMIT.search(text) and not _APPEAL.search(text):
        parts.add("limit")
    if RELIEF.search(text) and _BY_COMMISSION.search(text):
        parts.add("relief")
    return frozenset(parts)


_NAMED_FORUM = re.compile(r"\b(?:District|State|National)\s+Commission\b")


def named_forum(text: str) -> bool:
    """The sentence names which commission ("the District Commission"), not "the commission that matches"."""
    return bool(_NAMED_FORUM.search(text))


# a commission named alone or in a list ("the District, State or National Commission")
_LISTED_FORUM = re.compile(
    r"\b(District|State|National)\b(?=(?:\s*,\s*|\s+(?:or|and)\s+)(?:District|State|National)\b|\s+Commissions?\b)"
)
# the value paid each commission hears under the 2021 Jurisdiction Rules (replies.REVISED_LIMITS): (low, high]
FORUM_BANDS = {"District": (0.0, 50e5), "State": (50e5, 2e7), "National": (2e7, float("inf"))}
# an unfair-contract complaint goes to the State or National Commission at any amount (section 47(1)(a)(ii))
_UNFAIR_CONTRACT = re.compile(r"\bunfair\s+contract|\bone-?sided\b|\bclauses?\b", re.IGNORECASE)


def named_forums(text: str) -> frozenset[str]:
    """The commissions a sentence names: "District", "State", "National"."""
    return frozenset(_LISTED_FORUM.findall(text))


def wrong_forum(text: str, question: str, money: Sequence[float]) -> bool:
    """The sentence sends the person only to commissions whose money band holds none of the amounts paid
    (the State Commission for Rs 60,000 of coaching fees): a forum that would turn the complaint away. With
    no amount in the story, a sentence naming commissions but not the District Commission, which hears
    nearly every story, counts as wrong too. An unfair-contract question keeps its State Commission."""
    names = named_forums(text)
    if not names or ("District" in names and not money) or _UNFAIR_CONTRACT.search(question):
        return False
    if not money:
        return True
    return not any(FORUM_BANDS[n][0] < a <= FORUM_BANDS[n][1] for n in names for a in money)


# how the Act's bodies are run (the Central Authority's seat, audit, staff): never what a person can do
_ADMINISTRATION = re.compile(
    r"\bheadquarters\b|\baudit\w*|\bComptroller\b|\bsalar(?:y|ies)\b|\ballowances\b|\bappoint\w*"
    r"|\bterms?\s+of\s+office\b|\bvacanc\w*|\bresign\w*|\bmeetings?\b|\bquorum\b|\bofficers\s+and\s+(?:other\s+)?employees\b"
    r"|\bannual\s+report\b|\bbudget\b|\bconditions\s+of\s+service\b",
    re.IGNORECASE,
)


def administrative(text: str) -> bool:
    """The sentence is about running a commission or authority (its seat, accounts, members' terms)."""
    return bool(_ADMINISTRATION.search(text))


# a sector's own route beside the commission (the guides name it: the RBI Integrated Ombudsman, the Insurance
# Ombudsman, the electricity ombudsman, the company's or platform's grievance officer)
_ROUTES = {
    "ombudsman": re.compile(r"\bombudsman\b", re.IGNORECASE),
    "grievance officer": re.compile(
        r"\bgrievance\s+(?:or\s+nodal\s+)?officer\b|\bnodal\s+officer\b", re.IGNORECASE
    ),
}


def sector_routes(text: str) -> frozenset[str]:
    """The sector routes a sentence names: "ombudsman", "grievance officer"."""
    return frozenset(name for name, pattern in _ROUTES.items() if pattern.search(text))


def online_story(question: str) -> bool:
    return bool(ONLINE_CUE.search(question))


def about_online_buying(text: str) -> bool:
    """A sentence on buying online (e-commerce rules, platforms), not on filing a complaint online."""
    return bool(_ONLINE_TEXT.search(text)) and not _FILING_ONLINE.search(text)


def platform_route(text: str) -> bool:
    """A sentence sending the person to an online platform's grievance or nodal officer ("If refused,
    write to the platform's grievance officer"): a route that exists only for buying online."""
    return about_online_buying(text) and "grievance officer" in sector_routes(text)
