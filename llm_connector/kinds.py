"""The Act's names for the wrong a story tells of, and which guide is about which.

A "what can I do?" answer should name the wrong as the Act does: a poor service is a "deficiency"
(section 2(11)), which includes "negligence" that causes injury; faulty goods have a "defect" (2(10)); a
lying ad is a "misleading advertisement" (2(28)); a seller's trick is an "unfair trade practice" (2(47)), a
tie-in a "restrictive trade practice" (2(41)); one-sided terms an "unfair contract" (2(46)); harm from a
product is "product liability" (2(34)). Most guides mention several of these in passing (what a commission
can order lists them all); a guide whose title names one is about it, so its sentence naming that wrong is
the one to quote (llm_connector/extractive.py `_named_kind`). A guide on a sector (banks and insurers,
airlines and telecom) names no wrong in its title; its sentence calling the wrong a deficiency and nothing
else ("Common deficiencies: lost, delayed or damaged baggage") is told to a story about that sector whose
answer names no wrong yet.
"""

from __future__ import annotations

import re

KINDS: dict[str, re.Pattern[str]] = {
    "restrictive trade practice": re.compile(r"\brestrictive\s+trade\s+practices?\b", re.IGNORECASE),
    "unfair trade practice": re.compile(r"\bunfair\s+trade\s+practices?\b", re.IGNORECASE),
    "misleading advertisement": re.compile(r"\bmisleading\s+advertisements?\b", re.IGNORECASE),
    "unfair contract": re.compile(r"\bunfair\s+contracts?\b", re.IGNORECASE),
    "product liability": re.compile(r"\bproduct\s+liability\b", re.IGNORECASE),
    "negligence": re.compile(r"\bnegligen(?:ce|t)\b", re.IGNORECASE),
    "deficiency": re.compile(r"\bdeficien(?:cy|cies|t)\b", re.IGNORECASE),
    "defect": re.compile(r"\bdefect(?:s|ive)?\b", re.IGNORECASE),
}

SERVICE_KINDS = frozenset({"deficiency", "negligence"})  # a poor service's wrong (section 2(11))

# a title's words of the remedy or of the law in general: every guide is about complaints and consumers,
# so only a title's other words ("hospitals", "advertisements", "contract") can say a story is its topic;
# "service" is a goods story's word too ("the service centre"), and the deficiency a service story is told
# comes with its own test (rag_core/kinds.py)
_GENERAL_TEXT = """complaint complaints complain consumer consumers commission file filing claim claiming
refund compensation case court action legal law act rights remedy remedies relief how what when where
which who why against about under for and the a an to of or in on it them your you can do caused harm
service services company companies"""
GENERAL_WORDS = frozenset(_GENERAL_TEXT.split())


def kinds_named(text: str) -> frozenset[str]:
    """The Act's names for a wrong that `text` uses."""
    return frozenset(name for name, pattern in KINDS.items() if pattern.search(text))


def title_words(title: str) -> str:
    """A guide title without its words of the remedy and of the law in general."""
    return " ".join(w for w in re.findall(r"[A-Za-z]+", title) if w.lower() not in GENERAL_WORDS)
