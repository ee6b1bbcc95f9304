"""Whether a question asks what the person can do, and whether a text tells them where and by when.

Shared by rag_core (a "what can I do?" story's passages should include one naming the commission and the
two-year limit) and llm_connector (such a story is answered with that remedy first: llm_connector/remedy.py).
"""

from __future__ import annotations

import re

# the asking sentence wants a way out, not a definition or a figure: "what can I do", "kya karu"
ASKS_REMEDY = re.compile(
    r"\bwhat\s+(?:can|could|should|shall|do|must)\s+(?:i|we)\s+(?:do|now)\b"
    r"|\bwhat\s+(?:are|r)\s+(?:my|our)\s+(?:options|rights|remed\w*)"
    r"|\bwhat\s+(?:remed\w*|options|action)\b"
    r"|\b(?:can|could|should|may)\s+(?:i|we)\s+(?:complain|sue|take\s+(?:any\s+)?action|file\s+a\s+(?:case|complaint))"
    r"|\bwhere\s+(?:can|do|should|to|shall)\s+(?:i\s+|we\s+)?(?:complain|file)\b"
    r"|\bhow\s+(?:can|do|should)\s+(?:i|we)\s+get\s+(?:my|our|the)\s+money\s+back\b"
    # "can I get a new car?", "can we get a refund", "can i claim compensation": the remedy itself asked for
    r"|\b(?:can|could|will|may)\s+(?:i|we)\s+(?:get|claim|ask\s+for|demand)\s+(?:a\s+|an\s+|my\s+|our\s+|the\s+|any\s+)?"
    r"(?:money\s+back|refund|replace\w*|new\b|compensation|damages)"
    r"|\bis\s+there\s+(?:any|a)\s+(?:remed\w*|way\s+out|solution|legal\s+(?:remed\w*|action))\b"
    r"|\bwhat\s+legal\s+(?:action|steps|remed\w*|options)\b"
    r"|\banything\s+(?:i|we)\s+can\s+do\b|\bwhat\s+do\s+(?:i|we)\s+do\b"
    r"|\bkya\s+kar(?:u|un|oon|en|e|ein|na\s+chahiye|\s+sakt[aie])\b"
    r"|^\s*help\W*$",
    re.IGNORECASE | re.MULTILINE,
)
# where to complain and by when: a commission, the act of complaining, the two years of section 69
FORUM = re.compile(
    r"\b(?:District|State|National)\s+Commission\b|\bconsumer\s+commission\b|\bcommission\s+that\s+"
    r"matches\b",
    re.IGNORECASE,
)
TIME_LIMIT = re.compile(r"\btwo\s+years\b|\bsection\s+69\b", re.IGNORECASE)
COMPLAINT = re.compile(r"\bcomplain\w*|(?<!-)\bfil(?:e|ed|ing)\b|\binstituted\b", re.IGNORECASE)


def asks_remedy(asking: str) -> bool:
    """Whether the asking sentence asks what the person can do about what happened."""
    return bool(ASKS_REMEDY.search(asking))


def states_remedy(text: str) -> bool:
    """Whether a passage tells where to complain and by when: a commission, a complaint, the two years."""
    return bool(FORUM.search(text) and COMPLAINT.search(text) and TIME_LIMIT.search(text))


# the kind of wrong by the Act's name for it: "The Act calls a poor service a "deficiency"", "is termed a
# deficiency"; a sentence only using the word ("remove the deficiency") names no kind
NAMES_DEFICIENCY = re.compile(
    r"\b(?:calls?|called|terms?|termed)\b[^.;:]{0,60}?[\"“”']?\bdeficienc(?:y|ies)\b", re.IGNORECASE
)


def names_deficiency(text: str) -> bool:
    """Whether a passage names a poor service's wrong by the Act's word for it, a "deficiency"."""
    return bool(NAMES_DEFICIENCY.search(text))
